/**
 * Queued dissections: submitting one (the probe set split into shards, one job each), reading its
 * progress, cancelling it. The work itself is done by `atlas worker` processes
 * (`dissection-worker.ts`) on any machine that reaches the database and the files.
 */
import { isAbsolute, resolve } from 'node:path';
import { ModelGoneError, QueueUnavailableError, type AtlasStore } from '../db/index.js';
import { QUEUES, type JobQueue } from '../db/job-queue.js';
import { hashText } from '../compute/clip/index.js';
import type { PoolMode } from '../compute/onnx/index.js';
import { atlasCacheDir } from '../compute/pipeline/index.js';
import { BadInputError, NotFoundError } from '../core/errors.js';
import { checkInputs, clipIdentity, loadModels, registerInputs, type CheckedInputs, type LoadedModels } from './dissect-setup.js';
import type { DissectOptions } from './dissect.js';

/** What a worker needs to compute a queued run, stored with it. */
export interface QueuedSpec {
  model: string;
  modelHash: string;
  layers: string[];
  clip: string;
  clipIdentity: string;
  probe: string;
  probeHash: string;
  concepts: string;
  conceptsHash: string;
  fn: string;
  /** The similarity parameters scored with (a preset's already applied; the run records the preset). */
  params: Record<string, unknown>;
  /** Whether the submission stopped at unreadable probe images (workers then resolve the set alike). */
  strict: boolean;
  pool: PoolMode;
  batch: number;
  topN: number;
  topImages: number;
  /** What the caches lacked at submission, which the shards compute. */
  computeClip: boolean;
  computeLayers: string[];
  modelId: number;
  clipId: number;
  probeSetId: number;
  activationKey: string;
  expireInSeconds: number;
  retryLimit: number;
}

/** What a queued dissection takes: a dissection's inputs and settings, and how to shard it. */
export interface SubmitOptions
  extends Pick<
    DissectOptions,
    'model' | 'layers' | 'clip' | 'probe' | 'concepts' | 'name' | 'version' | 'fn' | 'params' | 'preset' | 'strict' | 'pool' | 'batch' | 'device' | 'topN' | 'topImages' | 'cacheDir' | 'log'
  > {
  /** Images per shard (rounded up to whole batches; default 1,000). */
  shardSize?: number;
  /** Seconds a worker may hold a job before it is retried elsewhere (default 900). */
  shardTimeout?: number;
  /** Retries of a job after its first attempt (default 3). */
  retries?: number;
}

export interface Submitted {
  runId: number;
  images: number;
  shardsTotal: number;
}

export type DissectionStatus = 'QUEUED' | 'RUNNING' | 'SCORING' | 'COMPLETE' | 'FAILED';

export interface DissectionView {
  id: number;
  status: DissectionStatus;
  error: string | null;
  progress: { shardsDone: number; shardsTotal: number; imagesDone: number; images: number; imagesPerSecond: number; layersDone: number; layersTotal: number };
  workers: { name: string; shardsDone: number; active: boolean }[];
}

/** A file location as workers should read it: URLs and schemes as given, paths made absolute. */
function portable(location: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !/^[a-z]:[\\/]/i.test(location)) return location;
  return isAbsolute(location) ? location : resolve(location);
}

/** The text that identifies a concept list (workers check theirs against it). */
export function conceptsHash(concepts: string[]): string {
  return hashText(concepts.join('\n'));
}

export class QueuedDissections {
  private queue: JobQueue | undefined;

  constructor(private readonly store: AtlasStore) {}

  /** The job queue, started on first use (refused on the embedded database). */
  private async jobQueue(): Promise<JobQueue> {
    if (!this.queue) {
      let queue: JobQueue;
      try {
        queue = this.store.jobQueue();
      } catch (error) {
        if (error instanceof QueueUnavailableError) throw new BadInputError(error.message, { cause: error });
        throw error;
      }
      await queue.start();
      this.queue = queue;
    }
    return this.queue;
  }

  /**
   * Checks and registers the inputs as `atlas dissect` does (this process must reach the files,
   * as every worker must), creates the run (invisible until complete), and queues one job per
   * shard of what the caches lack. With nothing to compute, the scoring jobs are queued at once.
   */
  async submit(opts: SubmitOptions): Promise<Submitted> {
    const log = opts.log ?? (() => undefined);
    const batch = opts.batch ?? 32;
    if (!Number.isInteger(batch) || batch < 1) throw new BadInputError(`batch must be a positive integer, got ${opts.batch}`, { argumentName: 'batch' });
    const shardSize = Math.ceil((opts.shardSize ?? 1000) / batch) * batch;
    const expireInSeconds = opts.shardTimeout ?? 900;
    const retryLimit = opts.retries ?? 3;
    const queue = await this.jobQueue(); // refuses the embedded database before any work
    const pool: PoolMode = opts.pool ?? 'avg';
    const spec = { ...opts, pool, cacheDir: opts.cacheDir ?? atlasCacheDir(), quiet: true, log };
    let inputs: CheckedInputs;
    let models: LoadedModels;
    try {
      inputs = await checkInputs(spec);
      models = await loadModels(spec, inputs);
    } catch (error) {
      // Every failure here is about the inputs named (a file, a layer, a parameter).
      if (error instanceof BadInputError || error instanceof NotFoundError) throw error;
      throw new BadInputError((error as Error).message, { cause: error });
    }
    try {
      try {
        return await this.queueRun(queue, opts, inputs, models, { batch, shardSize, expireInSeconds, retryLimit, pool, log });
      } catch (error) {
        // A cleanup deleted the model (and its cached activations) since it was registered: once more from there.
        if (!(error instanceof ModelGoneError)) throw error;
        return await this.queueRun(queue, opts, inputs, models, { batch, shardSize, expireInSeconds, retryLimit, pool, log });
      }
    } finally {
      await models.release();
    }
  }

  /** Registers checked inputs, creates the run and queues its first jobs. */
  private async queueRun(
    queue: JobQueue,
    opts: SubmitOptions,
    inputs: CheckedInputs,
    models: LoadedModels,
    settings: { batch: number; shardSize: number; expireInSeconds: number; retryLimit: number; pool: PoolMode; log: (line: string) => void },
  ): Promise<Submitted> {
    const { batch, shardSize, expireInSeconds, retryLimit, pool, log } = settings;
    const { clip, target } = models;
    const reg = await registerInputs(this.store, inputs, models, {
      ...(opts.name ? { name: opts.name } : {}),
      ...(opts.version ? { version: opts.version } : {}),
      pool,
      ...(opts.device ? { device: opts.device } : {}),
    });
    const images = inputs.probes.items.length;
    const computeClip = (await this.store.embeddings.images(reg.probeSetId, reg.clipId)) === undefined;
    let computeTarget = false;
    for (const layer of target.layers) {
      const cached = await this.store.embeddings.activations(reg.modelId, layer.name, reg.probeSetId, reg.activationKey);
      if (!cached || cached.cols !== layer.units) computeTarget = true;
    }
    const shards: { start: number; stop: number }[] = [];
    if (computeClip || computeTarget) for (let s = 0; s < images; s += shardSize) shards.push({ start: s, stop: Math.min(images, s + shardSize) });
    const queued: QueuedSpec = {
      model: portable(opts.model),
      modelHash: target.fileHash,
      layers: target.layers.map((l) => l.name),
      clip: portable(opts.clip),
      clipIdentity: clipIdentity(clip),
      probe: portable(opts.probe),
      probeHash: inputs.probes.contentHash,
      concepts: portable(opts.concepts),
      conceptsHash: conceptsHash(inputs.conceptSet.concepts),
      fn: inputs.fn,
      params: inputs.params,
      strict: opts.strict ?? false,
      pool,
      batch,
      topN: opts.topN ?? 5,
      topImages: opts.topImages ?? 10,
      computeClip,
      computeLayers: computeTarget ? target.layers.map((l) => l.name) : [],
      modelId: reg.modelId,
      clipId: reg.clipId,
      probeSetId: reg.probeSetId,
      activationKey: reg.activationKey,
      expireInSeconds,
      retryLimit,
    };
    const runId = await this.store.dissectionJobs.create({
      ...reg.runInput,
      spec: queued as unknown as Record<string, unknown>,
      images,
      layersTotal: target.layers.length,
      shards,
    });
    const jobSettings = { expireInSeconds, retryLimit };
    if (shards.length > 0) {
      await this.store.dissectionJobs.addJobs(runId, QUEUES.shard, await queue.sendShards(runId, shards.map((_, i) => i), jobSettings));
    } else {
      await this.store.dissectionJobs.addJobs(runId, QUEUES.score, await queue.sendScores(runId, queued.layers, jobSettings));
    }
    log(`queued run ${runId}: ${images} images in ${shards.length} shard(s) of up to ${shardSize}, ${target.layers.length} layer(s) to score`);
    return { runId, images, shardsTotal: shards.length };
  }

  /** The run row of a queued run in any state (undefined for other runs). */
  runRow(runId: number): ReturnType<AtlasStore['dissectionJobs']['runRow']> {
    return this.store.dissectionJobs.runRow(runId);
  }

  /** A queued run's status, progress and workers; undefined when no queued run has that id. */
  async view(runId: number): Promise<DissectionView | undefined> {
    const run = await this.store.dissectionJobs.get(runId);
    if (!run) return undefined;
    const workers = await this.store.dissectionJobs.workers(runId);
    let status: DissectionStatus;
    if (run.status === 'complete') status = 'COMPLETE';
    else if (run.status === 'failed') status = 'FAILED';
    else if (run.shardsDone < run.shardsTotal) status = workers.length > 0 ? 'RUNNING' : 'QUEUED';
    else status = 'SCORING';
    return {
      id: runId,
      status,
      error: run.error,
      progress: {
        shardsDone: run.shardsDone,
        shardsTotal: run.shardsTotal,
        imagesDone: run.imagesDone,
        images: run.images,
        imagesPerSecond: run.shardSeconds > 0 ? run.imagesDone / run.shardSeconds : 0,
        layersDone: run.layersDone,
        layersTotal: run.layersTotal,
      },
      workers,
    };
  }

  /**
   * Cancels a queued run that is not complete: its waiting jobs are cancelled in the queue (a
   * worker busy with one finds the run gone and writes nothing), and the run is deleted with the
   * rows its shards and layers wrote.
   */
  async cancel(runId: number): Promise<{ id: number; status: string }> {
    const queue = await this.jobQueue();
    for (const [name, ids] of await this.store.dissectionJobs.jobs(runId)) await queue.cancel(name as (typeof QUEUES)[keyof typeof QUEUES], ids);
    let removed: Awaited<ReturnType<AtlasStore['dissectionJobs']['cancel']>>;
    try {
      removed = await this.store.dissectionJobs.cancel(runId);
    } catch (error) {
      throw new BadInputError((error as Error).message, { cause: error, argumentName: 'id' });
    }
    if (!removed) throw new NotFoundError(`no queued dissection has id ${runId}`);
    return { id: runId, status: removed.status };
  }

  async close(): Promise<void> {
    const queue = this.queue;
    this.queue = undefined;
    await queue?.stop();
  }
}
