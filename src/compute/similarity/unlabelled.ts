/**
 * Units that get no label: a similarity function over a unit whose activations carry no ranking
 * would label it by the order of ties (or with NaN), so such units are left unlabelled, with the
 * reason. A unit is
 *  - dead when every probe image activates it equally (an all-zero ReLU unit): its correlation
 *    with any concept is 0/0, and any top-k of its images is the first k by index;
 *  - degenerate, for the functions that read a unit's top images (soft_wpmi and wpmi: `top_k`;
 *    rank_reorder: `floor(N * top_fraction)`), when fewer images than that activate it above its
 *    lowest value: the rest of its "top" images would be chosen among tied lowest values by index.
 * For ReLU outputs the lowest value is 0, so this is "fewer positive activations than top_k".
 */
import type { Matrix } from '../../core/types.js';
import type { SimilarityName } from './params.js';

/** How many top images `fn` reads per unit with `params` over `images` probe images (0: it reads them all). */
export function topImagesRead(fn: SimilarityName, params: Record<string, unknown>, images: number): number {
  if (fn === 'soft_wpmi' || fn === 'wpmi') return Number(params.top_k);
  if (fn === 'rank_reorder') return Math.floor(images * Number(params.top_fraction));
  return 0;
}

/** Per unit (column of `activations`, images x units), why it gets no label; units absent from the map are labelled. */
export function unlabelledUnits(activations: Matrix, fn: SimilarityName, params: Record<string, unknown>): Map<number, string> {
  const { rows: n, cols: k, data } = activations;
  const min = new Float64Array(k).fill(Infinity);
  const max = new Float64Array(k).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const row = i * k;
    for (let u = 0; u < k; u++) {
      const v = data[row + u]!;
      if (v < min[u]!) min[u] = v;
      if (v > max[u]!) max[u] = v;
    }
  }
  const topK = topImagesRead(fn, params, n);
  const above = new Int32Array(k);
  if (topK > 0) {
    for (let i = 0; i < n; i++) {
      const row = i * k;
      for (let u = 0; u < k; u++) if (data[row + u]! > min[u]!) above[u]!++;
    }
  }
  const reasons = new Map<number, string>();
  for (let u = 0; u < k; u++) {
    if (n === 0) continue;
    if (max[u] === min[u]) {
      reasons.set(u, `dead unit: all ${n} probe images activate it equally (${min[u]}), so no concept can be told from another`);
    } else if (above[u]! < topK) {
      reasons.set(
        u,
        `degenerate unit: only ${above[u]} of ${n} probe images activate it above its lowest value (${min[u]}), fewer than the ` +
          `${topK} top images ${fn} reads; the others would be chosen among tied activations by their order`,
      );
    }
  }
  return reasons;
}

/**
 * `labels` and `topImages` of a layer with the unlabelled units' entries emptied: no labels, and
 * only the top images activated above the unit's lowest value (none for a dead unit).
 */
export function withoutUnlabelled<L, I extends { activation: number }>(
  labels: L[][],
  topImages: I[][],
  activations: Matrix,
  reasons: Map<number, string>,
): { labels: L[][]; topImages: I[][] } {
  if (reasons.size === 0) return { labels, topImages };
  const lowest = (u: number): number => {
    let m = Infinity;
    for (let i = 0; i < activations.rows; i++) m = Math.min(m, activations.data[i * activations.cols + u]!);
    return m;
  };
  return {
    labels: labels.map((ls, u) => (reasons.has(u) ? [] : ls)),
    topImages: topImages.map((ti, u) => {
      if (!reasons.has(u)) return ti;
      const floor = lowest(u);
      return ti.filter((t) => t.activation > floor);
    }),
  };
}
