/** Per neuron, the best concepts of a K x C score matrix. */
import type { LabelScore } from '../../core/types.js';

/**
 * Best `topN` concepts of each row (rows k0..k1-1), best first (NaN ranks last; ties: lower
 * concept first).
 */
export function topLabels(scores: Float64Array, k: number, c: number, topN: number, k0 = 0, k1 = k): LabelScore[][] {
  const n = Math.min(topN, c);
  const out: LabelScore[][] = [];
  // NaN ranks below every number, -Infinity included
  const keyOf = (v: number): number => (Number.isNaN(v) ? -Infinity : v);
  for (let i = k0; i < k1; i++) {
    const o = i * c;
    // Kept sorted, best first; n is small, so insertion is cheapest.
    const best: LabelScore[] = [];
    let j = 0;
    for (; j < c && best.length < n; j++) insert(best, j, scores[o + j]!);
    // Once `n` are kept, a value must beat the last kept (NaN never does: ties and NaN keep
    // the earlier concept), which one comparison tells for almost every value.
    let bar = n > 0 ? keyOf(best[n - 1]!.score) : Infinity;
    for (; j < c; j++) {
      const v = scores[o + j]!;
      if (!(v > bar)) continue;
      insert(best, j, v);
      best.pop();
      bar = keyOf(best[n - 1]!.score);
    }
    out.push(best);
  }
  return out;

  function insert(best: LabelScore[], concept: number, score: number): void {
    const v = keyOf(score);
    let pos = best.length;
    while (pos > 0 && v > keyOf(best[pos - 1]!.score)) pos--;
    best.splice(pos, 0, { concept, score });
  }
}
