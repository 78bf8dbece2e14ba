/**
 * Toy probe images as the pipeline feeds them to a target network: rendered at the model's
 * resize size and preprocessed by the same code (so activations computed here equal the ones
 * `atlas dissect` stores).
 */
import { preprocessImage, type PreprocessSpec } from '../compute/preprocess/index.js';
import { renderScene } from './render.js';
import type { ToyScene } from './scene.js';

export async function toyBatch(scenes: readonly ToyScene[], spec: PreprocessSpec): Promise<Float32Array> {
  const per = 3 * spec.crop * spec.crop;
  const out = new Float32Array(scenes.length * per);
  for (const [i, scene] of scenes.entries()) await preprocessImage(renderScene(scene, spec.resize), spec, out, i * per);
  return out;
}
