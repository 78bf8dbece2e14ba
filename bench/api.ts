/**
 * `npm run bench -- api [--neurons N] [--duration S] [--connections C]`
 *
 * Generates an atlas of 100,000 neurons straight into the store (through the write API), starts
 * the real server in a child process, and loads it with autocannon: one-neuron lookups and
 * 50-neuron pages at random places, plus /healthz as the baseline (express + one trivial query).
 * Runs on PGlite and, when DATABASE_URL is set, on a fresh database on that Postgres server.
 * Ends with one JSON line of the figures.
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type AtlasStore } from '../src/db/atlas-store.js';
import type { LayerResult } from '../src/core/types.js';
import { rng, scratchDatabase, startServer } from './lib/common.js';


function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const NEURONS = arg('neurons', 100_000);
const DURATION = arg('duration', 8);
const CONNECTIONS = arg('connections', 10);
const UNITS_PER_LAYER = 4000;
const CONCEPTS = 2000;
const IMAGES = 1000;
const TOP = 3;

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}


interface Generated {
  layers: { name: string; units: number }[];
  seconds: number;
}

async function generate(store: AtlasStore): Promise<Generated> {
  const started = performance.now();
  const modelId = await store.models.upsert({ name: 'bench', version: '1', fileHash: 'bench', inputSpec: { size: 224 } });
  const layers: { name: string; units: number; kind: 'conv' }[] = [];
  for (let left = NEURONS, i = 0; left > 0; i++) {
    const units = Math.min(UNITS_PER_LAYER, left);
    layers.push({ name: `layer${i}`, units, kind: 'conv' });
    left -= units;
  }
  await store.models.upsertLayers(modelId, layers);
  const clipModelId = await store.clipModels.upsert({ name: 'bench-clip', dim: 512 });
  const probeSetId = await store.probeSets.upsert({
    name: 'bench-probe',
    recipe: { generator: 'bench' },
    contentHash: 'bench',
    images: Array.from({ length: IMAGES }, (_, i) => ({ ordinal: i, uri: `toy:7/${i}` })),
  });
  const words = Array.from({ length: CONCEPTS }, (_, i) => `concept-${i.toString(36)}-${['red', 'stripes', 'dog', 'wheel', 'sky'][i % 5]}`);
  const { id: conceptSetId } = await store.conceptSets.upsert({ name: 'bench-concepts', concepts: words });
  const runId = await store.runs.begin({
    modelId,
    clipModelId,
    probeSetId,
    conceptSetId,
    parameters: { method: 'clip-dissect', similarity: 'soft_wpmi', params: {} },
  });
  const random = rng(42);
  for (const layer of layers) {
    const result: LayerResult = {
      layer,
      labels: Array.from({ length: layer.units }, () =>
        Array.from({ length: TOP }, (_, r) => ({ concept: Math.floor(random() * CONCEPTS), score: 1 - r * 0.1 - random() * 0.05 })),
      ),
      topImages: Array.from({ length: layer.units }, () =>
        Array.from({ length: TOP }, (_, r) => ({ ordinal: Math.floor(random() * IMAGES), activation: 10 - r })),
      ),
    };
    await store.runs.writeLayer(runId, result);
    process.stderr.write('.');
  }
  await store.runs.complete(runId, { total: 0 });
  process.stderr.write('\n');
  return { layers, seconds: (performance.now() - started) / 1000 };
}


interface Figures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, path: string, body?: () => string): Promise<Figures> {
  const result = await autocannon({
    url: `${url}${path}`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      body
        ? {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: body() }),
          }
        : { method: 'GET' },
    ],
  });
  return {
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function benchDriver(label: string, env: Record<string, string>, layers: Generated['layers']): Promise<Record<string, Figures>> {
  const { proc, url } = await startServer(env);
  const random = rng(7);
  const pick = () => layers[Math.floor(random() * layers.length)]!;
  const lookup = () => {
    const layer = pick();
    return JSON.stringify({
      query: `query($layer: String!, $unit: Int!) { neuron(model: "bench", layer: $layer, unit: $unit) {
        label score labels(first: 3) { text score } topImages(first: 3) { uri activation } } }`,
      variables: { layer: layer.name, unit: Math.floor(random() * layer.units) },
    });
  };
  const listing = () => {
    const layer = pick();
    const after = Math.floor(random() * (layer.units - 50));
    return JSON.stringify({
      query: `query($layer: String!, $after: String) { neurons(model: "bench", layer: $layer, first: 50, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { unit label score } } } }`,
      variables: { layer: layer.name, after: Buffer.from(`unit:${after}`).toString('base64url') },
    });
  };
  try {
    // Sanity check: the queries return data, not errors.
    for (const make of [lookup, listing]) {
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: make() });
      const json = (await res.json()) as { errors?: unknown[] };
      if (res.status !== 200 || json.errors) throw new Error(`bench query failed: ${JSON.stringify(json)}`);
    }
    const out: Record<string, Figures> = {};
    out.healthz_baseline = await load(url, '/healthz');
    out.neuron_lookup = await load(url, '/graphql', lookup);
    out.neuron_page_50 = await load(url, '/graphql', listing);
    for (const [name, f] of Object.entries(out)) {
      log(`${label.padEnd(9)} ${name.padEnd(17)} ${String(f.rps).padStart(7)} req/s  p50 ${f.p50_ms} ms  p99 ${f.p99_ms} ms  (${f.requests} requests, ${f.errors} errors, ${f.non2xx} non-2xx)`);
    }
    return out;
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}

async function main(): Promise<void> {
  log(`bench api: ${NEURONS} neurons, ${cpus().length} cores, autocannon ${CONNECTIONS} connections x ${DURATION}s per scenario`);
  const results: Record<string, unknown> = {};

  // PGlite: generate in a temp folder, close it, hand it to the server process.
  const dir = mkdtempSync(join(tmpdir(), 'atlas-bench-'));
  try {
    const dataDir = join(dir, 'atlas');
    const store = await openStore({ dataDir });
    log('generating the PGlite atlas');
    const gen = await generate(store);
    await store.close();
    log(`  ${NEURONS} neurons written in ${gen.seconds.toFixed(1)} s`);
    const figures = await benchDriver('pglite', { DATABASE_URL: '', ATLAS_DATA_DIR: dataDir }, gen.layers);
    results.pglite = { generate_s: Number(gen.seconds.toFixed(1)), ...figures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const base = process.env.DATABASE_URL;
  if (base) {
    const db = await scratchDatabase(base, 'atlas_bench');
    try {
      const store = await openStore({ databaseUrl: db.url });
      log('generating the Postgres atlas');
      const gen = await generate(store);
      await store.close();
      log(`  ${NEURONS} neurons written in ${gen.seconds.toFixed(1)} s`);
      const figures = await benchDriver('postgres', { DATABASE_URL: db.url }, gen.layers);
      results.postgres = { generate_s: Number(gen.seconds.toFixed(1)), ...figures };
    } finally {
      await db.drop();
    }
  } else {
    log('DATABASE_URL is not set: Postgres server skipped');
  }

  // Ratios: each scenario against the /healthz baseline of the same driver, and Postgres vs PGlite.
  const ratios: Record<string, number> = {};
  for (const [driver, r] of Object.entries(results) as [string, Record<string, Figures>][]) {
    for (const s of ['neuron_lookup', 'neuron_page_50']) {
      ratios[`${driver}.${s}_vs_healthz`] = Number((r[s]!.rps / r.healthz_baseline!.rps).toFixed(3));
    }
  }
  const pgl = results.pglite as Record<string, Figures> | undefined;
  const pgs = results.postgres as Record<string, Figures> | undefined;
  if (pgl && pgs) {
    for (const s of ['neuron_lookup', 'neuron_page_50']) ratios[`postgres_vs_pglite.${s}`] = Number((pgs[s]!.rps / pgl[s]!.rps).toFixed(3));
  }
  for (const [k, v] of Object.entries(ratios)) log(`ratio ${k}: ${v}`);
  process.stdout.write(
    `${JSON.stringify({ bench: 'api', cpus: cpus().length, neurons: NEURONS, connections: CONNECTIONS, duration_s: DURATION, results, ratios })}\n`,
  );
}

await main();
