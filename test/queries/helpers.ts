/**
 * Helpers for the query-feature tests: a GraphQL client over HTTP, and a small atlas whose
 * embeddings come from the tiny test CLIP, so that text queries and labels line up exactly.
 */
import { join } from 'node:path';
import { ClipModel } from '../../src/compute/clip/model.js';
import type { AtlasStore } from '../../src/db/atlas-store.js';
import type { Matrix } from '../../src/core/types.js';
import { clipRegistrationName } from '../../src/services/text-encoders.js';
import { createAtlasServer, type AtlasServer } from '../../src/server/app.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { config } from '../../src/core/config.js';
import { openTestAtlas, repoRoot, type TestAtlas, type TestDriver } from '../store/helpers.js';
import { atlas, type CliResult } from '../support/cli.js';

export const tinyClipDir = join(repoRoot, 'test/pipeline/fixtures/tiny-clip');
export const fixturesDir = join(repoRoot, 'test/queries/fixtures');

export interface GqlResponse {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

export interface Client {
  server: AtlasServer;
  /** http://127.0.0.1:PORT */
  url: string;
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse>;
}

export async function startClient(store: AtlasStore): Promise<Client> {
  const server = await createAtlasServer(store);
  const port = await server.listen(0);
  const base = `http://127.0.0.1:${port}`;
  return {
    server,
    url: base,
    gql: async (query, variables = {}, headers = {}) => {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as GqlResponse['body'] };
    },
  };
}

/** The data of a successful answer (fails the test with the errors otherwise). */
export function ok(res: GqlResponse): Record<string, unknown> {
  if (res.body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.body.errors)}`);
  return res.body.data!;
}

export function errorCode(res: GqlResponse): string | undefined {
  return res.body.errors?.[0]?.extensions?.code;
}

/**
 * For one describe block: a fresh atlas on `driver` (filled by `prepare`), served over HTTP, both
 * closed after the block; ATLAS_API_KEY and ATLAS_CLIP are cleared after each test. Read `atlas`
 * and `client` inside tests (they exist once the block has started).
 */
export function servedAtlas(driver: TestDriver, prepare?: (store: AtlasStore) => Promise<void>): { readonly atlas: TestAtlas; readonly client: Client } {
  const state: { atlas?: TestAtlas; client?: Client } = {};
  beforeAll(async () => {
    state.atlas = await openTestAtlas(driver);
    await prepare?.(state.atlas.store);
    state.client = await startClient(state.atlas.store);
  });
  afterAll(async () => {
    await state.client?.server.stop();
    await state.atlas?.cleanup();
  });
  afterEach(() => {
    config().apiKey = undefined;
    config().clip = undefined;
  });
  return {
    get atlas() {
      return state.atlas!;
    },
    get client() {
      return state.client!;
    },
  };
}

/** `atlas <args>` in process on the atlas `env` names (PGlite; no ATLAS_CLIP unless given). */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return atlas(args, { DATABASE_URL: '', ATLAS_CLIP: '', ...env });
}

let tiny: Promise<ClipModel> | undefined;
export function tinyClip(): Promise<ClipModel> {
  tiny ??= ClipModel.load(tinyClipDir);
  return tiny;
}

/** Seeded pseudo-random numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const CLASSES = ['red', 'green', 'blue', 'dog', 'cat', 'tree'];

export interface QueryAtlas {
  modelId: number;
  clipModelId: number;
  probeSetId: number;
  runId: number;
  /** Per unit of layer `l1`: the class index it fires for. */
  unitClass: number[];
  images: number;
  /** Activations written for `l1`. */
  acts: Matrix;
}

/**
 * A model `net` (layers l1: 6 units, l2: 4 units) with 60 probe images of 6 classes. Image i has
 * class i % 6 and a CLIP embedding near that class name's text embedding; unit u of l1 fires for
 * class unitClass[u]. A complete clip-dissect run labels l1 unit u with the word `placeholder-u`
 * (so rescoring visibly changes labels) and l2 with class names.
 */
export async function writeQueryAtlas(store: AtlasStore, opts: { name?: string; version?: string; unitClass?: number[]; seed?: number } = {}): Promise<QueryAtlas> {
  const clip = await tinyClip();
  const dim = clip.dim;
  const classText = await clip.encodeTexts(CLASSES);
  const n = 60;
  const random = rng(opts.seed ?? 7);
  const unitClass = opts.unitClass ?? [2, 0, 1, 4, 3, 5];
  const modelId = await store.models.upsert({ name: opts.name ?? 'net', version: opts.version ?? '1', fileHash: 'h', inputSpec: {} });
  await store.models.upsertLayers(modelId, [
    { name: 'l1', kind: 'conv', units: unitClass.length },
    { name: 'l2', kind: 'dense', units: 4 },
  ]);
  const clipModelId = await store.clipModels.upsert({ name: clipRegistrationName(clip), dim, source: tinyClipDir });
  const probeSetId = await store.probeSets.upsert({
    name: 'probe',
    recipe: { test: true },
    contentHash: 'probe-60',
    images: Array.from({ length: n }, (_, i) => ({ ordinal: i, uri: `img/${CLASSES[i % CLASSES.length]}-${i}.png` })),
  });
  const emb: Matrix = { rows: n, cols: dim, data: new Float32Array(n * dim) };
  for (let i = 0; i < n; i++) {
    const c = i % CLASSES.length;
    for (let d = 0; d < dim; d++) emb.data[i * dim + d] = classText.data[c * dim + d]! + 0.05 * (random() - 0.5);
  }
  await store.embeddings.putImages(probeSetId, clipModelId, emb);
  const acts: Matrix = { rows: n, cols: unitClass.length, data: new Float32Array(n * unitClass.length) };
  for (let i = 0; i < n; i++) {
    for (let u = 0; u < unitClass.length; u++) {
      acts.data[i * unitClass.length + u] = (i % CLASSES.length === unitClass[u] ? 5 : 0) + random();
    }
  }
  await store.embeddings.putActivations(modelId, 'l1', probeSetId, acts);
  const acts2: Matrix = { rows: n, cols: 4, data: new Float32Array(n * 4).map(() => random()) };
  await store.embeddings.putActivations(modelId, 'l2', probeSetId, acts2);

  const placeholders = unitClass.map((_, u) => `placeholder-${u}`);
  const concepts = [...CLASSES, ...placeholders];
  await store.embeddings.putConcepts(clipModelId, concepts, await clip.encodeTexts(concepts));
  const { id: conceptSetId } = await store.conceptSets.upsert({ name: 'test-concepts', concepts });
  const runId = await store.runs.begin({ modelId, clipModelId, probeSetId, conceptSetId, parameters: { method: 'clip-dissect', similarity: 'soft_wpmi' } });
  await store.runs.writeLayer(runId, {
    layer: { name: 'l1', kind: 'conv', units: unitClass.length },
    labels: unitClass.map((_, u) => [{ concept: CLASSES.length + u, score: 0.5 }]),
    topImages: unitClass.map(() => [{ ordinal: 0, activation: 1 }]),
  });
  await store.runs.writeLayer(runId, {
    layer: { name: 'l2', kind: 'dense', units: 4 },
    labels: [0, 1, 2, 3].map((u) => [{ concept: u, score: 0.1 * u }]),
    topImages: [0, 1, 2, 3].map(() => []),
  });
  await store.runs.complete(runId);
  return { modelId, clipModelId, probeSetId, runId, unitClass, images: n, acts };
}
