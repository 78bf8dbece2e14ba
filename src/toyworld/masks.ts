/**
 * Per-pixel ground truth for every concept present in a scene, as 0/1 masks (size*size, row-major).
 *  - shape / colour words: the visible pixels of every object with that shape / colour;
 *  - size word: pixels of the objects of that size; position word: the main object's pixels;
 *  - background colour and pattern words: all pixels not covered by an object.
 * Concepts absent from the scene have no entry (an all-zero mask).
 */
import { rasterizeLabels } from './render.js';
import type { ToyScene } from './scene.js';

export function sceneMasks(scene: ToyScene, size = 64): Map<string, Uint8Array> {
  return masksFromLabels(scene, rasterizeLabels(scene, size));
}

export function masksFromLabels(scene: ToyScene, labels: Int8Array): Map<string, Uint8Array> {
  const masks = new Map<string, Uint8Array>();
  const mark = (concept: string, pixel: number) => {
    let mask = masks.get(concept);
    if (!mask) {
      mask = new Uint8Array(labels.length);
      masks.set(concept, mask);
    }
    mask[pixel] = 1;
  };
  for (let i = 0; i < labels.length; i++) {
    const owner = labels[i]!;
    if (owner < 0) {
      mark(scene.background.colour, i);
      mark(scene.background.pattern, i);
      continue;
    }
    const o = scene.objects[owner]!;
    mark(o.shape, i);
    mark(o.colour, i);
    mark(o.size, i);
    if (o.position) mark(o.position, i);
  }
  return masks;
}
