/**
 * `atlas score`: the labelling step alone. Reads the concept-activation matrix P (images x
 * concepts) and a layer's activations A (images x neurons) from .npy files, scores every
 * neuron against every concept with a CLIP-Dissect similarity function, and writes each
 * neuron's label as CSV (and optionally the full score matrix).
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { jsonObject } from '../options.js';
import { cliIo } from '../io.js';
import { DEFAULT_SIMILARITY, assertSimilarityName } from '../../services/similarity-names.js';

interface ScoreOptions {
  clipFeats: string;
  targetFeats: string;
  concepts?: string;
  fn: string;
  params?: string;
  out?: string;
  matrix?: string;
  progress: boolean;
  timings?: boolean;
}

/**
 * Where a run's time went, in seconds: `startup` from the process's start to this command's
 * first line, then each step since the previous mark; wall-clock time, and CPU time of all the
 * process's threads (on a shared machine wall time also counts waiting for a core).
 */
class Steps {
  readonly seconds: Record<string, number> = { startup: performance.now() / 1000 };
  readonly cpuSeconds: Record<string, number> = { startup: cpuNow() };
  private last = performance.now();
  private lastCpu = this.cpuSeconds.startup!;

  mark(step: string): void {
    const now = performance.now();
    const cpu = cpuNow();
    this.seconds[step] = (this.seconds[step] ?? 0) + (now - this.last) / 1000;
    this.cpuSeconds[step] = (this.cpuSeconds[step] ?? 0) + cpu - this.lastCpu;
    this.last = now;
    this.lastCpu = cpu;
  }

  /** One JSON line: the steps, the in-process total, CPU time of all threads, peak memory and
   * minor page faults (first touches of fresh memory, costly on some virtual machines). */
  report(): string {
    const usage = process.resourceUsage();
    const round = (x: number): number => Math.round(x * 1000) / 1000;
    const rounded = (steps: Record<string, number>): Record<string, number> =>
      Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, round(v)]));
    return JSON.stringify({
      timings: rounded(this.seconds),
      cpu_timings: rounded(this.cpuSeconds),
      total: round(this.last / 1000), // to the end of the last step
      cpu: round((usage.userCPUTime + usage.systemCPUTime) / 1e6),
      cpu_system: round(usage.systemCPUTime / 1e6),
      peak_rss_mb: Math.round(usage.maxRSS / 1024),
      minor_page_faults: usage.minorPageFault,
    });
  }
}

/** CPU seconds of this process so far, all threads. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

async function run(opts: ScoreOptions): Promise<void> {
  const steps = new Steps();
  const fn = assertSimilarityName(opts.fn);
  const params = jsonObject('--params', opts.params);
  // Loaded here, not with the command list: `atlas --help` need not load the kernels.
  const { scoreFiles } = await import('../../services/score.js');
  steps.mark('imports');

  const bar = opts.progress && cliIo().stderr.isTTY ? await progressBar(fn) : undefined;
  let started = false;
  const labels = await scoreFiles({
    clipFeats: opts.clipFeats,
    targetFeats: opts.targetFeats,
    ...(opts.concepts ? { concepts: opts.concepts } : {}),
    fn,
    params,
    ...(opts.matrix !== undefined ? { matrix: opts.matrix } : {}),
    onStep: (step) => steps.mark(step),
    onProgress: (done, total) => {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
  });
  bar?.stop();

  const csv = stringify([['unit', 'label', 'score'], ...labels.map((l) => [l.unit, l.label, l.score])]); // quotes a label with a comma, quote or line break (RFC 4180)
  if (opts.out) writeFileSync(opts.out, csv);
  else cliIo().stdout.write(csv);
  steps.mark('write');
  if (opts.timings) cliIo().stderr.write(steps.report() + '\n');
}

async function progressBar(fn: string) {
  const { SingleBar, Presets } = await import('cli-progress');
  return new SingleBar({ format: `${fn} {bar} {percentage}% | {value}/{total} | {eta_formatted} left`, stream: cliIo().stderr }, Presets.shades_classic);
}

export function register(program: Command): void {
  program
    .command('score')
    .description('label each neuron from precomputed concept activations (P.npy) and neuron activations (A.npy)')
    .requiredOption('--clip-feats <file>', 'concept-activation matrix P: images x concepts, float32/float64 .npy')
    .requiredOption('--target-feats <file>', 'neuron activations A: images x neurons, float32/float64 .npy')
    .option('--concepts <file>', 'concept names, one per line (labels are column indices without it)')
    .option('--fn <name>', 'similarity function: soft_wpmi, wpmi, cos_similarity, cos_similarity_cubed, rank_reorder', DEFAULT_SIMILARITY)
    .option('--params <json>', 'function parameters as JSON, e.g. \'{"top_k":20,"a":5}\'')
    .option('--out <file>', 'write labels CSV (unit,label,score) here instead of stdout')
    .option('--matrix <file>', 'also write the neurons x concepts score matrix as float32 .npy')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--timings', 'print where the time went (start-up, reading, each scoring step, writing; seconds) as one JSON line on stderr')
    .action(run);
}
