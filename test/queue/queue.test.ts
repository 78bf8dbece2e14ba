/**
 * Queued dissections on Postgres: `atlas dissect --queue` submits, `atlas worker` processes
 * (real child processes) do the shards and the scoring, one of them is killed mid-shard, and the
 * run's labels equal those of a one-process `atlas dissect` of the same inputs. Cancelling removes
 * the run with the rows its finished shards wrote. The GraphQL API shows progress and workers.
 * Postgres only (the queue lives there): without DATABASE_URL these tests skip and say why;
 * on PGlite `--queue` is refused with a clear error, which is checked on every run.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type AtlasStore } from '../../src/db/index.js';
import { config } from '../../src/core/config.js';
import { freshPostgresDatabase } from '../store/helpers.js';
import { startClient, ok, errorCode, type Client } from '../queries/helpers.js';
import { atlas, spawnAtlas, type SpawnedCli } from '../support/cli.js';
import { tempAtlas } from '../support/temp-atlas.js';

const url = process.env.DATABASE_URL;
const SKIP = 'needs a Postgres server: set DATABASE_URL (queued dissections and their workers share one)';
const MODEL = ['--model', 'models/toy/resnet-v1.onnx', '--layers', 'layer4,fc', '--clip', 'models/toy/clip', '--concepts', 'builtin:toy'];
const PROBE = ['--probe', 'toy:256:11'];
const WORKER = ['worker', '--poll', '0.5', '--expiry-check', '1', '--workers', '1', '--threads', '1'];
const HALTED = /test halt with \d+ images/;

/** Every layer's labels and top images of a model, as `atlas export` writes them, without the run's id and time. */
async function labelsOf(env: Record<string, string>, model: string): Promise<unknown> {
  const out = await atlas(['export', '--model', model, '--format', 'json', '--top-n', '5', '--top-images', '5'], env);
  expect(out.code, out.stderr).toBe(0);
  const parsed = JSON.parse(out.stdout) as { layers: { name: string; neurons: unknown[] }[] };
  return parsed.layers.map((l) => ({ name: l.name, neurons: l.neurons }));
}

/** `n` small PNGs of fixed noise (img00.png, ...) in `dir`. */
async function noiseImages(dir: string, n: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const noise = Buffer.from(Array.from({ length: 32 * 32 * 3 }, (_, j) => (j * (i + 7) * 2654435761) % 251));
    const name = `img${String(i).padStart(2, '0')}.png`;
    await sharp(noise, { raw: { width: 32, height: 32, channels: 3 } }).png().toFile(join(dir, name));
    names.push(name);
  }
  return names;
}

// Hang detectors, not timings: a run that takes 40 s on a quiet 2-core machine takes several times
// that beside the rest of the suite.
async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 240_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const PROGRESS = `query($id: ID!) { dissection(id: $id) { id status progress { stage shardsDone shardsTotal imagesDone images imagesPerSecond layersDone layersTotal } workers { name shardsDone active } } }`;

interface Progress {
  status: string;
  progress: { stage: string; shardsDone: number; shardsTotal: number; imagesDone: number; images: number; imagesPerSecond: number; layersDone: number; layersTotal: number };
  workers: { name: string; shardsDone: number; active: boolean }[];
}

describe('queued dissections', () => {
  let db: Awaited<ReturnType<typeof freshPostgresDatabase>> | undefined;
  let store: AtlasStore | undefined;
  let client: Client | undefined;
  let sql: pg.Client | undefined;
  let cacheDir = '';
  const children: SpawnedCli[] = [];
  const env = () => ({ DATABASE_URL: db!.url, ATLAS_CACHE_DIR: cacheDir });
  let reference: Promise<unknown> | undefined;
  /** The labels of the one-process run of MODEL and PROBE, on an atlas of its own (computed once). */
  const referenceLabels = (): Promise<unknown> =>
    (reference ??= (async () => {
      const own = await tempAtlas('atlas-queue-ref-');
      try {
        const one = await atlas(['dissect', ...MODEL, ...PROBE, '--name', 'toyq', '--quiet'], own.env);
        expect(one.code, one.stderr).toBe(0);
        return await labelsOf(own.env, 'toyq');
      } finally {
        rmSync(own.dir, { recursive: true, force: true });
      }
    })());

  beforeAll(async () => {
    if (!url) return;
    db = await freshPostgresDatabase();
    cacheDir = mkdtempSync(join(tmpdir(), 'atlas-queue-'));
    store = await openStore({ databaseUrl: db.url });
    client = await startClient(store);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.done));
    await sql?.end();
    await client?.server.stop();
    await store?.close();
    await db?.drop();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  it('is refused on the embedded database, with a message saying a server is needed', async () => {
    const local = await tempAtlas('atlas-queue-pglite-');
    try {
      const out = await atlas(['dissect', '--queue', ...MODEL, '--probe', 'toy:64:1'], local.env);
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(/queued dissections need a Postgres server/);
      expect(out.stderr).toMatch(/without --queue/);
    } finally {
      rmSync(local.dir, { recursive: true, force: true });
    }
  });

  it('three workers, one SIGKILLed mid-shard: the shard is retried elsewhere and the labels equal a one-process run', async (ctx) => {
    if (!url) ctx.skip(SKIP);
    try {
      const expected = await referenceLabels();
      const submitted = await atlas(['dissect', '--queue', '--no-wait', '--json', ...MODEL, ...PROBE, '--name', 'toyq', '--shard-size', '64', '--shard-timeout', '8'], env());
      expect(submitted.code, submitted.stderr).toBe(0);
      const { runId, shardsTotal } = JSON.parse(submitted.stdout) as { runId: number; shardsTotal: number };
      expect(shardsTotal).toBe(4);
      const queued = ok(await client!.gql(PROGRESS, { id: String(runId) })).dissection as Progress;
      expect(queued).toMatchObject({ status: 'RUNNING', progress: { stage: 'QUEUED', shardsDone: 0, shardsTotal: 4, images: 256, layersTotal: 2 }, workers: [] });

      // The first worker takes a shard and is killed after its first batch, before writing it;
      // the other two start as soon as it holds its shard.
      const doomed = spawnAtlas(WORKER, { ...env(), ATLAS_TEST_HALT_AFTER_IMAGES: '32' });
      children.push(doomed);
      const taken = await until('the first worker to take a shard', async () => {
        const res = await sql!.query(`SELECT shard FROM dissection_shards WHERE run_id = $1 AND worker LIKE $2`, [runId, `pid ${doomed.child.pid} %`]);
        return res.rows[0] ? (res.rows[0].shard as number) : undefined;
      });
      const workers = [spawnAtlas(WORKER, env()), spawnAtlas(WORKER, env())];
      children.push(...workers);
      await doomed.stderrLine(HALTED);
      doomed.child.kill('SIGKILL');
      await doomed.done;
      const held = ok(await client!.gql(PROGRESS, { id: String(runId) })).dissection as Progress;
      expect(held.workers).toContainEqual({ name: expect.stringContaining(`pid ${doomed.child.pid} `), shardsDone: 0, active: true });

      const done = await until('the run to complete', async () => {
        const view = ok(await client!.gql(PROGRESS, { id: String(runId) })).dissection as Progress;
        return view.status === 'COMPLETE' ? view : undefined;
      });
      expect(done.progress).toMatchObject({ stage: 'COMPLETE', shardsDone: 4, shardsTotal: 4, imagesDone: 256, layersDone: 2, layersTotal: 2 });
      expect(done.progress.imagesPerSecond).toBeGreaterThan(0);
      expect(done.workers.filter((w) => w.shardsDone > 0).length).toBeGreaterThanOrEqual(1);
      expect(done.workers.reduce((n, w) => n + w.shardsDone, 0)).toBe(4);
      // The killed worker's shard was taken again, by a live worker.
      const retried = await sql!.query(`SELECT attempts, worker, done FROM dissection_shards WHERE run_id = $1 AND shard = $2`, [runId, taken]);
      expect(retried.rows[0].done).toBe(true);
      expect(retried.rows[0].attempts).toBeGreaterThanOrEqual(2);
      expect(retried.rows[0].worker).not.toContain(`pid ${doomed.child.pid} `);

      expect(await labelsOf(env(), 'toyq')).toEqual(expected);

      for (const w of workers) w.child.kill('SIGINT');
      for (const w of workers) expect((await w.done).code).toBe(0);
    } finally {
      // Stopped whatever happened: a worker left running would take the next test's jobs.
      for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      await Promise.all(children.map((c) => c.done));
    }
  }, 300_000);

  it('one worker with --concurrency 2 runs two shards at once, and the labels equal a one-process run', async (ctx) => {
    if (!url) ctx.skip(SKIP);
    // A database of its own: the first test's caches would leave nothing to compute.
    const other = await freshPostgresDatabase();
    const otherEnv = { DATABASE_URL: other.url, ATLAS_CACHE_DIR: cacheDir };
    try {
      const expected = await referenceLabels();
      const submitted = await atlas(['dissect', '--queue', '--no-wait', '--json', ...MODEL, ...PROBE, '--name', 'toyq', '--shard-size', '64'], otherEnv);
      expect(submitted.code, submitted.stderr).toBe(0);
      const { runId } = JSON.parse(submitted.stdout) as { runId: number };
      const worker = spawnAtlas([...WORKER, '--concurrency', '2'], otherEnv);
      children.push(worker);
      const otherSql = new pg.Client({ connectionString: other.url });
      await otherSql.connect();
      try {
        await until('the run to complete', async () => {
          const res = await otherSql.query(`SELECT status FROM dissection_runs WHERE id = $1`, [runId]);
          return res.rows[0]?.status === 'complete' ? true : undefined;
        });
        // Every shard by this one process.
        const shards = (await otherSql.query(`SELECT worker FROM dissection_shards WHERE run_id = $1 AND done ORDER BY shard`, [runId])).rows as { worker: string }[];
        expect(shards).toHaveLength(4);
        expect(new Set(shards.map((r) => r.worker))).toEqual(new Set([expect.stringContaining(`pid ${worker.child.pid} `)]));
      } finally {
        await otherSql.end();
      }
      expect(await labelsOf(otherEnv, 'toyq')).toEqual(expected);
      worker.child.kill('SIGINT');
      const out = await worker.done;
      expect(out.code).toBe(0);
      // Two image passes ran at once: the log's passes started minus passes done reached 2.
      let running = 0;
      let most = 0;
      for (const l of out.stderr.split('\n')) {
        if (/image pass started$/.test(l)) most = Math.max(most, ++running);
        if (/image pass done, writing$/.test(l)) running--;
      }
      expect(most).toBe(2);
    } finally {
      for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      await Promise.all(children.map((c) => c.done));
      await other.drop();
    }
  }, 300_000);

  it('cancelling a run stops its jobs and removes the rows its finished shards wrote', async (ctx) => {
    if (!url) ctx.skip(SKIP);
    const submitted = await atlas(['dissect', '--queue', '--no-wait', '--json', ...MODEL, '--probe', 'toy:192:12', '--name', 'toyc', '--shard-size', '64'], env());
    expect(submitted.code, submitted.stderr).toBe(0);
    const { runId } = JSON.parse(submitted.stdout) as { runId: number };
    // The worker writes its first shard, then halts in the middle of the second.
    const worker = spawnAtlas(WORKER, { ...env(), ATLAS_TEST_HALT_AFTER_IMAGES: '96' });
    children.push(worker);
    await worker.stderrLine(HALTED);
    const probeSet = (await sql!.query(`SELECT probe_set_id FROM dissection_runs WHERE id = $1`, [runId])).rows[0].probe_set_id as number;
    const rows = async () => {
      const a = await sql!.query(`SELECT count(*)::int AS n FROM activations WHERE probe_set_id = $1`, [probeSet]);
      const e = await sql!.query(`SELECT count(*)::int AS n FROM image_embeddings WHERE probe_set_id = $1`, [probeSet]);
      return { activations: a.rows[0].n as number, embeddings: e.rows[0].n as number };
    };
    expect(await rows()).toEqual({ activations: 2 * 64, embeddings: 64 });

    // Without the API key the mutation is refused; the CLI cancels.
    expect(errorCode(await client!.gql(`mutation { cancelDissection(id: "${runId}") { id } }`))).toBe('FORBIDDEN');
    const cancelled = await atlas(['db', 'cancel', String(runId)], env());
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`cancelled run ${runId}`));

    expect(await rows()).toEqual({ activations: 0, embeddings: 0 });
    expect((await sql!.query(`SELECT id FROM dissection_runs WHERE id = $1`, [runId])).rows).toEqual([]);
    const states = await sql!.query(`SELECT DISTINCT state FROM pgboss.job WHERE data->>'runId' = $1 AND state <> 'completed'`, [String(runId)]);
    expect(states.rows.map((r) => r.state)).toEqual(['cancelled']);
    expect(errorCode(await client!.gql(PROGRESS, { id: String(runId) }))).toBe('NOT_FOUND');
    const again = await atlas(['db', 'cancel', String(runId)], env());
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no queued dissection has id/);
    worker.child.kill('SIGKILL');
    await worker.done;
  }, 300_000);

  it('a worker whose model file differs refuses the job, naming the file; with retries spent the run fails with that error', async (ctx) => {
    if (!url) ctx.skip(SKIP);
    const dir = mkdtempSync(join(tmpdir(), 'atlas-queue-model-'));
    try {
      const model = join(dir, 'net.onnx');
      copyFileSync('models/toy/resnet-v1.onnx', model);
      copyFileSync('models/toy/resnet-v1.json', join(dir, 'net.json'));
      const args = ['dissect', '--queue', '--no-wait', '--json', '--model', model, '--layers', 'fc', '--clip', 'models/toy/clip', '--concepts', 'builtin:toy'];
      const submitted = await atlas([...args, '--probe', 'toy:128:14', '--retries', '0'], env());
      expect(submitted.code, submitted.stderr).toBe(0);
      const { runId } = JSON.parse(submitted.stdout) as { runId: number };
      // This machine's copy is another network with the same layers.
      copyFileSync('models/toy/resnet-v2.onnx', model);
      const worker = spawnAtlas(WORKER, env());
      children.push(worker);
      const failed = await until('the run to fail', async () => {
        const view = ok(await client!.gql(`query($id: ID!) { dissection(id: $id) { status error progress { stage } } }`, { id: String(runId) })).dissection as {
          status: string;
          error: string | null;
        };
        return view.status === 'FAILED' ? view : undefined;
      });
      expect(failed.error).toMatch(/model file \(.*net\.onnx\) is not the one the run was submitted with/);
      expect(failed.error).not.toMatch(/at .*\.ts:\d+/);
      worker.child.kill('SIGINT');
      expect((await worker.done).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('a model file and a probe list given as http URLs: workers download them by content hash; a server that changed its file after the submission fails the run, naming it', async (ctx) => {
    if (!url) ctx.skip(SKIP);
    // A web server for the model file and its preprocessing, whose file the test swaps.
    const served = new Map<string, Buffer>([
      ['/models/net.onnx', readFileSync('models/toy/resnet-v1.onnx')],
      ['/models/net.json', readFileSync('models/toy/resnet-v1.json')],
    ]);
    const server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      res.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Each worker on a machine of its own: its own cache folder.
    const caches = [mkdtempSync(join(tmpdir(), 'atlas-queue-w1-')), mkdtempSync(join(tmpdir(), 'atlas-queue-w2-'))];
    // The probe images too: a list file and the images below its folder.
    const images = mkdtempSync(join(tmpdir(), 'atlas-queue-img-'));
    const names = await noiseImages(images, 12);
    for (const n of names) served.set(`/probes/set/${n}`, readFileSync(join(images, n)));
    served.set('/probes/list.txt', Buffer.from(names.map((n) => `set/${n}`).join('\n')));
    const args = (probe: string, name: string) =>
      ['dissect', '--queue', '--no-wait', '--json', '--model', `${base}/models/net.onnx`, '--layers', 'fc', '--clip', 'models/toy/clip', '--concepts', 'builtin:toy', '--probe', probe, '--name', name, '--retries', '0'];
    const status = async (runId: number) =>
      (await sql!.query(`SELECT status, probe_set_id FROM dissection_runs WHERE id = $1`, [runId])).rows[0] as { status: string; probe_set_id: number } | undefined;
    try {
      const unreachable = await atlas(['dissect', '--queue', '--model', 'http://127.0.0.1:9/net.onnx', '--layers', 'fc', '--clip', 'models/toy/clip', '--concepts', 'builtin:toy', '--probe', 'toy:128:15'], env());
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toMatch(/cannot download the model file http:\/\/127\.0\.0\.1:9\/net\.onnx: the server cannot be reached/);

      const first = await atlas([...args(`${base}/probes/list.txt`, 'neturl'), '--preset', 'hidden'], env());
      expect(first.code, first.stderr).toBe(0);
      const a = JSON.parse(first.stdout) as { runId: number };
      const worker = spawnAtlas(WORKER, { ...env(), ATLAS_CACHE_DIR: caches[0]! });
      children.push(worker);
      await until('the run to complete', async () => ((await status(a.runId))?.status === 'complete' ? true : undefined));
      const hash = createHash('sha256').update(served.get('/models/net.onnx')!).digest('hex');
      expect(readdirSync(join(caches[0]!, 'files', hash)).sort()).toEqual(['net.json', 'net.onnx']);
      const source = await sql!.query(`SELECT m.source FROM dissection_runs r JOIN target_models m ON m.id = r.model_id WHERE r.id = $1`, [a.runId]);
      expect(source.rows[0].source).toBe(`${base}/models/net.onnx`);
      // Every served image is in the probe set, under the list's relative paths, mirrored into the worker's cache folder.
      const probeImages = await sql!.query(`SELECT count(*)::int AS n FROM probe_images WHERE probe_set_id = $1`, [(await status(a.runId))!.probe_set_id]);
      expect(probeImages.rows[0].n).toBe(12);
      const mirrors = readdirSync(join(caches[0]!, 'probes'));
      expect(mirrors).toHaveLength(1);
      expect(readdirSync(join(caches[0]!, 'probes', mirrors[0]!, 'set'))).toEqual(names);
      worker.child.kill('SIGINT');
      expect((await worker.done).code).toBe(0);

      // Submitted with the first file; the server serves another before a fresh worker downloads it.
      const second = await atlas(args('toy:128:16', 'neturl'), env());
      expect(second.code, second.stderr).toBe(0);
      const b = JSON.parse(second.stdout) as { runId: number };
      served.set('/models/net.onnx', readFileSync('models/toy/resnet-v2.onnx'));
      const fresh = spawnAtlas(WORKER, { ...env(), ATLAS_CACHE_DIR: caches[1]! });
      children.push(fresh);
      const failed = await until('the run to fail', async () => {
        const view = ok(await client!.gql(`query($id: ID!) { dissection(id: $id) { status error } }`, { id: String(b.runId) })).dissection as { status: string; error: string | null };
        return view.status === 'FAILED' ? view : undefined;
      });
      expect(failed.error).toContain(`the model file ${base}/models/net.onnx is not the one the run was submitted with`);
      const probeSet = (await status(b.runId))!.probe_set_id;
      const rows = await sql!.query(`SELECT count(*)::int AS n FROM activations WHERE probe_set_id = $1`, [probeSet]);
      expect(rows.rows[0].n).toBe(0);
      expect(readdirSync(join(caches[1]!, 'files')).filter((f) => !f.startsWith('incoming-'))).not.toContain(hash);
      fresh.child.kill('SIGINT');
      expect((await fresh.done).code).toBe(0);
    } finally {
      for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      await Promise.all(children.map((c) => c.done));
      server.close();
      for (const dir of [...caches, images]) rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('startDissection and cancelDissection over GraphQL, with the API key', async (ctx) => {
    if (!url) ctx.skip(SKIP);
    config().apiKey = 'k';
    try {
      const auth = { authorization: 'Bearer k' };
      const started = await client!.gql(
        `mutation($input: StartDissectionInput!) { startDissection(input: $input) { id status progress { stage shardsTotal images } workers { name } } }`,
        { input: { model: 'models/toy/resnet-v1.onnx', layers: ['fc'], clip: 'models/toy/clip', probe: 'toy:128:13', concepts: 'builtin:toy', name: 'toyg', shardSize: 32 } },
        auth,
      );
      const run = ok(started).startDissection as { id: string; status: string; progress: { stage: string; shardsTotal: number; images: number }; workers: unknown[] };
      expect(run).toMatchObject({ status: 'RUNNING', progress: { stage: 'QUEUED', shardsTotal: 4, images: 128 }, workers: [] });
      const bad = await client!.gql(`mutation { startDissection(input: { model: "models/toy/resnet-v1.onnx", layers: ["nope"], clip: "models/toy/clip", probe: "toy:128:13", concepts: "builtin:toy" }) { id } }`, {}, auth);
      expect(bad.body.errors?.[0]?.message).toMatch(/nope/);
      const cancelled = ok(await client!.gql(`mutation { cancelDissection(id: "${run.id}") { id status } }`, {}, auth));
      expect(cancelled.cancelDissection).toEqual({ id: run.id, status: 'RUNNING' });
      expect(errorCode(await client!.gql(`mutation { cancelDissection(id: "${run.id}") { id } }`, {}, auth))).toBe('NOT_FOUND');
    } finally {
      config().apiKey = undefined;
    }
  }, 300_000);

  it('startDissection over GraphQL takes the preset, strict and the settings of `atlas dissect`: strict refuses an unreadable probe image, the run records the preset', async (ctx) => {
    if (!url) ctx.skip(SKIP);
    config().apiKey = 'k';
    const dir = mkdtempSync(join(tmpdir(), 'atlas-queue-probe-'));
    try {
      await noiseImages(dir, 12);
      writeFileSync(join(dir, 'broken.jpg'), 'not a jpeg');
      const auth = { authorization: 'Bearer k' };
      const START = `mutation($input: StartDissectionInput!) { startDissection(input: $input) { id status preset similarity params pool progress { images shardsTotal } } }`;
      const input = { model: 'models/toy/resnet-v1.onnx', layers: ['fc'], clip: 'models/toy/clip', probe: dir, concepts: 'builtin:toy', name: 'toyp', preset: 'HIDDEN', pool: 'max', topN: 2, batch: 4, shardSize: 8 };
      const strict = await client!.gql(START, { input: { ...input, strict: true } }, auth);
      expect(errorCode(strict)).toBe('BAD_USER_INPUT');
      expect(strict.body.errors?.[0]?.message).toMatch(/broken\.jpg: cannot decode it/);
      expect(errorCode(await client!.gql(START, { input: { ...input, pool: 'sum' } }, auth))).toBe('BAD_USER_INPUT');

      const started = ok(await client!.gql(START, { input }, auth)).startDissection as { id: string; preset: string; similarity: string; params: Record<string, unknown>; pool: string; progress: { images: number; shardsTotal: number } };
      // The unreadable image is left out; shards are whole batches of 4.
      expect(started).toMatchObject({ preset: 'HIDDEN', similarity: 'cos_similarity', pool: 'max', progress: { images: 12, shardsTotal: 2 } });
      expect(started.params.preset).toBe('hidden');
      const worker = spawnAtlas(WORKER, env());
      children.push(worker);
      const done = await until('the run to complete', async () => {
        const view = ok(await client!.gql(`query($id: ID!) { dissection(id: $id) { status preset pool error } }`, { id: started.id })).dissection as { status: string };
        return view.status === 'COMPLETE' || view.status === 'FAILED' ? view : undefined;
      });
      expect(done).toEqual({ status: 'COMPLETE', preset: 'HIDDEN', pool: 'max', error: null });
      const ranks = await sql!.query(`SELECT max(rank)::int AS top, count(DISTINCT neuron_id)::int AS units FROM neuron_labels WHERE run_id = $1`, [Number(started.id)]);
      expect(ranks.rows[0]).toMatchObject({ top: 1 });
      expect(ranks.rows[0].units).toBeGreaterThan(0);
      worker.child.kill('SIGINT');
      expect((await worker.done).code).toBe(0);
    } finally {
      config().apiKey = undefined;
      for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      await Promise.all(children.map((c) => c.done));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
