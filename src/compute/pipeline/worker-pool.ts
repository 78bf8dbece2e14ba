import { Worker } from 'node:worker_threads';
import type { ProbeSource } from '../probes/index.js';
import type { DecodeReply, DecodeRequest } from './decode-worker.js';
import type { PreprocessSpec } from '../preprocess/index.js';

/**
 * The worker's entry point. Compiled, it is decode-worker.js; run from TypeScript sources (tsx),
 * worker threads do not inherit tsx's loader, so a one-line module registers it first.
 */
function workerEntry(): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./decode-worker.js', import.meta.url);
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = new URL('./decode-worker.ts', import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(source)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/**
 * A small pool of decode workers. `decode` sends one chunk of images to the least busy worker
 * and resolves with one float32 CHW tensor per preprocessing spec. Workers take a moment to
 * start (module loading), so the pipeline creates the pool early, while other work goes on.
 */
export class DecodePool {
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly pending = new Map<number, { resolve: (t: Float32Array[]) => void; reject: (e: Error) => void; worker: number }>();
  private nextId = 0;
  /** Why each dead worker died (an uncaught error or an early exit). */
  private readonly dead = new Map<number, string>();
  private closing = false;

  constructor(size: number) {
    const file = workerEntry();
    for (let w = 0; w < Math.max(1, size); w++) {
      const worker = new Worker(file);
      worker.on('message', (reply: DecodeReply) => this.settle(reply));
      worker.on('error', (error) => this.failWorker(w, error.message));
      worker.on('exit', (code) => {
        if (!this.closing) this.failWorker(w, `exited with code ${code}`);
      });
      this.workers.push(worker);
      this.busy.push(0);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Preprocess `sources` once per spec (one tensor per spec, images back to back). */
  decode(sources: ProbeSource[], specs: PreprocessSpec[]): Promise<Float32Array[]> {
    let pick = -1;
    for (let w = 0; w < this.workers.length; w++) {
      if (!this.dead.has(w) && (pick < 0 || this.busy[w]! < this.busy[pick]!)) pick = w;
    }
    if (pick < 0) return Promise.reject(new Error(`image decode workers failed: ${[...this.dead.values()].join('; ')}`));
    const id = this.nextId++;
    this.busy[pick]!++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: pick });
      const req: DecodeRequest = { id, sources, specs };
      this.workers[pick]!.postMessage(req);
    });
  }

  private settle(reply: DecodeReply): void {
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    this.busy[entry.worker]!--;
    if ('error' in reply) entry.reject(new Error(reply.error));
    else entry.resolve(reply.tensors);
  }

  private failWorker(w: number, why: string): void {
    if (!this.dead.has(w)) this.dead.set(w, why);
    for (const [id, entry] of this.pending) {
      if (entry.worker !== w) continue;
      this.pending.delete(id);
      entry.reject(new Error(`image decode worker failed: ${why}`));
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
