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
}

export interface NeuronPage {
  items: NeuronListItem[];
  hasNextPage: boolean;
}

/** `ILIKE` pattern matching `text` literally anywhere. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const neuronItem = (r: Row): NeuronListItem => ({
  neuronId: r.num('neuronId'),
  unit: r.num('unit'),
  label: r.strOrNull('label'),
  score: r.numOrNull('score'),
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
  ): Promise<{ labels: { unit: number; conceptId: number; score: number }[]; topImages: { unit: number; ordinal: number; activation: number }[] }> {
    const labels = await this.db
      .select({ unit: t.neurons.unit, conceptId: t.neuronLabels.conceptId, score: t.neuronLabels.score })
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
  async ofLayer(runId: number, layerId: number, maxRank: number): Promise<{ unit: number; rank: number; text: string; score: number }[]> {
    const res = await this.db.execute(sql`
      SELECT n.unit, nl.rank, nl.text, nl.score
      FROM neuron_labels nl JOIN neurons n ON n.id = nl.neuron_id
      WHERE nl.run_id = ${runId} AND n.layer_id = ${layerId} AND nl.rank < ${maxRank}
      ORDER BY n.unit, nl.rank`);
    return typedRows(res, (r) => ({ unit: r.num('unit'), rank: r.num('rank'), text: r.str('text'), score: r.num('score') }));
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
   * One page of a layer's neurons by unit, with the rank-0 label of `runId` (if any);
   * `labelContains` keeps neurons whose label contains the text (case-insensitive).
   */
  async neuronPage(opts: { layerId: number; runId: number | null; first: number; afterUnit?: number; labelContains?: string | null }): Promise<NeuronPage> {
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
    const rows = typedRows(res, neuronItem);
    return { items: rows.slice(0, opts.first), hasNextPage: rows.length > opts.first };
  }

  /** How many neurons a layer has (whose rank-0 label in `runId` contains `labelContains`, when given). */
  async countNeurons(opts: { layerId: number; runId: number | null; labelContains?: string | null }): Promise<number> {
    const res = opts.labelContains
      ? await this.db.execute(sql`
          SELECT count(*)::int AS n FROM neurons n
          JOIN neuron_labels nl ON nl.neuron_id = n.id AND nl.run_id = ${opts.runId ?? -1} AND nl.rank = 0
          WHERE n.layer_id = ${opts.layerId} AND nl.text ILIKE ${containsPattern(opts.labelContains)}`)
      : await this.db.execute(sql`SELECT count(*)::int AS n FROM neurons WHERE layer_id = ${opts.layerId}`);
    return firstRow(res, (r) => r.num('n')) ?? 0;
  }
}
