/**
 * Typed rows of raw SQL results. Where a statement has to stay SQL (unnest, DISTINCT ON, window
 * clauses, pgvector operators), its rows come back as `Record<string, unknown>` and the drivers
 * differ in how they hand numbers back (node-postgres: bigint and numeric as strings). Each column
 * is read through a checked accessor here instead of an `as` cast, so a renamed column or a type
 * change fails loudly at the statement that caused it.
 */

/** What both drivers' `execute()` return. */
export interface RawResult {
  rows: unknown[];
}

export class RowError extends Error {}

/** One result row with checked column accessors. */
export class Row {
  constructor(private readonly raw: Record<string, unknown>) {}

  private value(key: string): unknown {
    if (!(key in this.raw)) throw new RowError(`result row has no column ${key}`);
    return this.raw[key];
  }

  /** A finite number (drivers may return bigint/numeric columns as strings). */
  num(key: string): number {
    const v = this.value(key);
    const n = typeof v === 'number' ? v : typeof v === 'string' || typeof v === 'bigint' ? Number(v) : NaN;
    if (!Number.isFinite(n)) throw new RowError(`column ${key}: expected a number, got ${typeof v}`);
    return n;
  }

  numOrNull(key: string): number | null {
    return this.value(key) === null ? null : this.num(key);
  }

  str(key: string): string {
    const v = this.value(key);
    if (typeof v !== 'string') throw new RowError(`column ${key}: expected text, got ${v === null ? 'null' : typeof v}`);
    return v;
  }

  strOrNull(key: string): string | null {
    return this.value(key) === null ? null : this.str(key);
  }

  bool(key: string): boolean {
    const v = this.value(key);
    if (typeof v !== 'boolean') throw new RowError(`column ${key}: expected a boolean, got ${v === null ? 'null' : typeof v}`);
    return v;
  }

  /** A timestamp (node-postgres parses them, PGlite too; text is accepted as well). */
  date(key: string): Date {
    const v = this.value(key);
    const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : undefined;
    if (!d || Number.isNaN(d.getTime())) throw new RowError(`column ${key}: expected a timestamp`);
    return d;
  }

  /** A JSON(B) column as an object (some drivers leave it as text). */
  json(key: string): Record<string, unknown> | null {
    const v = this.value(key);
    if (v === null) return null;
    const parsed: unknown = typeof v === 'string' ? JSON.parse(v) : v;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new RowError(`column ${key}: expected a JSON object`);
    return parsed as Record<string, unknown>;
  }

  strings(key: string): string[] {
    const v = this.value(key);
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new RowError(`column ${key}: expected a text array`);
    return v as string[];
  }

  /** A bytea column (Buffer/Uint8Array; node-postgres' hex text form is accepted). */
  bytes(key: string): Uint8Array {
    const v = this.value(key);
    if (v instanceof Uint8Array) return v;
    if (typeof v === 'string') return Buffer.from(v.startsWith('\\x') ? v.slice(2) : v, 'hex');
    throw new RowError(`column ${key}: expected bytes`);
  }
}

function asRecord(row: unknown): Record<string, unknown> {
  if (typeof row !== 'object' || row === null) throw new RowError('result row is not an object');
  return row as Record<string, unknown>;
}

/** Every row of `result`, each read by `parse`. */
export function typedRows<T>(result: RawResult | unknown[], parse: (row: Row) => T): T[] {
  const rows = Array.isArray(result) ? result : result.rows;
  return rows.map((r) => parse(new Row(asRecord(r))));
}

/** The first row of `result` read by `parse`, or undefined when there is none. */
export function firstRow<T>(result: RawResult | unknown[], parse: (row: Row) => T): T | undefined {
  const rows = Array.isArray(result) ? result : result.rows;
  return rows.length === 0 ? undefined : parse(new Row(asRecord(rows[0])));
}
