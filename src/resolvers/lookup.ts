/**
 * Shared argument handling: page sizes and cursors. Looking models, layers and runs up (and the
 * default choices) is the browse service's.
 */
import { badInput } from './errors.js';

/** Largest page `neurons(first:)` serves. */
export const MAX_PAGE_SIZE = 500;
/** Largest `labels(first:)` / `topImages(first:)`. */
export const MAX_LIST_SIZE = 100;

export function pageSize(first: number | null | undefined, fallback: number, max: number, arg = 'first'): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0) throw badInput(`\`${arg}\` must be a non-negative integer, got ${n}`, arg);
  if (n > max) throw badInput(`\`${arg}\` must be at most ${max}, got ${n}`, arg);
  return n;
}

export function encodeCursor(unit: number): string {
  return Buffer.from(`unit:${unit}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^unit:(\d{1,9})$/.exec(text);
  if (!match) throw badInput(`\`after\` is not a cursor from this API: ${JSON.stringify(cursor)}`, 'after');
  return Number(match[1]);
}
