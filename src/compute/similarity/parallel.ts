/**
 * A pool of worker threads for the soft_wpmi/wpmi kernel, split by neuron: each thread walks
 * the union of its own neurons' top images. Workers run the kernel functions of kernel.ts,
 * shipped as source text: a worker needs no TypeScript loader, so it starts in milliseconds.
 * The pool lives as long as the process (its threads do not keep the process alive).
 */
import { Worker } from 'node:worker_threads';
import { isSharedSource } from './concepts.js';
import { KERNEL_FUNCTIONS, logLikelihoods, type KernelSpec, type RowSource } from './kernel.js';

type Reply =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; result: Float64Array }
  | { type: 'error'; message: string };

const WORKER_SOURCE = `
var __name = (f) => f; // helper some TypeScript transpilers insert into function bodies
${KERNEL_FUNCTIONS.map((f) => f.toString()).join('\n')}
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (req) => {
  try {
    const result = logLikelihoods(req.src, req.top, req.spec, (done, total) =>
      parentPort.postMessage({ type: 'progress', done, total }));
    parentPort.postMessage({ type: 'done', result }, [result.buffer]);
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: error && error.message ? error.message : String(error) });
  }
});
`;

const idle: Worker[] = [];

function acquire(): Worker {
  const w = idle.pop() ?? new Worker(WORKER_SOURCE, { eval: true });
  w.ref();
  return w;
}

function release(w: Worker): void {
  w.unref();
  idle.push(w);
}

function runInWorker(req: { src: RowSource; top: Int32Array; spec: KernelSpec }, onProgress: (d: number, t: number) => void): Promise<Float64Array> {
  return new Promise((resolve, reject) => {
    const worker = acquire();
    // Only this call's listeners come off: Worker keeps internal ones of its own.
    const detach = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    const onMessage = (msg: Reply): void => {
      if (msg.type === 'progress') return onProgress(msg.done, msg.total);
      detach();
      release(worker);
      if (msg.type === 'done') resolve(msg.result);
      else reject(new Error(msg.message));
    };
    const onError = (error: Error): void => {
      detach();
      void worker.terminate();
      reject(error);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage(req);
  });
}

/**
 * logLikelihoods for all neurons of `top` (K x topK) on up to `threads` threads; on the calling
 * thread when one thread is asked for or the source is not in shared memory.
 */
export async function parallelLogLikelihoods(
  src: RowSource,
  top: Int32Array,
  spec: KernelSpec,
  threads: number,
  onProgress?: (done: number, total: number) => void,
): Promise<Float64Array> {
  const k = top.length / spec.topK;
  const groups = Math.max(1, Math.min(threads, k));
  if (groups === 1 || !isSharedSource(src)) return logLikelihoods(src, top, spec, onProgress);
  const c = src.cols;
  const bounds = Array.from({ length: groups + 1 }, (_, g) => Math.round((g * k) / groups));
  const done = new Array<number>(groups).fill(0);
  const total = new Array<number>(groups).fill(0);
  const results = await Promise.all(
    Array.from({ length: groups }, (_, g) =>
      runInWorker({ src, top: top.slice(bounds[g]! * spec.topK, bounds[g + 1]! * spec.topK), spec }, (d, t) => {
        done[g] = d;
        total[g] = t;
        if (total.every((x) => x > 0)) onProgress?.(done.reduce((s, x) => s + x, 0), total.reduce((s, x) => s + x, 0));
      }),
    ),
  );
  const out = new Float64Array(k * c);
  results.forEach((r, g) => out.set(r, bounds[g]! * c));
  return out;
}
