/**
 * Stored vectors: CLIP text embeddings of concepts and search queries, CLIP image embeddings of
 * probe sets, and target-network activations (float32 rows as bytea).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Matrix } from '../../core/types.js';
import type { AtlasDb, AtlasTx, DriverName } from '../connection.js';
import { assertMatrix, cachedVectorText, chunks, decodeVectorSend, fromBase64, rowBytes, rowVectorText, setRowFromBytes, vectorFromSend64, vectorFromSql } from '../codec.js';
import { firstRow, typedRows } from '../rows.js';
import { cachedActivations, cachedImageEmbeddings } from '../queries/embeddings.js';
import * as t from '../schema.js';
import type { ClipModelsRepository } from './clip-models.js';
import type { ProbeSetsRepository } from './probe-sets.js';
import { ensureConcepts, findLayer, requireLayer } from './shared.js';

// Bind parameters per statement. Postgres allows 65,535, but PGlite 0.4 mishandles more than
// 32,767 (the transaction silently loses earlier writes), so every batch stays well below that.
const MAX_PARAMS = 30_000;
const EMBEDDING_BATCH = 1000;
const ACTIVATION_BATCH_BYTES = 8 << 20;
const ACTIVATION_MAX_ROWS = Math.floor(MAX_PARAMS / 7); // 7 columns a row

/**
 * On PGlite, each row inserted into an HNSW index is a graph insertion in WebAssembly (10,000
 * 512-d image embeddings: 25-65 s); building the index once afterwards costs a fraction. When
 * at least as many rows are coming as the CLIP model's partial index holds, drops that index
 * (inside the caller's transaction) and returns the statement that recreates it. Not on a
 * Postgres server, where the drop would block other sessions' searches until commit.
 */
async function indexToRebuild(tx: AtlasTx, table: 'image_embeddings', clipModelId: number, incoming: number): Promise<string | undefined> {
  const name = `${table}_hnsw_clip_${Math.trunc(clipModelId)}`;
  const def = await tx.execute(sql`SELECT indexdef FROM pg_indexes WHERE tablename = ${table} AND indexname = ${name}`);
  const indexdef = firstRow(def, (r) => r.str('indexdef'));
  if (!indexdef) return undefined;
  const held = await tx.execute(sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE clip_model_id = ${Math.trunc(clipModelId)}`);
  if (incoming < (firstRow(held, (r) => r.num('n')) ?? 0) || incoming < 256) return undefined;
  await tx.execute(sql.raw(`DROP INDEX "${name}"`));
  return indexdef;
}

export class EmbeddingsRepository {
  constructor(
    private readonly db: AtlasDb,
    private readonly driver: DriverName,
    private readonly clipModels: ClipModelsRepository,
    private readonly probeSets: ProbeSetsRepository,
  ) {}

  // ---------------------------------------------------------------- image embeddings

  /** Stores CLIP image embeddings; row i belongs to the i-th image in ordinal order. */
  async putImages(probeSetId: number, clipModelId: number, m: Matrix): Promise<void> {
    assertMatrix(m, 'image embeddings');
    const clip = await this.clipModels.require(clipModelId, m.cols, 'image embeddings');
    const ordinals = await this.probeSets.ordinals(probeSetId);
    if (m.rows !== ordinals.length) {
      throw new Error(`image embeddings: ${m.rows} rows but probe set ${probeSetId} has ${ordinals.length} images`);
    }
    await this.db.transaction(async (tx) => {
      const rebuild = this.driver === 'pglite' ? await indexToRebuild(tx, 'image_embeddings', clip.id, m.rows) : undefined;
      for (let start = 0; start < m.rows; start += EMBEDDING_BATCH) {
        const end = Math.min(m.rows, start + EMBEDDING_BATCH);
        const values = [];
        for (let i = start; i < end; i++) {
          values.push({ clipModelId: clip.id, probeSetId, ordinal: ordinals[i]!, embedding: rowVectorText(m, i) });
        }
        await tx
          .insert(t.imageEmbeddings)
          .values(values)
          .onConflictDoUpdate({
            target: [t.imageEmbeddings.clipModelId, t.imageEmbeddings.probeSetId, t.imageEmbeddings.ordinal],
            set: { embedding: sql`excluded.embedding` },
          });
      }
      if (rebuild) {
        // A graph of 10,000 512-d vectors needs ~30 MB; with less memory pgvector builds it on disk, far slower.
        await tx.execute(sql.raw(`SET LOCAL maintenance_work_mem = '512MB'`));
        await tx.execute(sql.raw(rebuild));
      }
    });
  }

  /** The image embeddings of a probe set for one CLIP model, or undefined unless every image has one. */
  async images(probeSetId: number, clipModelId: number): Promise<Matrix | undefined> {
    const clip = await this.clipModels.get(clipModelId);
    if (!clip) return undefined;
    const ordinals = await this.probeSets.ordinals(probeSetId);
    const res = await this.db.execute(
      sql`SELECT ordinal, encode(vector_send(embedding), 'base64') AS v FROM image_embeddings
          WHERE clip_model_id = ${clipModelId} AND probe_set_id = ${probeSetId} ORDER BY ordinal`,
    );
    const list = typedRows(res, (r) => r.str('v'));
    if (list.length !== ordinals.length || ordinals.length === 0) return undefined;
    const out: Matrix = { rows: list.length, cols: clip.dim, data: new Float32Array(list.length * clip.dim) };
    list.forEach((v, i) => decodeVectorSend(fromBase64(v), out.data, i * clip.dim, clip.dim));
    return out;
  }

  /** A probe set's image embeddings (rows in ordinal order), kept in memory while the stored rows are unchanged. */
  cachedImages(probeSetId: number, clipModelId: number, dim: number): Promise<Matrix | undefined> {
    return cachedImageEmbeddings(this.db, probeSetId, clipModelId, dim);
  }

  // ---------------------------------------------------------------- concept embeddings

  /** Stores CLIP text embeddings; row i belongs to concepts[i]. */
  async putConcepts(clipModelId: number, concepts: string[], m: Matrix): Promise<void> {
    assertMatrix(m, 'concept embeddings');
    if (m.rows !== concepts.length) throw new Error(`concept embeddings: ${m.rows} rows for ${concepts.length} concepts`);
    const clip = await this.clipModels.require(clipModelId, m.cols, 'concept embeddings');
    await this.db.transaction(async (tx) => {
      const ids = await ensureConcepts(tx, concepts);
      // A concept listed twice keeps its last row.
      const byId = new Map<number, number>();
      concepts.forEach((c, i) => byId.set(ids.get(c)!, i));
      const entries = [...byId.entries()];
      for (const part of chunks(entries, EMBEDDING_BATCH)) {
        await tx
          .insert(t.conceptEmbeddings)
          .values(part.map(([conceptId, i]) => ({ clipModelId: clip.id, conceptId, embedding: rowVectorText(m, i) })))
          .onConflictDoUpdate({
            target: [t.conceptEmbeddings.clipModelId, t.conceptEmbeddings.conceptId],
            set: { embedding: sql`excluded.embedding` },
          });
      }
    });
  }

  /** Cached CLIP text embeddings of those `texts` that have one. */
  async concepts(clipModelId: number, texts: string[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    const unique = [...new Set(texts)];
    for (const part of chunks(unique, 5000)) {
      const res = await this.db.execute(
        sql`SELECT c.text AS text, encode(vector_send(ce.embedding), 'base64') AS v FROM concept_embeddings ce
            JOIN concepts c ON c.id = ce.concept_id
            WHERE ce.clip_model_id = ${clipModelId} AND c.text = ANY(${sql.param(part)}::text[])`,
      );
      for (const [text, v] of typedRows(res, (r) => [r.str('text'), r.str('v')] as const)) out.set(text, vectorFromSend64(v));
    }
    return out;
  }

  /** Concept embeddings of concept ids for one CLIP model (id -> vector); ids without one are left out. */
  async conceptsById(clipModelId: number, conceptIds: number[]): Promise<Map<number, Float32Array>> {
    if (conceptIds.length === 0) return new Map();
    const res = await this.db.execute(sql`
      SELECT concept_id AS id, encode(vector_send(embedding), 'base64') AS v FROM concept_embeddings
      WHERE clip_model_id = ${clipModelId} AND concept_id = ANY(${sql.param([...new Set(conceptIds)])}::int[])`);
    return new Map(typedRows(res, (r) => [r.num('id'), vectorFromSend64(r.str('v'))] as const));
  }

  // ---------------------------------------------------------------- query embeddings

  /** A search query's stored text embedding, if any. */
  async queryEmbedding(clipModelId: number, query: string): Promise<Float32Array | undefined> {
    const [row] = await this.db
      .select({ e: sql<string>`${t.queryEmbeddings.embedding}::text` })
      .from(t.queryEmbeddings)
      .where(and(eq(t.queryEmbeddings.clipModelId, clipModelId), eq(t.queryEmbeddings.query, query)));
    return row ? vectorFromSql(row.e) : undefined;
  }

  /** Stores a search query's text embedding (the first one stored stays). Requests never do (reads keep theirs in memory); the search benchmark fills the table to stand for a warm cache. */
  async putQueryEmbedding(clipModelId: number, query: string, vector: Float32Array): Promise<void> {
    await this.db.execute(sql`INSERT INTO query_embeddings (clip_model_id, query, embedding)
      VALUES (${clipModelId}, ${query}, ${cachedVectorText(vector)}::vector) ON CONFLICT DO NOTHING`);
  }

  // ---------------------------------------------------------------- activations

  /**
   * Stores a layer's activations over a probe set (N x K, rows in image ordinal order; replacing
   * what was there), with `key`: what they were computed with (network file hash, preprocessing,
   * pool mode; see activations()).
   */
  async putActivations(modelId: number, layerName: string, probeSetId: number, m: Matrix, key = ''): Promise<void> {
    assertMatrix(m, `activations of ${layerName}`);
    const layer = await requireLayer(this.db, modelId, layerName);
    if (m.cols !== layer.units) {
      throw new Error(`activations of ${layerName}: ${m.cols} columns but the layer has ${layer.units} units`);
    }
    const ordinals = await this.probeSets.ordinals(probeSetId);
    if (m.rows !== ordinals.length) {
      throw new Error(`activations of ${layerName}: ${m.rows} rows but probe set ${probeSetId} has ${ordinals.length} images`);
    }
    const perBatch = Math.max(1, Math.min(ACTIVATION_MAX_ROWS, Math.floor(ACTIVATION_BATCH_BYTES / Math.max(1, m.cols * 4))));
    await this.db.transaction(async (tx) => {
      await tx.delete(t.activations).where(and(eq(t.activations.layerId, layer.id), eq(t.activations.probeSetId, probeSetId)));
      for (let start = 0; start < m.rows; start += perBatch) {
        const end = Math.min(m.rows, start + perBatch);
        const values = [];
        for (let i = start; i < end; i++) {
          // as base64 text, decoded by Postgres (see fromBase64: PGlite encodes bytea parameters byte by byte)
          const bytes = sql`decode(${rowBytes(m, i).toString('base64')}, 'base64')`;
          values.push({ modelId, layerId: layer.id, probeSetId, ordinal: ordinals[i]!, units: m.cols, values: bytes, activationKey: key });
        }
        await tx.insert(t.activations).values(values);
      }
    });
  }

  /**
   * A layer's stored activations (rows in ordinal order), or undefined unless every image has
   * them. With `key` (a run's activation key), only activations computed that way count: a layer
   * dissected since with another pool mode, preprocessing or network file reads as missing. A
   * null or absent key (imported or older runs) takes whatever is stored.
   */
  async activations(modelId: number, layerName: string, probeSetId: number, key?: string | null): Promise<Matrix | undefined> {
    const layer = await findLayer(this.db, modelId, layerName);
    if (!layer) return undefined;
    const ordinals = await this.probeSets.ordinals(probeSetId);
    const conds = [eq(t.activations.layerId, layer.id), eq(t.activations.probeSetId, probeSetId)];
    if (key) conds.push(eq(t.activations.activationKey, key));
    const rows = await this.db
      .select({ ordinal: t.activations.ordinal, values: sql<string>`encode(${t.activations.values}, 'base64')` })
      .from(t.activations)
      .where(and(...conds))
      .orderBy(asc(t.activations.ordinal));
    if (rows.length !== ordinals.length || rows.length === 0) return undefined;
    const out: Matrix = { rows: rows.length, cols: layer.units, data: new Float32Array(rows.length * layer.units) };
    rows.forEach((r, i) => setRowFromBytes(out, i, fromBase64(r.values)));
    return out;
  }

  /** A layer's activations for a run's key (see activations()), kept in memory while the stored rows are unchanged. */
  cachedActivations(layer: { id: number; modelId: number; name: string }, probeSetId: number, key: string | null): Promise<Matrix | undefined> {
    return cachedActivations(this.db, layer.id, probeSetId, key, () => this.activations(layer.modelId, layer.name, probeSetId, key));
  }

  /** The stored activations of one probe image, one row per layer (raw values). */
  async ofImage(probeSetId: number, ordinal: number, modelIds?: number[]): Promise<{ layerId: number; modelId: number; values: Float32Array }[]> {
    const model = modelIds ? sql`AND a.model_id = ANY(${sql.param(modelIds)}::int[])` : sql``;
    const res = await this.db.execute(sql`
      SELECT a.layer_id AS "layerId", a.model_id AS "modelId", a.values FROM activations a
      WHERE a.probe_set_id = ${probeSetId} AND a.ordinal = ${ordinal} ${model}`);
    return typedRows(res, (r) => {
      // A copy: the driver's buffer may not be aligned for a Float32Array view.
      const bytes = r.bytes('values');
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      return { layerId: r.num('layerId'), modelId: r.num('modelId'), values: new Float32Array(copy.buffer) };
    });
  }

  /** Probe sets for which a layer has stored activations of every image, newest first. */
  async probeSetsWithActivations(layerId: number): Promise<number[]> {
    const res = await this.db.execute(sql`
      SELECT a.probe_set_id AS id FROM activations a JOIN probe_sets p ON p.id = a.probe_set_id
      WHERE a.layer_id = ${layerId} GROUP BY a.probe_set_id, p.size HAVING count(*) = p.size ORDER BY a.probe_set_id DESC`);
    return typedRows(res, (r) => r.num('id'));
  }

  /** The key a layer's stored activations over a probe set were computed with ('' when unknown; undefined when none are stored). */
  async activationKeyOf(layerId: number, probeSetId: number): Promise<string | undefined> {
    const res = await this.db.execute(sql`
      SELECT activation_key AS key FROM activations WHERE layer_id = ${layerId} AND probe_set_id = ${probeSetId} LIMIT 1`);
    return firstRow(res, (r) => r.str('key'));
  }

  /**
   * What the complete CLIP-Dissect-style runs (those with a CLIP model and a probe set) lack of
   * what rescoring, search and comparison read: per run, whether its probe set has every image
   * embedding under its CLIP model, the layers without activations of every probe image, and how
   * many of its labels have no text embedding.
   */
  async runCoverage(): Promise<RunCoverage[]> {
    const res = await this.db.execute(sql`
      SELECT r.id, m.name AS model, m.version, cm.name AS clip, cm.source AS "clipSource", ps.name AS probe,
        ((SELECT count(*) FROM image_embeddings ie WHERE ie.clip_model_id = r.clip_model_id AND ie.probe_set_id = r.probe_set_id) = ps.size)::int AS images,
        COALESCE((SELECT array_agg(l.name ORDER BY l.position) FROM run_layers rl JOIN layers l ON l.id = rl.layer_id
          WHERE rl.run_id = r.id AND (SELECT count(*) FROM activations a WHERE a.layer_id = l.id AND a.probe_set_id = r.probe_set_id) < ps.size), '{}'::text[]) AS "layersWithout",
        (SELECT count(DISTINCT nl.concept_id) FROM neuron_labels nl WHERE nl.run_id = r.id AND nl.rank = 0
          AND NOT EXISTS (SELECT 1 FROM concept_embeddings ce WHERE ce.clip_model_id = r.clip_model_id AND ce.concept_id = nl.concept_id))::int AS "labelsWithout"
      FROM dissection_runs r JOIN target_models m ON m.id = r.model_id JOIN clip_models cm ON cm.id = r.clip_model_id
      JOIN probe_sets ps ON ps.id = r.probe_set_id
      WHERE r.status = 'complete' ORDER BY m.name, m.version, r.id`);
    return typedRows(res, (r) => ({
      runId: r.num('id'),
      model: `${r.str('model')}@${r.str('version')}`,
      clipModel: r.str('clip'),
      clipSource: r.strOrNull('clipSource'),
      probeSet: r.str('probe'),
      imageEmbeddings: r.num('images') === 1,
      layersWithoutActivations: r.strings('layersWithout'),
      labelsWithoutEmbeddings: r.num('labelsWithout'),
    }));
  }
}

/** What one complete run lacks of what rescoring, search and comparison read (see runCoverage). */
export interface RunCoverage {
  runId: number;
  /** `name@version` */
  model: string;
  clipModel: string;
  clipSource: string | null;
  probeSet: string;
  imageEmbeddings: boolean;
  layersWithoutActivations: string[];
  labelsWithoutEmbeddings: number;
}
