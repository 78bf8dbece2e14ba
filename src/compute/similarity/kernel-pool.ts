/**
 * The similarity kernels' worker threads (kernel-worker.ts), kept for the life of the process
 * (idle threads do not keep it alive): one request at a time to an idle thread (callWorker), or
 * a thread held for one group of neurons of the onnx engine (AccumulatorWorker).
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../core/worker-entry.js';
import type { FileRows, KernelSpec, SimdPlace } from './kernel.js';
import type { KernelReply, KernelRequest } from './kernel-protocol.js';

const idle: Worker[] = [];

const spawn = (): Worker => startWorker(import.meta.url, 'kernel-worker');

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

/**
 * One request to an idle worker: resolves with its first reply other than progress (reported
 * to `onProgress`), and gives the worker back; a worker that fails is stopped.
 */
export function callWorker(msg: KernelRequest, onProgress?: (d: number, t: number) => void): Promise<KernelReply> {
  return new Promise((resolve, reject) => {
    const worker = acquire();
    // Only this call's listeners come off: Worker keeps internal ones of its own.
    const detach = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    const onMessage = (reply: KernelReply): void => {
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

/**
 * A worker thread holding the accumulator (see accInit) of one group of neurons, for the onnx
 * engine: the calling thread computes softmax rows block by block into shared memory and each
 * group's worker multiplies in its own neurons' terms.
 */
export class AccumulatorWorker {
  private worker: Worker | undefined = acquire();
  /** Requests may overlap; the worker answers them in order. */
  private readonly waiting: { resolve: (r: KernelReply) => void; reject: (e: Error) => void }[] = [];
  private readonly onMessage = (reply: KernelReply): void => {
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

  private request(msg: KernelRequest): Promise<KernelReply> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('accumulator worker already finished'));
    return new Promise<KernelReply>((resolve, reject) => {
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
