/**
 * A unit's spatial activation map drawn over the image it was computed on, as Network Dissection
 * shows its detectors: where the unit fires the image stays bright under a warm colour, elsewhere
 * it is dimmed.
 */
import type { RawImage } from './preprocess/index.js';

/** The map scaled to [0, 1] by its maximum (negative values count as 0; an all-zero map stays 0). */
export function normaliseMap(map: Float32Array): Float32Array {
  let max = 0;
  for (const v of map) if (v > max) max = v;
  const out = new Float32Array(map.length);
  if (max > 0) for (let i = 0; i < map.length; i++) out[i] = Math.max(0, map[i]!) / max;
  return out;
}

/** A warm colour ramp (dark red -> red -> yellow -> white) for t in [0, 1]. */
function heatColour(t: number): [number, number, number] {
  const r = Math.min(1, 0.35 + 1.3 * t);
  const g = Math.min(1, Math.max(0, 2 * t - 0.6));
  const b = Math.min(1, Math.max(0, 3 * t - 2.2));
  return [r * 255, g * 255, b * 255];
}

/**
 * `base` (width x height RGB) with `heat` (the same size, values in [0, 1]) laid over it: the
 * image dimmed to 45 % where heat is 0, and blended with the colour ramp up to 50 % where it is 1.
 */
export function overlayHeatmap(base: RawImage, heat: Float32Array): RawImage {
  const n = base.width * base.height;
  if (heat.length !== n) throw new Error(`heatmap has ${heat.length} values for a ${base.width}x${base.height} image`);
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const t = heat[i]!;
    const colour = heatColour(t);
    const keep = (0.45 + 0.55 * t) * (1 - 0.5 * t);
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(Math.min(255, base.rgb[i * 3 + c]! * keep + colour[c]! * 0.5 * t));
  }
  return { width: base.width, height: base.height, rgb };
}
