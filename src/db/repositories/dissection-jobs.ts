/**
 * Queued dissections (`atlas dissect --queue`): the run, its shards (ranges of the probe set), the
 * queue's job ids, and what the shards write. The job queue itself (pg-boss, `db/job-queue.ts`)
 * hands out, expires and retries the jobs; this table only says which shards are in.
 *
 * A shard writes its images' rows straight into the content-addressed caches (image embeddings,
 * activations), in one transaction with the flag that marks it done: the caches read a probe set
 * as cached only when every image has its row, so a half-written or killed shard never counts,
 * and a retried one overwrites the same rows.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Matrix, RunParameters } from '../../core/types.js';
import type { AtlasDb, AtlasTx } from '../connection.js';
import { assertMatrix, rowBytes, rowVectorText } from '../codec.js';
import { firstRow, typedRows } from '../rows.js';
import * as t from '../schema.js';
import { requireLayer } from './shared.js';
import { ModelGoneError, runningRunValues } from './runs.js';

export interface QueuedRunInput {
  modelId: number;
  clipModelId: number;
  probeSetId: number;
  conceptSetId: number;
  parameters: RunParameters;
  spec: Record<string, unknown>;
  images: number;
  layersTotal: number;
  shards: { start: number; stop: number }[];
}

export interface ShardRows {
  probeSetId: number;
  /** CLIP image embeddings of the shard's images (when the run computes them). */
  clip?: { clipModelId: number; matrix: Matrix };
  /** Activations of the shard's images per layer (when the run computes them). */
  layers: { modelId: number; layer: string; matrix: Matrix; activationKey: string }[];
}

export interface QueuedRun {
  runId: number;
  status: t.RunStatus;
  error: string | null;
  spec: Record<string, unknown>;
  images: number;
  shardsTotal: number;
  shardsDone: number;
  imagesDone: number;
  layersTotal: number;
  layersDone: number;
  /** Seconds from the first shard's start to the last one's end (or now, while shards run). */
  shardSeconds: number;
  submittedAt: Date;
}

export interface ShardWorker {
  name: string;
  shardsDone: number;
  /** Holds a shard that is not in yet (as far as the queue knows: a killed worker shows until its shard expires). */
  active: boolean;
}

const ROWS_PER_INSERT = 500;

export class DissectionJobsRepository {
  constructor(private readonly db: AtlasDb) {}

  /**
   * Creates the run (status 'running', invisible to reads) with its queue entry and shards, in one
   * transaction. No process owns it: workers write it, and `cancel` removes it.
   */
  async create(input: QueuedRunInput): Promise<number> {
    return this.db.transaction(async (tx) => {
      // A cleanup may have deleted the model (it had no runs) since it was registered.
      const [model] = await tx.select({ id: t.targetModels.id }).from(t.targetModels).where(eq(t.targetModels.id, input.modelId));
      if (!model) throw new ModelGoneError(`queued run: target model ${input.modelId} is not in the atlas`);
      const [row] = await tx
        .insert(t.dissectionRuns)
        .values(runningRunValues(input))
        .returning({ id: t.dissectionRuns.id });
      const runId = row!.id;
      await tx.insert(t.queuedDissections).values({
        runId,
        spec: input.spec,
        images: input.images,
        shardsTotal: input.shards.length,
        layersTotal: input.layersTotal,
      });
      if (input.shards.length > 0) {
        await tx.insert(t.dissectionShards).values(input.shards.map((s, shard) => ({ runId, shard, start: s.start, stop: s.stop })));
      }
      return runId;
    });
  }

  /** Records the queue's job ids of a run (for cancelling). */
  async addJobs(runId: number, queue: string, jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await this.db
      .insert(t.dissectionJobs)
      .values(jobIds.map((jobId) => ({ runId, queue, jobId })))
      .onConflictDoNothing();
  }

  /** The queue's job ids of a run, by queue name. */
  async jobs(runId: number): Promise<Map<string, string[]>> {
    const rows = await this.db.select().from(t.dissectionJobs).where(eq(t.dissectionJobs.runId, runId));
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.queue, [...(out.get(r.queue) ?? []), r.jobId]);
    return out;
  }

  /** A queued run with its progress, or undefined (never queued, or cancelled). */
  async get(runId: number): Promise<QueuedRun | undefined> {
    const res = await this.db.execute(sql`
      SELECT q.run_id, r.status, r.error, q.spec, q.images, q.shards_total, q.layers_total, q.submitted_at,
        (SELECT count(*)::int FROM dissection_shards s WHERE s.run_id = q.run_id AND s.done) AS shards_done,
        (SELECT COALESCE(sum(s.stop - s.start), 0)::int FROM dissection_shards s WHERE s.run_id = q.run_id AND s.done) AS images_done,
        (SELECT count(*)::int FROM run_layers rl WHERE rl.run_id = q.run_id) AS layers_done,
        (SELECT COALESCE(EXTRACT(EPOCH FROM (
            CASE WHEN bool_and(s.done) THEN max(s.finished_at) ELSE now() END) - min(s.started_at)), 0)::float8
          FROM dissection_shards s WHERE s.run_id = q.run_id AND s.started_at IS NOT NULL) AS shard_seconds
      FROM queued_dissections q JOIN dissection_runs r ON r.id = q.run_id
      WHERE q.run_id = ${runId}`);
    return firstRow(res, (r) => ({
      runId: r.num('run_id'),
      status: r.str('status') as t.RunStatus,
      error: r.strOrNull('error'),
      spec: r.json('spec') as Record<string, unknown>,
      images: r.num('images'),
      shardsTotal: r.num('shards_total'),
      shardsDone: r.num('shards_done'),
      imagesDone: r.num('images_done'),
      layersTotal: r.num('layers_total'),
      layersDone: r.num('layers_done'),
      shardSeconds: r.num('shard_seconds'),
      submittedAt: r.date('submitted_at'),
    }));
  }

  /** The run row of a queued run, whatever its status (undefined when the run is not a queued one). */
  async runRow(runId: number): Promise<typeof t.dissectionRuns.$inferSelect | undefined> {
    const [row] = await this.db
      .select({ run: t.dissectionRuns })
      .from(t.queuedDissections)
      .innerJoin(t.dissectionRuns, eq(t.dissectionRuns.id, t.queuedDissections.runId))
      .where(eq(t.queuedDissections.runId, runId));
    return row?.run;
  }

  /** The workers that took shards of a run, with how many they finished. */
  async workers(runId: number): Promise<ShardWorker[]> {
    const res = await this.db.execute(sql`
      SELECT worker, count(*) FILTER (WHERE done)::int AS done, bool_or(NOT done) AS active
      FROM dissection_shards WHERE run_id = ${runId} AND worker IS NOT NULL
      GROUP BY worker ORDER BY worker`);
    return typedRows(res, (r) => ({ name: r.str('worker'), shardsDone: r.num('done'), active: r.bool('active') }));
  }

  /**
   * A worker takes a shard: returns its range, or undefined when there is nothing to do (the run
   * was cancelled or failed, or the shard is already in: a retry after a worker died between
   * writing it and telling the queue).
   */
  async takeShard(runId: number, shard: number, worker: string): Promise<{ start: number; stop: number } | undefined> {
    const res = await this.db.execute(sql`
      UPDATE dissection_shards s SET worker = ${worker}, attempts = s.attempts + 1, started_at = COALESCE(s.started_at, now()), error = NULL
      FROM dissection_runs r
      WHERE s.run_id = ${runId} AND s.shard = ${shard} AND NOT s.done AND r.id = s.run_id AND r.status = 'running'
      RETURNING s.start, s.stop`);
    return firstRow(res, (r) => ({ start: r.num('start'), stop: r.num('stop') }));
  }

  /** Notes why a shard attempt failed (shown when the run fails for good). */
  async shardFailed(runId: number, shard: number, error: string): Promise<void> {
    await this.db.execute(sql`UPDATE dissection_shards SET error = ${error} WHERE run_id = ${runId} AND shard = ${shard}`);
  }

  /**
   * Writes a shard's rows into the caches and marks it done, in one transaction. Returns whether
   * every shard of the run is now in, or undefined when the run is gone (cancelled: nothing written).
   */
  async writeShard(runId: number, shard: number, rows: ShardRows): Promise<{ allDone: boolean } | undefined> {
    return this.db.transaction(async (tx) => {
      // Held until commit: a cancel (which deletes this row) waits, then removes these rows too.
      const queued = await tx.execute(sql`
        SELECT q.run_id FROM queued_dissections q JOIN dissection_runs r ON r.id = q.run_id
        WHERE q.run_id = ${runId} AND r.status = 'running' FOR SHARE OF q`);
      if (!firstRow(queued, (r) => r.num('run_id'))) return undefined;
      const [range] = await tx
        .select({ start: t.dissectionShards.start, stop: t.dissectionShards.stop })
        .from(t.dissectionShards)
        .where(and(eq(t.dissectionShards.runId, runId), eq(t.dissectionShards.shard, shard)));
      if (!range) throw new Error(`run ${runId} has no shard ${shard}`);
      const ordinals = (await shardOrdinals(tx, rows.probeSetId)).slice(range.start, range.stop);
      if (rows.clip) await putImageRows(tx, rows.probeSetId, rows.clip.clipModelId, ordinals, rows.clip.matrix);
      for (const l of rows.layers) await putActivationRows(tx, l.modelId, l.layer, rows.probeSetId, ordinals, l.matrix, l.activationKey);
      await tx.execute(sql`UPDATE dissection_shards SET done = true, finished_at = now(), error = NULL WHERE run_id = ${runId} AND shard = ${shard}`);
      const left = await tx.execute(sql`SELECT count(*)::int AS n FROM dissection_shards WHERE run_id = ${runId} AND NOT done`);
      return { allDone: (firstRow(left, (r) => r.num('n')) ?? 0) === 0 };
    });
  }

  /** Whether every shard of a run is in. */
  async allShardsDone(runId: number): Promise<boolean> {
    const res = await this.db.execute(sql`SELECT count(*)::int AS n FROM dissection_shards WHERE run_id = ${runId} AND NOT done`);
    return (firstRow(res, (r) => r.num('n')) ?? 0) === 0;
  }

  /**
   * Marks the run complete when every layer is written (the last scoring job does it; two jobs
   * finishing together take turns on the run's row). Returns whether this call completed it.
   */
  async completeIfScored(runId: number, timings: Record<string, number>): Promise<boolean> {
    return this.db.transaction(async (tx: AtlasTx) => {
      const res = await tx.execute(sql`
        SELECT q.layers_total, (SELECT count(*)::int FROM run_layers rl WHERE rl.run_id = q.run_id) AS written
        FROM queued_dissections q JOIN dissection_runs r ON r.id = q.run_id
        WHERE q.run_id = ${runId} AND r.status = 'running' FOR UPDATE OF r`);
      const row = firstRow(res, (r) => ({ total: r.num('layers_total'), written: r.num('written') }));
      if (!row || row.written < row.total) return false;
      await tx.execute(sql`UPDATE dissection_runs SET status = 'complete', finished_at = now(), timings = ${JSON.stringify(timings)}::jsonb
        WHERE id = ${runId} AND status = 'running'`);
      return true;
    });
  }

  /** Marks a queued run failed (a job failed for good); its partial results stay invisible. */
  async fail(runId: number, error: string): Promise<void> {
    await this.db.execute(sql`UPDATE dissection_runs SET status = 'failed', error = ${error}, finished_at = now()
      WHERE id = ${runId} AND status = 'running' AND EXISTS (SELECT 1 FROM queued_dissections q WHERE q.run_id = ${runId})`);
  }

  /** The last error a shard of the run recorded, if any. */
  async lastShardError(runId: number): Promise<string | undefined> {
    const res = await this.db.execute(sql`SELECT error FROM dissection_shards WHERE run_id = ${runId} AND error IS NOT NULL ORDER BY shard LIMIT 1`);
    return firstRow(res, (r) => r.str('error'));
  }

  /**
   * Deletes a queued run that is not complete, with everything it wrote: its layers' labels (the
   * run's rows cascade) and the cache rows of its finished shards for what it computed, in one
   * transaction. Returns undefined when no such run exists; refuses a complete run.
   */
  async cancel(runId: number): Promise<{ status: t.RunStatus } | undefined> {
    return this.db.transaction(async (tx) => {
      const res = await tx.execute(sql`
        SELECT r.status, r.model_id, r.probe_set_id, r.clip_model_id, q.spec FROM queued_dissections q
        JOIN dissection_runs r ON r.id = q.run_id WHERE q.run_id = ${runId} FOR UPDATE OF q, r`);
      const run = firstRow(res, (r) => ({
        status: r.str('status') as t.RunStatus,
        modelId: r.num('model_id'),
        probeSetId: r.num('probe_set_id'),
        clipModelId: r.num('clip_model_id'),
        spec: r.json('spec') as { computeClip?: boolean; computeLayers?: string[] },
      }));
      if (!run) return undefined;
      if (run.status === 'complete') throw new Error(`run ${runId} is complete; \`atlas db delete-run ${runId}\` deletes it`);
      const done = await tx
        .select({ start: t.dissectionShards.start, stop: t.dissectionShards.stop })
        .from(t.dissectionShards)
        .where(and(eq(t.dissectionShards.runId, runId), eq(t.dissectionShards.done, true)));
      if (done.length > 0) {
        const ordinals = await shardOrdinals(tx, run.probeSetId);
        const written = done.flatMap((s) => ordinals.slice(s.start, s.stop));
        if (run.spec.computeClip) {
          await tx.execute(sql`DELETE FROM image_embeddings WHERE clip_model_id = ${run.clipModelId} AND probe_set_id = ${run.probeSetId}
            AND ordinal = ANY(${sql.param(written)}::int[])`);
        }
        for (const layer of run.spec.computeLayers ?? []) {
          await tx.execute(sql`DELETE FROM activations a USING layers l WHERE l.id = a.layer_id AND l.model_id = ${run.modelId}
            AND l.name = ${layer} AND a.probe_set_id = ${run.probeSetId} AND a.ordinal = ANY(${sql.param(written)}::int[])`);
        }
      }
      await tx.delete(t.dissectionRuns).where(eq(t.dissectionRuns.id, runId));
      return { status: run.status };
    });
  }
}

async function shardOrdinals(tx: AtlasTx, probeSetId: number): Promise<number[]> {
  const rows = await tx
    .select({ ordinal: t.probeImages.ordinal })
    .from(t.probeImages)
    .where(eq(t.probeImages.probeSetId, probeSetId))
    .orderBy(asc(t.probeImages.ordinal));
  return rows.map((r) => r.ordinal);
}

/** Upserts image embeddings of some images (row i belongs to ordinals[i]). */
async function putImageRows(tx: AtlasTx, probeSetId: number, clipModelId: number, ordinals: number[], m: Matrix): Promise<void> {
  assertMatrix(m, 'image embeddings');
  if (m.rows !== ordinals.length) throw new Error(`image embeddings: ${m.rows} rows for a shard of ${ordinals.length} images`);
  for (let start = 0; start < m.rows; start += ROWS_PER_INSERT) {
    const values = [];
    for (let i = start; i < Math.min(m.rows, start + ROWS_PER_INSERT); i++) {
      values.push({ clipModelId, probeSetId, ordinal: ordinals[i]!, embedding: rowVectorText(m, i) });
    }
    await tx
      .insert(t.imageEmbeddings)
      .values(values)
      .onConflictDoUpdate({
        target: [t.imageEmbeddings.clipModelId, t.imageEmbeddings.probeSetId, t.imageEmbeddings.ordinal],
        set: { embedding: sql`excluded.embedding` },
      });
  }
}

/** Upserts a layer's activations of some images (row i belongs to ordinals[i]). */
async function putActivationRows(tx: AtlasTx, modelId: number, layerName: string, probeSetId: number, ordinals: number[], m: Matrix, key: string): Promise<void> {
  assertMatrix(m, `activations of ${layerName}`);
  const layer = await requireLayer(tx, modelId, layerName);
  if (m.cols !== layer.units) throw new Error(`activations of ${layerName}: ${m.cols} columns but the layer has ${layer.units} units`);
  if (m.rows !== ordinals.length) throw new Error(`activations of ${layerName}: ${m.rows} rows for a shard of ${ordinals.length} images`);
  for (let start = 0; start < m.rows; start += ROWS_PER_INSERT) {
    const values = [];
    for (let i = start; i < Math.min(m.rows, start + ROWS_PER_INSERT); i++) {
      const bytes = sql`decode(${rowBytes(m, i).toString('base64')}, 'base64')`;
      values.push({ modelId, layerId: layer.id, probeSetId, ordinal: ordinals[i]!, units: m.cols, values: bytes, activationKey: key });
    }
    await tx
      .insert(t.activations)
      .values(values)
      .onConflictDoUpdate({
        target: [t.activations.layerId, t.activations.probeSetId, t.activations.ordinal],
        set: { values: sql`excluded.values`, units: sql`excluded.units`, activationKey: sql`excluded.activation_key` },
      });
  }
}
