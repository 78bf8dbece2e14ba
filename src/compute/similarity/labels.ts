/** Per neuron, the best concepts of a K x C score matrix. */
import type { LabelScore } from '../../db/contracts.js';

/** Best `topN` concepts of each row, best first (NaN ranks last; ties: lower concept first). */
export function topLabels(scores: Float64Array, k: number, c: number, topN: number): LabelScore[][] {
  const n = Math.min(topN, c);
  const out: LabelScore[][] = [];
  const keyOf = (v: number): number => (Number.isNaN(v) ? -Infinity : v);
  for (let i = 0; i < k; i++) {
    const o = i * c;
    // Kept sorted, best first; n is small, so insertion is cheapest.
    const best: LabelScore[] = [];
    for (let j = 0; j < c; j++) {
      const v = keyOf(scores[o + j]!);
      if (best.length === n && !(v > keyOf(best[n - 1]!.score))) continue;
      let pos = best.length;
      while (pos > 0 && v > keyOf(best[pos - 1]!.score)) pos--;
      best.splice(pos, 0, { concept: j, score: scores[o + j]! });
      if (best.length > n) best.pop();
    }
    out.push(best);
  }
  return out;
}
