/**
 * Network Dissection (Bau et al., 2017) on toy images, whose per-pixel concept masks are known:
 *  1. per unit, threshold T_k = the top `quantile` (0.5%) activation over all images and
 *     positions of its raw maps (linear interpolation between order statistics, like numpy);
 *  2. upsample each map bilinearly (align_corners = false) to the mask size and binarise with
 *     `value >= T_k and value > min_k` (min_k: the unit's smallest activation), which equals
 *     NetDissect's `value > T_k` for continuous activations and stays sensible for units with
 *     ties at the quantile (a binary map keeps its 1s; a mostly-zero ReLU map keeps its positives);
 *  3. IoU(k, c) = sum over images |M_k & C_c| / sum over images |M_k | C_c|;
 *  4. label(k) = argmax_c IoU(k, c).
 * Used as ground truth-based reference labels for toy models; pure, no I/O.
 */
import { masksFromLabels } from './masks.js';
import { rasterizeLabels } from './render.js';
import type { ToyScene } from './scene.js';
import { TOY_VOCABULARY } from './vocabulary.js';

/** Activation maps of one layer: row-major [n, k, h, w]. */
export interface ActivationMaps {
  data: Float32Array;
  n: number;
  k: number;
  h: number;
  w: number;
}

export interface DissectOptions {
  /** Fraction of the highest activations kept per unit (default 0.005). */
  topFraction?: number;
  /** Side of the concept masks the maps are upsampled to (default 64). */
  maskSize?: number;
  /** Concepts to score (default TOY_VOCABULARY). */
  concepts?: readonly string[];
}

export interface UnitDissection {
  unit: number;
  /** argmax-IoU concept ('' only if the unit never fires). */
  concept: string;
  iou: number;
  threshold: number;
}

export interface DissectResult {
  concepts: string[];
  units: UnitDissection[];
  /** IoU matrix, row-major [k, concepts.length]. */
  iou: Float32Array;
}

/** numpy-style quantile (linear interpolation) of an unsorted array; sorts a copy. */
export function quantile(values: Float32Array, q: number): number {
  if (values.length === 0) throw new Error('quantile of an empty array');
  const sorted = Float32Array.from(values).sort();
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Bilinear resize (align_corners = false, edge clamped) of one h x w map to size x size. */
export function upsampleBilinear(map: Float32Array, h: number, w: number, size: number, out = new Float32Array(size * size)): Float32Array {
  for (let y = 0; y < size; y++) {
    const sy = Math.min(Math.max(((y + 0.5) * h) / size - 0.5, 0), h - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(Math.max(((x + 0.5) * w) / size - 0.5, 0), w - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = sx - x0;
      const top = map[y0 * w + x0]! * (1 - fx) + map[y0 * w + x1]! * fx;
      const bottom = map[y1 * w + x0]! * (1 - fx) + map[y1 * w + x1]! * fx;
      out[y * size + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

export function networkDissect(maps: ActivationMaps, scenes: readonly ToyScene[], options: DissectOptions = {}): DissectResult {
  const { n, k, h, w, data } = maps;
  const topFraction = options.topFraction ?? 0.005;
  const size = options.maskSize ?? 64;
  const concepts = [...(options.concepts ?? TOY_VOCABULARY)];
  if (data.length !== n * k * h * w) {
    throw new Error(`activation maps: data has ${data.length} values, expected n*k*h*w = ${n}*${k}*${h}*${w} = ${n * k * h * w}`);
  }
  if (scenes.length !== n) throw new Error(`activation maps cover ${n} images but ${scenes.length} scenes were given`);
  if (!(topFraction > 0 && topFraction < 1)) throw new Error(`topFraction must be in (0, 1) (got ${topFraction})`);
  const conceptIndex = new Map(concepts.map((c, i) => [c, i]));
  const plane = h * w;

  // 1. Per-unit thresholds over all images and positions.
  const thresholds = new Float64Array(k);
  const minima = new Float64Array(k);
  const values = new Float32Array(n * plane);
  for (let u = 0; u < k; u++) {
    for (let i = 0; i < n; i++) values.set(data.subarray((i * k + u) * plane, (i * k + u + 1) * plane), i * plane);
    thresholds[u] = quantile(values, 1 - topFraction);
    minima[u] = values.reduce((m, v) => Math.min(m, v), Infinity);
  }

  // 2-3. Accumulate |M|, |C| and |M & C| over images; union = |M| + |C| - |M & C|.
  const C = concepts.length;
  const unitArea = new Float64Array(k);
  const conceptArea = new Float64Array(C);
  const inter = new Float64Array(k * C);
  const up = new Float32Array(size * size);
  const active = new Uint8Array(size * size);
  for (let i = 0; i < n; i++) {
    const masks = [...masksFromLabels(scenes[i]!, rasterizeLabels(scenes[i]!, size))]
      .map(([concept, mask]) => ({ c: conceptIndex.get(concept), mask }))
      .filter((m): m is { c: number; mask: Uint8Array } => m.c !== undefined);
    for (const { c, mask } of masks) for (let p = 0; p < mask.length; p++) conceptArea[c]! += mask[p]!;
    for (let u = 0; u < k; u++) {
      upsampleBilinear(data.subarray((i * k + u) * plane, (i * k + u + 1) * plane), h, w, size, up);
      const t = thresholds[u]!;
      const floor = minima[u]!;
      let area = 0;
      for (let p = 0; p < up.length; p++) {
        const on = up[p]! >= t && up[p]! > floor ? 1 : 0;
        active[p] = on;
        area += on;
      }
      unitArea[u]! += area;
      if (area === 0) continue;
      for (const { c, mask } of masks) {
        let both = 0;
        for (let p = 0; p < mask.length; p++) both += active[p]! & mask[p]!;
        inter[u * C + c]! += both;
      }
    }
  }

  // 4. IoU and argmax labels.
  const iou = new Float32Array(k * C);
  const units: UnitDissection[] = [];
  for (let u = 0; u < k; u++) {
    let best = -1;
    let bestIou = 0;
    for (let c = 0; c < C; c++) {
      const union = unitArea[u]! + conceptArea[c]! - inter[u * C + c]!;
      const value = union > 0 ? inter[u * C + c]! / union : 0;
      iou[u * C + c] = value;
      if (value > bestIou) {
        bestIou = value;
        best = c;
      }
    }
    units.push({ unit: u, concept: best >= 0 ? concepts[best]! : '', iou: bestIou, threshold: thresholds[u]! });
  }
  return { concepts, units, iou };
}
