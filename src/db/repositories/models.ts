/** Target models with their layers and neurons, and the CLIP models of the atlas. */
import { eq, isNotNull, sql } from 'drizzle-orm';
import type { AtlasDb } from '../connection.js';
import { typedRows } from '../rows.js';
import * as t from '../schema.js';

export type ModelRow = typeof t.targetModels.$inferSelect;
export type ClipModelRow = typeof t.clipModels.$inferSelect;

export class ModelsRepository {
  constructor(private readonly db: AtlasDb) {}

  /** A target model by id. */
  async get(id: number): Promise<ModelRow | undefined> {
    const [row] = await this.db.select().from(t.targetModels).where(eq(t.targetModels.id, id));
    return row;
  }

  /** A CLIP model by id. */
  async clip(id: number): Promise<ClipModelRow | undefined> {
    const [row] = await this.db.select().from(t.clipModels).where(eq(t.clipModels.id, id));
    return row;
  }

  /** A CLIP model by its registration name. */
  async clipByName(name: string): Promise<ClipModelRow | undefined> {
    const [row] = await this.db.select().from(t.clipModels).where(eq(t.clipModels.name, name));
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
