/**
 * Ground truth of a list of scenes in the shapes the truth benchmarks want: which concepts each
 * image holds (image level) and how much of each cell of a coarse grid each concept covers
 * (spatial, from the generator's per-pixel masks).
 */
import { masksFromLabels } from './masks.js';
import { rasterizeLabels } from './render.js';
import type { ToyScene } from './scene.js';
import { TOY_BACKGROUND_COLOURS, TOY_COLOURS, TOY_PATTERNS, TOY_POSITIONS, TOY_SHAPES, TOY_SIZES, TOY_VOCABULARY } from './vocabulary.js';

/** Category of each toy word (shape, colour, background colour, size, position, pattern), as an index. */
export function toyCategories(concepts: readonly string[] = TOY_VOCABULARY): number[] {
  const groups: readonly (readonly string[])[] = [TOY_SHAPES, TOY_COLOURS, TOY_BACKGROUND_COLOURS, TOY_SIZES, TOY_POSITIONS, TOY_PATTERNS];
  return concepts.map((c) => groups.findIndex((g) => g.includes(c)));
}

/** The words of one scene (what its caption could name). */
export function sceneConcepts(scene: ToyScene): Set<string> {
  const out = new Set<string>([scene.background.colour, scene.background.pattern]);
  for (const o of scene.objects) {
    out.add(o.shape);
    out.add(o.colour);
    out.add(o.size);
    if (o.position) out.add(o.position);
  }
  return out;
}

/** n x concepts, 1 where the scene holds the concept. */
export function presenceMatrix(scenes: readonly ToyScene[], concepts: readonly string[] = TOY_VOCABULARY): Uint8Array {
  const t = concepts.length;
  const out = new Uint8Array(scenes.length * t);
  scenes.forEach((scene, i) => {
    const here = sceneConcepts(scene);
    concepts.forEach((c, j) => (out[i * t + j] = here.has(c) ? 1 : 0));
  });
  return out;
}

/**
 * n x concepts x h x w: the share of each cell of an h x w grid over the image that the
 * concept's mask covers (masks rasterised at `size`, cells by integer division).
 */
export function coverageMaps(scenes: readonly ToyScene[], h: number, w: number, concepts: readonly string[] = TOY_VOCABULARY, size = 64): Float32Array {
  const t = concepts.length;
  const plane = h * w;
  const out = new Float32Array(scenes.length * t * plane);
  const cellOf = new Int32Array(size * size);
  const cellArea = new Float32Array(plane);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cell = Math.floor((y * h) / size) * w + Math.floor((x * w) / size);
      cellOf[y * size + x] = cell;
      cellArea[cell]!++;
    }
  }
  const index = new Map(concepts.map((c, j) => [c, j]));
  scenes.forEach((scene, i) => {
    const masks = masksFromLabels(scene, rasterizeLabels(scene, size));
    for (const [concept, mask] of masks) {
      const j = index.get(concept);
      if (j === undefined) continue;
      const base = (i * t + j) * plane;
      for (let p = 0; p < mask.length; p++) if (mask[p]) out[base + cellOf[p]!]! += 1;
      for (let cell = 0; cell < plane; cell++) out[base + cell]! /= cellArea[cell]!;
    }
  });
  return out;
}
