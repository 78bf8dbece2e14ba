/** Neuron labels and top images of runs, and pages of a layer's neurons with their labels. */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { AtlasDb } from '../connection.js';
import { firstRow, typedRows, type Row } from '../rows.js';
import * as t from '../schema.js';
import { groupByRun } from './shared.js';

export type LabelRow = typeof t.neuronLabels.$inferSelect;

export interface TopImageRow {
  runId: number;
  neuronId: number;
  rank: number;
  ordinal: number;
  activation: number;
  uri: string | null;
}

export interface UnitLabel {
  text: string;
  conceptId: number;
}

export interface NeuronListItem {
  neuronId: number;
  unit: number;
  label: string | null;
  score: number | null;
  confidence: number | null;
}

export interface NeuronPage {
  items: NeuronListItem[];
  hasNextPage: boolean;
}

/** `ILIKE` pattern matching `text` literally anywhere. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Which neurons of a layer a page lists, and in which order. */
export interface NeuronFilter {
  layerId: number;
  runId: number | null;
  labelContains?: string | null;
  minScore?: number | null;
  orderBy?: NeuronOrder;
}

export type NeuronOrder = 'unit' | 'score_desc' | 'score_asc';

export interface NeuronPageQuery extends NeuronFilter {
  first: number;
  /** The last neuron of the previous page (its score too when ordering by score). */
  after?: { unit: number; score?: number };
}

function labelFilters(opts: NeuronFilter) {
  const contains = opts.labelContains ? sql`AND nl.text ILIKE ${containsPattern(opts.labelContains)}` : sql``;
  const min = opts.minScore !== null && opts.minScore !== undefined ? sql`AND nl.score >= ${opts.minScore}::float8` : sql``;
  return sql`${contains} ${min}`;
}

const neuronItem = (r: Row): NeuronListItem => ({
  neuronId: r.num('neuronId'),
  unit: r.num('unit'),
  label: r.strOrNull('label'),
  score: r.numOrNull('score'),
  confidence: r.numOrNull('confidence'),
});

export class LabelsRepository {
  constructor(private readonly db: AtlasDb) {}

  /** The rank-0 label per unit of a layer in one run (unit -> label). */
  async topLabels(runId: number, layerId: number): Promise<Map<number, UnitLabel>> {
    const res = await this.db.execute(sql`
      SELECT n.unit, nl.text, nl.concept_id AS "conceptId" FROM neuron_labels nl JOIN neurons n ON n.id = nl.neuron_id
      WHERE nl.run_id = ${runId} AND nl.rank = 0 AND n.layer_id = ${layerId}`);
    return new Map(typedRows(res, (r) => [r.num('unit'), { text: r.str('text'), conceptId: r.num('conceptId') }] as const));
  }

  /**
   * Everything a run wrote for one layer, as it was written: every label (concept id, score) and
   * every top image, by unit then rank.
   */
  async layerResult(
    runId: number,
    layerId: number,
  ): Promise<{
    labels: { unit: number; conceptId: number; score: number; confidence: number | null }[];
    topImages: { unit: number; ordinal: number; activation: number }[];
  }> {
    const labels = await this.db
      .select({ unit: t.neurons.unit, conceptId: t.neuronLabels.conceptId, score: t.neuronLabels.score, confidence: t.neuronLabels.confidence })
      .from(t.neuronLabels)
      .innerJoin(t.neurons, eq(t.neurons.id, t.neuronLabels.neuronId))
      .where(and(eq(t.neuronLabels.runId, runId), eq(t.neurons.layerId, layerId)))
      .orderBy(asc(t.neurons.unit), asc(t.neuronLabels.rank));
    const topImages = await this.db
      .select({ unit: t.neurons.unit, ordinal: t.neuronTopImages.ordinal, activation: t.neuronTopImages.activation })
      .from(t.neuronTopImages)
      .innerJoin(t.neurons, eq(t.neurons.id, t.neuronTopImages.neuronId))
      .where(and(eq(t.neuronTopImages.runId, runId), eq(t.neurons.layerId, layerId)))
      .orderBy(asc(t.neurons.unit), asc(t.neuronTopImages.rank));
    return { labels, topImages };
  }

  /** All label ranks below `maxRank` of the given (run, neuron) pairs, best first. */
  async labelsFor(keys: readonly { runId: number; neuronId: number }[], maxRank: number): Promise<LabelRow[]> {
    if (keys.length === 0) return [];
    const out: LabelRow[] = [];
    for (const [runId, neuronIds] of groupByRun(keys)) {
      const rows = await this.db
        .select()
        .from(t.neuronLabels)
        .where(and(eq(t.neuronLabels.runId, runId), inArray(t.neuronLabels.neuronId, neuronIds), sql`${t.neuronLabels.rank} < ${maxRank}`))
        .orderBy(asc(t.neuronLabels.neuronId), asc(t.neuronLabels.rank));
      out.push(...rows);
    }
    return out;
  }

  /** Every label of rank < maxRank that a run gives a layer's neurons, by unit then rank. */
  async ofLayer(
    runId: number,
    layerId: number,
    maxRank: number,
  ): Promise<{ unit: number; rank: number; text: string; score: number; confidence: number | null }[]> {
    const res = await this.db.execute(sql`
      SELECT n.unit, nl.rank, nl.text, nl.score, nl.confidence
      FROM neuron_labels nl JOIN neurons n ON n.id = nl.neuron_id
      WHERE nl.run_id = ${runId} AND n.layer_id = ${layerId} AND nl.rank < ${maxRank}
      ORDER BY n.unit, nl.rank`);
    return typedRows(res, (r) => ({
      unit: r.num('unit'),
      rank: r.num('rank'),
      text: r.str('text'),
      score: r.num('score'),
      confidence: r.numOrNull('confidence'),
    }));
  }

  /** Every top image of rank < maxRank that a run gives a layer's neurons (with URIs), by unit then rank. */
  async topImagesOfLayer(
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
    return typedRows(res, (r) => ({
      unit: r.num('unit'),
      rank: r.num('rank'),
      ordinal: r.num('ordinal'),
      activation: r.num('activation'),
      uri: r.strOrNull('uri'),
    }));
  }

  /** Top images below `maxRank` of the given (run, neuron) pairs with their URIs, most activating first. */
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
      out.push(
        ...typedRows(res, (r) => ({
          runId: r.num('runId'),
          neuronId: r.num('neuronId'),
          rank: r.num('rank'),
          ordinal: r.num('ordinal'),
          activation: r.num('activation'),
          uri: r.strOrNull('uri'),
        })),
      );
    }
    return out;
  }

  /**
   * One page of a layer's neurons with the rank-0 label of `runId` (if any), by unit or by that
   * label's score; `labelContains` keeps neurons whose label contains the text (case-insensitive),
   * `minScore` those whose score is at least that. Ordering by score, or either filter, keeps
   * labelled neurons only.
   */
  async neuronPage(opts: NeuronPageQuery): Promise<NeuronPage> {
    const runId = opts.runId ?? -1;
    const order = opts.orderBy ?? 'unit';
    const limit = opts.first + 1;
    let res;
    if (order === 'unit' && !opts.labelContains && (opts.minScore === null || opts.minScore === undefined)) {
      // Unfiltered by unit: take the page of neurons first, then look up each one's label, so the
      // plan never depends on the size of the run.
      const after = opts.after ? sql`AND n.unit > ${opts.after.unit}` : sql``;
      res = await this.db.execute(sql`
          SELECT n.id AS "neuronId", n.unit AS unit, nl.text AS label, nl.score AS score, nl.confidence AS confidence
          FROM (SELECT id, unit FROM neurons n WHERE n.layer_id = ${opts.layerId} ${after} ORDER BY unit LIMIT ${limit}) n
          LEFT JOIN LATERAL (
            SELECT text, score, confidence FROM neuron_labels WHERE run_id = ${runId} AND neuron_id = n.id AND rank = 0
          ) nl ON true
          ORDER BY n.unit`);
    } else {
      const a = opts.after;
      const after = !a
        ? sql``
        : order === 'unit'
          ? sql`AND n.unit > ${a.unit}`
          : order === 'score_desc'
            ? sql`AND (nl.score < ${a.score ?? 0}::float8 OR (nl.score = ${a.score ?? 0}::float8 AND n.unit > ${a.unit}))`
            : sql`AND (nl.score > ${a.score ?? 0}::float8 OR (nl.score = ${a.score ?? 0}::float8 AND n.unit > ${a.unit}))`;
      const orderSql = order === 'unit' ? sql`n.unit` : order === 'score_desc' ? sql`nl.score DESC, n.unit` : sql`nl.score ASC, n.unit`;
      res = await this.db.execute(sql`
          SELECT n.id AS "neuronId", n.unit AS unit, nl.text AS label, nl.score AS score, nl.confidence AS confidence
          FROM neurons n
          JOIN neuron_labels nl ON nl.neuron_id = n.id AND nl.run_id = ${runId} AND nl.rank = 0
          WHERE n.layer_id = ${opts.layerId} ${labelFilters(opts)} ${after}
          ORDER BY ${orderSql}
          LIMIT ${limit}`);
    }
    const rows = typedRows(res, neuronItem);
    return { items: rows.slice(0, opts.first), hasNextPage: rows.length > opts.first };
  }

  /** Why neurons have no label in runs, for (run, neuron) pairs; pairs with a label (or unknown) are left out. */
  async unlabelledFor(keys: readonly { runId: number; neuronId: number }[]): Promise<{ runId: number; neuronId: number; reason: string }[]> {
    if (keys.length === 0) return [];
    const res = await this.db.execute(sql`
      SELECT u.run_id AS "runId", u.neuron_id AS "neuronId", u.reason FROM unlabelled_neurons u
      JOIN unnest(${sql.param(keys.map((k) => k.runId))}::int[], ${sql.param(keys.map((k) => k.neuronId))}::int[]) AS k(run_id, neuron_id)
        ON u.run_id = k.run_id AND u.neuron_id = k.neuron_id`);
    return typedRows(res, (r) => ({ runId: r.num('runId'), neuronId: r.num('neuronId'), reason: r.str('reason') }));
  }

  /** The unlabelled units of a layer in a run, with their reasons (unit -> reason). */
  async unlabelledOfLayer(runId: number, layerId: number): Promise<Map<number, string>> {
    const res = await this.db.execute(sql`
      SELECT n.unit, u.reason FROM unlabelled_neurons u JOIN neurons n ON n.id = u.neuron_id
      WHERE u.run_id = ${runId} AND n.layer_id = ${layerId}`);
    return new Map(typedRows(res, (r) => [r.num('unit'), r.str('reason')] as const));
  }

  /** How many neurons a layer has (whose rank-0 label in `runId` contains `labelContains`, when given). */
  async countNeurons(opts: NeuronFilter): Promise<number> {
    const res = opts.labelContains || (opts.minScore !== null && opts.minScore !== undefined) || (opts.orderBy ?? 'unit') !== 'unit'
      ? await this.db.execute(sql`
          SELECT count(*)::int AS n FROM neurons n
          JOIN neuron_labels nl ON nl.neuron_id = n.id AND nl.run_id = ${opts.runId ?? -1} AND nl.rank = 0
          WHERE n.layer_id = ${opts.layerId} ${labelFilters(opts)}`)
      : await this.db.execute(sql`SELECT count(*)::int AS n FROM neurons WHERE layer_id = ${opts.layerId}`);
    return firstRow(res, (r) => r.num('n')) ?? 0;
  }
}
