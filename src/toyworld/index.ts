/** The toy world: procedurally generated images with known ground truth (see each module). */
export * from './vocabulary.js';
export { generateScene, sceneCaption, sceneLabel, type Rgb, type ToyBackground, type ToyObject, type ToyScene } from './scene.js';
export { insideShape, paintLabels, rasterizeLabels, renderScene, type RgbImage } from './render.js';
export { masksFromLabels, sceneMasks } from './masks.js';
export { isToySpec, parseToyImageUri, parseToySpec, toyImageUri, toySpecUris, type ToySpec } from './spec.js';
export { commonEnglishWords } from './distractors.js';
export { networkDissect, quantile, upsampleBilinear, type ActivationMaps, type DissectOptions, type DissectResult, type UnitDissection } from './netdissect.js';
export { TOY_FINAL_LAYER, finalLayerAccuracy, readToyModelSidecar, toyFinalLayerClasses, type ToyModelSidecar } from './ground-truth.js';
export { imagesToTensor, loadToyClassifier, loadToyClip, normaliseRows, type ToyClassifier, type ToyClip } from './toy-models.js';
