/**
 * The passes of the dissection pipeline (no store: src/services/dissect.ts runs them against
 * the atlas and its caches): the image pass over decode workers, the text pass, scoring and
 * top images per unit.
 */
export { activationKeyOf } from './activation-keys.js';
export { atlasCacheDir } from './cache-dir.js';
export { Checkpoint } from './checkpoint.js';
export { imagePass, type AfterBatchHook } from './image-pass.js';
export { startProgress } from './progress.js';
export { scoreLayer } from './scoring.js';
export { encodeConcepts, type TextEmbeddingCache } from './text-pass.js';
export { topImagesPerUnit } from './top-images.js';
export { DecodePool } from './worker-pool.js';
