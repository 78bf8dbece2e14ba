/**
 * Named scoring configurations (`--preset`): the reference implementation's defaults, and the
 * configurations the planted-neuron benchmark recommends for hidden and for final layers
 * (chosen on its seeds 1-3, checked on seeds 4-6; see docs/truth.md).
 */
import { assertSimilarityName, DEFAULT_SIMILARITY, DEFAULTS, type SimilarityName } from './params.js';

export const PRESET_NAMES = ['reference', 'hidden', 'final'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface Preset {
  /** Similarity function; undefined for `reference`, which keeps whatever function was asked for. */
  fn?: SimilarityName;
  /** Parameters over the function's reference defaults. */
  params: Record<string, number>;
  description: string;
}

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  reference: { params: {}, description: "the reference implementation's defaults for the chosen function" },
  hidden: {
    fn: 'cos_similarity',
    params: {},
    description: 'hidden layers: cos_similarity, the best top-1 on planted image-level units at noise 1 and 2 (seeds 1-3)',
  },
  final: {
    fn: 'soft_wpmi',
    params: { a: 2, lam: 0.6, top_k: 28 },
    description: "final layers: the paper's final-layer setting (soft_wpmi, a = 2, lambda = 0.6, top 28 images)",
  },
};

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

export function assertPresetName(name: string): PresetName {
  if (!isPresetName(name)) throw new Error(`unknown preset '${name}'; expected one of ${PRESET_NAMES.join(', ')}`);
  return name;
}

/**
 * The function and parameters a dissection scores with: a preset's, overridden by explicitly
 * given parameters; without a preset (or with `reference`), the function asked for (default
 * soft_wpmi) with its reference defaults. A preset that fixes the function refuses another one.
 */
export function applyPreset(
  preset: PresetName | undefined,
  fn: string | undefined,
  params: Record<string, unknown> | undefined,
): { fn: SimilarityName; params: Record<string, unknown> } {
  const chosen = preset === undefined ? undefined : PRESETS[assertPresetName(preset)];
  if (!chosen?.fn) return { fn: assertSimilarityName(fn ?? DEFAULT_SIMILARITY), params: { ...(params ?? {}) } };
  if (fn !== undefined && fn !== chosen.fn) {
    throw new Error(`--preset ${preset} scores with ${chosen.fn}; it cannot be combined with --fn ${fn} (use --params to adjust the preset, or drop --preset)`);
  }
  return { fn: chosen.fn, params: { ...chosen.params, ...(params ?? {}) } };
}

/** The similarity parameters among a run's stored parameters (which also record e.g. its preset). */
export function similarityParamsOf(fn: SimilarityName, stored: Record<string, unknown>): Record<string, unknown> {
  const known = new Set([...Object.keys(DEFAULTS[fn]), ...(fn === 'soft_wpmi' || fn === 'wpmi' ? ['lambda'] : [])]);
  return Object.fromEntries(Object.entries(stored).filter(([k]) => known.has(k)));
}

/** The preset a run recorded in its parameters; `reference` for runs that asked for none. */
export function presetOfRun(params: Record<string, unknown> | null | undefined): PresetName {
  const p = params?.preset;
  return typeof p === 'string' && isPresetName(p) ? p : 'reference';
}
