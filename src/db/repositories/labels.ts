/** Neuron labels of runs. */
import { sql } from 'drizzle-orm';
import type { AtlasDb } from '../connection.js';
import { typedRows } from '../rows.js';

export interface UnitLabel {
  text: string;
  conceptId: number;
}

export class LabelsRepository {
  constructor(private readonly db: AtlasDb) {}

  /** The rank-0 label per unit of a layer in one run (unit -> label). */
  async topLabels(runId: number, layerId: number): Promise<Map<number, UnitLabel>> {
    const res = await this.db.execute(sql`
      SELECT n.unit, nl.text, nl.concept_id AS "conceptId" FROM neuron_labels nl JOIN neurons n ON n.id = nl.neuron_id
      WHERE nl.run_id = ${runId} AND nl.rank = 0 AND n.layer_id = ${layerId}`);
    return new Map(typedRows(res, (r) => [r.num('unit'), { text: r.str('text'), conceptId: r.num('conceptId') }] as const));
  }
}
