/**
 * The dissection pipeline behind `atlas dissect`:
 *
 *   const result = await dissect(() => openStore(), {
 *     model: 'resnet50.onnx', layers: ['layer3', 'layer4'], clip: 'hf:Xenova/clip-vit-base-patch16',
 *     probe: 'images/', concepts: 'builtin:common-10k',
 *   });
 */
export { dissect, type DissectOptions, type DissectResult, type DissectStats, type LayerSummary } from './dissect.js';
export { Checkpoint } from './checkpoint.js';
export { DecodePool } from './worker-pool.js';
export { topImagesPerUnit } from './top-images.js';
export { atlasCacheDir } from './cache-dir.js';
