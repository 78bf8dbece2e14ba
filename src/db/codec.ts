/** Conversions between the engine's float32 matrices and what the database stores. */
import type { Matrix } from '../core/types.js';

/** Row `i` of a matrix as little-endian float32 bytes (a view, no copy). */
export function rowBytes(m: Matrix, i: number): Buffer {
  const bytesPerRow = m.cols * 4;
  return Buffer.from(m.data.buffer, m.data.byteOffset + i * bytesPerRow, bytesPerRow);
}

/**
 * Bytes of a column selected as `encode(col, 'base64')`. Bulk binary reads go through base64
 * text: PGlite hands bytea back as hex text that it decodes byte by byte in JavaScript (20 MB
 * of activations: 1.6 s), while base64 text is decoded natively (0.2 s); node-postgres is as fast
 * either way.
 */
export function fromBase64(v: string): Uint8Array {
  return Buffer.from(v, 'base64');
}

/** Copies float32 bytes (any alignment) into row `i` of `out`. */
export function setRowFromBytes(out: Matrix, i: number, bytes: Uint8Array): void {
  if (bytes.byteLength !== out.cols * 4) {
    throw new Error(`stored row ${i} has ${bytes.byteLength / 4} values, expected ${out.cols}`);
  }
  new Uint8Array(out.data.buffer, out.data.byteOffset + i * out.cols * 4, out.cols * 4).set(bytes);
}

/** pgvector text form of a row: `[v0,v1,...]`. */
export function rowVectorText(m: Matrix, i: number): string {
  const row = m.data.subarray(i * m.cols, (i + 1) * m.cols);
  return `[${Array.prototype.join.call(row, ',')}]`;
}

/** Parses pgvector text `[v0,v1,...]` into a Float32Array (exact: pgvector stores float4). */
export function parseVectorText(text: string): Float32Array {
  const body = text.slice(1, -1);
  if (body.length === 0) return new Float32Array(0);
  const parts = body.split(',');
  const out = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]);
  return out;
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
