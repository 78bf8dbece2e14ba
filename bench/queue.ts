// `npm run bench -- queue [--images N] [--shard-size S] [--batch B] [--rounds R] [--verbose]`
//
// Images per second of a queued dissection (`atlas dissect --queue` done by 1 and by 2
// `atlas worker` processes) against the one-process `atlas dissect` of the same inputs, each on a
// fresh database of the Postgres server at DATABASE_URL (so no run finds another's caches).
// End to end: from the call (one process) or the submission (queue; workers already started and
// idle) to the complete run, model loading, text pass and scoring included. Also the image pass
// alone: the one-process run's image-pass time against the queue's first shard start to last
// shard end. On a machine with fewer cores than workers x threads the workers only share the
// cores: the figure to read is then the queue's overhead (goal: at most 10%).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/db/index.js';
import { dissect } from '../src/services/dissect.js';
import { QueuedDissections } from '../src/services/queued-dissections.js';
import { assertBuilt, repoRoot, scratchDatabase } from './lib/common.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const images = Number(flag('images', '2048'));
const shardSize = Number(flag('shard-size', '256'));
const batch = Number(flag('batch', '32'));
const rounds = Number(flag('rounds', '3'));
const log = (line: string) => process.stderr.write(`${line}\n`);
const verbose = args.includes('--verbose');

const inputs = {
  model: join(repoRoot, 'models/toy/resnet-v1.onnx'),
  layers: ['layer3', 'layer4', 'fc'],
  clip: join(repoRoot, 'models/toy/clip'),
  probe: `toy:${images}:21`,
  concepts: 'builtin:toy',
  batch,
  params: { top_k: Math.min(100, images) },
};

interface Timing {
  imgS: number;
  imagePassImgS: number;
  seconds: number;
  /**
   * CPU seconds the run took in the bench's own process and its workers (all threads; the Postgres
   * server's share is not counted). Less sensitive than wall time to the other work of a shared
   * machine, so its ratio is the steadier figure of the queue's overhead.
   */
  cpuSeconds: number;
}

/** CPU seconds of this process so far (user + system, every thread). */
function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU seconds of another live process so far, from /proc (user + system, every thread). */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
/** /proc counts CPU time in USER_HZ ticks, which Linux fixes at 100 per second for user space. */
const CLOCK_TICKS = 100;

async function oneProcess(url: string, cacheDir: string): Promise<Timing> {
  const store = await openStore({ databaseUrl: url });
  try {
    const t0 = performance.now();
    const cpu0 = ownCpuSeconds();
    const result = await dissect(async () => store, { ...inputs, cacheDir, quiet: true, log: () => undefined });
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = ownCpuSeconds() - cpu0;
    if (verbose) log(`    one process timings: ${JSON.stringify(result.timings)}`);
    return { imgS: images / seconds, imagePassImgS: images / result.timings.image_pass!, seconds, cpuSeconds };
  } finally {
    await store.close();
  }
}

function startWorker(url: string, cacheDir: string, workers: number): { proc: ChildProcess; ready: Promise<void> } {
  // Workers on one machine share its cores: each gets its part for inference and decoding, as
  // the one process gets them all.
  const share = String(Math.max(1, Math.floor(availableParallelism() / workers)));
  const proc = spawn(process.execPath, [join(repoRoot, 'bin/atlas.js'), 'worker', '--poll', '2', '--expiry-check', '5', '--threads', share], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url, ATLAS_CACHE_DIR: cacheDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/waiting for jobs/.test(err)) resolve();
      // The workers' timing lines (models, image pass, write per shard) with --verbose.
      if (verbose) for (const l of d.toString().split('\n')) if (l.trim()) log(`    [worker ${proc.pid}] ${l}`);
    });
    proc.on('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${err}`)));
  });
  return { proc, ready };
}

async function queued(url: string, cacheDir: string, workers: number): Promise<Timing> {
  const procs = Array.from({ length: workers }, () => startWorker(url, cacheDir, workers));
  const store = await openStore({ databaseUrl: url });
  const runs = new QueuedDissections(store);
  try {
    await Promise.all(procs.map((p) => p.ready));
    const workersCpu = () => procs.reduce((sum, p) => sum + cpuSecondsOf(p.proc.pid!), 0);
    const cpu0 = ownCpuSeconds() + workersCpu();
    const t0 = performance.now();
    const { runId } = await runs.submit({ ...inputs, shardSize, cacheDir });
    if (verbose) log(`    submission ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    for (;;) {
      const view = await runs.view(runId);
      if (!view || view.status === 'FAILED') throw new Error(`run ${runId} failed: ${view?.error ?? 'cancelled'}`);
      if (view.status === 'COMPLETE') {
        const seconds = (performance.now() - t0) / 1000;
        const cpuSeconds = ownCpuSeconds() + workersCpu() - cpu0;
        return { imgS: images / seconds, imagePassImgS: view.progress.imagesPerSecond, seconds, cpuSeconds };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    for (const p of procs) p.proc.kill('SIGINT');
    await Promise.all(procs.map((p) => new Promise((r) => (p.proc.exitCode !== null ? r(undefined) : p.proc.on('exit', r)))));
    await runs.close();
    await store.close();
  }
}

async function measure<T>(name: string, work: (url: string, cacheDir: string) => Promise<T>): Promise<T> {
  const base = process.env.DATABASE_URL!;
  const db = await scratchDatabase(base, `bench_queue_${name}`);
  const cacheDir = mkdtempSync(join(tmpdir(), 'bench-queue-'));
  try {
    return await work(db.url, cacheDir);
  } finally {
    await db.drop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (!process.env.DATABASE_URL) {
  log('npm run bench -- queue needs a Postgres server: set DATABASE_URL (each measurement gets a fresh database on it)');
  process.exit(2);
}
assertBuilt(repoRoot);
log(`queue bench: ${images} toy images, layers ${inputs.layers.join(',')}, shards of ${shardSize}, batch ${batch}, ${availableParallelism()} cores, ${rounds} round(s), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
// Rounds of the three side by side: the machine's load drifts, so each round's ratios compare
// measurements taken within a minute of each other, and the median round is reported.
const results: { one: Timing; q1: Timing; q2: Timing }[] = [];
for (let r = 0; r < rounds; r++) {
  const one = await measure('one', oneProcess);
  log(`  one process: ${one.imgS.toFixed(1)} img/s end to end (${one.seconds.toFixed(1)} s), image pass ${one.imagePassImgS.toFixed(1)} img/s`);
  const q1 = await measure('w1', (url, dir) => queued(url, dir, 1));
  log(`  1 worker:    ${q1.imgS.toFixed(1)} img/s end to end (${q1.seconds.toFixed(1)} s), shards ${q1.imagePassImgS.toFixed(1)} img/s; ratio ${(q1.imgS / one.imgS).toFixed(3)}; CPU ${q1.cpuSeconds.toFixed(1)} s against ${one.cpuSeconds.toFixed(1)} s`);
  const q2 = await measure('w2', (url, dir) => queued(url, dir, 2));
  log(`  2 workers:   ${q2.imgS.toFixed(1)} img/s end to end (${q2.seconds.toFixed(1)} s), shards ${q2.imagePassImgS.toFixed(1)} img/s; ratio ${(q2.imgS / one.imgS).toFixed(3)}; CPU ${q2.cpuSeconds.toFixed(1)} s`);
  results.push({ one, q1, q2 });
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const med = (f: (r: (typeof results)[number]) => number) => median(results.map(f));
const round = (x: number, d = 3) => Number(x.toFixed(d));
process.stdout.write(
  `${JSON.stringify({
    bench: 'queue',
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    load_after: round(loadavg()[0]!, 2),
    images,
    shard_size: shardSize,
    batch,
    rounds,
    one_process_img_s: round(med((r) => r.one.imgS), 1),
    worker1_img_s: round(med((r) => r.q1.imgS), 1),
    worker2_img_s: round(med((r) => r.q2.imgS), 1),
    worker1_ratio: round(med((r) => r.q1.imgS / r.one.imgS)),
    worker2_ratio: round(med((r) => r.q2.imgS / r.one.imgS)),
    worker1_ratios: results.map((r) => round(r.q1.imgS / r.one.imgS)),
    worker2_ratios: results.map((r) => round(r.q2.imgS / r.one.imgS)),
    // CPU seconds of the queue over those of the one process (1.10 = 10% overhead).
    one_process_cpu_s: round(med((r) => r.one.cpuSeconds), 1),
    worker1_cpu_ratio: round(med((r) => r.q1.cpuSeconds / r.one.cpuSeconds)),
    worker2_cpu_ratio: round(med((r) => r.q2.cpuSeconds / r.one.cpuSeconds)),
    one_process_image_pass_img_s: round(med((r) => r.one.imagePassImgS), 1),
    worker1_shards_img_s: round(med((r) => r.q1.imagePassImgS), 1),
    worker2_shards_img_s: round(med((r) => r.q2.imagePassImgS), 1),
  })}\n`,
);
