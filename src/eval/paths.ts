/** Paths stored in the atlas: model and CLIP sources may be relative to the repository root. */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (models/toy and seed/ live under it). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A stored model or CLIP source as a usable path (relative ones are under the repository root). */
export function resolveSource(source: string | null | undefined): string | undefined {
  if (!source) return undefined;
  return isAbsolute(source) ? source : resolve(repoRoot, source);
}
