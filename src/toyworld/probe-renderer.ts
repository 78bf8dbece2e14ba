/** The renderer module of toy probe images: decode workers import it by URL (see register.ts). */
import { renderScene, type RgbImage } from './render.js';
import { generateScene } from './scene.js';

export function renderProbe(seed: number, index: number, size: number): RgbImage {
  return renderScene(generateScene(seed, index), size);
}
