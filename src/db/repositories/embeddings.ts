/**
 * Stored vectors: CLIP text embeddings of concepts and search queries, CLIP image embeddings of
 * probe sets, and target-network activations.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Matrix } from '../../core/types.js';
import type { AtlasDb } from '../connection.js';
import { parseVectorText } from '../codec.js';
import { typedRows } from '../rows.js';
import { cachedActivations, cachedImageEmbeddings, vectorFromSend64 } from '../queries/embeddings.js';
import { activationsOfImage, vectorText } from '../queries/search.js';
import * as t from '../schema.js';

export class EmbeddingsRepository {
  constructor(private readonly db: AtlasDb) {}

  /** Concept embeddings of concept ids for one CLIP model (id -> vector); ids without one are left out. */
  async conceptsById(clipModelId: number, conceptIds: number[]): Promise<Map<number, Float32Array>> {
    if (conceptIds.length === 0) return new Map();
    const res = await this.db.execute(sql`
      SELECT concept_id AS id, encode(vector_send(embedding), 'base64') AS v FROM concept_embeddings
      WHERE clip_model_id = ${clipModelId} AND concept_id = ANY(${sql.param([...new Set(conceptIds)])}::int[])`);
    return new Map(typedRows(res, (r) => [r.num('id'), vectorFromSend64(r.str('v'))] as const));
  }

  /** Probe sets for which a layer has stored activations of every image, newest first. */
  async probeSetsWithActivations(layerId: number): Promise<number[]> {
    const res = await this.db.execute(sql`
      SELECT a.probe_set_id AS id FROM activations a JOIN probe_sets p ON p.id = a.probe_set_id
      WHERE a.layer_id = ${layerId} GROUP BY a.probe_set_id, p.size HAVING count(*) = p.size ORDER BY a.probe_set_id DESC`);
    return typedRows(res, (r) => r.num('id'));
  }

  /** A probe set's image embeddings (rows in ordinal order), kept in memory while the stored rows are unchanged. */
  cachedImages(probeSetId: number, clipModelId: number, dim: number): Promise<Matrix | undefined> {
    return cachedImageEmbeddings(this.db, probeSetId, clipModelId, dim);
  }

  /** A layer's activations (read by `load`), kept in memory while the stored rows are unchanged. */
  cachedActivations(layerId: number, probeSetId: number, key: string | null, load: () => Promise<Matrix | undefined>): Promise<Matrix | undefined> {
    return cachedActivations(this.db, layerId, probeSetId, key, load);
  }

  /** The stored activations of one probe image, one row per layer (raw values). */
  ofImage(probeSetId: number, ordinal: number, modelIds?: number[]): Promise<{ layerId: number; modelId: number; values: Float32Array }[]> {
    return activationsOfImage(this.db, probeSetId, ordinal, modelIds);
  }

  /** A search query's stored text embedding, if any. */
  async queryEmbedding(clipModelId: number, query: string): Promise<Float32Array | undefined> {
    const [row] = await this.db
      .select({ e: sql<string>`${t.queryEmbeddings.embedding}::text` })
      .from(t.queryEmbeddings)
      .where(and(eq(t.queryEmbeddings.clipModelId, clipModelId), eq(t.queryEmbeddings.query, query)));
    return row ? parseVectorText(row.e) : undefined;
  }

  /** Stores a search query's text embedding (the first one stored stays). */
  async putQueryEmbedding(clipModelId: number, query: string, vector: Float32Array): Promise<void> {
    await this.db.execute(sql`INSERT INTO query_embeddings (clip_model_id, query, embedding)
      VALUES (${clipModelId}, ${query}, ${vectorText(vector)}::vector) ON CONFLICT DO NOTHING`);
  }
}
