/** The atlas data-access layer: open a store, then read and write through its repositories. */
export { openStore, AtlasStore, QueueUnavailableError } from './atlas-store.js';
export type { StoreOptions } from './atlas-store.js';
export type { ModelRow, LayerInfo, VersionPreference } from './repositories/models.js';
export type { ClipModelRow } from './repositories/clip-models.js';
export type { ProbeSetRow } from './repositories/probe-sets.js';
export type { ConceptSetRow } from './repositories/concept-sets.js';
export { ModelGoneError, RunBusyError, RunNotFoundError, RunStillRunningError, ImportConflictError } from './repositories/runs.js';
export type {
  BaseRun,
  BeginRunInput,
  CleanupOptions,
  ImportedRun,
  ImportOutcome,
  ImportTarget,
  ResumableRun,
  RunFilter,
  RunLayer,
  RunRow,
} from './repositories/runs.js';
export type { LabelRow, NeuronFilter, NeuronListItem, NeuronOrder, NeuronPage, NeuronPageQuery, TopImageRow, UnitLabel } from './repositories/labels.js';
export type { ImageHit, NeuronHit, NeuronSearchFilter, NeuronSearchResult, RefreshHooks } from './repositories/search.js';
export { AtlasLockedError } from './lock.js';
export { resolveTarget } from './connection.js';
export type { DriverName, OpenOptions } from './connection.js';
export type * from '../core/types.js';
