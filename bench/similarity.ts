/**
 * Similarity-function benchmark.
 *
 *   npm run bench -- similarity [--images 10000] [--concepts 20000] [--neurons 128] [--top-k 100]
 *                               [--threads 2] [--engine onnx|js] [--repeat 1] [--no-baseline]
 *     soft_wpmi on a dense P, against the reference's per-neuron PyTorch loop
 *     (bench/python/time_similarity.py, /usr/bin/python3, torch.set_num_threads(--threads, default 2)) on the same
 *     inputs written as .npy; reports both timings, the ratio and label agreement. With
 *     --repeat N each side runs N times and its fastest wall and CPU times are compared.
 *
 *   npm run bench -- similarity --peak [--images 50000] [--concepts 20000] [--dim 512] [--neurons 128]
 *     peak memory (RSS, heap) of soft_wpmi on a factored P (image x text embeddings).
 *
 *   npm run bench -- similarity --whole-process [--images 8000] [--concepts 12000] [--neurons 512] [--top-k 100]
 *                               [--threads 2] [--repeat 5]
 *     `atlas score` (node bin/atlas.js, as a user runs it) against the reference loop as a command
 *     of its own (bench/python/score_reference.py: np.load, the PyTorch loop, argmax, CSV), both
 *     as whole processes on the same float32 .npy files, in alternating order; medians of --repeat
 *     runs each, wall and CPU time (launchers and child processes included), label agreement, and
 *     where each side's time goes (each prints its steps with --timings). --compare-bin OTHER/bin/atlas.js
 *     adds another checkout's `atlas score` (e.g. the code before a change) to the rotation
 *     (--compare-no-timings where that code has no --timings option).
 *
 * Ends with one JSON line of its figures on stdout.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Matrix } from '../src/core/types.js';
import { npyHeader, writeNpyMatrix } from '../src/compute/npy.js';
import {
  denseConcepts,
  factoredConcepts,
  score,
  SIMILARITY_ENGINES,
  type SimilarityEngine,
} from '../src/compute/similarity/index.js';
import { assertBuilt, median, rng } from './lib/common.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    images: { type: 'string' },
    concepts: { type: 'string' },
    neurons: { type: 'string' },
    'top-k': { type: 'string', default: '100' },
    dim: { type: 'string', default: '512' },
    threads: { type: 'string', default: '2' },
    peak: { type: 'boolean', default: false },
    'no-baseline': { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    engine: { type: 'string', default: 'onnx' },
    repeat: { type: 'string' },
    'whole-process': { type: 'boolean', default: false },
    'compare-bin': { type: 'string' },
    'compare-no-timings': { type: 'boolean', default: false },
  },
});
const peakMode = opt.peak;
const wholeMode = opt['whole-process'];
// --whole-process defaults to the sizes its goal was set at
const N = Number(opt.images ?? (peakMode ? 50000 : wholeMode ? 8000 : 10000));
const C = Number(opt.concepts ?? (wholeMode ? 12000 : 20000));
const K = Number(opt.neurons ?? (wholeMode ? 512 : 128));
const TOP_K = Number(opt['top-k']);
const D = Number(opt.dim);
const THREADS = Number(opt.threads);
/** Runs of each side; the fastest wall and CPU times are compared (the cores may be shared). */
const REPEAT = Math.max(1, Number(opt.repeat ?? (wholeMode ? 5 : 1)));
const cores = cpus().length;
const ENGINE = opt.engine as SimilarityEngine;
if (!SIMILARITY_ENGINES.includes(ENGINE)) throw new Error(`--engine must be one of ${SIMILARITY_ENGINES.join(', ')}`);

function shared(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(n * 4));
}
/** Neuron k follows concept (k * 131) % C, plus noise, ReLU'd. */
function activationsFrom(column: (i: number, c: number) => number): Matrix {
  const r = rng(99);
  const a = new Float32Array(N * K);
  for (let k = 0; k < K; k++) {
    const c = (k * 131) % C;
    for (let i = 0; i < N; i++) a[i * K + k] = Math.max(0, 20 * (column(i, c) - 0.2) + r() - 0.5);
  }
  return { rows: N, cols: K, data: a };
}
const argmaxLabels = (labels: { concept: number }[][]): number[] => labels.map((l) => l[0]!.concept);
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

async function speed(): Promise<void> {
  console.log(`similarity bench: soft_wpmi, N=${N} images, C=${C} concepts, K=${K} neurons, top_k=${TOP_K}; cpus=${cores}, threads=${THREADS}, engine=${ENGINE}`);
  const r = rng(7);
  // CLIP-like cosines, 0.1..0.35
  const p: Matrix = { rows: N, cols: C, data: shared(N * C) };
  for (let j = 0; j < p.data.length; j++) p.data[j] = 0.1 + 0.25 * r() * r();
  const a = activationsFrom((i, c) => p.data[i * C + c]!);
  const params = { top_k: TOP_K };

  let oursSeconds = Infinity;
  let oursFirst = 0; // the first call of this process: threads started, code compiled, memory mapped
  let oursCpu = Infinity; // all threads of the process
  let ours: Awaited<ReturnType<typeof score>> | undefined;
  for (let run = 0; run < REPEAT; run++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    ours = await score('soft_wpmi', denseConcepts(p), a, params, { threads: THREADS, engine: ENGINE });
    const elapsed = (performance.now() - t0) / 1000;
    if (run === 0) oursFirst = elapsed;
    oursSeconds = Math.min(oursSeconds, elapsed);
    const cpu = process.cpuUsage(cpu0);
    oursCpu = Math.min(oursCpu, (cpu.user + cpu.system) / 1e6);
  }
  console.log(
    `neuron-atlas (${ENGINE} engine, ${THREADS} threads${REPEAT > 1 ? `, best of ${REPEAT}` : ''}): ${oursSeconds.toFixed(3)} s, ${((oursSeconds * 1000) / K).toFixed(2)} ms/neuron; CPU ${oursCpu.toFixed(3)} s`,
  );

  let baseline: { seconds: number; first_seconds: number; cpu_seconds: number; labels: number[] } | undefined;
  if (!opt['no-baseline']) {
    const dir = mkdtempSync(join(tmpdir(), 'similarity-bench-'));
    try {
      writeNpyMatrix(join(dir, 'P.npy'), p);
      writeNpyMatrix(join(dir, 'A.npy'), a);
      const script = resolve(here, 'python/time_similarity.py');
      const res = spawnSync(
        opt.python,
        [script, join(dir, 'P.npy'), join(dir, 'A.npy'), join(dir, 'out.json'), '--fn', 'soft_wpmi', '--params', JSON.stringify(params), '--threads', String(THREADS), '--repeat', String(REPEAT)],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
      if (res.status !== 0) throw new Error(`baseline failed (${opt.python} ${script}), exit ${res.status}`);
      baseline = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as typeof baseline;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(
      `reference loop (PyTorch ${opt.python}, ${THREADS} threads${REPEAT > 1 ? `, best of ${REPEAT}` : ''}):   ${baseline!.seconds.toFixed(3)} s, ${((baseline!.seconds * 1000) / K).toFixed(2)} ms/neuron; CPU ${baseline!.cpu_seconds.toFixed(3)} s`,
    );
  }
  const ourLabels = argmaxLabels(ours!.labels);
  const agreement = baseline ? ourLabels.filter((l, k) => l === baseline.labels[k]).length / K : undefined;
  const ratio = baseline ? baseline.seconds / oursSeconds : undefined;
  const cpuRatio = baseline ? baseline.cpu_seconds / oursCpu : undefined;
  const firstRatio = baseline ? baseline.first_seconds / oursFirst : undefined;
  if (baseline) {
    console.log(
      `speed-up ${ratio!.toFixed(1)}x per neuron (wall clock${REPEAT > 1 ? `, best of ${REPEAT} each` : ''}), ${cpuRatio!.toFixed(1)}x in CPU time; label agreement ${(100 * agreement!).toFixed(1)}% (${K} neurons)`,
    );
    if (REPEAT > 1) {
      console.log(
        `first calls (each side's first run in its process, as a one-off command): ours ${oursFirst.toFixed(3)} s, reference ${baseline!.first_seconds.toFixed(3)} s: ${firstRatio!.toFixed(1)}x`,
      );
    }
  }
  // The cores may be shared: a load above the core count slows both sides, unevenly.
  const load = loadavg()[0]!;
  console.log(`1-minute load average ${load.toFixed(2)} on ${cores} cores`);
  console.log(
    JSON.stringify({
      bench: 'similarity',
      fn: 'soft_wpmi',
      cpus: cores,
      threads: THREADS,
      engine: ENGINE,
      repeat: REPEAT,
      images: N,
      concepts: C,
      neurons: K,
      top_k: TOP_K,
      ours_s: +oursSeconds.toFixed(4),
      ours_ms_per_neuron: +((oursSeconds * 1000) / K).toFixed(3),
      ours_cpu_s: +oursCpu.toFixed(4),
      ours_first_s: +oursFirst.toFixed(4),
      baseline_s: baseline ? +baseline.seconds.toFixed(4) : null,
      baseline_ms_per_neuron: baseline ? +((baseline.seconds * 1000) / K).toFixed(3) : null,
      baseline_cpu_s: baseline ? +baseline.cpu_seconds.toFixed(4) : null,
      baseline_first_s: baseline ? +baseline.first_seconds.toFixed(4) : null,
      ratio: ratio ? +ratio.toFixed(2) : null,
      cpu_ratio: cpuRatio ? +cpuRatio.toFixed(2) : null,
      first_call_ratio: firstRatio ? +firstRatio.toFixed(2) : null,
      label_agreement: agreement ?? null,
      load_avg_1m: +load.toFixed(2),
    }),
  );
}

async function peak(): Promise<void> {
  console.log(`similarity peak-memory bench: soft_wpmi on factored P, N=${N} images, C=${C} concepts, D=${D}, K=${K} neurons, top_k=${TOP_K}; cpus=${cores}, threads=${THREADS}, engine=${ENGINE}`);
  const r = rng(11);
  const embed = (rows: number): Matrix => {
    const m = { rows, cols: D, data: shared(rows * D) };
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += (m.data[i * D + d] = r() - 0.3) ** 2;
      const inv = 1 / Math.sqrt(s);
      for (let d = 0; d < D; d++) m.data[i * D + d]! *= inv;
    }
    return m;
  };
  const images = embed(N);
  const texts = embed(C);
  const concepts = factoredConcepts(images, texts);
  const a = activationsFrom((i, c) => {
    let s = 0;
    for (let d = 0; d < D; d++) s += images.data[i * D + d]! * texts.data[c * D + d]!;
    return s;
  });
  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  let peakExternal = before.external + before.arrayBuffers;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakExternal = Math.max(peakExternal, m.external + m.arrayBuffers);
  }, 20);
  const t0 = performance.now();
  let last = 0;
  const result = await score('soft_wpmi', concepts, a, { top_k: TOP_K }, {
    threads: THREADS,
    engine: ENGINE,
    onProgress: (done, total) => {
      const now = performance.now();
      if (now - last > 10000) {
        process.stderr.write(`  ${done}/${total} rows of P, ${((now - t0) / 1000).toFixed(0)} s\n`);
        last = now;
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss, process.resourceUsage().maxRSS * 1024);
  const denseBytes = N * C * 4;
  console.log(`inputs: image embeddings ${mb(N * D * 4)} MB, text embeddings ${mb(C * D * 4)} MB, activations ${mb(N * K * 4)} MB; a dense P would be ${mb(denseBytes)} MB`);
  console.log(`RSS before scoring ${mb(before.rss)} MB; peak process RSS ${mb(peakRss)} MB (+${mb(peakRss - before.rss)} MB for the similarity step); peak JS heap ${mb(peakHeap)} MB; peak array buffers ${mb(peakExternal)} MB`);
  console.log(`time ${seconds.toFixed(1)} s (${result.labels.length} neurons labelled)`);
  console.log(
    JSON.stringify({
      bench: 'similarity-peak',
      fn: 'soft_wpmi',
      input: 'factored',
      cpus: cores,
      threads: THREADS,
      engine: ENGINE,
      images: N,
      concepts: C,
      dim: D,
      neurons: K,
      top_k: TOP_K,
      seconds: +seconds.toFixed(2),
      rss_before_mb: mb(before.rss),
      peak_rss_mb: mb(peakRss),
      step_rss_mb: mb(peakRss - before.rss),
      peak_heap_mb: mb(peakHeap),
      dense_p_mb: mb(denseBytes),
      load_avg_1m: +loadavg()[0]!.toFixed(2),
    }),
  );
}

/** What a side printed with --timings (see `atlas score --timings`). */
interface ProcessReport {
  timings: Record<string, number>;
  /** CPU seconds of each step, all threads */
  cpu_timings: Record<string, number>;
  total: number;
  cpu: number;
  cpu_system: number;
  peak_rss_mb: number;
  minor_page_faults: number;
}

/** CPU seconds of this process's finished children so far (Linux /proc; 0 elsewhere). */
function childrenCpu(): number {
  try {
    const raw = readFileSync('/proc/self/stat', 'utf8');
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

/** Runs a command to completion: its wall time, its CPU (launchers and threads included) and its --timings line (when `timings`). */
function timeProcess(command: string, args: string[], timings = true): { wall: number; cpu: number; report?: ProcessReport } {
  const cpu0 = childrenCpu();
  const t0 = performance.now();
  const res = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 24 });
  const wall = (performance.now() - t0) / 1000;
  if (res.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${res.status}):\n${res.stderr}`);
  const cpu = childrenCpu() - cpu0;
  if (!timings) return { wall, cpu };
  const line = res.stderr.split('\n').reverse().find((l) => l.startsWith('{"timings"'));
  if (!line) throw new Error(`${command} printed no timings:\n${res.stderr}`);
  return { wall, cpu, report: JSON.parse(line) as ProcessReport };
}

const labelsOf = (csvPath: string): string[] =>
  readFileSync(csvPath, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[1]!);

/** Each step's median over the runs, in seconds (wall, or CPU of all threads), with the rest
 * as 'outside' (launcher, process teardown, waiting for a core before the first line). */
function stepMedians(runs: { wall: number; cpu: number; report?: ProcessReport }[], kind: 'wall' | 'cpu' = 'wall'): Record<string, number> | null {
  const reports = runs.flatMap((r) => (r.report ? [{ wall: r.wall, cpu: r.cpu, report: r.report }] : []));
  if (reports.length === 0) return null;
  const stepsOf = (r: ProcessReport): Record<string, number> => (kind === 'wall' ? r.timings : r.cpu_timings);
  const out: Record<string, number> = {};
  for (const step of Object.keys(stepsOf(reports[0]!.report))) out[step] = +median(reports.map((r) => stepsOf(r.report)[step] ?? 0)).toFixed(3);
  out.outside = +median(
    reports.map((r) => (kind === 'wall' ? r.wall - r.report.total : r.cpu - Object.values(r.report.cpu_timings).reduce((x, y) => x + y, 0))),
  ).toFixed(3);
  return out;
}

/**
 * P.npy and A.npy as the speed bench makes them (same values), P written a block of rows at a
 * time: this process then holds no copy of P when it starts the sides, whose peak RSS would
 * otherwise start from this process's (Linux keeps the high-water mark across fork and exec).
 */
function writeInputs(pPath: string, aPath: string): void {
  const r = rng(7);
  const followed = Array.from({ length: K }, (_, k) => (k * 131) % C); // the concept neuron k follows
  const columns = new Float32Array(N * K); // P[i, followed[k]]
  const fd = openSync(pPath, 'w');
  try {
    writeSync(fd, npyHeader('float32', [N, C]));
    const rows = Math.max(1, Math.floor((4 << 20) / C));
    const block = new Float32Array(rows * C);
    for (let i0 = 0; i0 < N; i0 += rows) {
      const n = Math.min(rows, N - i0);
      for (let j = 0; j < n * C; j++) block[j] = 0.1 + 0.25 * r() * r();
      for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) columns[(i0 + i) * K + k] = block[i * C + followed[k]!]!;
      writeSync(fd, block.subarray(0, n * C));
    }
  } finally {
    closeSync(fd);
  }
  // as activationsFrom, from the columns kept
  const noise = rng(99);
  const a = new Float32Array(N * K);
  for (let k = 0; k < K; k++) for (let i = 0; i < N; i++) a[i * K + k] = Math.max(0, 20 * (columns[i * K + k]! - 0.2) + noise() - 0.5);
  writeNpyMatrix(aPath, { rows: N, cols: K, data: a });
}

interface Side {
  name: string;
  command: string;
  args: string[];
  /** whether it prints --timings */
  timings: boolean;
  csv: string;
  runs: ReturnType<typeof timeProcess>[];
}

async function wholeProcess(): Promise<void> {
  console.log(
    `similarity whole-process bench: atlas score vs the reference as a command, soft_wpmi, N=${N} images, C=${C} concepts, K=${K} neurons, top_k=${TOP_K}, float32 .npy; cpus=${cores} (${cpus()[0]?.model.trim() ?? 'unknown'}), reference threads=${THREADS}, ${REPEAT} runs each, alternating`,
  );
  // bin/atlas.js runs the compiled dist/: refuse to time code older than src/
  assertBuilt(resolve(here, '..'));
  if (opt['compare-bin']) assertBuilt(resolve(opt['compare-bin'], '../..'));
  const dir = mkdtempSync(join(tmpdir(), 'similarity-whole-'));
  const f = (name: string): string => join(dir, name);
  const params = JSON.stringify({ top_k: TOP_K });
  const atlas = (name: string, bin: string, csv: string, timings: boolean): Side => ({
    name,
    command: process.execPath,
    args: [bin, 'score', '--clip-feats', f('P.npy'), '--target-feats', f('A.npy'), '--params', params, '--out', f(csv), '--no-progress', ...(timings ? ['--timings'] : [])],
    timings,
    csv: f(csv),
    runs: [],
  });
  const sides: Side[] = [
    atlas('atlas score', resolve(here, '../bin/atlas.js'), 'ours.csv', true),
    {
      name: 'reference',
      command: opt.python,
      args: [resolve(here, 'python/score_reference.py'), f('P.npy'), f('A.npy'), f('ref.csv'), '--fn', 'soft_wpmi', '--params', params, '--threads', String(THREADS), '--timings'],
      csv: f('ref.csv'),
      timings: true,
      runs: [],
    },
  ];
  // another checkout's atlas (e.g. the code before a change), run alternately with the others
  if (opt['compare-bin']) sides.push(atlas(`atlas score (${opt['compare-bin']})`, resolve(opt['compare-bin']), 'other.csv', !opt['compare-no-timings']));
  const [ours, ref] = sides as [Side, Side];
  try {
    writeInputs(f('P.npy'), f('A.npy'));
    const agreement: number[] = [];
    for (let run = 0; run < REPEAT; run++) {
      // rotate which side goes first, so that none always follows another's page-cache and CPU state
      for (let j = 0; j < sides.length; j++) {
        const side = sides[(run + j) % sides.length]!;
        side.runs.push(timeProcess(side.command, side.args, side.timings));
      }
      const theirs = labelsOf(ref.csv);
      for (const side of sides.filter((x) => x !== ref)) {
        const mine = labelsOf(side.csv);
        agreement.push(mine.length === theirs.length ? mine.filter((l, k) => l === theirs[k]).length / theirs.length : 0);
      }
      const last = (x: Side): string => `${x.name} ${x.runs.at(-1)!.wall.toFixed(2)} s (CPU ${x.runs.at(-1)!.cpu.toFixed(2)} s)`;
      console.log(`run ${run + 1}: ${sides.map(last).join(', ')}; load ${loadavg()[0]!.toFixed(2)}`);
    }
    const wall = (x: Side): number => median(x.runs.map((y) => y.wall));
    const cpu = (x: Side): number => median(x.runs.map((y) => y.cpu));
    const fmt = (steps: Record<string, number>): string => Object.entries(steps).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
    for (const side of sides) {
      const reports = side.runs.flatMap((x) => (x.report ? [x.report] : []));
      const memory = reports.length
        ? `; peak RSS ${median(reports.map((x) => x.peak_rss_mb))} MB, ${median(reports.map((x) => x.minor_page_faults))} minor page faults`
        : '';
      console.log(`${side.name} (median of ${REPEAT}): ${wall(side).toFixed(3)} s wall, ${cpu(side).toFixed(2)} s CPU${memory}`);
      const steps = stepMedians(side.runs);
      if (steps) console.log(`  steps, wall (s): ${fmt(steps)}`);
      const cpuSteps = stepMedians(side.runs, 'cpu');
      if (cpuSteps) console.log(`  steps, CPU (s): ${fmt(cpuSteps)}`);
    }
    const pairRatios = ours.runs.map((x, j) => ref.runs[j]!.wall / x.wall);
    console.log(
      `whole-process speed-up ${(wall(ref) / wall(ours)).toFixed(2)}x wall (medians; per run ${pairRatios.map((x) => x.toFixed(2)).join(', ')}), ${(cpu(ref) / cpu(ours)).toFixed(2)}x CPU; label agreement with the reference ${agreement.map((x) => `${(100 * x).toFixed(1)}%`).join(', ')}`,
    );
    for (const side of sides.slice(2)) {
      console.log(`${side.name}: ${(wall(ref) / wall(side)).toFixed(2)}x the reference's wall time, ${(cpu(ref) / cpu(side)).toFixed(2)}x its CPU time; atlas score takes ${(wall(ours) / wall(side)).toFixed(2)} of its wall time`);
    }
    const load = loadavg()[0]!;
    console.log(`1-minute load average ${load.toFixed(2)} on ${cores} cores`);
    const other = sides[2];
    console.log(
      JSON.stringify({
        bench: 'similarity-whole-process',
        fn: 'soft_wpmi',
        cpus: cores,
        cpu_model: cpus()[0]?.model.trim() ?? null,
        threads: THREADS,
        repeat: REPEAT,
        images: N,
        concepts: C,
        neurons: K,
        top_k: TOP_K,
        ours_s: +wall(ours).toFixed(3),
        ours_cpu_s: +cpu(ours).toFixed(3),
        ours_steps_s: stepMedians(ours.runs),
        ours_cpu_steps_s: stepMedians(ours.runs, 'cpu'),
        baseline_s: +wall(ref).toFixed(3),
        baseline_cpu_s: +cpu(ref).toFixed(3),
        baseline_steps_s: stepMedians(ref.runs),
        baseline_cpu_steps_s: stepMedians(ref.runs, 'cpu'),
        ratio: +(wall(ref) / wall(ours)).toFixed(2),
        pair_ratios: pairRatios.map((x) => +x.toFixed(2)),
        cpu_ratio: +(cpu(ref) / cpu(ours)).toFixed(2),
        compare_s: other ? +wall(other).toFixed(3) : null,
        compare_cpu_s: other ? +cpu(other).toFixed(3) : null,
        compare_steps_s: other ? stepMedians(other.runs) : null,
        label_agreement: Math.min(...agreement),
        load_avg_1m: +load.toFixed(2),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await (wholeMode ? wholeProcess() : peakMode ? peak() : speed());
