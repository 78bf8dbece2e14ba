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
  // A bounded min-heap of (value, index): most values are rejected by one comparison.
  const hv = new Float64Array(topK);
  const hi = new Int32Array(topK);
  // "worse" = smaller value, or equal value with larger index
  const worse = (va: number, ia: number, vb: number, ib: number): boolean => va < vb || (va === vb && ia > ib);
  for (let k = 0; k < kCols; k++) {
    let size = 0;
    for (let i = 0; i < n; i++) {
      const v = data[i * kCols + k]!;
      if (Number.isNaN(v)) throw new Error(`activations hold NaN at image ${i}, neuron ${k}`);
      if (size < topK) {
        // sift up
        let j = size++;
        while (j > 0) {
          const parent = (j - 1) >> 1;
          if (!worse(v, i, hv[parent]!, hi[parent]!)) break;
          hv[j] = hv[parent]!;
          hi[j] = hi[parent]!;
          j = parent;
        }
        hv[j] = v;
        hi[j] = i;
      } else if (worse(hv[0]!, hi[0]!, v, i)) {
        // replace the root, sift down
        let j = 0;
        const idx = i;
        for (;;) {
          const l = 2 * j + 1;
          if (l >= size) break;
          const r = l + 1;
          const c = r < size && worse(hv[r]!, hi[r]!, hv[l]!, hi[l]!) ? r : l;
          if (!worse(hv[c]!, hi[c]!, v, idx)) break;
          hv[j] = hv[c]!;
          hi[j] = hi[c]!;
          j = c;
        }
        hv[j] = v;
        hi[j] = idx;
      }
    }
    const order = Array.from({ length: topK }, (_, j) => j).sort((x, y) =>
      worse(hv[x]!, hi[x]!, hv[y]!, hi[y]!) ? 1 : worse(hv[y]!, hi[y]!, hv[x]!, hi[x]!) ? -1 : 0,
    );
    for (let r = 0; r < topK; r++) out[k * topK + r] = hi[order[r]!]!;
  }
  return out;
}
