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

/** A neuron's place in a page: its unit, and its score when the page is ordered by score. */
export function encodeCursor(unit: number, score?: number | null): string {
  const text = score === undefined ? `unit:${unit}` : `score:${score ?? ''}:unit:${unit}`;
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The neuron a cursor points at; `byScore` says whether the page it continues is ordered by score. */
export function decodeCursor(cursor: string, byScore = false): { unit: number; score?: number } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const unit = /^unit:(\d{1,9})$/.exec(text);
  const scored = /^score:([^:]+):unit:(\d{1,9})$/.exec(text);
  if (unit && !byScore) return { unit: Number(unit[1]) };
  if (scored && byScore && Number.isFinite(Number(scored[1]))) return { unit: Number(scored[2]), score: Number(scored[1]) };
  if ((unit && byScore) || (scored && !byScore)) {
    throw badInput('`after` is a cursor of a page in another order: pass the `orderBy` of the page it came from', 'after');
  }
  throw badInput(`\`after\` is not a cursor from this API: ${JSON.stringify(cursor)}`, 'after');
}
