/**
 * The one codec between the engine's float32 data and what the database stores:
 * - pgvector's text form (`[v0,v1,...]`), through the `pgvector` package: how vectors are written,
 *   and how a single stored vector is read back;
 * - pgvector's binary form (`vector_send`: int16 dim, int16 unused, then big-endian float4s), sent
 *   as base64 text: how stored vectors are read in bulk (parsing 5 million numbers from text takes
 *   seconds, the binary form a few milliseconds). The package has no binary codec, so it is here;
 * - float32 matrices as raw little-endian bytes (bytea), for activations.
 */
import { fromSql, toSql } from 'pgvector';
import type { Matrix } from '../core/types.js';

// ---------------------------------------------------------------- pgvector text form

/** pgvector text form of a vector: `[v0,v1,...]` (float32 values print exactly as stored). */
export function vectorToSql(v: ArrayLike<number>): string {
  return toSql(Array.from(v)) as string;
}

/** Parses pgvector's text form into a Float32Array (exact: pgvector stores float4). */
export function vectorFromSql(text: string): Float32Array {
  const values: unknown = fromSql(text);
  if (!Array.isArray(values)) throw new Error('expected a pgvector vector in text form');
  return Float32Array.from(values as number[]);
}

/** pgvector text form of row `i` of a matrix. */
export function rowVectorText(m: Matrix, i: number): string {
  return vectorToSql(m.data.subarray(i * m.cols, (i + 1) * m.cols));
}

/** Texts of recently used vectors (a cached query embedding is the same object on every search). */
const vectorTexts = new WeakMap<object, string>();

/** vectorToSql, once per vector object: formatting 512 floats costs more than the rest of a search's JavaScript. */
export function cachedVectorText(v: ArrayLike<number>): string {
  let text = vectorTexts.get(v);
  if (text === undefined) {
    text = vectorToSql(v);
    vectorTexts.set(v, text);
  }
  return text;
}

// ---------------------------------------------------------------- pgvector binary form

/**
 * Bytes of a column selected as `encode(col, 'base64')`. Bulk binary reads go through base64
 * text: PGlite hands bytea back as hex text that it decodes byte by byte in JavaScript (20 MB
 * of activations: 1.6 s), while base64 text is decoded natively (0.2 s); node-postgres is as fast
 * either way.
 */
export function fromBase64(v: string): Uint8Array {
  return Buffer.from(v, 'base64');
}

/** Decodes one `vector_send` value into `out` at `offset`. */
export function decodeVectorSend(bytes: Uint8Array, out: Float32Array, offset: number, dim: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const d = view.getInt16(0);
  if (d !== dim) throw new Error(`stored vector has dimension ${d}, expected ${dim}`);
  for (let i = 0; i < d; i++) out[offset + i] = view.getFloat32(4 + 4 * i);
}

/** One `vector_send` value, selected as base64, as a float32 vector of its own dimension. */
export function vectorFromSend64(v: string): Float32Array {
  const bytes = fromBase64(v);
  const dim = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt16(0);
  const out = new Float32Array(dim);
  decodeVectorSend(bytes, out, 0, dim);
  return out;
}

// ---------------------------------------------------------------- float32 matrices as bytea

/** Row `i` of a matrix as little-endian float32 bytes (a view, no copy). */
export function rowBytes(m: Matrix, i: number): Buffer {
  const bytesPerRow = m.cols * 4;
  return Buffer.from(m.data.buffer, m.data.byteOffset + i * bytesPerRow, bytesPerRow);
}

/** Copies float32 bytes (any alignment) into row `i` of `out`. */
export function setRowFromBytes(out: Matrix, i: number, bytes: Uint8Array): void {
  if (bytes.byteLength !== out.cols * 4) {
    throw new Error(`stored row ${i} has ${bytes.byteLength / 4} values, expected ${out.cols}`);
  }
  new Uint8Array(out.data.buffer, out.data.byteOffset + i * out.cols * 4, out.cols * 4).set(bytes);
}

export function assertMatrix(m: Matrix, what: string): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0) {
    throw new Error(`${what}: invalid shape ${m.rows}x${m.cols}`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new Error(`${what}: data has ${m.data.length} values but the shape ${m.rows}x${m.cols} needs ${m.rows * m.cols}`);
  }
}

/** Splits `items` into chunks so that one multi-row INSERT stays under Postgres' 65,535 parameters. */
export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
