/**
 * For tests and benchmarks only: the Drizzle handle behind an open store, to check what a write
 * left in the tables or to set up states the API cannot make. Application code goes through the
 * store's repositories; nothing under src/ outside src/db imports this module.
 */
import type { AtlasDb } from './connection.js';

const handles = new WeakMap<object, AtlasDb>();

/** Called by the store when it opens. */
export function registerHandle(store: object, db: AtlasDb): void {
  handles.set(store, db);
}

/** The database handle of an open store. */
export function databaseOf(store: object): AtlasDb {
  const db = handles.get(store);
  if (!db) throw new Error('not an open atlas store');
  return db;
}
