/**
 * Dissection runs: lookups by layer, model and method that the use cases need (CLIP-Dissect base
 * runs for rescoring, evaluation's run choice, the default atlas's inputs), and imported runs.
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { AtlasDb } from '../connection.js';
import { firstRow, typedRows } from '../rows.js';
import { writeImportedAtlas, type ImportedRun, type ImportOutcome, type ImportTarget } from '../queries/import.js';
import { runsFingerprint } from '../queries/search.js';
import * as t from '../schema.js';

export type { ImportedRun, ImportOutcome, ImportTarget };
export { ImportConflictError } from '../queries/import.js';

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
  kind: string;
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
  constructor(private readonly db: AtlasDb) {}

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

  /**
   * Writes labels made by another tool as one complete run, in ONE transaction: the model and
   * layers are created when absent, and a failure anywhere leaves nothing behind.
   */
  async importLabels(run: ImportedRun, target: ImportTarget): Promise<ImportOutcome> {
    return writeImportedAtlas(this.db, run, target);
  }
}
