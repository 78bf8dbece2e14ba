/** The CLIP models of the atlas, each with its per-model HNSW index of image embeddings. */
import { eq, inArray, sql } from 'drizzle-orm';
import type { ClipModelRecord } from '../../core/types.js';
import type { AtlasDb } from '../connection.js';
import * as t from '../schema.js';

export type ClipModelRow = typeof t.clipModels.$inferSelect;

export class ClipModelsRepository {
  constructor(private readonly db: AtlasDb) {}

  /** Registers a CLIP model (unique by name) and its per-model HNSW indexes; returns its id. */
  async upsert(rec: ClipModelRecord): Promise<number> {
    if (!Number.isInteger(rec.dim) || rec.dim < 1 || rec.dim > 16000) {
      throw new Error(`CLIP model ${rec.name}: invalid embedding dimension ${rec.dim}`);
    }
    const existing = await this.byName(rec.name);
    if (existing && existing.dim !== rec.dim) {
      throw new Error(
        `CLIP model ${rec.name} is already in the atlas with dimension ${existing.dim}, not ${rec.dim}; register it under another name`,
      );
    }
    const [row] = await this.db
      .insert(t.clipModels)
      .values({ name: rec.name, dim: rec.dim, source: rec.source ?? null })
      .onConflictDoUpdate({ target: t.clipModels.name, set: { source: rec.source ?? existing?.source ?? null } })
      .returning({ id: t.clipModels.id });
    await this.ensureEmbeddingIndexes(row!.id, rec.dim);
    return row!.id;
  }

  /**
   * Partial expression HNSW index of one CLIP model's image embeddings (see the design note in
   * schema.ts). Concept embeddings get none: they are looked up by key, and label search has
   * its own index (search.ts).
   */
  private async ensureEmbeddingIndexes(clipModelId: number, dim: number): Promise<void> {
    const id = Math.trunc(clipModelId);
    const d = Math.trunc(dim);
    for (const table of ['image_embeddings']) {
      await this.db.execute(
        sql.raw(
          `CREATE INDEX IF NOT EXISTS ${table}_hnsw_clip_${id} ON ${table} ` +
            `USING hnsw ((embedding::vector(${d})) vector_cosine_ops) WHERE clip_model_id = ${id}`,
        ),
      );
    }
  }

  /** A CLIP model by id. */
  async get(id: number): Promise<ClipModelRow | undefined> {
    const [row] = await this.db.select().from(t.clipModels).where(eq(t.clipModels.id, id));
    return row;
  }

  /** A CLIP model by its registration name. */
  async byName(name: string): Promise<ClipModelRow | undefined> {
    const [row] = await this.db.select().from(t.clipModels).where(eq(t.clipModels.name, name));
    return row;
  }

  async byIds(ids: readonly number[]): Promise<ClipModelRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(t.clipModels).where(inArray(t.clipModels.id, [...ids]));
  }

  /** The model, checked to embed in `cols` dimensions (`what`: the data being written, for messages). */
  async require(clipModelId: number, cols: number, what: string): Promise<ClipModelRow> {
    const clip = await this.get(clipModelId);
    if (!clip) throw new Error(`${what}: CLIP model ${clipModelId} is not in the atlas`);
    if (clip.dim !== cols) throw new Error(`${what}: ${cols} columns but CLIP model ${clip.name} has dimension ${clip.dim}`);
    return clip;
  }
}
