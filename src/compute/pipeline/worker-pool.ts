import type { Worker } from 'node:worker_threads';
import type { ProbeSource } from '../probes/index.js';
import { READY, decodeBatch, type DecodeReply, type DecodeRequest, type DecodeWorkerData } from './decode-batch.js';
import type { PreprocessSpec } from '../preprocess/index.js';
import { startWorker } from '../../core/worker-entry.js';

/** One batch handed to the pool: its result, once some thread has decoded it. */
export interface DecodeJob {
  readonly id: number;
  readonly result: Promise<Float32Array[]>;
}

interface Job extends DecodeJob {
  sources: ProbeSource[];
  specs: PreprocessSpec[];
  resolve(tensors: Float32Array[]): void;
  reject(error: Error): void;
  /** The worker decoding it; undefined while queued or once the calling thread took it. */
  worker?: number;
  done: boolean;
}

/**
 * A small pool of decode workers. `decode` queues one chunk of images; each worker takes the
 * oldest queued chunk when it is free and answers one float32 CHW tensor per preprocessing
 * spec. `take` waits for a chunk, and meanwhile the calling thread decodes queued chunks itself:
 * while the workers are still starting (module loading, ~0.5 s), and whenever decoding is the
 * slower side (small models, large photos), the calling thread would otherwise sit idle.
 */
export class DecodePool {
  private readonly workers: Worker[] = [];
  private readonly ready: boolean[] = [];
  /** The job each worker is decoding. */
  private readonly running: (Job | undefined)[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  /** Why each dead worker died (an uncaught error or an early exit). */
  private readonly dead = new Map<number, string>();
  private closing = false;
  /** Callers of whenStarted(), woken as workers report ready. */
  private startWaiters: { count: number; resolve: () => void }[] = [];

  constructor(size: number, workerData: DecodeWorkerData = {}) {
    for (let w = 0; w < Math.max(1, size); w++) {
      // esm: the worker awaits its renderers at the top level and imports them by URL.
      const worker = startWorker(import.meta.url, 'decode-worker', { workerData, esm: true });
      worker.on('message', (reply: DecodeReply | typeof READY) => {
        if (reply === READY) {
          this.ready[w] = true;
          this.wakeStartWaiters();
        } else this.settle(w, reply);
        this.dispatch();
      });
      worker.on('error', (error) => this.failWorker(w, error.message));
      worker.on('exit', (code) => {
        if (!this.closing) this.failWorker(w, `exited with code ${code}`);
      });
      this.workers.push(worker);
      this.ready.push(false);
      this.running.push(undefined);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Workers that have started and take batches. */
  get started(): number {
    return this.ready.filter((r, w) => r && !this.dead.has(w)).length;
  }

  /** Resolves once `count` workers have started (for callers that want warm workers). */
  whenStarted(count = this.workers.length): Promise<void> {
    if (this.started >= count) return Promise.resolve();
    return new Promise((resolve) => this.startWaiters.push({ count, resolve }));
  }

  private wakeStartWaiters(): void {
    const started = this.started;
    for (const waiter of this.startWaiters.filter((w) => w.count <= started)) waiter.resolve();
    this.startWaiters = this.startWaiters.filter((w) => w.count > started);
  }

  /** Queue `sources` for preprocessing once per spec (one tensor per spec, images back to back). */
  decode(sources: ProbeSource[], specs: PreprocessSpec[]): DecodeJob {
    let resolve!: (tensors: Float32Array[]) => void;
    let reject!: (error: Error) => void;
    const result = new Promise<Float32Array[]>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Rejections surface through take(); a job given up on must not crash the process.
    result.catch(() => undefined);
    const job: Job = { id: this.nextId++, result, sources, specs, resolve, reject, done: false };
    this.queue.push(job);
    this.dispatch();
    return job;
  }

  /**
   * The tensors of `job`. Until they are there, the calling thread decodes: `job` itself if no
   * worker has started it, else the newest queued jobs (the workers keep taking the oldest).
   */
  async take(job: DecodeJob): Promise<Float32Array[]> {
    const own = job as Job;
    while (!own.done) {
      const queued = this.queue.indexOf(own);
      const pick = queued >= 0 ? queued : this.queue.length - 1;
      if (pick < 0) break;
      const [next] = this.queue.splice(pick, 1);
      await this.decodeHere(next!);
    }
    return own.result;
  }

  private async decodeHere(job: Job): Promise<void> {
    try {
      this.finish(job, await decodeBatch({ id: job.id, sources: job.sources, specs: job.specs }));
    } catch (error) {
      this.finish(job, { id: job.id, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Hands the oldest queued jobs to the free, started workers. */
  private dispatch(): void {
    for (let w = 0; w < this.workers.length && this.queue.length > 0; w++) {
      if (!this.ready[w] || this.dead.has(w) || this.running[w]) continue;
      const job = this.queue.shift()!;
      job.worker = w;
      this.running[w] = job;
      const req: DecodeRequest = { id: job.id, sources: job.sources, specs: job.specs };
      this.workers[w]!.postMessage(req);
    }
  }

  private settle(w: number, reply: DecodeReply): void {
    const job = this.running[w];
    if (!job || job.id !== reply.id) return;
    this.running[w] = undefined;
    this.finish(job, reply);
  }

  private finish(job: Job, reply: DecodeReply): void {
    job.done = true;
    if ('error' in reply) job.reject(new Error(reply.error));
    else job.resolve(reply.tensors);
  }

  private failWorker(w: number, why: string): void {
    if (!this.dead.has(w)) this.dead.set(w, why);
    const job = this.running[w];
    this.running[w] = undefined;
    if (job) this.finish(job, { id: job.id, error: `image decode worker failed: ${why}` });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
