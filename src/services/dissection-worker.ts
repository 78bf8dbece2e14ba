/**
 * `atlas worker`: takes the jobs of queued dissections from the job queue and does them.
 *
 * - shard job: the image pass over a range of the probe set (CLIP image embeddings and the
 *   layers' activations, what the caches lacked at submission), written in one transaction with
 *   the shard's done flag. The last shard in queues one scoring job per layer.
 * - scoring job: a layer's labels and top images from the whole layer's cached rows; the last
 *   layer written completes the run (visible from then on) and fills the search tables.
 * - dead letter: a job whose retries are spent marks its run failed.
 *
 * A worker that dies mid-job loses nothing: the queue retries the job once its expiry passes
 * (another worker takes it), and nothing the dead one wrote counted. Before any work the worker
 * checks that its files are those submitted (content hashes), so a worker with another model,
 * CLIP folder, probe set or concept list refuses the job with a clear error.
 */
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Matrix } from '../core/types.js';
import type { AtlasStore } from '../db/index.js';
import { QUEUES, type JobQueue, type QueuedJob, type ScoreJobData, type ShardJobData } from '../db/job-queue.js';
import type { Device } from '../compute/clip/index.js';
import { atlasCacheDir, DecodePool, encodeConcepts, imagePass, scoreLayer, topImagesPerUnit, type AfterBatchHook } from '../compute/pipeline/index.js';
import { unlabelledUnits, withoutUnlabelled } from '../compute/similarity/unlabelled.js';
import { checkInputs, clipIdentity, loadModels, type CheckedInputs, type LoadedModels } from './dissect-setup.js';
import { conceptsHash, type QueuedSpec } from './queued-dissections.js';

export interface WorkerOptions {
  device: Device;
  /** Jobs of each kind this process runs at once. */
  concurrency: number;
  /** Decode worker threads (default: half the cores, 1 to 4). */
  decodeWorkers: number;
  threads?: number;
  pollSeconds: number;
  /** Where models from the hub and checkpoints go (default: the atlas's cache folder). */
  cacheDir?: string;
  log: (line: string) => void;
  /** Called after each batch of a shard (tests stop a worker mid-shard with it). */
  afterBatch?: AfterBatchHook;
}

interface Pipeline {
  inputs: CheckedInputs;
  models: LoadedModels;
  decoder: DecodePool;
}

/** At most `n` holders at a time; the others wait their turn in order. */
class Slots {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async take(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

export class DissectionWorker {
  readonly name: string;
  /** Image passes running at once (`concurrency`); one more shard job is held, so its pass starts while another shard's rows are written. */
  private readonly passes: Slots;
  /** The image embeddings of the run last scored here (every layer's scoring job reads the same). */
  private embeddings: { key: string; matrix: Promise<Matrix | undefined> } | undefined;
  private readonly pipelines = new Map<string, Promise<Pipeline>>();
  private readonly cacheDir: string;
  /** Images of the shards whose image pass this process finished (the test hook counts across shards). */
  private imagesPassed = 0;
  /** Shard writes in flight (the test hook lets them commit before it stops the process). */
  private readonly writing = new Set<Promise<unknown>>();

  constructor(
    private readonly store: AtlasStore,
    private readonly queue: JobQueue,
    private readonly opts: WorkerOptions,
  ) {
    this.cacheDir = opts.cacheDir ?? atlasCacheDir();
    this.passes = new Slots(opts.concurrency);
    this.name = `pid ${process.pid} on host ${hostname()} (${opts.device})`;
  }

  async start(): Promise<void> {
    const work = { concurrency: this.opts.concurrency, pollSeconds: this.opts.pollSeconds };
    await this.queue.work<ShardJobData>(QUEUES.shard, { ...work, concurrency: work.concurrency + 1 }, (job) => this.shard(job));
    await this.queue.work<ScoreJobData>(QUEUES.score, work, (job) => this.score(job));
    await this.queue.work<ShardJobData | ScoreJobData>(QUEUES.failed, { concurrency: 1, pollSeconds: this.opts.pollSeconds }, (job) => this.failed(job));
    this.opts.log(`worker ${this.name}: waiting for jobs (concurrency ${this.opts.concurrency})`);
  }

  /** Stops taking jobs (the running ones finish first) and releases the models. */
  async stop(): Promise<void> {
    await this.queue.stop({ graceful: true });
    for (const p of this.pipelines.values()) {
      const pipeline = await p.catch(() => undefined);
      await pipeline?.decoder.close().catch(() => undefined);
      await pipeline?.models.release();
    }
    this.pipelines.clear();
  }

  private async spec(runId: number): Promise<QueuedSpec | undefined> {
    const run = await this.store.dissectionJobs.get(runId);
    return run && run.status === 'running' ? (run.spec as unknown as QueuedSpec) : undefined;
  }

  /** The models and inputs of a spec, loaded once per process and checked against the submitted hashes. */
  private pipeline(spec: QueuedSpec): Promise<Pipeline> {
    const key = JSON.stringify([spec.model, spec.layers, spec.clip, spec.probe, spec.concepts, spec.pool, spec.fn, spec.params, spec.strict ?? false]);
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.load(spec);
      this.pipelines.set(key, p);
      p.catch(() => this.pipelines.delete(key));
    }
    return p;
  }

  private async load(spec: QueuedSpec): Promise<Pipeline> {
    const input = {
      model: spec.model,
      // A URL's copy with this hash is used as is; the server serving another file is refused.
      modelHash: spec.modelHash,
      layers: spec.layers,
      clip: spec.clip,
      probe: spec.probe,
      concepts: spec.concepts,
      fn: spec.fn,
      params: spec.params,
      strict: spec.strict ?? false,
      pool: spec.pool,
      device: this.opts.device,
      ...(this.opts.threads ? { threads: this.opts.threads } : {}),
      // A worker writes one shard while the next shard's pass runs: spinning compute threads
      // would take the CPU that write (and the database) needs.
      spinning: false,
      cacheDir: this.cacheDir,
      quiet: true,
      log: this.opts.log,
    };
    const inputs = await checkInputs(input);
    const differs = (what: string, location: string, theirs: string, ours: string) =>
      new Error(`this worker's ${what} (${location}) is not the one the run was submitted with (content hash ${ours.slice(0, 12)}, expected ${theirs.slice(0, 12)}); give every worker the same files`);
    if (inputs.probes.contentHash !== spec.probeHash) throw differs('probe set', spec.probe, spec.probeHash, inputs.probes.contentHash);
    const models = await loadModels(input, inputs);
    try {
      // Compared without the concepts CLIP cannot read (dropped while loading it), as submitted.
      const ourConcepts = conceptsHash(inputs.conceptSet.concepts);
      if (ourConcepts !== spec.conceptsHash) throw differs('concept set', spec.concepts, spec.conceptsHash, ourConcepts);
      if (models.target.fileHash !== spec.modelHash) throw differs('model file', spec.model, spec.modelHash, models.target.fileHash);
      const clip = clipIdentity(models.clip);
      if (clip !== spec.clipIdentity) throw differs('CLIP model', spec.clip, spec.clipIdentity, clip);
    } catch (error) {
      await models.release();
      throw error;
    }
    const first = inputs.probes.items[0]?.source;
    const decoder = new DecodePool(this.opts.decodeWorkers, { preload: first?.kind === 'generated' ? [first.renderer] : [] });
    return { inputs, models, decoder };
  }

  private async shard(job: QueuedJob<ShardJobData>): Promise<void> {
    const { runId, shard } = job.data;
    const spec = await this.spec(runId);
    if (!spec) return; // cancelled or failed meanwhile
    const range = await this.store.dissectionJobs.takeShard(runId, shard, this.name);
    if (!range) {
      // Already in: the worker that wrote it died before telling the queue. Finish its work.
      await this.queueScoringWhenDone(runId, spec);
      return;
    }
    const checkpointDir = join(this.cacheDir, 'checkpoints', `shard-${job.id}`);
    let release = (): void => undefined;
    try {
      const t0 = performance.now();
      const { inputs, models, decoder } = await this.pipeline(spec);
      const loaded = performance.now();
      release = await this.passes.take();
      const t1 = performance.now();
      this.opts.log(`run ${runId}: shard ${shard} (images ${range.start}-${range.stop - 1}): image pass started`);
      const probes = { ...inputs.probes, items: inputs.probes.items.slice(range.start, range.stop) };
      const computeTarget = spec.computeLayers.length > 0;
      const result = await imagePass({
        probes,
        clip: spec.computeClip ? models.clip : undefined,
        target: computeTarget ? models.target : undefined,
        targetSpec: models.targetSpec,
        batchSize: spec.batch,
        decoder,
        checkpointDir,
        checkpointKey: job.id,
        quiet: true,
        log: () => undefined,
        ...(this.opts.afterBatch ? { afterBatch: this.afterBatch(this.opts.afterBatch) } : {}),
      });
      const t2 = performance.now();
      this.imagesPassed += range.stop - range.start;
      release(); // the next shard's image pass runs while these rows are written
      this.opts.log(`run ${runId}: shard ${shard}: image pass done, writing`);
      const layers: { modelId: number; layer: string; matrix: Matrix; activationKey: string }[] = [];
      for (const [layer, matrix] of result.activations) layers.push({ modelId: spec.modelId, layer, matrix, activationKey: spec.activationKey });
      const writing = this.store.dissectionJobs.writeShard(runId, shard, {
        probeSetId: spec.probeSetId,
        ...(result.imageEmbeddings ? { clip: { clipModelId: spec.clipId, matrix: result.imageEmbeddings } } : {}),
        layers,
      });
      this.writing.add(writing);
      const written = await writing.finally(() => this.writing.delete(writing));
      result.checkpoint.remove();
      const s = (a: number, b: number) => ((b - a) / 1000).toFixed(2);
      this.opts.log(
        `run ${runId}: shard ${shard} (images ${range.start}-${range.stop - 1}) ${written ? 'written' : 'dropped: the run was cancelled'} ` +
          `(models ${s(t0, loaded)} s, waiting for a pass ${s(loaded, t1)} s, image pass ${s(t1, t2)} s, write ${s(t2, performance.now())} s)`,
      );
      if (written?.allDone) await this.queueScoring(runId, spec);
    } catch (error) {
      release();
      rmSync(checkpointDir, { recursive: true, force: true });
      const message = (error as Error).message;
      this.opts.log(`run ${runId}: shard ${shard} failed: ${message}`);
      await this.store.dissectionJobs.shardFailed(runId, shard, message).catch(() => undefined);
      throw error;
    }
  }

  /** The hook with `done` counted over every shard this process computed; earlier shards' writes commit first. */
  private afterBatch(hook: AfterBatchHook): AfterBatchHook {
    const before = this.imagesPassed;
    return async (batch) => {
      await Promise.allSettled([...this.writing]);
      return hook({ ...batch, done: before + batch.done });
    };
  }

  private async queueScoringWhenDone(runId: number, spec: QueuedSpec): Promise<void> {
    if (await this.store.dissectionJobs.allShardsDone(runId)) await this.queueScoring(runId, spec);
  }

  private async queueScoring(runId: number, spec: QueuedSpec): Promise<void> {
    const ids = await this.queue.sendScores(runId, spec.layers, { expireInSeconds: spec.expireInSeconds, retryLimit: spec.retryLimit });
    await this.store.dissectionJobs.addJobs(runId, QUEUES.score, ids);
  }

  private async score(job: QueuedJob<ScoreJobData>): Promise<void> {
    const { runId, layer: layerName } = job.data;
    const spec = await this.spec(runId);
    if (!spec) return;
    const started = performance.now();
    const { inputs, models } = await this.pipeline(spec);
    const layer = models.target.layers.find((l) => l.name === layerName);
    if (!layer) throw new Error(`run ${runId}: the model has no layer ${layerName}`);
    const key = `${runId}:${spec.probeSetId}:${spec.clipId}`;
    if (this.embeddings?.key !== key) this.embeddings = { key, matrix: this.store.embeddings.images(spec.probeSetId, spec.clipId) };
    const cached = this.embeddings;
    const images = await cached.matrix.catch((error: unknown) => {
      if (this.embeddings === cached) this.embeddings = undefined;
      throw error;
    });
    if (!images && this.embeddings === cached) this.embeddings = undefined;
    const acts = await this.store.embeddings.activations(spec.modelId, layerName, spec.probeSetId, spec.activationKey);
    if (!images || !acts) throw new Error(`run ${runId}: the image embeddings or activations of ${layerName} are not all in yet`);
    const textCache = {
      get: (concepts: string[]) => this.store.embeddings.concepts(spec.clipId, concepts),
      put: (concepts: string[], m: Matrix) => this.store.embeddings.putConcepts(spec.clipId, concepts, m),
    };
    const text = await encodeConcepts(textCache, models.clip, inputs.conceptSet.concepts, true, () => undefined);
    // Dead and degenerate units stay unlabelled, as in `atlas dissect` (the whole layer is still scored).
    const unlabelled = unlabelledUnits(acts, inputs.fn, inputs.params);
    const scored = await scoreLayer(inputs.fn, images, text.matrix, acts, inputs.params, spec.topN);
    const kept = withoutUnlabelled(scored, topImagesPerUnit(acts, spec.topImages), acts, unlabelled);
    try {
      await this.store.runs.writeLayer(runId, {
        layer: { name: layer.name, kind: layer.kind, units: layer.units },
        labels: kept.labels,
        topImages: kept.topImages,
        unlabelled,
      });
    } catch (error) {
      if (!(await this.spec(runId))) return; // cancelled meanwhile
      throw error;
    }
    this.opts.log(`run ${runId}: layer ${layerName} scored`);
    const run = await this.store.dissectionJobs.get(runId);
    const timings = { scoring: (performance.now() - started) / 1000, shards: run?.shardSeconds ?? 0 };
    if (await this.store.dissectionJobs.completeIfScored(runId, timings)) {
      await this.store.runs.refreshStatistics();
      this.opts.log(`run ${runId}: complete`);
      try {
        const clip = models.clip;
        await this.store.search.refresh(spec.clipId, clip.dim, {
          embedConcepts: async (texts) => void (await encodeConcepts(textCache, clip, texts, true, () => undefined)),
          log: this.opts.log,
        });
      } catch (error) {
        this.opts.log(`search: run ${runId} is stored, but not yet indexed for search (the next search will): ${(error as Error).message}`);
      }
    }
  }

  private async failed(job: QueuedJob<ShardJobData | ScoreJobData>): Promise<void> {
    const { runId } = job.data;
    const what = 'shard' in job.data ? `shard ${job.data.shard}` : `scoring of layer ${job.data.layer}`;
    const cause = (await this.store.dissectionJobs.lastShardError(runId)) ?? 'see the workers\' logs';
    await this.store.dissectionJobs.fail(runId, `${what} failed after its retries: ${cause}`);
    this.opts.log(`run ${runId}: failed (${what})`);
  }
}
