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

/** Writes toy scenes `0..count-1` of `seed` as `size`-px PNG files `scene-NN.png` into `dir`; returns their paths. */
export async function writeToyPngs(dir: string, count: number, seed: number, size = 64): Promise<string[]> {
  const { default: sharp } = await import('sharp');
  const { generateScene, renderScene } = await import('../../src/toyworld/index.js');
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const image = renderScene(generateScene(seed, i), size);
    const path = join(dir, `scene-${String(i).padStart(2, '0')}.png`);
    await sharp(Buffer.from(image.rgb), { raw: { width: image.width, height: image.height, channels: 3 } }).png().toFile(path);
    paths.push(path);
  }
  return paths;
}
