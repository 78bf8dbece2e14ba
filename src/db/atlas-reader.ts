/**
 * Read queries for the GraphQL resolvers and the CLI. Only runs with status 'complete' are ever
 * returned or used: a running or failed run is invisible here.
 */
import { and, asc, desc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { AtlasDb } from './connection.js';
import * as t from './schema.js';

export type ModelRow = typeof t.targetModels.$inferSelect;
export type LayerInfo = typeof t.layers.$inferSelect;
export type RunRow = typeof t.dissectionRuns.$inferSelect;
export type ClipModelRow = typeof t.clipModels.$inferSelect;
export type ProbeSetRow = typeof t.probeSets.$inferSelect;
export type ConceptSetRow = typeof t.conceptSets.$inferSelect;

export interface NeuronListItem {
  neuronId: number;
  unit: number;
  label: string | null;
  score: number | null;
}

export interface NeuronPage {
  items: NeuronListItem[];
  hasNextPage: boolean;
}

export interface LabelRow {
  runId: number;
  neuronId: number;
  rank: number;
  conceptId: number;
  text: string;
  score: number;
}

export interface TopImageRow {
  runId: number;
  neuronId: number;
  rank: number;
  ordinal: number;
  activation: number;
  uri: string | null;
}

export interface RunFilter {
  modelId?: number;
  method?: string;
  status?: t.RunStatus;
  first?: number;
}

/** `ILIKE` pattern matching `text` literally anywhere. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Maps a `to_jsonb(row)` of `table` to the row type Drizzle's select() returns (camelCase keys,
 * Dates): lets one statement bring whole rows of joined tables.
 */
export function rowFromJson<T extends PgTable>(table: T, json: unknown): T['$inferSelect'] {
  const raw = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as T['$inferSelect'];
}

export class AtlasReader {
  constructor(private readonly db: AtlasDb) {}

  async listModels(): Promise<ModelRow[]> {
    return this.db.select().from(t.targetModels).orderBy(asc(t.targetModels.name), asc(t.targetModels.version));
  }

  /** A model by name and version; without a version, the most recently added one of that name. */
  async findModel(name: string, version?: string | null): Promise<ModelRow | undefined> {
    const conds = [eq(t.targetModels.name, name)];
    if (version) conds.push(eq(t.targetModels.version, version));
    const [row] = await this.db
      .select()
      .from(t.targetModels)
      .where(and(...conds))
      .orderBy(desc(t.targetModels.createdAt), desc(t.targetModels.id))
      .limit(1);
    return row;
  }

  /**
   * Model (by name, optional version), its layer `layerName` and that layer's neuron `unit`, in one
   * query: the hot path of every neuron lookup. Missing parts come back undefined.
   */
  async findModelLayerNeuron(
    name: string,
    version: string | null | undefined,
    layerName: string,
    unit?: number,
    defaultRun?: { method?: string | null },
  ): Promise<{ model?: ModelRow; layer?: LayerInfo; neuronId?: number; defaultRun?: RunRow | null }> {
    const conds = [eq(t.targetModels.name, name)];
    if (version) conds.push(eq(t.targetModels.version, version));
    // With `defaultRun`, the layer's default run (as defaultRunForLayer chooses it) comes along:
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
      .orderBy(desc(t.targetModels.createdAt), desc(t.targetModels.id))
      .limit(1);
    return {
      model: row?.model,
      layer: row?.layer ?? undefined,
      neuronId: row?.neuronId ?? undefined,
      ...(defaultRun && row?.layer ? { defaultRun: row.defaultRun == null ? null : rowFromJson(t.dissectionRuns, row.defaultRun) } : {}),
    };
  }

  async modelsByIds(ids: readonly number[]): Promise<ModelRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(t.targetModels).where(inArray(t.targetModels.id, [...ids]));
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
    const [row] = await this.db
      .select()
      .from(t.layers)
      .where(and(eq(t.layers.modelId, modelId), eq(t.layers.name, name)));
    return row;
  }

  async findNeuron(layerId: number, unit: number): Promise<{ id: number; unit: number } | undefined> {
    const [row] = await this.db
      .select({ id: t.neurons.id, unit: t.neurons.unit })
      .from(t.neurons)
      .where(and(eq(t.neurons.layerId, layerId), eq(t.neurons.unit, unit)));
    return row;
  }

  /** A complete run by id (undefined when missing or not complete). */
  async completeRun(runId: number): Promise<RunRow | undefined> {
    const [row] = await this.db
      .select()
      .from(t.dissectionRuns)
      .where(and(eq(t.dissectionRuns.id, runId), eq(t.dissectionRuns.status, 'complete')));
    return row;
  }

  async runsByIds(ids: readonly number[]): Promise<RunRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(t.dissectionRuns)
      .where(and(inArray(t.dissectionRuns.id, [...ids]), eq(t.dissectionRuns.status, 'complete')));
  }

  /** Whether a complete run holds results for a layer. */
  async runCoversLayer(runId: number, layerId: number): Promise<boolean> {
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
  async defaultRunForLayer(layerId: number, method?: string | null): Promise<RunRow | undefined> {
    const conds = [eq(t.runLayers.layerId, layerId), eq(t.dissectionRuns.status, 'complete')];
    if (method) conds.push(eq(t.dissectionRuns.method, method));
    const [row] = await this.db
      .select({ run: t.dissectionRuns })
      .from(t.runLayers)
      .innerJoin(t.dissectionRuns, eq(t.dissectionRuns.id, t.runLayers.runId))
      .where(and(...conds))
      .orderBy(
        desc(sql`(${t.dissectionRuns.method} = 'clip-dissect')`),
        desc(t.dissectionRuns.finishedAt),
        desc(t.dissectionRuns.id),
      )
      .limit(1);
    return row?.run;
  }

  /** Names of layers a run covers, in model order. */
  async runLayerNames(runIds: readonly number[]): Promise<{ runId: number; name: string }[]> {
    if (runIds.length === 0) return [];
    return this.db
      .select({ runId: t.runLayers.runId, name: t.layers.name })
      .from(t.runLayers)
      .innerJoin(t.layers, eq(t.layers.id, t.runLayers.layerId))
      .where(inArray(t.runLayers.runId, [...runIds]))
      .orderBy(asc(t.layers.position));
  }

  /**
   * One page of a layer's neurons by unit, with the rank-0 label of `runId` (if any);
   * `labelContains` keeps neurons whose label contains the text (case-insensitive).
   */
  async listNeurons(opts: {
    layerId: number;
    runId: number | null;
    first: number;
    afterUnit?: number;
    labelContains?: string | null;
  }): Promise<NeuronPage> {
    const after = opts.afterUnit !== undefined ? sql`AND n.unit > ${opts.afterUnit}` : sql``;
    const runId = opts.runId ?? -1;
    // Without a label filter: take the page of neurons first, then look up each one's label, so
    // the plan never depends on the size of the run.
    const res = opts.labelContains
      ? await this.db.execute(sql`
          SELECT n.id AS "neuronId", n.unit AS unit, nl.text AS label, nl.score AS score
          FROM neurons n
          JOIN neuron_labels nl ON nl.neuron_id = n.id AND nl.run_id = ${runId} AND nl.rank = 0
          WHERE n.layer_id = ${opts.layerId} ${after} AND nl.text ILIKE ${containsPattern(opts.labelContains)}
          ORDER BY n.unit
          LIMIT ${opts.first + 1}`)
      : await this.db.execute(sql`
          SELECT n.id AS "neuronId", n.unit AS unit, nl.text AS label, nl.score AS score
          FROM (SELECT id, unit FROM neurons n WHERE n.layer_id = ${opts.layerId} ${after} ORDER BY unit LIMIT ${opts.first + 1}) n
          LEFT JOIN LATERAL (
            SELECT text, score FROM neuron_labels WHERE run_id = ${runId} AND neuron_id = n.id AND rank = 0
          ) nl ON true
          ORDER BY n.unit`);
    const rows = (res.rows as { neuronId: number; unit: number; label: string | null; score: number | null }[]).map((r) => ({
      neuronId: Number(r.neuronId),
      unit: Number(r.unit),
      label: r.label,
      score: r.score === null ? null : Number(r.score),
    }));
    return { items: rows.slice(0, opts.first), hasNextPage: rows.length > opts.first };
  }

  async countNeurons(opts: { layerId: number; runId: number | null; labelContains?: string | null }): Promise<number> {
    if (!opts.labelContains) {
      const res = await this.db.execute(sql`SELECT count(*)::int AS n FROM neurons WHERE layer_id = ${opts.layerId}`);
      return Number((res.rows[0] as { n: number }).n);
    }
    const res = await this.db.execute(sql`
      SELECT count(*)::int AS n FROM neurons n
      JOIN neuron_labels nl ON nl.neuron_id = n.id AND nl.run_id = ${opts.runId ?? -1} AND nl.rank = 0
      WHERE n.layer_id = ${opts.layerId} AND nl.text ILIKE ${containsPattern(opts.labelContains)}`);
    return Number((res.rows[0] as { n: number }).n);
  }

  /** All label ranks of the given (run, neuron) pairs, best first. */
  async labelsFor(keys: readonly { runId: number; neuronId: number }[], maxRank: number): Promise<LabelRow[]> {
    if (keys.length === 0) return [];
    const byRun = groupByRun(keys);
    const out: LabelRow[] = [];
    for (const [runId, neuronIds] of byRun) {
      const rows = await this.db
        .select()
        .from(t.neuronLabels)
        .where(
          and(
            eq(t.neuronLabels.runId, runId),
            inArray(t.neuronLabels.neuronId, neuronIds),
            sql`${t.neuronLabels.rank} < ${maxRank}`,
          ),
        )
        .orderBy(asc(t.neuronLabels.neuronId), asc(t.neuronLabels.rank));
      out.push(...rows);
    }
    return out;
  }

  /** Every label of rank < maxRank that a run gives a layer's neurons, by unit then rank. */
  async layerLabels(runId: number, layerId: number, maxRank: number): Promise<{ unit: number; rank: number; text: string; score: number }[]> {
    const res = await this.db.execute(sql`
      SELECT n.unit, nl.rank, nl.text, nl.score
      FROM neuron_labels nl JOIN neurons n ON n.id = nl.neuron_id
      WHERE nl.run_id = ${runId} AND n.layer_id = ${layerId} AND nl.rank < ${maxRank}
      ORDER BY n.unit, nl.rank`);
    return (res.rows as { unit: number; rank: number; text: string; score: number }[]).map((r) => ({
      unit: Number(r.unit),
      rank: Number(r.rank),
      text: r.text,
      score: Number(r.score),
    }));
  }

  /** Every top image of rank < maxRank that a run gives a layer's neurons (with URIs), by unit then rank. */
  async layerTopImages(
    runId: number,
    layerId: number,
    maxRank: number,
  ): Promise<{ unit: number; rank: number; ordinal: number; activation: number; uri: string | null }[]> {
    const res = await this.db.execute(sql`
      SELECT n.unit, ti.rank, ti.ordinal, ti.activation, pi.uri
      FROM neuron_top_images ti
      JOIN neurons n ON n.id = ti.neuron_id
      JOIN dissection_runs r ON r.id = ti.run_id
      LEFT JOIN probe_images pi ON pi.probe_set_id = r.probe_set_id AND pi.ordinal = ti.ordinal
      WHERE ti.run_id = ${runId} AND n.layer_id = ${layerId} AND ti.rank < ${maxRank}
      ORDER BY n.unit, ti.rank`);
    return (res.rows as { unit: number; rank: number; ordinal: number; activation: number; uri: string | null }[]).map((r) => ({
      unit: Number(r.unit),
      rank: Number(r.rank),
      ordinal: Number(r.ordinal),
      activation: Number(r.activation),
      uri: r.uri,
    }));
  }

  /** Top images of the given (run, neuron) pairs with their URIs, most activating first. */
  async topImagesFor(keys: readonly { runId: number; neuronId: number }[], maxRank: number): Promise<TopImageRow[]> {
    if (keys.length === 0) return [];
    const out: TopImageRow[] = [];
    for (const [runId, neuronIds] of groupByRun(keys)) {
      const res = await this.db.execute(sql`
        SELECT ti.run_id AS "runId", ti.neuron_id AS "neuronId", ti.rank, ti.ordinal, ti.activation, pi.uri
        FROM neuron_top_images ti
        JOIN dissection_runs r ON r.id = ti.run_id
        LEFT JOIN probe_images pi ON pi.probe_set_id = r.probe_set_id AND pi.ordinal = ti.ordinal
        WHERE ti.run_id = ${runId} AND ti.neuron_id = ANY(${sql.param(neuronIds)}::int[]) AND ti.rank < ${maxRank}
        ORDER BY ti.neuron_id, ti.rank`);
      for (const r of res.rows as TopImageRow[]) {
        out.push({ ...r, activation: Number(r.activation) });
      }
    }
    return out;
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRow[]> {
    const conds = [eq(t.dissectionRuns.status, filter.status ?? 'complete')];
    if (filter.modelId !== undefined) conds.push(eq(t.dissectionRuns.modelId, filter.modelId));
    if (filter.method) conds.push(eq(t.dissectionRuns.method, filter.method));
    return this.db
      .select()
      .from(t.dissectionRuns)
      .where(and(...conds))
      .orderBy(desc(t.dissectionRuns.startedAt), desc(t.dissectionRuns.id))
      .limit(filter.first ?? 100);
  }

  async clipModelsByIds(ids: readonly number[]): Promise<ClipModelRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(t.clipModels).where(inArray(t.clipModels.id, [...ids]));
  }

  async probeSetsByIds(ids: readonly number[]): Promise<ProbeSetRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(t.probeSets).where(inArray(t.probeSets.id, [...ids]));
  }

  async conceptSetsByIds(ids: readonly number[]): Promise<ConceptSetRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(t.conceptSets).where(inArray(t.conceptSets.id, [...ids]));
  }

  /** True when the atlas holds no target model at all (the server then loads the seed). */
  async isEmpty(): Promise<boolean> {
    const [row] = await this.db.select({ id: t.targetModels.id }).from(t.targetModels).limit(1);
    return row === undefined;
  }
}

function groupByRun(keys: readonly { runId: number; neuronId: number }[]): Map<number, number[]> {
  const byRun = new Map<number, number[]>();
  for (const k of keys) {
    const list = byRun.get(k.runId) ?? [];
    list.push(k.neuronId);
    byRun.set(k.runId, list);
  }
  return byRun;
}
