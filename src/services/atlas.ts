/**
 * Opening the atlas, the database behind every service: for the composition roots (the server
 * and each CLI command), which open it once, build the services they need on it and close it.
 */
import { openStore, type AtlasStore, type StoreOptions } from '../db/atlas-store.js';
import { resolveTarget } from '../db/connection.js';

export { openStore as openAtlas, resolveTarget, type AtlasStore, type StoreOptions };

/** Where the atlas is: flags of the CLI, else ATLAS_DATA_DIR / DATABASE_URL. */
export interface AtlasLocation {
  dataDir?: string;
  databaseUrl?: string;
}

/** Opens the atlas at `where`, runs `work`, closes it. */
export async function withAtlas<T>(where: AtlasLocation, work: (store: AtlasStore) => Promise<T>): Promise<T> {
  const store = await openStore({
    ...(where.dataDir ? { dataDir: where.dataDir } : {}),
    ...(where.databaseUrl ? { databaseUrl: where.databaseUrl } : {}),
  });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
