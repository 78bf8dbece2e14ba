/**
 * cos_similarity and cos_similarity_cubed: cosine between each neuron's activation column and
 * each concept's column of P, over all images. P is read block by block, so only K x C
 * accumulators and one block of rows live in memory.
 */
import type { Matrix } from '../../core/types.js';
import type { ConceptMatrix } from './concepts.js';
import type { RowSource } from './kernel.js';

const BLOCK_FLOATS = 8 << 20; // rows of P per block: ~32 MB

type Progress = ((done: number, total: number) => void) | undefined;

/** Calls fn(blockOfRows, firstRow, rowCount) over all rows of P, in order. */
function forEachBlock(concepts: ConceptMatrix, fn: (block: Float32Array, first: number, count: number) => void): void {
  const { images: n, concepts: c } = concepts;
  const rows = Math.max(1, Math.min(n, Math.floor(BLOCK_FLOATS / Math.max(1, c))));
  const block = new Float32Array(rows * c);
  const ids = new Int32Array(rows);
  for (let first = 0; first < n; first += rows) {
    const count = Math.min(rows, n - first);
    for (let r = 0; r < count; r++) ids[r] = first + r;
    const view = ids.subarray(0, count);
    concepts.readRows(view, block);
    fn(block, first, count);
  }
}

/** m[k, c] += sum_r a[r, k] * p[r, c] for `count` rows (a: count x K float64, p: count x C). */
function accumulateProducts(m: Float64Array, a: Float64Array, p: ArrayLike<number>, count: number, k: number, c: number): void {
  let r = 0;
  // Four rows at once: one load and store of m per four products.
  for (; r + 4 <= count; r += 4) {
    const p0 = r * c, p1 = p0 + c, p2 = p1 + c, p3 = p2 + c;
    for (let i = 0; i < k; i++) {
      const a0 = a[r * k + i]!, a1 = a[(r + 1) * k + i]!, a2 = a[(r + 2) * k + i]!, a3 = a[(r + 3) * k + i]!;
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue; // ReLU activations are often zero
      const o = i * c;
      for (let j = 0; j < c; j++) m[o + j]! += a0 * p[p0 + j]! + a1 * p[p1 + j]! + a2 * p[p2 + j]! + a3 * p[p3 + j]!;
    }
  }
  for (; r < count; r++) {
    const p0 = r * c;
    for (let i = 0; i < k; i++) {
      const a0 = a[r * k + i]!;
      if (a0 === 0) continue;
      const o = i * c;
      for (let j = 0; j < c; j++) m[o + j]! += a0 * p[p0 + j]!;
    }
  }
}

/**
 * cos_similarity for P = X T^T without forming P: A^T P = (A^T X) T^T, and the squared norm of
 * P's column c is t_c^T (X^T X) t_c. Costs N x D x (K + D/2) + C x D x (K + D) instead of N x C x D.
 */
function cosSimilarityFactored(src: Extract<RowSource, { kind: 'factored' }>, acts: Matrix, onProgress: Progress): Float64Array {
  const { rows: n, cols: c, dim: d, x, t } = src;
  const { cols: k, data: ad } = acts;
  const ax = new Float64Array(k * d); // A^T X
  const gram = new Float64Array(d * d); // X^T X (upper triangle, then mirrored)
  const normA = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    for (let j = 0; j < k; j++) {
      const a = ad[i * k + j]!;
      normA[j]! += a * a;
      if (a === 0) continue;
      const o = j * d;
      for (let e = 0; e < d; e++) ax[o + e]! += a * x[xo + e]!;
    }
    for (let e = 0; e < d; e++) {
      const v = x[xo + e]!;
      const o = e * d;
      for (let f = e; f < d; f++) gram[o + f]! += v * x[xo + f]!;
    }
    if (onProgress && (i & 1023) === 1023) onProgress((i + 1) / 2, n);
  }
  for (let e = 0; e < d; e++) for (let f = 0; f < e; f++) gram[e * d + f] = gram[f * d + e]!;
  const out = new Float64Array(k * c);
  const gt = new Float64Array(d);
  for (let col = 0; col < c; col++) {
    const to = col * d;
    let norm2 = 0;
    for (let e = 0; e < d; e++) {
      let s = 0;
      const o = e * d;
      for (let f = 0; f < d; f++) s += gram[o + f]! * t[to + f]!;
      gt[e] = s;
      norm2 += s * t[to + e]!;
    }
    const normP = Math.sqrt(norm2);
    for (let j = 0; j < k; j++) {
      let s = 0;
      const o = j * d;
      for (let e = 0; e < d; e++) s += ax[o + e]! * t[to + e]!;
      out[j * c + col] = s / (Math.sqrt(normA[j]!) * normP);
    }
    if (onProgress && (col & 255) === 255) onProgress(n / 2 + ((col + 1) / c) * (n / 2), n);
  }
  onProgress?.(n, n);
  return out;
}

/** S = A_hat^T P_hat with unit-norm columns. */
export function cosSimilarity(concepts: ConceptMatrix, acts: Matrix, onProgress: Progress): Float64Array {
  const src = concepts.source();
  if (src.kind === 'factored') return cosSimilarityFactored(src, acts, onProgress);
  const { concepts: c } = concepts;
  const { rows: n, cols: k, data: ad } = acts;
  const m = new Float64Array(k * c);
  const normP = new Float64Array(c);
  const normA = new Float64Array(k);
  const a = new Float64Array(0);
  let aBlock = a;
  forEachBlock(concepts, (block, first, count) => {
    if (aBlock.length < count * k) aBlock = new Float64Array(count * k);
    for (let j = 0; j < count * k; j++) {
      const v = ad[first * k + j]!;
      aBlock[j] = v;
      normA[j % k]! += v * v;
    }
    for (let j = 0; j < count * c; j++) normP[j % c]! += block[j]! * block[j]!;
    accumulateProducts(m, aBlock, block, count, k, c);
    onProgress?.(first + count, n);
  });
  for (let i = 0; i < k; i++) {
    const na = Math.sqrt(normA[i]!);
    for (let j = 0; j < c; j++) m[i * c + j] = m[i * c + j]! / (na * Math.sqrt(normP[j]!));
  }
  return m;
}

/** Columns centred, cubed, normalised by max(norm, minNorm); S = A_hat^T P_hat. */
export function cosSimilarityCubed(concepts: ConceptMatrix, acts: Matrix, minNorm: number, onProgress: Progress): Float64Array {
  const { concepts: c } = concepts;
  const { rows: n, cols: k, data: ad } = acts;
  const meanP = new Float64Array(c);
  const meanA = new Float64Array(k);
  for (let j = 0; j < n * k; j++) meanA[j % k]! += ad[j]!;
  for (let i = 0; i < k; i++) meanA[i]! /= n;
  // Two passes over P: means first, then centred cubes (the reference's order of operations).
  forEachBlock(concepts, (block, first, count) => {
    for (let j = 0; j < count * c; j++) meanP[j % c]! += block[j]!;
    onProgress?.((first + count) / 2, n);
  });
  for (let j = 0; j < c; j++) meanP[j]! /= n;

  const m = new Float64Array(k * c);
  const normP = new Float64Array(c);
  const normA = new Float64Array(k);
  let aBlock = new Float64Array(0);
  let pBlock = new Float64Array(0);
  forEachBlock(concepts, (block, first, count) => {
    if (aBlock.length < count * k) aBlock = new Float64Array(count * k);
    if (pBlock.length < count * c) pBlock = new Float64Array(count * c);
    for (let j = 0; j < count * k; j++) {
      const d = ad[first * k + j]! - meanA[j % k]!;
      const v = d * d * d;
      aBlock[j] = v;
      normA[j % k]! += v * v;
    }
    for (let j = 0; j < count * c; j++) {
      const d = block[j]! - meanP[j % c]!;
      const v = d * d * d;
      pBlock[j] = v;
      normP[j % c]! += v * v;
    }
    accumulateProducts(m, aBlock, pBlock, count, k, c);
    onProgress?.((n + first + count) / 2, n);
  });
  for (let i = 0; i < k; i++) {
    const na = Math.max(Math.sqrt(normA[i]!), minNorm);
    for (let j = 0; j < c; j++) m[i * c + j] = m[i * c + j]! / (na * Math.max(Math.sqrt(normP[j]!), minNorm));
  }
  return m;
}
