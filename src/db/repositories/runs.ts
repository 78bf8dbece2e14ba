/**
 * Dissection runs and what they write (labels and top images per layer), their life cycle, and
 * the lookups the use cases need (default run of a layer, CLIP-Dissect base runs for rescoring,
 * evaluation's run choice, the default atlas's inputs).
 *
 * Run visibility: `begin` creates a run with status 'running'. Reads only ever see runs with
 * status 'complete', which `complete` sets in one UPDATE, so a run killed half-way is never
 * visible; `beginOrResume` / `findResumable` / `cleanupIncomplete` deal with what it left.
 *
 * Run ownership: the process that begins (or resumes) a run holds it until it completes or fails
 * (`RunOwners`: an advisory lock on Postgres, released by the server when the process dies).
 * Resuming and cleaning up only ever touch running runs that no live process holds.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { LayerRecord, LayerResult, RunParameters } from '../../core/types.js';
import type { AtlasDb, Queryable } from '../connection.js';
import { LocalRunOwners, RUN_LOCK_SPACE, type RunOwners } from '../run-owners.js';
import { firstRow, typedRows } from '../rows.js';
import { writeImportedAtlas, type ImportedRun, type ImportOutcome, type ImportTarget } from '../queries/import.js';
import * as t from '../schema.js';
import { findLayer, runsFingerprint, upsertLayer, validateLayer } from './shared.js';

export type { ImportedRun, ImportOutcome, ImportTarget };
export { ImportConflictError } from '../queries/import.js';

export type RunRow = typeof t.dissectionRuns.$inferSelect;

export interface BeginRunInput {
  modelId: number;
  /** Null/absent for imported tools that do not use CLIP. */
  clipModelId?: number | null;
  probeSetId?: number | null;
  conceptSetId?: number | null;
  parameters: RunParameters;
}

/**
 * The row of a new running run (its inputs and parameters; status 'running'), for both ways a run
 * begins: in process (`begin`) and on the job queue (`DissectionJobsRepository.create`).
 */
export function runningRunValues(input: BeginRunInput): typeof t.dissectionRuns.$inferInsert {
  const p = input.parameters;
  return {
    modelId: input.modelId,
    clipModelId: input.clipModelId ?? null,
    probeSetId: input.probeSetId ?? null,
    conceptSetId: input.conceptSetId ?? null,
    method: p.method,
    similarity: p.similarity ?? null,
    params: p.params ?? {},
    pool: p.pool ?? null,
    activationKey: p.activationKey ?? null,
    device: p.device ?? null,
    status: 'running',
  };
}

export interface ResumableRun {
  runId: number;
  /** Layers whose results the run already holds (skip them when resuming). */
  doneLayers: string[];
  startedAt: Date;
}

export interface CleanupOptions {
  /** Also delete failed runs (default false: they are kept for their error message). */
  includeFailed?: boolean;
  /** Only runs started before this time (default: all). */
  startedBefore?: Date;
}

export interface RunFilter {
  modelId?: number;
  modelIds?: number[];
  method?: string;
  status?: t.RunStatus;
  first?: number;
}

/** begin: the run's model is gone (deleted by a cleanup or deleteModel since it was looked up). */
export class ModelGoneError extends Error {}
/** delete: no run has that id. */
export class RunNotFoundError extends Error {}
/** delete: the run is still being written. */
export class RunStillRunningError extends Error {}
/** beginOrResume: an identical run is being written by a live process. */
export class RunBusyError extends Error {
  constructor(
    readonly runId: number,
    readonly holder: string,
  ) {
    super(
      `run ${runId} is being written by another process (${holder}); wait for it to finish, ` +
        'or stop that process and run the command again to resume it',
    );
  }
}

/** First key of the transaction locks that serialise beginOrResume per run identity ('atlb'). */
const RUN_START_LOCK_SPACE = RUN_LOCK_SPACE + 1;

/** Rows per INSERT ... SELECT FROM unnest(arrays): bounds statement size, not parameters. */
const UNNEST_BATCH = 50_000;

/** A complete run with a CLIP model and a probe set (what rescoring and image search start from). */
export interface BaseRun {
  id: number;
  method: string;
  clipModelId: number;
  probeSetId: number;
  /** What its activations were computed with (null: imported or older runs). */
  activationKey: string | null;
}

export interface RunLayer {
  id: number;
  name: string;
  kind: LayerRecord['kind'];
  units: number;
}

/** The distinct CLIP model, probe set and concept set of complete clip-dissect runs. */
export interface ClipDissectInputs {
  clipModelId: number;
  probeSetId: number;
  conceptSetId: number;
}

/** A complete clip-dissect run's model file and the layers it covers (in model order). */
export interface RunModelLayers {
  modelId: number;
  source: string | null;
  fileHash: string;
  pool: string | null;
  layers: string[];
}

export class RunsRepository {
  constructor(
    private readonly db: AtlasDb,
    private readonly owners: RunOwners = new LocalRunOwners(),
  ) {}

  // ---------------------------------------------------------------- life cycle (writes)

  /** Starts a run (status 'running': invisible to every read until complete()). */
  async begin(input: BeginRunInput): Promise<number> {
    return this.db.transaction((tx) => this.insertOwned(tx, input));
  }

  /**
   * Inserts a running run and claims it for this process before the insert commits, so that no
   * other process ever sees it running without a live owner.
   */
  private async insertOwned(tx: Queryable, input: BeginRunInput): Promise<number> {
    const p = input.parameters;
    if (!p?.method) throw new Error('beginRun: parameters.method is required');
    const [model] = await tx.select({ id: t.targetModels.id }).from(t.targetModels).where(eq(t.targetModels.id, input.modelId));
    if (!model) throw new ModelGoneError(`beginRun: target model ${input.modelId} is not in the atlas`);
    const [row] = await tx
      .insert(t.dissectionRuns)
      .values(runningRunValues(input))
      .returning({ id: t.dissectionRuns.id });
    const runId = row!.id;
    if (!(await this.owners.claim(runId))) throw new Error(`run ${runId} was claimed by another process before it was created`);
    return runId;
  }

  /**
   * Resumes the latest orphaned run (running, no live owner) with the same inputs as `input`, or
   * begins a new one; either way this process then holds it. Callers with the same inputs take
   * turns (a transaction lock on the run's identity), so two identical commands never start two
   * runs: while a live process writes an identical run, this refuses with a RunBusyError.
   */
  async beginOrResume(input: BeginRunInput): Promise<{ runId: number; resumed?: ResumableRun }> {
    const claimed: number[] = [];
    let outcome: { runId: number; resumed?: ResumableRun } | { busy: number };
    try {
      outcome = await this.db.transaction(async (tx) => {
        const identity = JSON.stringify([input.modelId, input.clipModelId ?? null, input.probeSetId ?? null, input.conceptSetId ?? null, input.parameters]);
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${RUN_START_LOCK_SPACE}::int, hashtext(${identity}))`);
        let busy: number | undefined;
        for (const candidate of await this.matchingRunning(tx, input)) {
          if (await this.owners.claim(candidate.id)) {
            claimed.push(candidate.id);
            // A cleanup may have deleted it between the read and the claim.
            const [still] = await tx
              .select({ id: t.dissectionRuns.id })
              .from(t.dissectionRuns)
              .where(and(eq(t.dissectionRuns.id, candidate.id), eq(t.dissectionRuns.status, 'running')));
            if (still) {
              claimed.splice(claimed.indexOf(candidate.id), 1);
              return { runId: candidate.id, resumed: await this.resumable(tx, candidate.id, candidate.startedAt) };
            }
            await this.owners.release(candidate.id);
            claimed.splice(claimed.indexOf(candidate.id), 1);
          } else {
            busy ??= candidate.id;
          }
        }
        if (busy !== undefined) return { busy };
        const runId = await this.insertOwned(tx, input);
        claimed.push(runId);
        return { runId };
      });
    } catch (error) {
      await Promise.all(claimed.map((id) => this.owners.release(id)));
      throw error;
    }
    // Looked up once the transaction is over: with a pool of one connection it would wait on itself.
    if ('busy' in outcome) throw new RunBusyError(outcome.busy, (await this.owners.holder(outcome.busy)) ?? 'a process that is ending');
    return outcome;
  }

  /**
   * Lets go of a running run without finishing it, as a process that dies does: another process
   * (or this one) may then resume it or clean it up.
   */
  async abandon(runId: number): Promise<void> {
    await this.owners.release(runId);
  }

  /** Whether a live process (this one included) holds a running run. */
  async isLive(runId: number): Promise<boolean> {
    return (await this.owners.holder(runId)) !== undefined;
  }

  /**
   * Writes one layer's labels and top images for a running run, in one transaction (re-writing a
   * layer replaces it). `labels[u][r].concept` indexes the run's concept set; `topImages[u][r].ordinal`
   * is a probe-image ordinal.
   */
  async writeLayer(runId: number, result: LayerResult): Promise<void> {
    const { layer } = result;
    validateLayer(layer);
    if (result.labels.length !== layer.units) {
      throw new Error(`layer ${layer.name}: labels for ${result.labels.length} units, the layer has ${layer.units}`);
    }
    if (result.topImages.length !== layer.units) {
      throw new Error(`layer ${layer.name}: top images for ${result.topImages.length} units, the layer has ${layer.units}`);
    }
    await this.db.transaction(async (tx) => {
      const [run] = await tx.select().from(t.dissectionRuns).where(eq(t.dissectionRuns.id, runId)).for('update');
      if (!run) throw new Error(`run ${runId} is not in the atlas`);
      if (run.status !== 'running') throw new Error(`run ${runId} is ${run.status}; only running runs take results`);

      let stored = await findLayer(tx, run.modelId, layer.name);
      if (!stored) {
        const [next] = await tx
          .select({ next: sql<number>`COALESCE(MAX(${t.layers.position}) + 1, 0)::int` })
          .from(t.layers)
          .where(eq(t.layers.modelId, run.modelId));
        await upsertLayer(tx, run.modelId, layer, Number(next?.next ?? 0));
        stored = (await findLayer(tx, run.modelId, layer.name))!;
      } else if (stored.units !== layer.units) {
        throw new Error(`layer ${layer.name}: result has ${layer.units} units but the atlas has ${stored.units}`);
      }

      // Concept index -> (concept id, text) via the run's concept set.
      let members: { id: number; text: string }[] = [];
      if (run.conceptSetId !== null) {
        members = await tx
          .select({ id: t.concepts.id, text: t.concepts.text })
          .from(t.conceptSetMembers)
          .innerJoin(t.concepts, eq(t.concepts.id, t.conceptSetMembers.conceptId))
          .where(eq(t.conceptSetMembers.conceptSetId, run.conceptSetId))
          .orderBy(asc(t.conceptSetMembers.position));
      }
      let probeSize = Infinity;
      if (run.probeSetId !== null) {
        const [ps] = await tx.select({ size: t.probeSets.size }).from(t.probeSets).where(eq(t.probeSets.id, run.probeSetId));
        probeSize = ps?.size ?? 0;
      }

      const neuronRows = await tx
        .select({ id: t.neurons.id, unit: t.neurons.unit })
        .from(t.neurons)
        .where(eq(t.neurons.layerId, stored.id));
      const neuronId = new Map(neuronRows.map((n) => [n.unit, n.id]));
      const ids = neuronRows.map((n) => n.id);

      // Column arrays for INSERT ... SELECT FROM unnest(...): six parameters per statement
      // whatever the layer's size, and the concept text is joined in SQL rather than sent.
      const label = { neuron: [] as number[], rank: [] as number[], concept: [] as number[], score: [] as number[], confidence: [] as (number | null)[] };
      const image = { neuron: [] as number[], rank: [] as number[], ordinal: [] as number[], activation: [] as number[] };
      const unlabelled = { neuron: [] as number[], reason: [] as string[] };
      for (const [unit, reason] of result.unlabelled ?? []) {
        const nid = neuronId.get(unit);
        if (nid === undefined) throw new Error(`layer ${layer.name}: unlabelled unit ${unit} is not in the layer`);
        if (result.labels[unit]!.length > 0) throw new Error(`layer ${layer.name} unit ${unit}: labels for a unit left unlabelled`);
        unlabelled.neuron.push(nid);
        unlabelled.reason.push(reason);
      }
      for (let unit = 0; unit < layer.units; unit++) {
        const nid = neuronId.get(unit);
        if (nid === undefined) throw new Error(`layer ${layer.name}: neuron ${unit} is missing`);
        result.labels[unit]!.forEach((ls, rank) => {
          const m = members[ls.concept];
          if (!m) {
            throw new Error(
              `layer ${layer.name} unit ${unit}: concept index ${ls.concept} is outside the run's concept set (${members.length} concepts)`,
            );
          }
          if (!Number.isFinite(ls.score)) throw new Error(`layer ${layer.name} unit ${unit}: score ${ls.score} is not finite`);
          label.neuron.push(nid);
          label.rank.push(rank);
          label.concept.push(m.id);
          label.score.push(ls.score);
          if (ls.confidence !== undefined && !(ls.confidence >= 0 && ls.confidence <= 1)) {
            throw new Error(`layer ${layer.name} unit ${unit}: confidence ${ls.confidence} is not in [0, 1]`);
          }
          label.confidence.push(ls.confidence ?? null);
        });
        result.topImages[unit]!.forEach((img, rank) => {
          if (!Number.isInteger(img.ordinal) || img.ordinal < 0 || img.ordinal >= probeSize) {
            throw new Error(`layer ${layer.name} unit ${unit}: image ordinal ${img.ordinal} is outside the probe set`);
          }
          if (!Number.isFinite(img.activation)) {
            throw new Error(`layer ${layer.name} unit ${unit}: activation ${img.activation} is not finite`);
          }
          image.neuron.push(nid);
          image.rank.push(rank);
          image.ordinal.push(img.ordinal);
          image.activation.push(img.activation);
        });
      }

      if (ids.length > 0) {
        // One array parameter, however wide the layer.
        const idList = sql`ANY(${sql.param(ids)}::int[])`;
        await tx.delete(t.neuronLabels).where(and(eq(t.neuronLabels.runId, runId), sql`${t.neuronLabels.neuronId} = ${idList}`));
        await tx
          .delete(t.neuronTopImages)
          .where(and(eq(t.neuronTopImages.runId, runId), sql`${t.neuronTopImages.neuronId} = ${idList}`));
        await tx
          .delete(t.unlabelledNeurons)
          .where(and(eq(t.unlabelledNeurons.runId, runId), sql`${t.unlabelledNeurons.neuronId} = ${idList}`));
      }
      if (unlabelled.neuron.length > 0) {
        await tx.execute(sql`
          INSERT INTO unlabelled_neurons (run_id, neuron_id, reason)
          SELECT ${runId}, u.neuron_id, u.reason
          FROM unnest(${sql.param(unlabelled.neuron)}::int[], ${sql.param(unlabelled.reason)}::text[]) AS u(neuron_id, reason)`);
      }
      for (let start = 0; start < label.neuron.length; start += UNNEST_BATCH) {
        const end = start + UNNEST_BATCH;
        await tx.execute(sql`
          INSERT INTO neuron_labels (run_id, neuron_id, rank, concept_id, text, score, confidence)
          SELECT ${runId}, u.neuron_id, u.rank, u.concept_id, c.text, u.score, u.confidence
          FROM unnest(${sql.param(label.neuron.slice(start, end))}::int[], ${sql.param(label.rank.slice(start, end))}::int[],
                      ${sql.param(label.concept.slice(start, end))}::int[], ${sql.param(label.score.slice(start, end))}::float8[],
                      ${sql.param(label.confidence.slice(start, end))}::float8[])
            AS u(neuron_id, rank, concept_id, score, confidence)
          JOIN concepts c ON c.id = u.concept_id`);
      }
      for (let start = 0; start < image.neuron.length; start += UNNEST_BATCH) {
        const end = start + UNNEST_BATCH;
        await tx.execute(sql`
          INSERT INTO neuron_top_images (run_id, neuron_id, rank, ordinal, activation)
          SELECT ${runId}, u.neuron_id, u.rank, u.ordinal, u.activation
          FROM unnest(${sql.param(image.neuron.slice(start, end))}::int[], ${sql.param(image.rank.slice(start, end))}::int[],
                      ${sql.param(image.ordinal.slice(start, end))}::int[], ${sql.param(image.activation.slice(start, end))}::real[])
            AS u(neuron_id, rank, ordinal, activation)`);
      }
      await tx
        .insert(t.runLayers)
        .values({ runId, layerId: stored.id })
        .onConflictDoUpdate({ target: [t.runLayers.runId, t.runLayers.layerId], set: { writtenAt: sql`now()` } });
    });
  }

  /**
   * Marks a running run complete (from now on it is visible) and records its timings (seconds);
   * `clock` keeps the times of a run made elsewhere (a seed), in the same statement: the row of a
   * complete run does not change afterwards (searches keep it while no other run completes).
   */
  async complete(runId: number, timings: Record<string, number> = {}, clock?: { startedAt: Date; finishedAt: Date }): Promise<void> {
    const rows = await this.db
      .update(t.dissectionRuns)
      .set({ status: 'complete', timings, finishedAt: clock?.finishedAt ?? sql`now()`, ...(clock ? { startedAt: clock.startedAt } : {}) })
      .where(and(eq(t.dissectionRuns.id, runId), eq(t.dissectionRuns.status, 'running')))
      .returning({ id: t.dissectionRuns.id });
    await this.owners.release(runId);
    if (rows.length === 0) throw new Error(`run ${runId} is not a running run`);
    await this.refreshStatistics();
  }

  /**
   * Updates planner statistics after bulk writes. PGlite has no autovacuum, and on a server it
   * lags behind: with stale statistics Postgres joins a page of neurons against every label of
   * the run (seconds instead of milliseconds).
   */
  async refreshStatistics(): Promise<void> {
    await this.db.execute(sql`ANALYZE neurons, neuron_labels, neuron_top_images, run_layers, dissection_runs, layers`);
  }

  /** Marks a running run failed with the error message; its partial results stay invisible. */
  async fail(runId: number, error: string, timings?: Record<string, number>): Promise<void> {
    await this.db
      .update(t.dissectionRuns)
      .set({ status: 'failed', error, finishedAt: sql`now()`, ...(timings ? { timings } : {}) })
      .where(and(eq(t.dissectionRuns.id, runId), eq(t.dissectionRuns.status, 'running')));
    await this.owners.release(runId);
  }

  /**
   * The latest orphaned run (running, no live owner) with the same model, CLIP model, probe set, concept set and
   * parameters (a run whose process died), with the layers it already wrote.
   */
  async findResumable(input: BeginRunInput): Promise<ResumableRun | undefined> {
    for (const run of await this.matchingRunning(this.db, input)) {
      if (!(await this.isLive(run.id))) return this.resumable(this.db, run.id, run.startedAt);
    }
    return undefined;
  }

  /** Running runs with the same inputs as `input`, newest first. */
  private async matchingRunning(db: Queryable, input: BeginRunInput): Promise<{ id: number; startedAt: Date }[]> {
    const p = input.parameters;
    const eqOrNull = (col: ReturnType<typeof sql.raw>, v: number | null | undefined) =>
      v === null || v === undefined ? sql`${col} IS NULL` : sql`${col} = ${v}`;
    const res = await db.execute(sql`
      SELECT id, started_at FROM dissection_runs
      WHERE status = 'running' AND model_id = ${input.modelId}
        AND NOT EXISTS (SELECT 1 FROM queued_dissections q WHERE q.run_id = dissection_runs.id)
        AND ${eqOrNull(sql.raw('clip_model_id'), input.clipModelId)}
        AND ${eqOrNull(sql.raw('probe_set_id'), input.probeSetId)}
        AND ${eqOrNull(sql.raw('concept_set_id'), input.conceptSetId)}
        AND method = ${p.method}
        AND similarity IS NOT DISTINCT FROM ${p.similarity ?? null}
        AND pool IS NOT DISTINCT FROM ${p.pool ?? null}
        AND activation_key IS NOT DISTINCT FROM ${p.activationKey ?? null}
        AND params = ${JSON.stringify(p.params ?? {})}::jsonb
      ORDER BY started_at DESC, id DESC`);
    return typedRows(res, (r) => ({ id: r.num('id'), startedAt: r.date('started_at') }));
  }

  /** A run with the layers it already wrote. */
  private async resumable(db: Queryable, runId: number, startedAt: Date): Promise<ResumableRun> {
    const done = await db
      .select({ name: t.layers.name })
      .from(t.runLayers)
      .innerJoin(t.layers, eq(t.layers.id, t.runLayers.layerId))
      .where(eq(t.runLayers.runId, runId))
      .orderBy(asc(t.layers.position));
    return { runId, doneLayers: done.map((d) => d.name), startedAt };
  }

  /**
   * Deletes runs that never completed (their partial results go with them); returns how many.
   * A running run whose process is alive is kept: each one is claimed before it is deleted.
   */
  async cleanupIncomplete(opts: CleanupOptions = {}): Promise<number> {
    const statuses: t.RunStatus[] = opts.includeFailed ? ['running', 'failed'] : ['running'];
    // Queued runs have no owning process (workers write them): `atlas db cancel` removes those.
    const conds = [
      inArray(t.dissectionRuns.status, statuses),
      sql`NOT EXISTS (SELECT 1 FROM queued_dissections q WHERE q.run_id = ${t.dissectionRuns.id})`,
    ];
    if (opts.startedBefore) conds.push(sql`${t.dissectionRuns.startedAt} < ${opts.startedBefore.toISOString()}`);
    const candidates = await this.db
      .select({ id: t.dissectionRuns.id, status: t.dissectionRuns.status })
      .from(t.dissectionRuns)
      .where(and(...conds));
    let deleted = 0;
    for (const run of candidates) {
      if (run.status === 'running' && !(await this.owners.claim(run.id))) continue; // a live writer holds it
      try {
        const rows = await this.db
          .delete(t.dissectionRuns)
          .where(and(eq(t.dissectionRuns.id, run.id), eq(t.dissectionRuns.status, run.status)))
          .returning({ id: t.dissectionRuns.id });
        deleted += rows.length;
      } finally {
        if (run.status === 'running') await this.owners.release(run.id);
      }
    }
    return deleted;
  }

  /**
   * Deletes a complete or failed run with everything it wrote (labels, top images, layer list,
   * search rows: foreign keys cascade), in one statement; layers then show their next run.
   * A running run is refused: another process may still be writing it.
   */
  async delete(runId: number): Promise<{ id: number; method: string; status: t.RunStatus }> {
    return this.db.transaction(async (tx) => {
      const [run] = await tx
        .select({ id: t.dissectionRuns.id, method: t.dissectionRuns.method, status: t.dissectionRuns.status })
        .from(t.dissectionRuns)
        .where(eq(t.dissectionRuns.id, runId))
        .for('update');
      if (!run) throw new RunNotFoundError(`run ${runId} does not exist`);
      if (run.status === 'running') {
        throw new RunStillRunningError(`run ${runId} is still running; if its process was killed, \`atlas db cleanup\` removes it`);
      }
      await tx.delete(t.dissectionRuns).where(eq(t.dissectionRuns.id, runId));
      return run;
    });
  }

  /**
   * Writes labels made by another tool as one complete run, in ONE transaction: the model and
   * layers are created when absent, and a failure anywhere leaves nothing behind.
   */
  async importLabels(run: ImportedRun, target: ImportTarget): Promise<ImportOutcome> {
    const outcome = await writeImportedAtlas(this.db, run, target);
    await this.refreshStatistics();
    return outcome;
  }

  // ---------------------------------------------------------------- reads

  /** Every run with its status and its model's name and version (for the CLI; the GraphQL API only shows complete ones). */
  async listAll(): Promise<(RunRow & { modelName: string; modelVersion: string })[]> {
    const rows = await this.db
      .select({ run: t.dissectionRuns, modelName: t.targetModels.name, modelVersion: t.targetModels.version })
      .from(t.dissectionRuns)
      .innerJoin(t.targetModels, eq(t.targetModels.id, t.dissectionRuns.modelId))
      .orderBy(asc(t.dissectionRuns.id));
    return rows.map((r) => ({ ...r.run, modelName: r.modelName, modelVersion: r.modelVersion }));
  }

  /** Runs of one status (complete by default), newest first. */
  async list(filter: RunFilter = {}): Promise<RunRow[]> {
    const conds = [eq(t.dissectionRuns.status, filter.status ?? 'complete')];
    if (filter.modelId !== undefined) conds.push(eq(t.dissectionRuns.modelId, filter.modelId));
    if (filter.modelIds !== undefined) conds.push(inArray(t.dissectionRuns.modelId, filter.modelIds.length ? filter.modelIds : [-1]));
    if (filter.method) conds.push(eq(t.dissectionRuns.method, filter.method));
    return this.db
      .select()
      .from(t.dissectionRuns)
      .where(and(...conds))
      .orderBy(desc(t.dissectionRuns.startedAt), desc(t.dissectionRuns.id))
      .limit(filter.first ?? 100);
  }

  /** A complete run by id (undefined when missing or not complete). */
  async findComplete(runId: number): Promise<RunRow | undefined> {
    const [row] = await this.db
      .select()
      .from(t.dissectionRuns)
      .where(and(eq(t.dissectionRuns.id, runId), eq(t.dissectionRuns.status, 'complete')));
    return row;
  }

  /** Complete runs by id. */
  async byIds(ids: readonly number[]): Promise<RunRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(t.dissectionRuns)
      .where(and(inArray(t.dissectionRuns.id, [...ids]), eq(t.dissectionRuns.status, 'complete')));
  }

  /** Whether a complete run holds results for a layer. */
  async coversLayer(runId: number, layerId: number): Promise<boolean> {
    const [row] = await this.db
      .select({ runId: t.runLayers.runId })
      .from(t.runLayers)
      .where(and(eq(t.runLayers.runId, runId), eq(t.runLayers.layerId, layerId)));
    return row !== undefined;
  }

  /**
   * The run whose results a layer shows by default: the latest complete run covering the layer,
   * clip-dissect runs first (or only runs of `method` when given).
   */
  async defaultForLayer(layerId: number, method?: string | null): Promise<RunRow | undefined> {
    const conds = [eq(t.runLayers.layerId, layerId), eq(t.dissectionRuns.status, 'complete')];
    if (method) conds.push(eq(t.dissectionRuns.method, method));
    const [row] = await this.db
      .select({ run: t.dissectionRuns })
      .from(t.runLayers)
      .innerJoin(t.dissectionRuns, eq(t.dissectionRuns.id, t.runLayers.runId))
      .where(and(...conds))
      .orderBy(desc(sql`(${t.dissectionRuns.method} = 'clip-dissect')`), desc(t.dissectionRuns.finishedAt), desc(t.dissectionRuns.id))
      .limit(1);
    return row?.run;
  }

  /** Names of the layers runs cover, in model order. */
  async layerNames(runIds: readonly number[]): Promise<{ runId: number; name: string }[]> {
    if (runIds.length === 0) return [];
    return this.db
      .select({ runId: t.runLayers.runId, name: t.layers.name })
      .from(t.runLayers)
      .innerJoin(t.layers, eq(t.layers.id, t.runLayers.layerId))
      .where(inArray(t.runLayers.runId, [...runIds]))
      .orderBy(asc(t.layers.position));
  }

  /** Changes whenever a run completes or is deleted. */
  fingerprint(): Promise<string> {
    return runsFingerprint(this.db);
  }

  /**
   * The latest complete run covering a layer that has a CLIP model and a probe set (what rescoring
   * and image search need), preferring clip-dissect runs.
   */
  async latestWithClip(layerId: number): Promise<BaseRun | undefined> {
    const res = await this.db.execute(sql`
      SELECT r.id, r.method, r.clip_model_id AS "clipModelId", r.probe_set_id AS "probeSetId", r.activation_key AS "activationKey"
      FROM run_layers rl JOIN dissection_runs r ON r.id = rl.run_id
      WHERE rl.layer_id = ${layerId} AND r.status = 'complete' AND r.clip_model_id IS NOT NULL AND r.probe_set_id IS NOT NULL
      ORDER BY (r.method = 'clip-dissect') DESC, r.finished_at DESC NULLS LAST, r.id DESC LIMIT 1`);
    return firstRow(res, (r) => ({
      id: r.num('id'),
      method: r.str('method'),
      clipModelId: r.num('clipModelId'),
      probeSetId: r.num('probeSetId'),
      activationKey: r.strOrNull('activationKey'),
    }));
  }

  /**
   * The latest complete clip-dissect run of a model (by name) with the largest concept set. Largest
   * first: evaluation's own class-name runs (a few concepts) never become the default.
   */
  async latestClipDissectOfModel(modelName: string): Promise<number | undefined> {
    const res = await this.db.execute(sql`
      SELECT r.id FROM dissection_runs r JOIN target_models m ON m.id = r.model_id
      LEFT JOIN concept_sets cs ON cs.id = r.concept_set_id
      WHERE m.name = ${modelName} AND r.status = 'complete' AND r.method = 'clip-dissect'
      ORDER BY cs.size DESC NULLS LAST, r.finished_at DESC NULLS LAST, r.id DESC LIMIT 1`);
    return firstRow(res, (r) => r.num('id'));
  }

  /** The latest complete run of `method` covering a layer, preferring runs over `probeSetId`. */
  async latestOfMethodForLayer(layerId: number, method: string, probeSetId: number | null): Promise<number | undefined> {
    const res = await this.db.execute(sql`
      SELECT r.id FROM run_layers rl JOIN dissection_runs r ON r.id = rl.run_id
      WHERE rl.layer_id = ${layerId} AND r.status = 'complete' AND r.method = ${method}
      ORDER BY (r.probe_set_id IS NOT DISTINCT FROM ${probeSetId}) DESC, r.id DESC LIMIT 1`);
    return firstRow(res, (r) => r.num('id'));
  }

  /** Every complete run with its method and model name, by id (for messages). */
  async completeWithModelNames(): Promise<{ id: number; method: string; modelName: string }[]> {
    return this.db
      .select({ id: t.dissectionRuns.id, method: t.dissectionRuns.method, modelName: t.targetModels.name })
      .from(t.dissectionRuns)
      .innerJoin(t.targetModels, eq(t.targetModels.id, t.dissectionRuns.modelId))
      .where(eq(t.dissectionRuns.status, 'complete'))
      .orderBy(asc(t.dissectionRuns.id));
  }

  /** The layers a run covers, in model order. */
  async layers(runId: number): Promise<RunLayer[]> {
    return this.db
      .select({ id: t.layers.id, name: t.layers.name, kind: t.layers.kind, units: t.layers.units })
      .from(t.runLayers)
      .innerJoin(t.layers, eq(t.layers.id, t.runLayers.layerId))
      .where(eq(t.runLayers.runId, runId))
      .orderBy(asc(t.layers.position));
  }

  /** The distinct (CLIP model, probe set, concept set) triples of complete clip-dissect runs. */
  async clipDissectInputs(): Promise<ClipDissectInputs[]> {
    const res = await this.db.execute(sql`
      SELECT DISTINCT clip_model_id AS "clipModelId", probe_set_id AS "probeSetId", concept_set_id AS "conceptSetId"
      FROM dissection_runs WHERE status = 'complete' AND method = 'clip-dissect'`);
    return typedRows(res, (r) => ({ clipModelId: r.num('clipModelId'), probeSetId: r.num('probeSetId'), conceptSetId: r.num('conceptSetId') }));
  }

  /** Complete clip-dissect runs over one CLIP model and probe set: each run's model file and layers, by run id. */
  async clipDissectModelLayers(clipModelId: number, probeSetId: number): Promise<RunModelLayers[]> {
    const res = await this.db.execute(sql`
      SELECT r.model_id AS "modelId", m.source, m.file_hash AS "fileHash", r.pool, array_agg(l.name ORDER BY l.position) AS layers
      FROM dissection_runs r JOIN target_models m ON m.id = r.model_id
      JOIN run_layers rl ON rl.run_id = r.id JOIN layers l ON l.id = rl.layer_id
      WHERE r.status = 'complete' AND r.method = 'clip-dissect' AND r.clip_model_id = ${clipModelId} AND r.probe_set_id = ${probeSetId}
      GROUP BY r.id, r.model_id, m.source, m.file_hash, r.pool ORDER BY r.id`);
    return typedRows(res, (r) => ({
      modelId: r.num('modelId'),
      source: r.strOrNull('source'),
      fileHash: r.str('fileHash'),
      pool: r.strOrNull('pool'),
      layers: r.strings('layers'),
    }));
  }
}
