/**
 * `npm run bench -- soak [--clients 100] [--duration 60] [--driver pglite|postgres|both] [--timeout 10]`
 *
 * A soak: the real server on the default atlas (a fresh one loaded from seed/ at start, caches
 * included), and `--clients` concurrent clients for `--duration` seconds, each sending one request
 * after another from a mixed read workload: browse (models, 50-neuron pages), neuron lookups,
 * searchNeurons with real hits, rescore with small concept lists, compareModels. A client that
 * is answered 503 waits its Retry-After and goes on. Reports per kind p50/p99 and counts of
 * errors, timeouts (no answer within --timeout seconds) and 503s, and the server's RSS before
 * and after. Goal: 0 errors, 0 timeouts; overload answered with 503 + Retry-After, never a hang.
 * `postgres` needs DATABASE_URL (a fresh database is made on that server). Ends with one JSON
 * line of the figures.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, rng, scratchDatabase, startServer } from './lib/common.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}
function choice(name: string, options: string[], fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1]! : fallback;
  if (!options.includes(v)) throw new Error(`--${name} must be one of ${options.join(', ')}`);
  return v;
}

const CLIENTS = Math.floor(arg('clients', 100));
const DURATION = arg('duration', 60);
const TIMEOUT_S = arg('timeout', 10);
const DRIVER = choice('driver', ['pglite', 'postgres', 'both'], 'pglite');

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

// ---------------------------------------------------------------------------------------------
// The workload: the default atlas's three toy models (resnet-v1 and -v2 share their layers).

const MODELS = ['resnet-v1', 'resnet-v2', 'vit'];
const RESNET_LAYERS = [
  { name: 'layer1', units: 16 },
  { name: 'layer2', units: 32 },
  { name: 'layer3', units: 64 },
  { name: 'layer4', units: 128 },
  { name: 'fc', units: 8 },
];
const SEARCH_WORDS = ['star', 'red', 'stripes', 'circle', 'square', 'blue', 'green', 'dots'];
const CONCEPT_WORDS = ['red', 'green', 'blue', 'star', 'circle', 'square', 'stripes', 'dots', 'yellow', 'triangle'];

type Kind = 'models' | 'neurons_page' | 'neuron' | 'search' | 'rescore' | 'compare';
const KINDS: { kind: Kind; weight: number }[] = [
  { kind: 'models', weight: 10 },
  { kind: 'neurons_page', weight: 25 },
  { kind: 'neuron', weight: 30 },
  { kind: 'search', weight: 20 },
  { kind: 'rescore', weight: 5 },
  { kind: 'compare', weight: 10 },
];
const TOTAL_WEIGHT = KINDS.reduce((s, k) => s + k.weight, 0);

interface Request {
  query: string;
  variables: Record<string, unknown>;
}

function makeRequest(kind: Kind, random: () => number): Request {
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const resnet = () => pick(['resnet-v1', 'resnet-v2']);
  switch (kind) {
    case 'models':
      return { query: '{ models { name version layers { name units } } }', variables: {} };
    case 'neurons_page': {
      const layer = pick(RESNET_LAYERS);
      const after = Math.floor(random() * Math.max(1, layer.units - 50));
      return {
        query: `query($model: String!, $layer: String!, $after: String) { neurons(model: $model, layer: $layer, first: 50, after: $after) {
          pageInfo { hasNextPage endCursor } edges { node { unit label score } } } }`,
        variables: { model: resnet(), layer: layer.name, after: after > 0 ? Buffer.from(`unit:${after}`).toString('base64url') : null },
      };
    }
    case 'neuron': {
      const layer = pick(RESNET_LAYERS);
      return {
        query: `query($model: String!, $layer: String!, $unit: Int!) { neuron(model: $model, layer: $layer, unit: $unit) {
          label score labels(first: 3) { text score } topImages(first: 3) { uri activation } } }`,
        variables: { model: resnet(), layer: layer.name, unit: Math.floor(random() * layer.units) },
      };
    }
    case 'search':
      return {
        query: 'query($q: String!, $model: String) { searchNeurons(query: $q, first: 10, model: $model) { similarity neuron { unit label layer { name } } } }',
        variables: { q: pick(SEARCH_WORDS), model: pick(MODELS) },
      };
    case 'rescore': {
      const concepts = [...CONCEPT_WORDS].sort(() => random() - 0.5).slice(0, 3 + Math.floor(random() * 3));
      return {
        query: 'query($model: String!, $layer: String!, $concepts: [String!]!) { rescore(model: $model, layer: $layer, concepts: $concepts) { encodedConcepts units { unit label score } } }',
        variables: { model: resnet(), layer: pick(['layer3', 'layer4', 'fc']), concepts },
      };
    }
    case 'compare':
      return {
        query: 'query($layer: String!) { compareModels(a: { name: "resnet-v1" }, b: { name: "resnet-v2" }, layer: $layer) { matchedBy agreement matches { unit label matchUnit matchLabel } } }',
        variables: { layer: pick(RESNET_LAYERS).name },
      };
  }
}

// ---------------------------------------------------------------------------------------------

interface KindFigures {
  requests: number;
  ok: number;
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  errors: number;
  timeouts: number;
  shed_503: number;
}

interface Outcome {
  kind: Kind;
  ms: number;
  result: 'ok' | 'error' | 'timeout' | '503';
  retryAfter?: number;
  detail?: string;
}

async function send(url: string, kind: Kind, req: Request): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(req),
      signal: AbortSignal.timeout(TIMEOUT_S * 1000),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    if (res.status === 503) {
      const retryAfter = Number(res.headers.get('retry-after'));
      if (!Number.isFinite(retryAfter) || retryAfter <= 0) return { kind, ms, result: 'error', detail: '503 without Retry-After' };
      return { kind, ms, result: '503', retryAfter };
    }
    const body = JSON.parse(text) as { errors?: unknown[] };
    if (res.status !== 200 || body.errors) return { kind, ms, result: 'error', detail: `${res.status} ${text.slice(0, 300)}` };
    return { kind, ms, result: 'ok' };
  } catch (error) {
    const ms = performance.now() - started;
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { kind, ms, result: 'timeout' };
    return { kind, ms, result: 'error', detail: (error as Error).message };
  }
}

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return Number(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(1));
}

function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

async function soak(label: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  log(`${label}: starting the server on a fresh default atlas (seed and caches load at start)`);
  const startedAt = performance.now();
  const { proc, url } = await startServer({ ATLAS_SEED: join(repoRoot, 'seed', 'atlas.jsonl.gz'), ...env }, 600_000);
  const start_s = Number(((performance.now() - startedAt) / 1000).toFixed(1));
  log(`${label}: listening after ${start_s} s`);
  try {
    // Each kind once, checked: data and no errors; searches have hits. Warms the caches, too.
    const random = rng(11);
    for (const { kind } of KINDS) {
      const req = makeRequest(kind, random);
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) });
      const json = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
      if (res.status !== 200 || json.errors) throw new Error(`soak query ${kind} failed: ${JSON.stringify(json).slice(0, 500)}`);
      if (kind === 'search' && !(json.data!.searchNeurons as unknown[]).length) throw new Error(`search for ${JSON.stringify(req.variables)} found nothing`);
    }
    for (const word of SEARCH_WORDS) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query($q: String!) { searchNeurons(query: $q, first: 1) { similarity } }', variables: { q: word } }),
      });
      const json = (await res.json()) as { data?: { searchNeurons: unknown[] } };
      if (!json.data?.searchNeurons.length) throw new Error(`search for ${word} found nothing`);
    }
    const rssBefore = rssMiB(proc.pid!);
    const load0 = loadavg()[0]!;

    const outcomes: Outcome[] = [];
    const details = new Map<string, number>();
    const deadline = performance.now() + DURATION * 1000;
    const client = async (i: number): Promise<void> => {
      // Seeds far apart: xorshift's first outputs from nearby small seeds are alike (every client
      // would open with the same kind).
      const r = rng(Math.imul(i + 1, 2654435761));
      while (performance.now() < deadline) {
        let x = r() * TOTAL_WEIGHT;
        const kind = KINDS.find((k) => (x -= k.weight) < 0)?.kind ?? 'neuron';
        const outcome = await send(url, kind, makeRequest(kind, r));
        outcomes.push(outcome);
        if (outcome.detail) details.set(outcome.detail, (details.get(outcome.detail) ?? 0) + 1);
        if (outcome.result === '503') {
          const wait = Math.min(outcome.retryAfter! * 1000, deadline - performance.now());
          if (wait > 0) await new Promise((res) => setTimeout(res, wait));
        }
      }
    };
    // /healthz (exempt from the limit) twice a second meanwhile: how long the server takes to
    // answer at all, which says whether its event loop turns.
    const health: number[] = [];
    let healthTimeouts = 0;
    const prober = async (): Promise<void> => {
      while (performance.now() < deadline) {
        const t = performance.now();
        try {
          await (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(TIMEOUT_S * 1000) })).text();
          health.push(performance.now() - t);
        } catch {
          healthTimeouts++;
        }
        const wait = 500 - (performance.now() - t);
        if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      }
    };
    const loadStarted = performance.now();
    await Promise.all([prober(), ...Array.from({ length: CLIENTS }, (_, i) => client(i))]);
    health.sort((a, b) => a - b);
    const healthz = { probes: health.length, p50_ms: percentile(health, 50), max_ms: health.length ? Number(health[health.length - 1]!.toFixed(1)) : null, timeouts: healthTimeouts };
    const wall = (performance.now() - loadStarted) / 1000;
    const rssAfter = rssMiB(proc.pid!);
    const load1 = loadavg()[0]!;

    const perKind: Record<string, KindFigures> = {};
    for (const { kind } of KINDS) {
      const mine = outcomes.filter((o) => o.kind === kind);
      const ok = mine.filter((o) => o.result === 'ok').map((o) => o.ms).sort((a, b) => a - b);
      perKind[kind] = {
        requests: mine.length,
        ok: ok.length,
        p50_ms: percentile(ok, 50),
        p99_ms: percentile(ok, 99),
        max_ms: ok.length ? Number(ok[ok.length - 1]!.toFixed(1)) : null,
        errors: mine.filter((o) => o.result === 'error').length,
        timeouts: mine.filter((o) => o.result === 'timeout').length,
        shed_503: mine.filter((o) => o.result === '503').length,
      };
    }
    const sum = (f: keyof KindFigures) => Object.values(perKind).reduce((s, k) => s + (k[f] as number), 0);
    const totals = {
      requests: outcomes.length,
      ok: sum('ok'),
      rps: Math.round(sum('ok') / wall),
      errors: sum('errors'),
      timeouts: sum('timeouts'),
      shed_503: sum('shed_503'),
    };
    log(`${label}: ${CLIENTS} clients x ${wall.toFixed(1)} s, load average ${load0.toFixed(2)} -> ${load1.toFixed(2)}`);
    log(`${'kind'.padEnd(13)} ${'requests'.padStart(8)} ${'ok'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'errors'.padStart(6)} ${'timeouts'.padStart(8)} ${'503s'.padStart(6)}`);
    for (const [kind, f] of Object.entries(perKind)) {
      log(`${kind.padEnd(13)} ${String(f.requests).padStart(8)} ${String(f.ok).padStart(7)} ${String(f.p50_ms).padStart(8)} ${String(f.p99_ms).padStart(8)} ${String(f.max_ms).padStart(8)} ${String(f.errors).padStart(6)} ${String(f.timeouts).padStart(8)} ${String(f.shed_503).padStart(6)}`);
    }
    log(`${'all'.padEnd(13)} ${String(totals.requests).padStart(8)} ${String(totals.ok).padStart(7)}  (${totals.rps} ok/s) ${String(totals.errors).padStart(6)} ${String(totals.timeouts).padStart(8)} ${String(totals.shed_503).padStart(6)}`);
    log(`${label}: /healthz during the load: p50 ${healthz.p50_ms} ms, max ${healthz.max_ms} ms, ${healthz.timeouts} timeouts (${healthz.probes} probes)`);
    log(`${label}: server RSS ${rssBefore} MiB before, ${rssAfter} MiB after`);
    for (const [detail, n] of details) log(`  ${n} x ${detail}`);
    const goal = totals.errors === 0 && totals.timeouts === 0;
    log(`${label}: goal (0 errors, 0 timeouts) ${goal ? 'met' : 'MISSED'}`);
    return {
      start_s,
      wall_s: Number(wall.toFixed(1)),
      load_avg_1m: [Number(load0.toFixed(2)), Number(load1.toFixed(2))],
      rss_mib: { before: rssBefore, after: rssAfter },
      totals,
      healthz,
      goal_met: goal,
      kinds: perKind,
    };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}

async function main(): Promise<void> {
  log(`bench soak: ${cpus().length} cores, ${CLIENTS} clients x ${DURATION} s, driver ${DRIVER}, timeout ${TIMEOUT_S} s, ATLAS_MAX_IN_FLIGHT ${process.env.ATLAS_MAX_IN_FLIGHT ?? 'default'}`);
  const results: Record<string, unknown> = {};
  if (DRIVER === 'pglite' || DRIVER === 'both') {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-soak-'));
    try {
      results.pglite = await soak('pglite', { DATABASE_URL: '', ATLAS_DATA_DIR: join(dir, 'atlas') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (DRIVER === 'postgres' || DRIVER === 'both') {
    const base = process.env.DATABASE_URL;
    if (!base) {
      if (DRIVER === 'postgres') throw new Error('--driver postgres needs DATABASE_URL');
      log('DATABASE_URL is not set: Postgres server skipped');
    } else {
      const db = await scratchDatabase(base, 'atlas_soak');
      try {
        results.postgres = await soak('postgres', { DATABASE_URL: db.url });
      } finally {
        await db.drop();
      }
    }
  }
  process.stdout.write(`${JSON.stringify({ bench: 'soak', cpus: cpus().length, clients: CLIENTS, duration_s: DURATION, timeout_s: TIMEOUT_S, results })}\n`);
}

await main();
