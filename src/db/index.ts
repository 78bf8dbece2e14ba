/** The atlas data-access layer: open a store, write through AtlasStore, read through store.reader. */
export { openStore, AtlasStore } from './atlas-store.js';
export type { StoreOptions, LayerRow, BeginRunInput, ResumableRun, CleanupOptions } from './atlas-store.js';
export { AtlasReader } from './atlas-reader.js';
export { AtlasLockedError } from './lock.js';
export { resolveTarget } from './connection.js';
export type { DriverName, OpenOptions } from './connection.js';
export type * from '../core/types.js';
