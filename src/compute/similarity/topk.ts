/** Indices of the most activating images per neuron (columns of an images x neurons matrix). */
import type { Matrix } from '../../core/types.js';

/**
 * For each column k of `a` (N x K), the `k` row indices with the largest values, in descending
 * order of value (ties: lower index first). Returns K x topK, row-major.
 *
 * One row-major pass (walking a column strides a whole row per value, a cache miss each). Per
 * column, candidates collect in a buffer of 4 topK; a value is let in only above the column's
 * bar, the worst of its topK best so far, so one comparison rejects almost every value. When a
 * buffer fills, it is cut back to its topK best by selection, which raises the bar: a few
 * passes over the buffer per column, where a heap took a sift per candidate.
 */
export function topIndicesPerColumn(a: Matrix, topK: number): Int32Array {
  const { rows: n, cols: kCols, data } = a;
  if (topK > n) throw new Error(`top_k is ${topK} but there are only ${n} images`);
  const out = new Int32Array(kCols * topK);
  if (topK < 1) return out;
  const cap = 4 * topK;
  const values = new Float64Array(kCols * cap);
  const images = new Int32Array(kCols * cap);
  const size = new Int32Array(kCols);
  // NaN until a buffer is first cut: no value compares <= NaN, so every one goes in
  const bar = new Float64Array(kCols).fill(NaN);
  for (let i = 0; i < n; i++) {
    const row = i * kCols;
    for (let k = 0; k < kCols; k++) {
      const v = data[row + k]!;
      // a later image never beats an equal value already kept
      if (v <= bar[k]!) continue;
      if (Number.isNaN(v)) throw new Error(`activations hold NaN at image ${i}, neuron ${k}`);
      const at = k * cap + size[k]!++;
      values[at] = v;
      images[at] = i;
      if (size[k] === cap) {
        selectBest(values, images, k * cap, cap, topK);
        size[k] = topK;
        bar[k] = worstValue(values, k * cap, topK);
      }
    }
  }
  for (let k = 0; k < kCols; k++) {
    const base = k * cap;
    if (size[k]! > topK) selectBest(values, images, base, size[k]!, topK);
    sortBest(values, images, base, base + topK);
    out.set(images.subarray(base, base + topK), k * topK);
  }
  return out;
}

/** Whether entry x ranks before entry y: larger value, or equal value and lower image. */
function before(values: Float64Array, images: Int32Array, x: number, y: number): boolean {
  return values[x]! > values[y]! || (values[x] === values[y] && images[x]! < images[y]!);
}

function swap(values: Float64Array, images: Int32Array, x: number, y: number): void {
  const v = values[x]!;
  values[x] = values[y]!;
  values[y] = v;
  const i = images[x]!;
  images[x] = images[y]!;
  images[y] = i;
}

/**
 * Partitions entries lo..hi (inclusive) around a median-of-three pivot: returns p with
 * entries lo..p-1 ranking before the pivot, p holding it, and p+1..hi ranking after.
 */
function partition(values: Float64Array, images: Int32Array, lo: number, hi: number): number {
  const mid = (lo + hi) >> 1;
  if (before(values, images, mid, lo)) swap(values, images, mid, lo);
  if (before(values, images, hi, lo)) swap(values, images, hi, lo);
  if (before(values, images, hi, mid)) swap(values, images, hi, mid);
  // the median is at mid: park it at hi
  swap(values, images, mid, hi);
  let store = lo;
  for (let j = lo; j < hi; j++) {
    if (before(values, images, j, hi)) swap(values, images, j, store++);
  }
  swap(values, images, store, hi);
  return store;
}

/** Moves the `best` best of the `count` entries at `base` to base..base+best-1 (any order). */
function selectBest(values: Float64Array, images: Int32Array, base: number, count: number, best: number): void {
  let lo = base;
  let hi = base + count - 1;
  const target = base + best - 1;
  while (lo < hi) {
    const p = partition(values, images, lo, hi);
    if (p === target) return;
    if (p < target) lo = p + 1;
    else hi = p - 1;
  }
}

/** The smallest value among entries base..base+count-1. */
function worstValue(values: Float64Array, base: number, count: number): number {
  let w = Infinity;
  for (let j = base; j < base + count; j++) if (values[j]! < w) w = values[j]!;
  return w;
}

/** Sorts entries lo..hi-1 best first: quicksort, insertion sort for short ranges. */
function sortBest(values: Float64Array, images: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const p = partition(values, images, lo, hi - 1);
    // recurse into the shorter side, loop on the longer (bounded stack)
    if (p - lo < hi - p - 1) {
      sortBest(values, images, lo, p);
      lo = p + 1;
    } else {
      sortBest(values, images, p + 1, hi);
      hi = p;
    }
  }
  for (let j = lo + 1; j < hi; j++) {
    for (let m = j; m > lo && before(values, images, m, m - 1); m--) swap(values, images, m, m - 1);
  }
}
