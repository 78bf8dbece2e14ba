/** Target models with their layers and neurons. */
import { and, asc, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { LayerRecord, TargetModelRecord } from '../../core/types.js';
import type { AtlasDb } from '../connection.js';
import { typedRows } from '../rows.js';
import * as t from '../schema.js';
import { findLayer, listLayers, rowFromJson, upsertLayer, validateLayer, type LayerInfo } from './shared.js';
import type { RunRow } from './runs.js';

export type ModelRow = typeof t.targetModels.$inferSelect;
export type { LayerInfo };

/** Which versions of a model a lookup without a version prefers (see ModelsRepository.find). */
export interface VersionPreference {
  /** A complete run covering the layer of this name. */
  layer?: string | null;
  /** A complete run of this method. */
  method?: string | null;
  /** This complete run (an id). */
  run?: number | null;
}

/** Whether the model `modelId` (an SQL expression) has a complete run matching `prefer`. */
function hasCompleteRun(modelId: SQL, prefer: VersionPreference): SQL {
  const layer = prefer.layer
    ? sql`AND EXISTS (SELECT 1 FROM run_layers rl JOIN layers l ON l.id = rl.layer_id WHERE rl.run_id = r.id AND l.name = ${prefer.layer})`
    : sql``;
  const method = prefer.method ? sql`AND r.method = ${prefer.method}` : sql``;
  const run = prefer.run !== undefined && prefer.run !== null ? sql`AND r.id = ${prefer.run}` : sql``;
  return sql`EXISTS (SELECT 1 FROM dissection_runs r WHERE r.model_id = ${modelId} AND r.status = 'complete' ${layer} ${method} ${run})`;
}

export class ModelsRepository {
  constructor(private readonly db: AtlasDb) {}

  /** Inserts or updates a target model (unique by name + version); returns its id. */
  async upsert(rec: TargetModelRecord): Promise<number> {
    if (!rec.name || !rec.version) throw new Error('target model needs a name and a version');
    const [row] = await this.db
      .insert(t.targetModels)
      .values({ name: rec.name, version: rec.version, fileHash: rec.fileHash, inputSpec: rec.inputSpec, source: rec.source ?? null })
      .onConflictDoUpdate({
        target: [t.targetModels.name, t.targetModels.version],
        set: { fileHash: rec.fileHash, inputSpec: rec.inputSpec, source: rec.source ?? null },
      })
      .returning({ id: t.targetModels.id });
    return row!.id;
  }

  /** The id of a model by exact name and version. */
  async idOf(name: string, version: string): Promise<number | undefined> {
    const [row] = await this.db
      .select({ id: t.targetModels.id })
      .from(t.targetModels)
      .where(and(eq(t.targetModels.name, name), eq(t.targetModels.version, version)));
    return row?.id;
  }

  /** A target model by id. */
  async get(id: number): Promise<ModelRow | undefined> {
    const [row] = await this.db.select().from(t.targetModels).where(eq(t.targetModels.id, id));
    return row;
  }

  /**
   * A model by name and version. Without a version: the most recently added version that has a
   * complete run (covering `prefer.layer` when given, of `prefer.method`, or run `prefer.run`),
   * else the most recently added one of that name.
   */
  async find(name: string, version?: string | null, prefer: VersionPreference = {}): Promise<ModelRow | undefined> {
    const conds = [eq(t.targetModels.name, name)];
    if (version) conds.push(eq(t.targetModels.version, version));
    const [row] = await this.db
      .select()
      .from(t.targetModels)
      .where(and(...conds))
      .orderBy(...(version ? [] : [desc(hasCompleteRun(sql`${t.targetModels.id}`, prefer))]), desc(t.targetModels.createdAt), desc(t.targetModels.id))
      .limit(1);
    return row;
  }

  /** Deletes a model with its layers, neurons and activations; refused (undefined) while any run of it exists. */
  async deleteIfNoRuns(id: number): Promise<{ deleted: boolean; runs: { id: number; method: string; status: string }[] }> {
    return this.db.transaction(async (tx) => {
      // Locks the model row: a run begun meanwhile waits on its foreign key, then finds the model gone.
      const [model] = await tx.select({ id: t.targetModels.id }).from(t.targetModels).where(eq(t.targetModels.id, id)).for('update');
      if (!model) return { deleted: false, runs: [] };
      const runs = await tx
        .select({ id: t.dissectionRuns.id, method: t.dissectionRuns.method, status: t.dissectionRuns.status })
        .from(t.dissectionRuns)
        .where(eq(t.dissectionRuns.modelId, id))
        .orderBy(asc(t.dissectionRuns.id));
      if (runs.length > 0) return { deleted: false, runs };
      await tx.delete(t.targetModels).where(eq(t.targetModels.id, id));
      return { deleted: true, runs: [] };
    });
  }

  /** Deletes every model that has no run at all (with its layers, neurons and activations); returns them. */
  async deleteModelsWithoutRuns(): Promise<{ name: string; version: string }[]> {
    const res = await this.db.execute(sql`
      DELETE FROM target_models m WHERE NOT EXISTS (SELECT 1 FROM dissection_runs r WHERE r.model_id = m.id)
      RETURNING m.name, m.version`);
    return typedRows(res, (r) => ({ name: r.str('name'), version: r.str('version') })).sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  }

  /**
   * Model (by name, optional version), its layer `layerName` and that layer's neuron `unit`, in one
   * query: the hot path of every neuron lookup. Missing parts come back undefined.
   */
  async findWithLayerNeuron(
    name: string,
    version: string | null | undefined,
    layerName: string,
    unit?: number,
    defaultRun?: { method?: string | null },
    /** Without a version, which versions come first (see `find`). */
    preference: Omit<VersionPreference, 'layer'> = {},
  ): Promise<{ model?: ModelRow; layer?: LayerInfo; neuronId?: number; defaultRun?: RunRow | null }> {
    const conds = [eq(t.targetModels.name, name)];
    if (version) conds.push(eq(t.targetModels.version, version));
    // With `defaultRun`, the layer's default run (as runs.defaultForLayer chooses it) comes along:
    // one round trip less on every neuron lookup and page.
    const method = defaultRun?.method ? sql`AND r.method = ${defaultRun.method}` : sql``;
    const runJson = defaultRun
      ? sql<unknown>`(SELECT to_jsonb(r) FROM run_layers rl JOIN dissection_runs r ON r.id = rl.run_id
          WHERE rl.layer_id = ${t.layers.id} AND r.status = 'complete' ${method}
          ORDER BY (r.method = 'clip-dissect') DESC, r.finished_at DESC NULLS LAST, r.id DESC LIMIT 1)`
      : sql<unknown>`NULL`;
    const [row] = await this.db
      .select({ model: t.targetModels, layer: t.layers, neuronId: t.neurons.id, defaultRun: runJson })
      .from(t.targetModels)
      .leftJoin(t.layers, and(eq(t.layers.modelId, t.targetModels.id), eq(t.layers.name, layerName)))
      .leftJoin(t.neurons, and(eq(t.neurons.layerId, t.layers.id), eq(t.neurons.unit, unit ?? -1)))
      .where(and(...conds))
      .orderBy(...(version ? [] : [desc(hasCompleteRun(sql`${t.targetModels.id}`, { layer: layerName, ...preference }))]), desc(t.targetModels.createdAt), desc(t.targetModels.id))
      .limit(1);
    return {
      model: row?.model,
      layer: row?.layer ?? undefined,
      neuronId: row?.neuronId ?? undefined,
      ...(defaultRun && row?.layer ? { defaultRun: row.defaultRun == null ? null : rowFromJson(t.dissectionRuns, row.defaultRun) } : {}),
    };
  }

  /** Every model, by name then version. */
  async list(): Promise<ModelRow[]> {
    return this.db.select().from(t.targetModels).orderBy(asc(t.targetModels.name), asc(t.targetModels.version));
  }

  async byIds(ids: readonly number[]): Promise<ModelRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(t.targetModels).where(inArray(t.targetModels.id, [...ids]));
  }

  /** True when the atlas holds no target model at all (the server then loads the seed). */
  async isEmpty(): Promise<boolean> {
    const [row] = await this.db.select({ id: t.targetModels.id }).from(t.targetModels).limit(1);
    return row === undefined;
  }

  /**
   * Inserts or updates the model's layers (position = order in `layers`) and their neurons
   * (one per unit). Returns all layers of the model.
   */
  async upsertLayers(modelId: number, layers: LayerRecord[]): Promise<LayerInfo[]> {
    for (const l of layers) validateLayer(l);
    const rows = await this.db.transaction(async (tx) => {
      for (const [position, l] of layers.entries()) await upsertLayer(tx, modelId, l, position);
      return listLayers(tx, modelId);
    });
    await this.db.execute(sql`ANALYZE neurons, layers`);
    return rows;
  }

  /** A model's layers in model order. */
  async layers(modelId: number): Promise<LayerInfo[]> {
    return listLayers(this.db, modelId);
  }

  async layersByModelIds(ids: readonly number[]): Promise<LayerInfo[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(t.layers)
      .where(inArray(t.layers.modelId, [...ids]))
      .orderBy(asc(t.layers.modelId), asc(t.layers.position));
  }

  async layersByIds(ids: readonly number[]): Promise<LayerInfo[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(t.layers).where(inArray(t.layers.id, [...ids]));
  }

  async findLayer(modelId: number, name: string): Promise<LayerInfo | undefined> {
    return findLayer(this.db, modelId, name);
  }

  async findNeuron(layerId: number, unit: number): Promise<{ id: number; unit: number } | undefined> {
    const [row] = await this.db
      .select({ id: t.neurons.id, unit: t.neurons.unit })
      .from(t.neurons)
      .where(and(eq(t.neurons.layerId, layerId), eq(t.neurons.unit, unit)));
    return row;
  }

  /** Neuron ids of (layer, unit) pairs, keyed `${layerId}:${unit}`; pairs without a neuron are left out. */
  async neuronIds(pairs: readonly { layerId: number; unit: number }[]): Promise<Map<string, number>> {
    if (pairs.length === 0) return new Map();
    const res = await this.db.execute(sql`
      SELECT n.id, n.layer_id AS "layerId", n.unit FROM neurons n
      JOIN unnest(${sql.param(pairs.map((p) => p.layerId))}::int[], ${sql.param(pairs.map((p) => p.unit))}::int[]) AS k(layer_id, unit)
        ON n.layer_id = k.layer_id AND n.unit = k.unit`);
    return new Map(typedRows(res, (r) => [`${r.num('layerId')}:${r.num('unit')}`, r.num('id')] as const));
  }

  /**
   * Rewrites the recorded file locations (`source`) of target and CLIP models: `rewrite` returns
   * the new location, or undefined to keep one as it is.
   */
  async rewriteSources(rewrite: (source: string) => string | undefined): Promise<void> {
    for (const table of [t.targetModels, t.clipModels]) {
      const rows = await this.db.select({ id: table.id, source: table.source }).from(table).where(isNotNull(table.source));
      for (const row of rows) {
        const next = rewrite(row.source!);
        if (next !== undefined && next !== row.source) await this.db.update(table).set({ source: next }).where(eq(table.id, row.id));
      }
    }
  }
}
