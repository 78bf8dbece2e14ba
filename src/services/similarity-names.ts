/** The similarity functions a command may name (a small module: commands list them in their help). */
export { DEFAULT_SIMILARITY, SIMILARITY_NAMES, assertSimilarityName, type SimilarityName } from '../compute/similarity/params.js';
export { PRESET_NAMES, PRESETS, assertPresetName, presetOfRun, type PresetName } from '../compute/similarity/presets.js';
