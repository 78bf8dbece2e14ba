/** Paths stored in the atlas: model and CLIP sources may be relative to the repository root. */
import { isAbsolute, resolve } from 'node:path';
import { packageRoot } from '../core/paths.js';

/** Repository root (models/toy and seed/ live under it). */
export const repoRoot = packageRoot;

/** A stored model or CLIP source as a usable path (relative ones are under the repository root). */
export function resolveSource(source: string | null | undefined): string | undefined {
  if (!source) return undefined;
  return isAbsolute(source) ? source : resolve(repoRoot, source);
}
