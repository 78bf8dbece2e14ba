/** Per neuron, the best concepts of a K x C score matrix. */
import type { LabelScore } from '../../db/contracts.js';

/**
 * Best `topN` concepts of each row (rows k0..k1-1), best first (NaN ranks last; ties: lower
 * concept first). Self-contained: worker threads run its source text (parallel.ts).
 */
export function topLabels(scores: Float64Array, k: number, c: number, topN: number, k0 = 0, k1 = k): LabelScore[][] {
  const n = Math.min(topN, c);
  const out: LabelScore[][] = [];
  const keyOf = (v: number): number => (Number.isNaN(v) ? -Infinity : v);
  for (let i = k0; i < k1; i++) {
    const o = i * c;
    // Kept sorted, best first; n is small, so insertion is cheapest.
    const best: LabelScore[] = [];
    // key of the last kept label once `n` are kept (-Infinity lets every value through until then)
    let bar = -Infinity;
    for (let j = 0; j < c; j++) {
      const v = keyOf(scores[o + j]!);
      if (best.length === n && !(v > bar)) continue;
      let pos = best.length;
      while (pos > 0 && v > keyOf(best[pos - 1]!.score)) pos--;
      best.splice(pos, 0, { concept: j, score: scores[o + j]! });
      if (best.length > n) best.pop();
      if (best.length === n) bar = keyOf(best[n - 1]!.score);
    }
    out.push(best);
  }
  return out;
}
