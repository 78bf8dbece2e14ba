import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempAtlas, type TempAtlas } from '../support/temp-atlas.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtures = join(repoRoot, 'test/pipeline/fixtures');
export const tinyClip = join(fixtures, 'tiny-clip');
export const tinyClipWordLevel = join(fixtures, 'tiny-clip-wordlevel');
export const tinyTarget = join(fixtures, 'tiny-target.onnx');

/** A fresh atlas (copied from the migrated template) + cache folder pair for one test. */
export function tempEnv(): Promise<TempAtlas> {
  return tempAtlas('atlas-pipeline-');
}
