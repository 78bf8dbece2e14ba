/**
 * Named scoring configurations (`--preset`): the reference implementation's defaults, and the
 * configurations the planted-neuron benchmark recommends for hidden and for final layers
 * (chosen on its seeds 1-3, checked on seeds 4-6; see docs/truth.md).
 */
import type { SimilarityName } from './params.js';

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
