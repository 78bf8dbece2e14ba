/**
 * Server start hook: once the seed snapshot has been loaded into the atlas, put back the caches
 * that travel next to it (`caches.bin.gz`: embeddings; activations are recomputed), so rescoring,
 * search and comparison work on the default atlas. Does its work once; failures are reported and
 * leave the (label-only) atlas usable.
 */
import { dirname, join } from 'node:path';
import type { AtlasStore } from '../../db/index.js';
import { restoreCaches } from './caches.js';

export const CACHES_FILE = 'caches.bin.gz';

export async function restoreSeedCaches(store: AtlasStore, seedPath: string, log: (line: string) => void): Promise<void> {
  const seed = await store.meta.get('seed');
  if (seed?.status !== 'loaded') return;
  try {
    await restoreCaches(store, { path: join(dirname(seedPath), CACHES_FILE), log });
  } catch (error) {
    log(`could not restore the default atlas's embeddings and activations (rescoring and search need them): ${(error as Error).message}`);
  }
}
