/** Probe-set specs `toy:COUNT:SEED` and image uris `toy:SEED/INDEX`. */
export interface ToySpec {
  count: number;
  seed: number;
}

const SPEC = /^toy:(\d+):(-?\d+)$/;
const URI = /^toy:(-?\d+)\/(\d+)$/;

/** Is this string a toy probe-set spec (as opposed to a folder or list file)? */
export function isToySpec(text: string): boolean {
  return text.startsWith('toy:');
}

/** Parse `toy:5000:42` (5,000 images of seed 42). */
export function parseToySpec(spec: string): ToySpec {
  const m = SPEC.exec(spec.trim());
  if (!m) throw new Error(`invalid toy probe-set spec "${spec}": expected toy:COUNT:SEED, e.g. toy:5000:42`);
  const count = Number(m[1]);
  const seed = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`invalid toy probe-set spec "${spec}": COUNT must be >= 1`);
  if (!Number.isSafeInteger(seed) || Math.abs(seed) > 0x7fffffff) {
    throw new Error(`invalid toy probe-set spec "${spec}": SEED must be a 32-bit integer`);
  }
  return { count, seed };
}

/** Parse `toy:42/17` back into (seed, index). */
export function parseToyImageUri(uri: string): { seed: number; index: number } {
  const m = URI.exec(uri.trim());
  if (!m) throw new Error(`invalid toy image uri "${uri}": expected toy:SEED/INDEX, e.g. toy:42/17`);
  return { seed: Number(m[1]), index: Number(m[2]) };
}

/** `toy:SEED/INDEX`, the uri a generated probe image is stored under. */
export function toyImageUri(seed: number, index: number): string {
  return `toy:${seed}/${index}`;
}

/** The image uris of a toy probe set, in order. */
export function toySpecUris(spec: ToySpec): string[] {
  return Array.from({ length: spec.count }, (_, i) => toyImageUri(spec.seed, i));
}
