/**
 * `npm start`: serves the atlas over GraphQL on the embedded database (or DATABASE_URL), loading
 * the default atlas from seed/ when the database is empty.
 * Env: PORT (default 4000), HOST (default 127.0.0.1), DATABASE_URL, ATLAS_DATA_DIR, ATLAS_SEED.
 */
import { config } from '../core/config.js';
import { openAtlas, type AtlasStore } from '../services/atlas.js';
import { loadSeedIfEmpty } from '../services/seed.js';
import { createAtlasServer } from './app.js';
import { restoreSeedCaches } from '../services/default-atlas/startup.js';

export interface ServeOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  seed?: boolean;
}

function log(message: string): void {
  process.stderr.write(`atlas: ${message}\n`);
}

export async function serve(opts: ServeOptions = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const where = { dataDir: opts.dataDir, databaseUrl: opts.databaseUrl };
  // The requests' connection: on a PGlite folder, the folder is hosted by a worker thread and
  // reached through its socket (db/pglite-host.ts), which commands started beside the server share.
  const deadline = config().requestTimeoutMs;
  const store = await openAtlas({ ...where, host: true, ...(deadline ? { statementTimeoutMs: deadline } : {}) });
  let server: Awaited<ReturnType<typeof createAtlasServer>> | undefined;
  try {
    log(`atlas database: ${store.driver} at ${store.location}${store.hosted ? ' (shared with local commands through its socket)' : ''}`);
    if (opts.seed !== false) {
      // Start-up writes (seed, caches) take as long as they take: on a connection of their own,
      // without the requests' deadline, when there can be one (not on a memory:// database).
      const setup = store.driver === 'postgres' || store.hosted ? await openAtlas(where) : store;
      try {
        await startUp(setup);
      } finally {
        if (setup !== store) await setup.close();
      }
    }
    server = await createAtlasServer(store);
    const host = opts.host ?? config().host;
    const port = await server.listen(opts.port ?? config().port, host);
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    log(`listening on ${url}/graphql (the explorer at ${url}/)`);
    const running = server;
    return {
      url,
      stop: async () => {
        await running.stop();
        await store.close();
      },
    };
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await store.close();
    throw error;
  }
}

/** Loads the default atlas into an empty database and restores the caches of its snapshot. */
async function startUp(store: AtlasStore): Promise<void> {
  const outcome = await loadSeedIfEmpty(store);
  if (outcome.loaded) {
    const s = outcome.summary;
    log(`loaded the default atlas from ${outcome.path}: ${s.models} models, ${s.runs} runs, ${s.layerResults} layer results`);
  } else if (outcome.reason === 'no-seed' && (await store.models.isEmpty())) {
    log(
      'the atlas is empty and there is no seed snapshot yet. Add content with ' +
        '`atlas dissect --model <file.onnx> --layers <names> ...`, then `atlas db export-seed` to write seed/atlas.jsonl.gz',
    );
  }
  await restoreSeedCaches(store, outcome.path, log);
}

/** Runs until SIGINT/SIGTERM, then drains requests and closes the database (releasing its lock). */
export async function serveUntilSignalled(opts: ServeOptions = {}): Promise<void> {
  const running: { stop?: () => Promise<void> } = {};
  let signalled: string | undefined;
  const shutdown = (signal: string): void => {
    if (signalled) return;
    signalled = signal;
    log(`${signal}: shutting down`);
    // Requests get a few seconds to finish; a stuck close must not keep the atlas locked forever.
    setTimeout(() => {
      log('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000).unref();
    // A signal during startup is handled once the server is up (its database must be closed).
    if (running.stop) finish(running.stop);
  };
  const finish = (stopNow: () => Promise<void>): void => {
    stopNow().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  // Registered before startup so that an early signal still closes the database cleanly.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Started by `atlas serve` (bin/atlas.js) over an IPC channel: the channel closes when that
  // launcher dies, even by SIGKILL, which no signal handler sees; the server must not outlive
  // it holding the atlas. The channel itself must not keep the server alive.
  if (process.channel) {
    process.channel.unref();
    process.on('disconnect', () => shutdown('launcher exited'));
  }
  running.stop = (await serve(opts)).stop;
  if (signalled) finish(running.stop);
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  serveUntilSignalled().catch((error: unknown) => {
    log((error as Error).message);
    process.exit(1);
  });
}
