/**
 * The toy world's Network Dissection (src/toyworld/netdissect.ts, the reference) with one exact
 * shortcut: bilinear upsampling never exceeds the largest value of the map it upsamples, so a
 * (image, unit) whose raw map stays below the unit's threshold has no active pixel and needs no
 * upsampling. With the top 0.5% threshold that is nearly every pair, which makes a 5,000-image
 * layer take seconds instead of minutes. Several layers share one pass over the images (each
 * scene is rasterised once), intersections are counted per scene object rather than per concept
 * mask, and thresholds use selection instead of a full sort. test/eval/fast-netdissect.test.ts checks that it gives the
 * reference's result.
 */
import { upsampleBilinear, type ActivationMaps, type DissectOptions, type DissectResult, type UnitDissection } from './netdissect.js';
import { rasterizeLabels } from './render.js';
import type { ToyScene } from './scene.js';
import { TOY_VOCABULARY } from './vocabulary.js';

/** numpy-style linear-interpolated quantile, by selection (same value as toyworld's quantile). */
export function quantileSelect(values: Float32Array, q: number): number {
  if (values.length === 0) throw new Error('quantile of an empty array');
  const a = Float32Array.from(values);
  const pos = q * (a.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, a.length - 1);
  select(a, lo);
  const low = a[lo]!;
  let high = low;
  if (hi > lo) {
    high = Infinity;
    for (let i = lo + 1; i < a.length; i++) if (a[i]! < high) high = a[i]!;
  }
  return low + (high - low) * (pos - lo);
}

/** Hoare quickselect: afterwards a[k] is the k-th smallest, a[<k] <= a[k] <= a[>k]. */
function select(a: Float32Array, k: number): void {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const tmp = a[i]!;
        a[i] = a[j]!;
        a[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

/** One layer's running sums. */
interface LayerState {
  maps: ActivationMaps;
  thresholds: Float64Array;
  minima: Float64Array;
  unitArea: Float64Array;
  inter: Float64Array;
}

function thresholdsOf(maps: ActivationMaps, topFraction: number): { thresholds: Float64Array; minima: Float64Array } {
  const { n, k, h, w, data } = maps;
  const plane = h * w;
  const thresholds = new Float64Array(k);
  const minima = new Float64Array(k);
  const values = new Float32Array(n * plane);
  for (let u = 0; u < k; u++) {
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      const part = data.subarray((i * k + u) * plane, (i * k + u + 1) * plane);
      values.set(part, i * plane);
      for (let p = 0; p < plane; p++) if (part[p]! < min) min = part[p]!;
    }
    thresholds[u] = quantileSelect(values, 1 - topFraction);
    minima[u] = min;
  }
  return { thresholds, minima };
}

/** Network Dissection of one layer; same result as toyworld's networkDissect. */
export function networkDissectFast(maps: ActivationMaps, scenes: readonly ToyScene[], options: DissectOptions = {}): DissectResult {
  return networkDissectLayers([maps], scenes, options)[0]!;
}

/** Network Dissection of several layers over the same images in one pass. */
export function networkDissectLayers(layers: readonly ActivationMaps[], scenes: readonly ToyScene[], options: DissectOptions = {}): DissectResult[] {
  const topFraction = options.topFraction ?? 0.005;
  const size = options.maskSize ?? 64;
  const concepts = [...(options.concepts ?? TOY_VOCABULARY)];
  if (!(topFraction > 0 && topFraction < 1)) throw new Error(`topFraction must be in (0, 1) (got ${topFraction})`);
  const n = scenes.length;
  for (const { n: mn, k, h, w, data } of layers) {
    if (data.length !== mn * k * h * w) {
      throw new Error(`activation maps: data has ${data.length} values, expected n*k*h*w = ${mn}*${k}*${h}*${w} = ${mn * k * h * w}`);
    }
    if (mn !== n) throw new Error(`activation maps cover ${mn} images but ${n} scenes were given`);
  }
  const conceptIndex = new Map(concepts.map((c, i) => [c, i]));
  const C = concepts.length;

  // 1. Per-unit thresholds and minima over all images and positions (as the reference).
  const states: LayerState[] = layers.map((maps) => ({
    maps,
    ...thresholdsOf(maps, topFraction),
    unitArea: new Float64Array(maps.k),
    inter: new Float64Array(maps.k * C),
  }));

  // 2-3. |M|, |C| and |M & C| summed over images. Objects are disjoint and each carries a fixed
  // set of concepts (shape, colour, size, position; background: colour, pattern), so a concept's
  // mask is the union of its owners' pixels and every count can be taken per owner.
  const conceptArea = new Float64Array(C);
  const up = new Float32Array(size * size);
  for (let i = 0; i < n; i++) {
    const scene = scenes[i]!;
    const owners = rasterizeLabels(scene, size);
    const slots = scene.objects.length + 1; // slot 0: background, slot j + 1: objects[j]
    const ownerConcepts: number[][] = [];
    const words = (list: (string | null)[]) => list.map((c) => (c === null ? undefined : conceptIndex.get(c))).filter((c): c is number => c !== undefined);
    ownerConcepts.push(words([scene.background.colour, scene.background.pattern]));
    for (const o of scene.objects) ownerConcepts.push(words([o.shape, o.colour, o.size, o.position]));
    const ownerArea = new Float64Array(slots);
    for (let p = 0; p < owners.length; p++) ownerArea[owners[p]! + 1]!++;
    for (let s = 0; s < slots; s++) for (const c of ownerConcepts[s]!) conceptArea[c]! += ownerArea[s]!;

    const hits = new Float64Array(slots);
    for (const st of states) {
      const { k, h, w, data } = st.maps;
      const plane = h * w;
      for (let u = 0; u < k; u++) {
        const raw = data.subarray((i * k + u) * plane, (i * k + u + 1) * plane);
        const t = st.thresholds[u]!;
        const floor = st.minima[u]!;
        let max = -Infinity;
        for (let p = 0; p < plane; p++) if (raw[p]! > max) max = raw[p]!;
        if (max < t || max <= floor) continue; // no upsampled pixel can be on
        upsampleBilinear(raw, h, w, size, up);
        hits.fill(0);
        let area = 0;
        for (let p = 0; p < up.length; p++) {
          if (up[p]! >= t && up[p]! > floor) {
            area++;
            hits[owners[p]! + 1]!++;
          }
        }
        st.unitArea[u]! += area;
        if (area === 0) continue;
        for (let s = 0; s < slots; s++) {
          if (hits[s] === 0) continue;
          for (const c of ownerConcepts[s]!) st.inter[u * C + c]! += hits[s]!;
        }
      }
    }
  }

  // 4. IoU and argmax labels.
  return states.map((st) => {
    const k = st.maps.k;
    const iou = new Float32Array(k * C);
    const units: UnitDissection[] = [];
    for (let u = 0; u < k; u++) {
      let best = -1;
      let bestIou = 0;
      for (let c = 0; c < C; c++) {
        const union = st.unitArea[u]! + conceptArea[c]! - st.inter[u * C + c]!;
        const value = union > 0 ? st.inter[u * C + c]! / union : 0;
        iou[u * C + c] = value;
        if (value > bestIou) {
          bestIou = value;
          best = c;
        }
      }
      units.push({ unit: u, concept: best >= 0 ? concepts[best]! : '', iou: bestIou, threshold: st.thresholds[u]! });
    }
    return { concepts, units, iou };
  });
}
