/**
 * Shared test helpers: the drivers to run every suite on (PGlite always, the Postgres server when
 * DATABASE_URL is set; each test store on the server gets its own fresh database), and a small
 * fixture atlas written through the real write API.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openStore, type AtlasStore } from '../../src/db/atlas-store.js';
import type { LayerResult } from '../../src/core/types.js';

export type TestDriver = 'pglite' | 'postgres';

export const drivers: TestDriver[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Every file under `dir` (recursively) whose name ends with one of `exts`, sorted. */
function filesUnder(dir: string, exts: string[]): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => exts.some((e) => f.endsWith(e)))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * A migrated, empty PGlite folder to copy: creating one runs initdb inside WebAssembly and every
 * migration (5 s on a quiet machine, 20 s on a busy one), copying one takes about a second. Built
 * once (the suite's global setup builds it before any test file starts) and kept between runs in
 * node_modules/.cache, keyed by what shapes it: the migrations, the database code that applies
 * them and the PGlite version. A stale one is replaced, never reused.
 */
export async function pgliteTemplate(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of [...filesUnder(join(repoRoot, 'migrations'), ['.sql', '.json']), ...filesUnder(join(repoRoot, 'src/db'), ['.ts'])]) {
    hash.update(f.slice(repoRoot.length)).update(readFileSync(f));
  }
  hash.update(readFileSync(join(repoRoot, 'node_modules/@electric-sql/pglite/package.json')));
  const cache = join(repoRoot, 'node_modules/.cache/neuron-atlas-test');
  const name = `pglite-template-${hash.digest('hex').slice(0, 16)}`;
  const template = join(cache, name);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  mkdirSync(cache, { recursive: true });
  const building = mkdtempSync(join(cache, 'building-'));
  const store = await openStore({ dataDir: join(building, 'atlas') });
  await store.close();
  try {
    renameSync(join(building, 'atlas'), template);
  } catch {
    // Another run built it first.
  }
  rmSync(building, { recursive: true, force: true });
  // Templates of earlier schemas.
  for (const old of readdirSync(cache).filter((n) => n.startsWith('pglite-template-') && n !== name)) {
    rmSync(join(cache, old), { recursive: true, force: true });
  }
  return template;
}

/** A fresh PGlite folder at `dataDir`, copied from the template. */
export async function copyTemplateTo(dataDir: string): Promise<void> {
  cpSync(await pgliteTemplate(), dataDir, { recursive: true });
}

export interface TestAtlas {
  store: AtlasStore;
  /** Options that open this same atlas again (another process, a server). */
  openOpts: { dataDir?: string; databaseUrl?: string };
  /** Env for a child process that should open this atlas. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A fresh, empty Postgres database on the server at DATABASE_URL; drop() removes it. */
/**
 * Waits until the server has ended the sessions of a killed process (its advisory locks go with
 * them). The server notices a dead client by itself a moment later; ending those sessions here
 * waits for that instead of racing it.
 */
export async function endSessionsOf(url: string, pid: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE application_name LIKE $1`, [`atlas pid ${pid} on %`]);
  } finally {
    await client.end();
  }
}

export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL!;
  const name = `atlas_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(base, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * Opens a fresh atlas on `driver`. PGlite `storage`: 'copy' (default) starts from a copy of the
 * migrated template folder; 'fresh' is a new folder (initdb and every migration run for real);
 * 'memory' is `memory://`. Folders are temp dirs, removed by cleanup().
 */
export async function openTestAtlas(
  driver: TestDriver,
  { storage = 'copy', onQuery }: { storage?: 'copy' | 'fresh' | 'memory'; onQuery?: (q: string) => void } = {},
): Promise<TestAtlas> {
  if (driver === 'postgres') {
    const db = await freshPostgresDatabase();
    const atlas: TestAtlas = {
      store: await openStore({ databaseUrl: db.url, onQuery }),
      openOpts: { databaseUrl: db.url },
      env: { DATABASE_URL: db.url },
      cleanup: async () => {
        await atlas.store.close(); // the test may have reopened it
        await db.drop();
      },
    };
    return atlas;
  }
  const dir = storage === 'memory' ? undefined : mkdtempSync(join(tmpdir(), 'atlas-test-'));
  const dataDir = dir ? join(dir, 'atlas') : 'memory://';
  if (storage === 'copy') await copyTemplateTo(dataDir);
  const atlas: TestAtlas = {
    store: await openStore({ dataDir, onQuery }),
    openOpts: { dataDir },
    env: { ATLAS_DATA_DIR: dataDir, DATABASE_URL: '' },
    cleanup: async () => {
      await atlas.store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return atlas;
}

export const CONCEPTS = ['red', 'green', 'blue', 'stripes', 'dots', 'circle', 'square', 'dog'];

export interface FixtureIds {
  modelId: number;
  clipModelId: number;
  probeSetId: number;
  conceptSetId: number;
}

/** A toy model with two layers, a CLIP model, 12 probe images and the concept list above. */
export async function writeFixtureSets(store: AtlasStore, name = 'toy', version = '1'): Promise<FixtureIds> {
  const modelId = await store.models.upsert({ name, version, fileHash: `hash-${name}-${version}`, inputSpec: { size: 32 } });
  await store.models.upsertLayers(modelId, [
    { name: 'conv1', kind: 'conv', units: 6 },
    { name: 'fc', kind: 'dense', units: 3 },
  ]);
  const clipModelId = await store.clipModels.upsert({ name: 'toy-clip', dim: 4 });
  const probeSetId = await store.probeSets.upsert({
    name: 'toy-probe',
    recipe: { generator: 'toy', seed: 1, count: 12 },
    contentHash: 'probe-hash-1',
    images: Array.from({ length: 12 }, (_, i) => ({ ordinal: i, uri: `toy:1/${i}` })),
  });
  const { id: conceptSetId } = await store.conceptSets.upsert({ name: 'toy-concepts', concepts: CONCEPTS });
  return { modelId, clipModelId, probeSetId, conceptSetId };
}

/** Deterministic result for a layer: unit u is labelled CONCEPTS[(u + shift) % n]. */
export function layerResult(name: string, units: number, kind: 'conv' | 'dense' = 'conv', shift = 0): LayerResult {
  const n = CONCEPTS.length;
  return {
    layer: { name, kind, units },
    labels: Array.from({ length: units }, (_, u) =>
      Array.from({ length: 3 }, (_, r) => ({ concept: (u + shift + r) % n, score: 0.9 - 0.1 * r - 0.01 * u })),
    ),
    topImages: Array.from({ length: units }, (_, u) =>
      Array.from({ length: 4 }, (_, r) => ({ ordinal: (u + r) % 12, activation: 10 - r - u / 10 })),
    ),
  };
}

/** A complete clip-dissect run over both fixture layers; returns its id. */
export async function writeCompleteRun(
  store: AtlasStore,
  ids: FixtureIds,
  method = 'clip-dissect',
  shift = 0,
): Promise<number> {
  const runId = await store.runs.begin({ ...ids, parameters: { method, similarity: 'soft_wpmi', params: { topk: 5 } } });
  await store.runs.writeLayer(runId, layerResult('conv1', 6, 'conv', shift));
  await store.runs.writeLayer(runId, layerResult('fc', 3, 'dense', shift));
  await store.runs.complete(runId, { total: 1.25, activations: 0.5 });
  return runId;
}
