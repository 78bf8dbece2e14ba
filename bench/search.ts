/**
 * Semantic-search benchmark.
 *
 *   npm run bench -- search [--neurons 100000] [--concepts 20000] [--dim 512] [--duration 10] [--rate 500] [--connections 10] [--queries 200]
 *
 * Builds (once; reused by later runs) an atlas of --neurons neurons labelled from a vocabulary of
 * --concepts words, on Postgres when DATABASE_URL is set (a database `atlas_bench_search_...` on
 * that server), else PGlite under bench/out/. Text embeddings are synthetic but shaped like
 * CLIP's: words scattered around 1,000 topic directions (cosine ~0.7 to their topic), and queries
 * near some word (cosine ~0.9), as a typed word is near the labels that mean it. Then:
 * - recall@10 of the HNSW index against exact search over --queries such queries (a hit counts
 *   when its similarity reaches the exact 10th best: labels shared by several neurons tie), and,
 *   reported beside it, over looser queries (cosine ~0.7 to a word) and uniformly random query
 *   directions (the worst case);
 * - in-process SQL latency of the HNSW search against the exact scan (the baseline), with the ratio;
 * - searchNeurons over HTTP against the real server in a child process (query embeddings cached
 *   in the database, as for a repeated query), the load generator on the same machine:
 *   - at a steady --rate requests/s (open loop: requests arrive on schedule whatever the server
 *     is doing; latency counts from the scheduled time): p50/p99, the goal's figures;
 *     with the CPU one request costs the server and a local Postgres (from /proc), which tells
 *     a slower or busier machine from a slower server;
 *   - capacity: as many requests/s as --connections closed-loop autocannon connections get
 *     (latency there is mostly queueing once the server is saturated), beside /healthz on the
 *     same server as the machine's baseline.
 * Goals: p99 <= 20 ms while serving >= 500 requests/s on 2 cores, recall@10 >= 0.98. Ends with one
 * JSON line.
 */
import autocannon from 'autocannon';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore, type AtlasStore } from '../src/db/atlas-store.js';
import { repoRoot, rng, startServer } from './lib/common.js';
import { pacedLoad, type PacedResult } from './lib/paced.js';
import { cpuPerRequest, cpuSnapshot, type CpuSnapshot } from './lib/proc-cpu.js';

const { values: opt } = parseArgs({
  options: {
    neurons: { type: 'string', default: '100000' },
    concepts: { type: 'string', default: '20000' },
    dim: { type: 'string', default: '512' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    rate: { type: 'string', default: '500' },
    queries: { type: 'string', default: '200' },
  },
});
const NEURONS = Number(opt.neurons);
const CONCEPTS = Number(opt.concepts);
const DIM = Number(opt.dim);
const DURATION = Number(opt.duration);
const CONNECTIONS = Number(opt.connections);
const RATE = Number(opt.rate);
const QUERIES = Number(opt.queries);
const UNITS_PER_LAYER = 4000;
const log = (line: string) => process.stderr.write(`${line}\n`);

function unitVectors(rows: number, dim: number, seed: number): Float32Array {
  const r = rng(seed);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const v = Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
      data[i * dim + j] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < dim; j++) data[i * dim + j]! *= inv;
  }
  return data;
}

/** Unit rows, each `base` row (picked by `pick`) plus noise of the given weight. */
function near(base: Float32Array, rows: number, dim: number, noise: number, seed: number): Float32Array {
  const r = rng(seed);
  const baseRows = base.length / dim;
  const n = unitVectors(rows, dim, seed + 1);
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    const b = Math.floor(r() * baseRows);
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const v = base[b * dim + j]! + noise * n[i * dim + j]!;
      out[i * dim + j] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < dim; j++) out[i * dim + j]! *= inv;
  }
  return out;
}

const tag = `${NEURONS}_${CONCEPTS}_${DIM}_v2`;
let openOpts: { databaseUrl?: string; dataDir?: string };
let serverEnv: Record<string, string>;
if (process.env.DATABASE_URL) {
  const base = new URL(process.env.DATABASE_URL);
  const name = `atlas_bench_search_${tag}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  base.pathname = `/${name}`;
  openOpts = { databaseUrl: base.toString() };
  serverEnv = { DATABASE_URL: base.toString() };
} else {
  const dataDir = join(repoRoot, 'bench', 'out', `search-atlas-${tag}`);
  openOpts = { dataDir };
  serverEnv = { ATLAS_DATA_DIR: dataDir, DATABASE_URL: '' };
}
const driver = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const wordVectors = near(unitVectors(1000, DIM, 1), CONCEPTS, DIM, 1, 11);
const queryTexts = Array.from({ length: QUERIES }, (_, i) => `bench query ${i}`);
const queryVectors = near(wordVectors, QUERIES, DIM, 0.5, 99);
// Looser queries (cosine ~0.7 to their nearest word: a phrase near, not at, a label) and the
// worst case, uniformly random directions, far from every label.
const looseQueries = near(wordVectors, QUERIES, DIM, 1, 55);
const randomQueries = unitVectors(QUERIES, DIM, 77);

async function build(store: AtlasStore): Promise<number> {
  const started = performance.now();
  const modelId = await store.models.upsert({ name: 'bench-search', version: tag, fileHash: 'bench', inputSpec: {} });
  const layers = Array.from({ length: Math.ceil(NEURONS / UNITS_PER_LAYER) }, (_, i) => ({
    name: `layer${i}`,
    kind: 'conv' as const,
    units: Math.min(UNITS_PER_LAYER, NEURONS - i * UNITS_PER_LAYER),
  }));
  await store.models.upsertLayers(modelId, layers);
  const clipModelId = await store.clipModels.upsert({ name: `bench-search-clip-${DIM}`, dim: DIM });
  const words = Array.from({ length: CONCEPTS }, (_, i) => `word ${i}`);
  const { id: conceptSetId } = await store.conceptSets.upsert({ name: 'bench-words', concepts: words });
  const emb = wordVectors;
  for (let i = 0; i < CONCEPTS; i += 2000) {
    const rows = Math.min(2000, CONCEPTS - i);
    await store.embeddings.putConcepts(clipModelId, words.slice(i, i + rows), { rows, cols: DIM, data: emb.subarray(i * DIM, (i + rows) * DIM) });
    process.stderr.write('c');
  }
  const runId = await store.runs.begin({ modelId, clipModelId, conceptSetId, parameters: { method: 'clip-dissect' } });
  const r = rng(5);
  for (const layer of layers) {
    await store.runs.writeLayer(runId, {
      layer,
      labels: Array.from({ length: layer.units }, () => [{ concept: Math.floor(r() * CONCEPTS), score: r() }]),
      topImages: Array.from({ length: layer.units }, () => []),
    });
    process.stderr.write('.');
  }
  await store.runs.complete(runId);
  // Query embeddings as a repeated query finds them: cached in the database.
  for (let i = 0; i < QUERIES; i++) {
    await store.embeddings.putQueryEmbedding(clipModelId, queryTexts[i]!, queryVectors.subarray(i * DIM, (i + 1) * DIM));
  }
  process.stderr.write('\n');
  log(`atlas written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return clipModelId;
}

const store = await openStore(openOpts);
let clipModelId: number;
const existing = await store.clipModels.byName(`bench-search-clip-${DIM}`);
const built = await store.models.idOf('bench-search', tag);
if (built !== undefined && existing) {
  clipModelId = existing.id;
  log(`reusing the bench atlas (${driver})`);
} else {
  clipModelId = await build(store);
}
const t0 = performance.now();
await store.search.refresh(clipModelId, DIM, { embedConcepts: async () => undefined, log });
const indexSeconds = (performance.now() - t0) / 1000;
const indexed = await store.search.searchableNeurons(clipModelId);
log(`search index: ${indexed} neurons, ready in ${indexSeconds.toFixed(1)} s`);

// Recall@10 and SQL latency, HNSW against exact.
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
async function recallOf(vectors: Float32Array, hnswMs: number[], exactMs: number[]): Promise<number> {
  let found = 0;
  for (let i = 0; i < QUERIES; i++) {
    const v = vectors.subarray(i * DIM, (i + 1) * DIM);
    let t = performance.now();
    const approx = await store.search.nearestNeurons(clipModelId, DIM, v, 10);
    hnswMs.push(performance.now() - t);
    t = performance.now();
    const exact = await store.search.nearestNeurons(clipModelId, DIM, v, 10, {}, { exact: true });
    exactMs.push(performance.now() - t);
    const tenth = exact[exact.length - 1]!.similarity;
    found += approx.filter((h) => h.similarity >= tenth - 1e-6).length;
  }
  return found / (10 * QUERIES);
}
const hnswMs: number[] = [];
const exactMs: number[] = [];
const recall = await recallOf(queryVectors, hnswMs, exactMs);
const recallLoose = await recallOf(looseQueries, [], []);
const recallRandom = await recallOf(randomQueries, [], []);
log(`recall@10 ${recall.toFixed(4)} (looser queries: ${recallLoose.toFixed(4)}; uniformly random queries: ${recallRandom.toFixed(4)}); SQL latency p50: HNSW ${pct(hnswMs, 50).toFixed(2)} ms, exact ${pct(exactMs, 50).toFixed(2)} ms`);
await store.close();


const { proc, url } = await startServer(serverEnv);
let healthRps: number | undefined;
let http: { rps: number; p50_ms: number; p99_ms: number; requests: number; errors: number; non2xx: number };
let paced: PacedResult;
let cpu: CpuSnapshot | undefined;
try {
  const body = (i: number) =>
    JSON.stringify({
      query: `query($q: String!) { searchNeurons(query: $q, first: 10) { similarity neuron { unit label score layer { name } } } }`,
      variables: { q: queryTexts[i % QUERIES] },
    });
  // Warm-up, and a check that the answer is data, not errors.
  for (let i = 0; i < Math.min(QUERIES, 50); i++) {
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) });
    const json = (await res.json()) as { errors?: unknown[]; data?: { searchNeurons: unknown[] } };
    if (json.errors || json.data?.searchNeurons.length !== 10) throw new Error(`search failed: ${JSON.stringify(json).slice(0, 500)}`);
  }
  // Warm at the same rate first: the pool opens its connections, whose first statements plan and read cold.
  await pacedLoad({ url: `${url}/graphql`, rate: RATE, seconds: 2, body });
  const cpuBefore = cpuSnapshot(proc.pid!);
  paced = await pacedLoad({ url: `${url}/graphql`, rate: RATE, seconds: DURATION, body });
  cpu = cpuPerRequest(cpuBefore, cpuSnapshot(proc.pid!), paced.requests);
  log(`searchNeurons over HTTP at a steady ${RATE} req/s (${DURATION} s): answered ${paced.rps} req/s, p50 ${paced.p50_ms} ms, p90 ${paced.p90_ms} ms, p99 ${paced.p99_ms} ms, max ${paced.max_ms} ms, ${paced.errors} errors${cpu ? `; CPU per request: server ${cpu.server} ms, Postgres ${driver === 'postgres' ? `${cpu.postgres} ms (local processes)` : 'in the server'}` : ''}`);
  // Context for the figures below: the same server answering /healthz (express + one trivial query).
  const health = await autocannon({ url: `${url}/healthz`, connections: CONNECTIONS, duration: Math.min(5, DURATION) });
  healthRps = Math.round(health.requests.average);
  let n = 0;
  const result = await autocannon({
    url: `${url}/graphql`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: body(n++) }) }],
  });
  http = {
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
} finally {
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
}
log(`searchNeurons capacity (${CONNECTIONS} closed-loop connections, ${DURATION} s): ${http.rps} req/s (/healthz: ${healthRps} req/s), p50 ${http.p50_ms} ms, p99 ${http.p99_ms} ms, ${http.errors} errors, ${http.non2xx} non-2xx`);
const figures = {
  bench: 'search',
  cpus: cpus().length,
  driver,
  neurons: indexed,
  concepts: CONCEPTS,
  dim: DIM,
  index_ready_seconds: Number(indexSeconds.toFixed(2)),
  recall_at_10: Number(recall.toFixed(4)),
  recall_at_10_loose_queries: Number(recallLoose.toFixed(4)),
  recall_at_10_random_queries: Number(recallRandom.toFixed(4)),
  sql_hnsw_p50_ms: Number(pct(hnswMs, 50).toFixed(3)),
  sql_exact_p50_ms: Number(pct(exactMs, 50).toFixed(3)),
  hnsw_speedup_vs_exact: Number((pct(exactMs, 50) / pct(hnswMs, 50)).toFixed(2)),
  healthz_baseline_rps: healthRps ?? null,
  steady_rate: RATE,
  steady_rps: paced.rps,
  steady_p50_ms: paced.p50_ms,
  steady_p90_ms: paced.p90_ms,
  steady_p99_ms: paced.p99_ms,
  steady_max_ms: paced.max_ms,
  steady_errors: paced.errors,
  steady_cpu_ms_per_request_server: cpu?.server ?? null,
  // Postgres processes on this machine (0 when the server is elsewhere); PGlite runs inside the server.
  steady_cpu_ms_per_request_postgres: driver === 'postgres' ? (cpu?.postgres ?? null) : null,
  capacity_connections: CONNECTIONS,
  capacity_rps: http.rps,
  capacity_p50_ms: http.p50_ms,
  capacity_p99_ms: http.p99_ms,
  capacity_requests: http.requests,
  capacity_errors: http.errors + http.non2xx,
  goals: { p99_ms: 20, rps: 500, recall_at_10: 0.98 },
  meets_goals: paced.p99_ms <= 20 && paced.rps >= 500 && paced.errors === 0 && recall >= 0.98,
};
console.log(JSON.stringify(figures));
