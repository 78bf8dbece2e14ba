/**
 * Bulk reads of stored embeddings in pgvector's binary form (`vector_send`: int16 dim, int16
 * unused, then big-endian float4s): parsing 5 million numbers from text takes seconds, the
 * binary form a few milliseconds.
 */
import { sql } from 'drizzle-orm';
import type { AtlasDb } from '../connection.js';
import type { Matrix } from '../contracts.js';

function asBytes(v: Uint8Array | string): Uint8Array {
  if (typeof v === 'string') return Buffer.from(v.startsWith('\\x') ? v.slice(2) : v, 'hex');
  return v;
}

/** Decodes one `vector_send` value into `out` at `offset`; returns its dimension. */
export function decodeVectorSend(value: Uint8Array | string, out: Float32Array, offset: number, dim: number): void {
  const bytes = asBytes(value);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const d = view.getInt16(0);
  if (d !== dim) throw new Error(`stored vector has dimension ${d}, expected ${dim}`);
  for (let i = 0; i < d; i++) out[offset + i] = view.getFloat32(4 + 4 * i);
}

/**
 * A probe set's image embeddings for one CLIP model, rows in ordinal order, or undefined unless
 * every image of the set has one.
 */
export async function imageEmbeddingMatrix(db: AtlasDb, probeSetId: number, clipModelId: number, dim: number): Promise<Matrix | undefined> {
  const res = await db.execute(sql`
    SELECT vector_send(ie.embedding) AS v FROM image_embeddings ie
    WHERE ie.clip_model_id = ${clipModelId} AND ie.probe_set_id = ${probeSetId} ORDER BY ie.ordinal`);
  const rows = res.rows as { v: Uint8Array | string }[];
  const size = await db.execute(sql`SELECT size FROM probe_sets WHERE id = ${probeSetId}`);
  const expected = Number((size.rows[0] as { size: number } | undefined)?.size ?? -1);
  if (rows.length === 0 || rows.length !== expected) return undefined;
  const out: Matrix = { rows: rows.length, cols: dim, data: new Float32Array(rows.length * dim) };
  rows.forEach((r, i) => decodeVectorSend(r.v, out.data, i * dim, dim));
  return out;
}
