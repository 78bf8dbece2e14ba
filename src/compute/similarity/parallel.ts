/**
 * A pool of worker threads for the soft_wpmi/wpmi kernel, split by neuron: each thread walks
 * the union of its own neurons' top images. Workers run the kernel functions of kernel.ts,
 * shipped as source text: a worker needs no TypeScript loader, so it starts in milliseconds.
 * The pool lives as long as the process (its threads do not keep the process alive).
 */
import { Worker } from 'node:worker_threads';
import { isSharedSource } from './concepts.js';
import { onnxLogLikelihoods } from './onnx-engine.js';
import { KERNEL_FUNCTIONS, logLikelihoods, subtractPriorIn, type FileRows, type KernelSpec, type RowSource, type SimdPlace } from './kernel.js';
import { simdMatrix, simdMatrixPlace, simdModule } from './simd.js';
import type { LabelScore } from '../../core/types.js';
import { topLabels } from './labels.js';

type Reply =
  | { type: 'ack' }
  | { type: 'softmax'; invSum: Float64Array }
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; result: Float64Array }
  | { type: 'finished' }
  | { type: 'labels'; labels: LabelScore[][] }
  | { type: 'error'; message: string };

const WORKER_SOURCE = `
var __name = (f) => f; // helper some TypeScript transpilers insert into function bodies
${[...KERNEL_FUNCTIONS, topLabels].map((f) => f.toString()).join('\n')}
const { parentPort } = require('node:worker_threads');
let acc = null; // accumulator of the onnx engine's neuron group (see AccumulatorWorker)
parentPort.on('message', (req) => {
  try {
    if (req.type === 'acc-init') {
      acc = accInit(req.top, req.union, req.c, req.spec, 0, req.place, req.out);
      return parentPort.postMessage({ type: 'ack' });
    }
    if (req.type === 'acc-block') {
      // a posted view's buffer is a new object: view the accumulator's own memory instead
      const q = acc.memory && req.q.buffer.byteLength === acc.memory.byteLength ? new Float32Array(acc.memory, req.q.byteOffset, req.q.length) : req.q;
      accBlock(acc, q, req.invSum, req.start, req.end);
      return parentPort.postMessage({ type: 'ack' });
    }
    if (req.type === 'acc-softmax') {
      const invSum = simdSoftmaxInto(acc, req.data, req.c, req.ids, req.stageAddress, req.paddedC, req.outAddress, req.a);
      return parentPort.postMessage({ type: 'softmax', invSum }, [invSum.buffer]);
    }
    if (req.type === 'prior') {
      subtractPriorIn(req.l, req.k, req.c, req.lam, req.c0, req.c1, req.place);
      return parentPort.postMessage({ type: 'finished' });
    }
    if (req.type === 'labels') {
      return parentPort.postMessage({ type: 'labels', labels: topLabels(req.scores, req.k, req.c, req.topN, req.k0, req.k1) });
    }
    if (req.type === 'acc-finish') {
      accFinish(acc); // into the shared output given to acc-init
      acc = null;
      return parentPort.postMessage({ type: 'finished' });
    }
    const result = logLikelihoods(req.src, req.top, req.spec, (done, total) =>
      parentPort.postMessage({ type: 'progress', done, total }), req.part);
    parentPort.postMessage({ type: 'done', result }, [result.buffer]);
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: error && error.message ? error.message : String(error) });
  }
});
`;

const idle: Worker[] = [];

const spawn = (): Worker => new Worker(WORKER_SOURCE, { eval: true });

function acquire(): Worker {
  const w = idle.pop() ?? spawn();
  w.ref();
  return w;
}

function release(w: Worker): void {
  w.unref();
  idle.push(w);
}

/** Starts up to `n` idle workers now (a thread takes ~15 ms to start), so that a caller can
 * overlap their start with work of its own. */
export function warmWorkers(n: number): void {
  while (idle.length < n) release(spawn());
}

interface Request {
  src: RowSource;
  top: Int32Array;
  spec: KernelSpec;
  part?: { index: number; of: number };
}

/**
 * One request to an idle worker: resolves with its first reply other than progress (reported
 * to `onProgress`), and gives the worker back; a worker that fails is stopped.
 */
function callWorker(msg: object, onProgress?: (d: number, t: number) => void): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const worker = acquire();
    // Only this call's listeners come off: Worker keeps internal ones of its own.
    const detach = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    const onMessage = (reply: Reply): void => {
      if (reply.type === 'progress') return onProgress?.(reply.done, reply.total);
      detach();
      release(worker);
      if (reply.type === 'error') reject(new Error(reply.message));
      else resolve(reply);
    };
    const onError = (error: Error): void => {
      detach();
      void worker.terminate();
      reject(error);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage(msg);
  });
}

async function runInWorker(req: Request, onProgress: (d: number, t: number) => void): Promise<Float64Array> {
  const reply = await callWorker(req, onProgress);
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
  await Promise.all(cs.slice(1).map((c1, g) => callWorker({ type: 'prior', l, k, c, lam, c0: cs[g], c1, place: place(g) })));
  onStep?.('prior');
  const ks = cut(k, Math.min(threads, k));
  const parts = await Promise.all(ks.slice(1).map((k1, g) => callWorker({ type: 'labels', scores: l, k, c, topN, k0: ks[g], k1 })));
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

/**
 * A worker thread holding the accumulator (see accInit) of one group of neurons, for the onnx
 * engine: the calling thread computes softmax rows block by block into shared memory and each
 * group's worker multiplies in its own neurons' terms.
 */
export class AccumulatorWorker {
  private worker: Worker | undefined = acquire();
  /** Requests may overlap; the worker answers them in order. */
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private readonly onMessage = (reply: Reply): void => {
    if (reply.type === 'progress') return;
    const next = this.waiting.shift();
    if (!next) return;
    if (reply.type === 'error') next.reject(new Error(reply.message));
    else next.resolve(reply);
  };
  private readonly onError = (error: Error): void => {
    this.abandon();
    for (const w of this.waiting.splice(0)) w.reject(error);
  };

  constructor() {
    this.worker!.on('message', this.onMessage);
    this.worker!.on('error', this.onError);
  }

  private request(msg: object): Promise<Reply> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('accumulator worker already finished'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      worker.postMessage(msg);
    });
  }

  /** `out`: where this group's G x C log-likelihoods go, in shared memory. */
  async init(top: Int32Array, union: Int32Array, c: number, spec: KernelSpec, out: Float64Array, place?: SimdPlace): Promise<void> {
    await this.request({ type: 'acc-init', top, union, c, spec, place, out });
  }

  /** q: softmax rows of union positions start..end-1, in shared memory (unnormalised when
   * invSum, 1 / each row's sum, is given). */
  async block(q: Float32Array, start: number, end: number, invSum: Float64Array | null): Promise<void> {
    await this.request({ type: 'acc-block', q, start, end, invSum });
  }

  /** Softmax rows `ids` of a dense P in shared memory (or of a file) into this accumulator's memory (see
   * simdSoftmaxInto); resolves to 1 / each row's sum. */
  async softmax(
    data: Float32Array | FileRows,
    c: number,
    ids: Int32Array,
    stageAddress: number,
    paddedC: number,
    outAddress: number,
    a: number,
  ): Promise<Float64Array> {
    const reply = await this.request({ type: 'acc-softmax', data, c, ids, stageAddress, paddedC, outAddress, a });
    if (reply.type !== 'softmax') throw new Error(`accumulator worker answered '${reply.type}' to softmax`);
    return reply.invSum;
  }

  /** Takes the last logs; the log-likelihoods are then in the `out` given to init. */
  async finish(): Promise<void> {
    const reply = await this.request({ type: 'acc-finish' });
    const worker = this.worker!;
    this.detach();
    release(worker);
    if (reply.type !== 'finished') throw new Error(`accumulator worker answered '${reply.type}' to finish`);
  }

  private detach(): void {
    this.worker?.off('message', this.onMessage);
    this.worker?.off('error', this.onError);
    this.worker = undefined;
  }

  /** Stops the thread (after a failure: its state is unknown). */
  abandon(): void {
    const worker = this.worker;
    this.detach();
    if (worker) void worker.terminate();
  }
}
