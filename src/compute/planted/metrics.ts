/**
 * How well labels tell the truth about a layer's units, given image-level ground truth:
 *  - AUROC of a concept's presence for separating images by a unit's activation (0.5: no better
 *    than chance; ties count half);
 *  - lift among a unit's top images: P(concept | top k images) / P(concept).
 */
import type { Matrix } from '../../core/types.js';
import type { Presence } from './units.js';

/** Ranks (1-based, ties averaged) of a column of `m`. */
function ranksOf(m: Matrix, unit: number): Float64Array {
  const n = m.rows;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => m.data[a * m.cols + unit]! - m.data[b * m.cols + unit]!);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    const v = m.data[order[i]! * m.cols + unit]!;
    while (j + 1 < n && m.data[order[j + 1]! * m.cols + unit]! === v) j++;
    const r = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[order[t]!] = r;
    i = j + 1;
  }
  return ranks;
}

/** Per unit, the AUROC of every ground-truth concept: units x concepts (NaN where a concept is always or never present). */
export function aurocMatrix(acts: Matrix, presence: Presence): Float64Array {
  const { n, concepts, data } = presence;
  if (acts.rows !== n) throw new Error(`aurocMatrix: ${acts.rows} activation rows, ${n} images of ground truth`);
  const t = concepts.length;
  const positives = new Float64Array(t);
  for (let i = 0; i < n; i++) for (let c = 0; c < t; c++) positives[c]! += data[i * t + c]!;
  const out = new Float64Array(acts.cols * t);
  const rankSum = new Float64Array(t);
  for (let u = 0; u < acts.cols; u++) {
    const ranks = ranksOf(acts, u);
    rankSum.fill(0);
    for (let i = 0; i < n; i++) {
      const r = ranks[i]!;
      for (let c = 0; c < t; c++) if (data[i * t + c]) rankSum[c]! += r;
    }
    for (let c = 0; c < t; c++) {
      const p = positives[c]!;
      const q = n - p;
      out[u * t + c] = p === 0 || q === 0 ? Number.NaN : (rankSum[c]! - (p * (p + 1)) / 2) / (p * q);
    }
  }
  return out;
}

/** P(concept present among the unit's `k` most activating images) / P(concept present). */
export function liftAtTop(acts: Matrix, presence: Presence, unit: number, concept: number, k = 100): number {
  const { n, concepts, data } = presence;
  const t = concepts.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => acts.data[b * acts.cols + unit]! - acts.data[a * acts.cols + unit]! || a - b);
  const top = Math.min(k, n);
  let hits = 0;
  for (let r = 0; r < top; r++) hits += data[order[r]! * t + concept]!;
  let all = 0;
  for (let i = 0; i < n; i++) all += data[i * t + concept]!;
  return all === 0 ? Number.NaN : hits / top / (all / n);
}

/** A fixed permutation of 0..n-1 (a shuffled-label baseline that is the same on every run). */
export function fixedPermutation(n: number, seed = 12345): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}
