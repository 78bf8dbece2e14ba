/**
 * Names, parameters and defaults of the CLIP-Dissect similarity functions, as the reference
 * implementation spells them, and their validation.
 */

export const SIMILARITY_NAMES = ['soft_wpmi', 'wpmi', 'cos_similarity', 'cos_similarity_cubed', 'rank_reorder'] as const;
export type SimilarityName = (typeof SIMILARITY_NAMES)[number];
export const DEFAULT_SIMILARITY: SimilarityName = 'soft_wpmi';

export interface SoftWpmiParams {
  top_k: number;
  a: number;
  lam: number;
  min_prob: number;
  p_start: number;
  p_end: number;
}
export interface WpmiParams {
  top_k: number;
  a: number;
  lam: number;
  min_prob: number;
}
export interface RankReorderParams {
  top_fraction: number;
  p: number;
  scale_p: number;
}
export interface CosCubedParams {
  min_norm: number;
}
export type CosParams = Record<string, never>;

export interface ParamsOf {
  soft_wpmi: SoftWpmiParams;
  wpmi: WpmiParams;
  cos_similarity: CosParams;
  cos_similarity_cubed: CosCubedParams;
  rank_reorder: RankReorderParams;
}

/** Every parameter any function takes (what callers may pass; each function uses its own). */
export type Params = SoftWpmiParams & RankReorderParams & CosCubedParams;

export const DEFAULTS: { [F in SimilarityName]: ParamsOf[F] } = {
  soft_wpmi: { top_k: 100, a: 10, lam: 1, min_prob: 1e-7, p_start: 0.998, p_end: 0.97 },
  wpmi: { top_k: 28, a: 2, lam: 0.6, min_prob: 1e-7 },
  cos_similarity: {},
  cos_similarity_cubed: { min_norm: 1e-3 },
  rank_reorder: { top_fraction: 0.05, p: 3, scale_p: 0.5 },
};

/**
 * Range of each real-valued parameter: [low, high], or (low, high] when the third entry is true.
 * `top_k` and `top_fraction` are checked against the number of images instead. The softmax
 * subtracts each row's maximum, so a sharp temperature `a` stays finite (tests use 300).
 */
export const PARAM_RANGES: Readonly<Record<string, readonly [number, number, boolean?]>> = {
  a: [0, 1000],
  lam: [0, 10],
  min_prob: [0, 1],
  p_start: [0, 1],
  p_end: [0, 1],
  p: [0, 10, true],
  scale_p: [0, 10],
  min_norm: [0, 1],
};

export function isSimilarityName(name: string): name is SimilarityName {
  return (SIMILARITY_NAMES as readonly string[]).includes(name);
}

export function assertSimilarityName(name: string): SimilarityName {
  if (!isSimilarityName(name)) {
    throw new Error(`unknown similarity function '${name}'; expected one of ${SIMILARITY_NAMES.join(', ')}`);
  }
  return name;
}

/**
 * Merges caller parameters over the reference defaults of `fn` and checks them against the
 * data size. Accepts `lambda` as another name for `lam`. `images` is the number of probe images.
 */
export function resolveParams<F extends SimilarityName>(
  fn: F,
  given: Partial<Record<string, unknown>> | undefined,
  images: number,
): ParamsOf[F] {
  const defaults = DEFAULTS[fn] as unknown as Record<string, number>;
  const merged: Record<string, number> = { ...defaults };
  for (const [rawKey, value] of Object.entries(given ?? {})) {
    if (value === undefined) continue;
    const key = rawKey === 'lambda' ? 'lam' : rawKey;
    if (!(key in defaults)) {
      const known = Object.keys(defaults);
      throw new Error(
        `unknown parameter '${rawKey}' for ${fn}; ` +
          (known.length ? `expected one of ${known.join(', ')}` : 'it takes no parameters'),
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`parameter '${rawKey}' of ${fn} must be a finite number, got ${JSON.stringify(value)}`);
    }
    if (rawKey === 'lambda' && given && 'lam' in given) throw new Error(`give either 'lam' or 'lambda' for ${fn}, not both`);
    merged[key] = value;
  }
  // Past these bounds the scores overflow to infinities or NaN (lambda 1e308, p 1e9), so they are
  // refused here, before any scoring or write. The defaults and the published settings lie well inside.
  const named = (key: string) => (key === 'lam' && given && 'lambda' in given ? 'lambda' : key);
  for (const [key, [lo, hi, openLow]] of Object.entries(PARAM_RANGES)) {
    const v = merged[key];
    if (v === undefined) continue;
    if (!((openLow ? v > lo : v >= lo) && v <= hi)) {
      throw new Error(`parameter '${named(key)}' of ${fn} must lie in ${openLow ? '(' : '['}${lo}, ${hi}], got ${v}`);
    }
  }
  if (merged.top_k !== undefined) {
    const k = merged.top_k;
    if (!Number.isInteger(k) || k < 1) throw new Error(`parameter 'top_k' of ${fn} must be a positive integer, got ${k}`);
    if (k > images) throw new Error(`parameter 'top_k' of ${fn} is ${k} but there are only ${images} images`);
  }
  if (merged.top_fraction !== undefined) {
    const f = merged.top_fraction;
    if (!(f > 0 && f <= 1)) throw new Error(`parameter 'top_fraction' of ${fn} must lie in (0, 1], got ${f}`);
    if (Math.floor(images * f) < 1) {
      throw new Error(`parameter 'top_fraction' of ${fn} is ${f}: with ${images} images that selects no image`);
    }
  }
  return merged as unknown as ParamsOf[F];
}
