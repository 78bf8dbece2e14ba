/**
 * Stored matrices kept in memory while their rows are unchanged: a probe set's image embeddings
 * (read in pgvector's binary form, see codec.ts) and a layer's activations.
 */
import { sql } from 'drizzle-orm';
import { decodeVectorSend, fromBase64 } from '../codec.js';
import type { AtlasDb } from '../connection.js';
import type { Matrix } from '../../core/types.js';
import { firstRow, typedRows } from '../rows.js';

/**
 * A probe set's image embeddings for one CLIP model, rows in ordinal order, or undefined unless
 * every image of the set has one.
 */
export async function imageEmbeddingMatrix(db: AtlasDb, probeSetId: number, clipModelId: number, dim: number): Promise<Matrix | undefined> {
  const res = await db.execute(sql`
    SELECT encode(vector_send(ie.embedding), 'base64') AS v FROM image_embeddings ie
    WHERE ie.clip_model_id = ${clipModelId} AND ie.probe_set_id = ${probeSetId} ORDER BY ie.ordinal`);
  const rows = typedRows(res, (r) => r.str('v'));
  const size = await db.execute(sql`SELECT size FROM probe_sets WHERE id = ${probeSetId}`);
  const expected = firstRow(size, (r) => r.num('size')) ?? -1;
  if (rows.length === 0 || rows.length !== expected) return undefined;
  const out: Matrix = { rows: rows.length, cols: dim, data: new Float32Array(rows.length * dim) };
  rows.forEach((v, i) => decodeVectorSend(fromBase64(v), out.data, i * dim, dim));
  return out;
}

/**
 * A stamp that changes whenever any of the rows is inserted, rewritten or deleted (count and the
 * sum of the rows' transaction ids): cheap, as it never reads the vectors themselves.
 */
async function stamp(db: AtlasDb, table: 'image_embeddings' | 'activations', where: ReturnType<typeof sql>): Promise<string> {
  const res = await db.execute(sql`SELECT count(*)::text AS n, coalesce(sum(xmin::text::bigint), 0)::text AS x FROM ${sql.raw(table)} WHERE ${where}`);
  return firstRow(res, (r) => `${r.str('n')}:${r.str('x')}`) ?? '0:0';
}

/** Keeps the last few matrices a process read, reused while their rows' stamp is unchanged. */
export class MatrixCache {
  private readonly entries = new Map<string, { stamp: string; matrix: Matrix }>();
  constructor(private readonly capacity = 4) {}

  async get(key: string, currentStamp: () => Promise<string>, load: () => Promise<Matrix | undefined>): Promise<Matrix | undefined> {
    const s = await currentStamp();
    const hit = this.entries.get(key);
    if (hit && hit.stamp === s) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.matrix;
    }
    const matrix = await load();
    this.entries.delete(key);
    if (matrix) {
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { stamp: s, matrix });
    }
    return matrix;
  }
}

const imageCache = new WeakMap<AtlasDb, MatrixCache>();
const activationCache = new WeakMap<AtlasDb, MatrixCache>();

function cacheFor(map: WeakMap<AtlasDb, MatrixCache>, db: AtlasDb): MatrixCache {
  let c = map.get(db);
  if (!c) {
    c = new MatrixCache();
    map.set(db, c);
  }
  return c;
}

/** imageEmbeddingMatrix, reused from memory while the stored rows are unchanged. */
export function cachedImageEmbeddings(db: AtlasDb, probeSetId: number, clipModelId: number, dim: number): Promise<Matrix | undefined> {
  return cacheFor(imageCache, db).get(
    `${probeSetId}:${clipModelId}`,
    () => stamp(db, 'image_embeddings', sql`clip_model_id = ${clipModelId} AND probe_set_id = ${probeSetId}`),
    () => imageEmbeddingMatrix(db, probeSetId, clipModelId, dim),
  );
}

/** A layer's activations (via `load`, for a run's activation key), reused from memory while the stored rows are unchanged. */
export function cachedActivations(
  db: AtlasDb,
  layerId: number,
  probeSetId: number,
  key: string | null,
  load: () => Promise<Matrix | undefined>,
): Promise<Matrix | undefined> {
  return cacheFor(activationCache, db).get(
    `${layerId}:${probeSetId}:${key ?? ''}`,
    () => stamp(db, 'activations', sql`layer_id = ${layerId} AND probe_set_id = ${probeSetId}`),
    load,
  );
}
