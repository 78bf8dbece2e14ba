/**
 * CLIP-Dissect similarity functions: score every neuron of a layer against every concept and
 * keep each neuron's best concepts. Semantics follow the reference implementation exactly
 * (see the project's CLIP-Dissect spec); rank_reorder replaces its random baseline by its
 * expected value.
 */
import { availableParallelism } from 'node:os';
import type { LabelScore, Matrix } from '../../core/types.js';
import type { ConceptMatrix } from './concepts.js';
import { cosSimilarity, cosSimilarityCubed } from './cos.js';
import { topLabels } from './labels.js';
import { parallelLogLikelihoods, priorAndLabelsOnThreads, warmWorkers } from './parallel.js';
import {
  assertSimilarityName,
  resolveParams,
  type Params,
  type SimilarityName,
  type SoftWpmiParams,
  type WpmiParams,
} from './params.js';
import { annotateConfidence, calibratorKey } from './confidence.js';
import { rankReorder } from './rank-reorder.js';
import { topIndicesPerColumn } from './topk.js';
import { termSpec } from './wpmi.js';

export { denseConcepts, factoredConcepts, fileConcepts, normaliseRows, readerConcepts, toShared, type ConceptMatrix } from './concepts.js';
export {
  DEFAULTS,
  assertSimilarityName,
  DEFAULT_SIMILARITY,
  SIMILARITY_NAMES,
  isSimilarityName,
  resolveParams,
  type Params,
  type SimilarityName,
} from './params.js';

export interface ScoreOptions {
  /** Labels kept per neuron, best first (default 5). */
  topN?: number;
  /** Also return the K x C score matrix. */
  keepMatrix?: boolean;
  /** Called as work proceeds; done/total in the step's own units. */
  onProgress?: (done: number, total: number) => void;
  /** Called as each step ends (for timing them): soft_wpmi/wpmi 'top images', 'likelihoods'
   * (reading P's rows, softmax, products), 'prior', 'labels'; the others 'scores', 'labels'. */
  onStep?: (step: ScoreStep) => void;
  /** Worker threads for soft_wpmi/wpmi (default: available cores, at most 8, for large
   * problems; 1 for small ones); needs the concept matrix in shared memory (see toShared),
   * else the calling thread does the work. */
  threads?: number;
  /** What computes soft_wpmi/wpmi: 'onnx' (default) has onnxruntime compute the softmax rows
   * (and factored P rows by GEMM) while worker threads multiply the terms; 'js' does it all in
   * JavaScript (the reference path, and a fallback). Both match the reference's golden outputs. */
  engine?: SimilarityEngine;
}

export type ScoreStep = 'top images' | 'likelihoods' | 'prior' | 'labels' | 'scores';

export type SimilarityEngine = 'js' | 'onnx';
export const SIMILARITY_ENGINES: readonly SimilarityEngine[] = ['js', 'onnx'];

export interface ScoreResult {
  /** Per neuron, best first: rank 0 is the label; each with its calibrated `confidence` (confidence.ts). */
  labels: LabelScore[][];
  /** K x C scores, when keepMatrix was asked for. */
  matrix?: Matrix;
}

/** Below this many terms (K x top_k x C) starting threads costs more than it saves. */
const PARALLEL_MIN_TERMS = 20_000_000;

/**
 * Scores neurons (columns of `activations`, N images x K neurons) against concepts (columns of
 * `concepts`, N images x C). All K neurons are scored together: soft_wpmi and wpmi take their
 * prior over them, so pass a whole layer.
 */
export async function score(
  fn: SimilarityName,
  concepts: ConceptMatrix,
  activations: Matrix,
  params?: Partial<Params> | Record<string, unknown>,
  opts: ScoreOptions = {},
): Promise<ScoreResult> {
  const name = assertSimilarityName(fn);
  const { images: n, concepts: c } = concepts;
  if (activations.data.length !== activations.rows * activations.cols) {
    throw new Error(`activations: data holds ${activations.data.length} values, shape ${activations.rows} x ${activations.cols}`);
  }
  if (activations.rows !== n) {
    throw new Error(`activations have ${activations.rows} images (rows) but the concept matrix has ${n}`);
  }
  const k = activations.cols;
  if (k < 1) throw new Error('activations have no neurons (0 columns)');
  if (c < 1) throw new Error('the concept matrix has no concepts (0 columns)');
  const topN = opts.topN ?? 5;
  if (!Number.isInteger(topN) || topN < 1) throw new Error(`topN must be a positive integer, got ${topN}`);
  const progress = opts.onProgress;
  const engine = opts.engine ?? 'onnx';
  if (!SIMILARITY_ENGINES.includes(engine)) {
    throw new Error(`unknown similarity engine '${String(engine)}'; expected one of ${SIMILARITY_ENGINES.join(', ')}`);
  }

  let scores: Float64Array;
  switch (name) {
    case 'soft_wpmi':
    case 'wpmi': {
      const p = resolveParams(name, params as Record<string, unknown>, n) as SoftWpmiParams | WpmiParams;
      const spec = termSpec(name, p);
      const big = k * p.top_k * c >= PARALLEL_MIN_TERMS;
      const useThreads = opts.threads ?? (big ? Math.min(8, availableParallelism()) : 1);
      if (!Number.isInteger(useThreads) || useThreads < 1) throw new Error(`threads must be a positive integer, got ${useThreads}`);
      // the threads start while the top images are found
      if (useThreads > 1) warmWorkers(useThreads);
      const top = topIndicesPerColumn(activations, p.top_k);
      opts.onStep?.('top images');
      const l = await parallelLogLikelihoods(concepts.source(), top, spec, useThreads, progress, {}, engine);
      opts.onStep?.('likelihoods');
      // L comes back in shared memory from threads: its prior and labels are split between them too.
      const labels = await priorAndLabelsOnThreads(l, k, c, p.lam, topN, useThreads, opts.onStep);
      // the prior is subtracted in place: l now holds the scores the labels were picked from
      annotateConfidence(calibratorKey(name, params as Record<string, unknown>, n), l, c, labels);
      return withMatrix({ labels }, l, k, c, opts.keepMatrix);
    }
    case 'cos_similarity':
      resolveParams(name, params as Record<string, unknown>, n);
      scores = cosSimilarity(concepts, activations, progress);
      break;
    case 'cos_similarity_cubed': {
      const p = resolveParams(name, params as Record<string, unknown>, n);
      scores = cosSimilarityCubed(concepts, activations, p.min_norm, progress);
      break;
    }
    case 'rank_reorder': {
      const p = resolveParams(name, params as Record<string, unknown>, n);
      scores = rankReorder(concepts, activations, p, progress);
      break;
    }
  }
  opts.onStep?.('scores');
  const labels = topLabels(scores, k, c, topN);
  annotateConfidence(calibratorKey(name, params as Record<string, unknown>, n), scores, c, labels);
  opts.onStep?.('labels');
  return withMatrix({ labels }, scores, k, c, opts.keepMatrix);
}

function withMatrix(result: ScoreResult, scores: Float64Array, k: number, c: number, keep?: boolean): ScoreResult {
  if (keep) result.matrix = { rows: k, cols: c, data: Float32Array.from(scores) };
  return result;
}
