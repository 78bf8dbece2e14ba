/**
 * The soft_wpmi/wpmi kernel on several threads (the pool of kernel-pool.ts), split by image or by
 * neuron: each thread walks the union of its own neurons' top images; and the prior and labels
 * of a K x C matrix in shared memory, split by concept and by neuron.
 */
import { isSharedSource } from './concepts.js';
import { callWorker } from './kernel-pool.js';
import { logLikelihoods, subtractPriorIn, type KernelSpec, type RowSource } from './kernel.js';
import { onnxLogLikelihoods } from './onnx-engine.js';
import { simdMatrix, simdMatrixPlace, simdModule } from './simd.js';
import type { LabelScore } from '../../core/types.js';
import { topLabels } from './labels.js';

export { warmWorkers } from './kernel-pool.js';

interface Request {
  src: RowSource;
  top: Int32Array;
  spec: KernelSpec;
  part?: { index: number; of: number };
}

async function runInWorker(req: Request, onProgress: (d: number, t: number) => void): Promise<Float64Array> {
  const reply = await callWorker({ type: 'loglik', ...req }, onProgress);
  if (reply.type !== 'done') throw new Error(`worker answered '${reply.type}' to a log-likelihood request`);
  return reply.result;
}

/**
 * subtractPrior then topLabels of a K x C matrix in shared memory, on `threads` threads: the
 * prior by ranges of concepts, then the labels by ranges of neurons (the labels need every
 * concept's prior). Same arithmetic, same order per value, as on one thread.
 */
export async function priorAndLabelsOnThreads(
  l: Float64Array,
  k: number,
  c: number,
  lam: number,
  topN: number,
  threads: number,
  onStep?: (step: 'prior' | 'labels') => void,
): Promise<LabelScore[][]> {
  // L in a WebAssembly memory of its own (simdMatrix): the prior by the SIMD kernels
  const place = (thread: number) => {
    const at = simdMatrixPlace(l, thread);
    return at && { module: simdModule(), memory: at.memory, scratch: at.scratch };
  };
  if (threads <= 1 || !(l.buffer instanceof SharedArrayBuffer)) {
    subtractPriorIn(l, k, c, lam, 0, c, place(0));
    onStep?.('prior');
    const labels = topLabels(l, k, c, topN);
    onStep?.('labels');
    return labels;
  }
  const cut = (n: number, parts: number) => Array.from({ length: parts + 1 }, (_, g) => Math.round((g * n) / parts));
  const cs = cut(c, Math.min(threads, c));
  await Promise.all(cs.slice(1).map((c1, g) => callWorker({ type: 'prior', l, k, c, lam, c0: cs[g]!, c1, place: place(g) })));
  onStep?.('prior');
  const ks = cut(k, Math.min(threads, k));
  const parts = await Promise.all(ks.slice(1).map((k1, g) => callWorker({ type: 'labels', scores: l, k, c, topN, k0: ks[g]!, k1 })));
  onStep?.('labels');
  return parts.flatMap((p) => (p.type === 'labels' ? p.labels : []));
}

/** Above this many K x C partial results per thread (16 bytes each), split by neuron rather than by image. */
const ROW_SPLIT_MAX_ENTRIES = 8 << 20;
/** Neurons are scored in batches of at most this many K x C entries (bounds the kernel's memory). */
const BATCH_MAX_ENTRIES = 32 << 20;

/**
 * logLikelihoods for all neurons of `top` (K x topK) on up to `threads` threads; on the calling
 * thread when one thread is asked for or the source is not in shared memory.
 *
 * Threads share the union of top images (each computes the softmax of its share of rows once,
 * and adds its terms for every neuron) and the partial sums are added. When K x C partials
 * per thread would be too large, threads take groups of neurons instead, at the price of
 * computing the rows that two groups share twice.
 */
export async function parallelLogLikelihoods(
  src: RowSource,
  top: Int32Array,
  spec: KernelSpec,
  threads: number,
  onProgress?: (done: number, total: number) => void,
  limits: { rowSplitMaxEntries?: number; batchMaxEntries?: number } = {},
  engine: 'js' | 'onnx' = 'js',
): Promise<Float64Array> {
  const k = top.length / spec.topK;
  const c = src.cols;
  const rowSplitMaxEntries = limits.rowSplitMaxEntries ?? ROW_SPLIT_MAX_ENTRIES;
  const batch = Math.max(1, Math.floor((limits.batchMaxEntries ?? BATCH_MAX_ENTRIES) / Math.max(1, c)));
  const run = (t: Int32Array, progress?: (done: number, total: number) => void): Promise<Float64Array> =>
    engine === 'onnx'
      ? onnxLogLikelihoods(src, t, spec, threads, progress)
      : logLikelihoodsOnThreads(src, t, spec, threads, progress, rowSplitMaxEntries);
  if (k <= batch) return run(top, onProgress);
  const out = simdMatrix(k * c) ?? new Float64Array(k * c);
  for (let first = 0; first < k; first += batch) {
    const last = Math.min(k, first + batch);
    const part = await run(
      top.subarray(first * spec.topK, last * spec.topK),
      onProgress ? (done, total) => onProgress(first * total + done * (last - first), k * total) : undefined,
    );
    out.set(part, first * c);
  }
  return out;
}

async function logLikelihoodsOnThreads(
  src: RowSource,
  top: Int32Array,
  spec: KernelSpec,
  threads: number,
  onProgress: ((done: number, total: number) => void) | undefined,
  rowSplitMaxEntries: number,
): Promise<Float64Array> {
  const k = top.length / spec.topK;
  const c = src.cols;
  if (threads <= 1 || !isSharedSource(src)) return logLikelihoods(src, top, spec, onProgress);
  const done = new Array<number>(threads).fill(0);
  const total = new Array<number>(threads).fill(0);
  const progress = (g: number) => (d: number, t: number) => {
    done[g] = d;
    total[g] = t;
    if (total.every((x) => x > 0)) onProgress?.(done.reduce((s, x) => s + x, 0), total.reduce((s, x) => s + x, 0));
  };

  if (k * c <= rowSplitMaxEntries) {
    const parts = await Promise.all(
      Array.from({ length: threads }, (_, g) => runInWorker({ src, top, spec, part: { index: g, of: threads } }, progress(g))),
    );
    const sum = parts[0]!;
    for (const p of parts.slice(1)) for (let j = 0; j < sum.length; j++) sum[j]! += p[j]!;
    return sum;
  }
  const groups = Math.min(threads, k);
  const bounds = Array.from({ length: groups + 1 }, (_, g) => Math.round((g * k) / groups));
  const results = await Promise.all(
    Array.from({ length: groups }, (_, g) =>
      runInWorker({ src, top: top.slice(bounds[g]! * spec.topK, bounds[g + 1]! * spec.topK), spec }, progress(g)),
    ),
  );
  const out = new Float64Array(k * c);
  results.forEach((r, g) => out.set(r, bounds[g]! * c));
  return out;
}

