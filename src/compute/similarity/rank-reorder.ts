/**
 * rank_reorder: how well each concept's ordering of a neuron's top images reproduces the
 * ordering by activation. The reference divides by the error of 5 random permutations; this
 * uses that baseline's expected value, (1/n^2) sum_ij |s_i - s_j|^p, which makes the result
 * deterministic. The baseline is one constant per neuron, so argmax and per-neuron
 * correlation with the reference are unaffected.
 */
import type { Matrix } from '../../core/types.js';
import type { ConceptMatrix } from './concepts.js';
import type { RankReorderParams } from './params.js';
import { topIndicesPerColumn } from './topk.js';

const INDEX_BITS = 2 ** 21;

/** Float32 value -> unsigned 32-bit key with the same order. */
function orderKey(bits: number): number {
  return bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

export function rankReorder(
  concepts: ConceptMatrix,
  acts: Matrix,
  params: RankReorderParams,
  onProgress?: (done: number, total: number) => void,
): Float64Array {
  const { images: n, concepts: c } = concepts;
  const k = acts.cols;
  const top = Math.floor(n * params.top_fraction);
  if (top >= INDEX_BITS) throw new Error(`rank_reorder: ${top} top images per neuron is more than supported (${INDEX_BITS - 1})`);
  const idx = topIndicesPerColumn(acts, top);
  const { p, scale_p: scaleP } = params;
  const out = new Float64Array(k * c);
  const rows = new Float32Array(top * c);
  const rowBits = new Uint32Array(rows.buffer);
  const keys = new Float64Array(top);
  const t = new Float64Array(top);
  const asc = new Float64Array(top);
  const rank = new Int32Array(top);
  for (let neuron = 0; neuron < k; neuron++) {
    const ids = idx.subarray(neuron * top, (neuron + 1) * top);
    for (let j = 0; j < top; j++) t[j] = acts.data[ids[j]! * k + neuron]!;
    for (let j = 0; j < top; j++) asc[j] = t[top - 1 - j]!;
    let base = 0;
    for (let i = 0; i < top; i++) for (let j = 0; j < top; j++) base += Math.abs(asc[i]! - asc[j]!) ** p;
    base /= top * top;
    concepts.readRows(ids, rows);
    for (let col = 0; col < c; col++) {
      // Sort (value, image) pairs packed exactly into one float64: value key high, position low.
      let mean = 0;
      for (let j = 0; j < top; j++) {
        mean += rows[j * c + col]!;
        keys[j] = orderKey(rowBits[j * c + col]!) * INDEX_BITS + j;
      }
      mean /= top;
      keys.sort();
      for (let m = 0; m < top; m++) rank[keys[m]! % INDEX_BITS] = m;
      let err = 0;
      for (let j = 0; j < top; j++) err += Math.abs(t[j]! - asc[rank[j]!]!) ** p;
      err /= top;
      out[neuron * c + col] = -(err / base) / mean ** scaleP;
    }
    onProgress?.(neuron + 1, k);
  }
  return out;
}
