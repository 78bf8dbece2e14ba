/** Indices of the most activating images per neuron (columns of an images x neurons matrix). */
import type { Matrix } from '../../db/contracts.js';

/**
 * For each column k of `a` (N x K), the `k` row indices with the largest values, in descending
 * order of value (ties: lower index first). Returns K x topK, row-major.
 */
export function topIndicesPerColumn(a: Matrix, topK: number): Int32Array {
  const { rows: n, cols: kCols, data } = a;
  if (topK > n) throw new Error(`top_k is ${topK} but there are only ${n} images`);
  const out = new Int32Array(kCols * topK);
  // One bounded min-heap of (value, index) per column, all filled in a single row-major pass
  // (walking a column strides a whole row per value, a cache miss each). Once a heap is full,
  // most values are rejected by one comparison with its root, kept in `bar`.
  const hv = new Float64Array(kCols * topK);
  const hi = new Int32Array(kCols * topK);
  // NaN until the heap is full: no value compares <= NaN, so every one goes in
  const bar = new Float64Array(kCols).fill(NaN);
  const size = new Int32Array(kCols);
  // "worse" = smaller value, or equal value with larger index
  const worse = (va: number, ia: number, vb: number, ib: number): boolean => va < vb || (va === vb && ia > ib);
  for (let i = 0; i < n; i++) {
    const row = i * kCols;
    for (let k = 0; k < kCols; k++) {
      const v = data[row + k]!;
      // a later index never beats an equal value already kept
      if (v <= bar[k]!) continue;
      if (Number.isNaN(v)) throw new Error(`activations hold NaN at image ${i}, neuron ${k}`);
      const h = k * topK;
      if (size[k]! < topK) {
        // sift up
        let j = size[k]!++;
        while (j > 0) {
          const parent = (j - 1) >> 1;
          if (!worse(v, i, hv[h + parent]!, hi[h + parent]!)) break;
          hv[h + j] = hv[h + parent]!;
          hi[h + j] = hi[h + parent]!;
          j = parent;
        }
        hv[h + j] = v;
        hi[h + j] = i;
      } else {
        // replace the root (v beats it: v > root value), sift down
        let j = 0;
        for (;;) {
          const l = 2 * j + 1;
          if (l >= topK) break;
          const r = l + 1;
          const c = r < topK && worse(hv[h + r]!, hi[h + r]!, hv[h + l]!, hi[h + l]!) ? r : l;
          if (!worse(hv[h + c]!, hi[h + c]!, v, i)) break;
          hv[h + j] = hv[h + c]!;
          hi[h + j] = hi[h + c]!;
          j = c;
        }
        hv[h + j] = v;
        hi[h + j] = i;
      }
      if (size[k] === topK) bar[k] = hv[h]!;
    }
  }
  for (let k = 0; k < kCols; k++) {
    const h = k * topK;
    const order = Array.from({ length: topK }, (_, j) => j).sort((x, y) =>
      worse(hv[h + x]!, hi[h + x]!, hv[h + y]!, hi[h + y]!) ? 1 : worse(hv[h + y]!, hi[h + y]!, hv[h + x]!, hi[h + x]!) ? -1 : 0,
    );
    for (let r = 0; r < topK; r++) out[k * topK + r] = hi[h + order[r]!]!;
  }
  return out;
}
