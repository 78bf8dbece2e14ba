/**
 * `atlas score`: the labelling step alone. Reads the concept-activation matrix P (images x
 * concepts) and a layer's activations A (images x neurons) from .npy files, scores every
 * neuron against every concept with a CLIP-Dissect similarity function, and writes each
 * neuron's label as CSV (and optionally the full score matrix).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { stringify } from 'csv-stringify/sync';
import { readNpyMatrix, writeNpyMatrix } from '../../compute/npy.js';
import { jsonObject } from '../options.js';
import {
  DEFAULT_SIMILARITY,
  assertSimilarityName,
  denseConcepts,
  resolveParams,
  score,
} from '../../compute/similarity/index.js';
import { cliIo } from '../io.js';

interface ScoreOptions {
  clipFeats: string;
  targetFeats: string;
  concepts?: string;
  fn: string;
  params?: string;
  out?: string;
  matrix?: string;
  progress: boolean;
}

/** One concept per line, as the reference reads its concept sets. */
export function readConceptList(path: string): string[] {
  if (!existsSync(path)) throw new Error(`${path}: file not found`);
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

async function run(opts: ScoreOptions): Promise<void> {
  const fn = assertSimilarityName(opts.fn);
  const params = jsonObject('--params', opts.params);

  const p = readNpyMatrix(opts.clipFeats, { shared: true });
  const a = readNpyMatrix(opts.targetFeats);
  if (p.rows !== a.rows) {
    throw new Error(
      `${opts.clipFeats} has ${p.rows} rows (images) but ${opts.targetFeats} has ${a.rows}: both must list the same probe images`,
    );
  }
  const names = opts.concepts ? readConceptList(opts.concepts) : undefined;
  if (names && names.length !== p.cols) {
    throw new Error(`${opts.concepts} lists ${names.length} concepts but ${opts.clipFeats} has ${p.cols} columns`);
  }
  resolveParams(fn, params, p.rows); // fail on bad parameters before any work

  const bar = opts.progress && cliIo().stderr.isTTY
    ? new SingleBar({ format: `${fn} {bar} {percentage}% | {value}/{total} | {eta_formatted} left`, stream: cliIo().stderr }, Presets.shades_classic)
    : undefined;
  let started = false;
  const result = await score(fn, denseConcepts(p), a, params, {
    topN: 1,
    keepMatrix: opts.matrix !== undefined,
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

  const rows: (string | number)[][] = [['unit', 'label', 'score']];
  result.labels.forEach((ranked, unit) => {
    const best = ranked[0];
    if (!best) return;
    rows.push([unit, names ? names[best.concept]! : String(best.concept), best.score]);
  });
  const csv = stringify(rows); // quotes a label with a comma, quote or line break (RFC 4180)
  if (opts.out) writeFileSync(opts.out, csv);
  else cliIo().stdout.write(csv);
  if (opts.matrix && result.matrix) writeNpyMatrix(opts.matrix, result.matrix);
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
    .action(run);
}
