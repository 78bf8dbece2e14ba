/**
 * soft_wpmi and wpmi: log-likelihood of each concept given each neuron's top images, then the
 * pointwise-mutual-information correction by a prior over all neurons scored together.
 *
 * Where the reference gathers top_k x C softmax rows per neuron and takes top_k logs per
 * concept, this kernel walks the union of top images once, block by block, and multiplies the
 * terms of each (neuron, concept) in float64, taking one log per chunk of terms: the sum of
 * logs is the log of the product, and the chunk is short enough that the product cannot
 * underflow.
 */
import type { SoftWpmiParams, WpmiParams } from './params.js';
import { expTables, type KernelSpec } from './kernel.js';

export type WpmiKind = 'soft_wpmi' | 'wpmi';

/** The kernel's form of the parameters: for rank r of a neuron's top images, term = base[r] + weight[r] * Q. */
export function termSpec(kind: WpmiKind, params: SoftWpmiParams | WpmiParams): KernelSpec {
  const { top_k: topK, a, min_prob: minProb } = params;
  const base = new Float64Array(topK);
  const weight = new Float64Array(topK);
  let smallest = Infinity;
  for (let r = 0; r < topK; r++) {
    if (kind === 'soft_wpmi') {
      const { p_start: pStart, p_end: pEnd } = params as SoftWpmiParams;
      // 1 + p_r * (Q - 1) + min_prob, rearranged: (1 - p_r + min_prob) + p_r * Q
      const p = pStart - (r / topK) * (pStart - pEnd);
      base[r] = 1 - p + minProb;
      weight[r] = p;
    } else {
      base[r] = minProb;
      weight[r] = 1;
    }
    smallest = Math.min(smallest, base[r]!);
  }
  // Terms lie in [smallest, 1 + min_prob]; keep the running product within e^+-700 (float64
  // stays normal down to e^-708), so that, for soft_wpmi's defaults, one log per
  // (neuron, concept) suffices.
  const largest = 1 + minProb;
  const chunk =
    smallest > 0
      ? Math.max(1, Math.min(topK, Math.floor(700 / Math.max(-Math.log(Math.min(smallest, 0.5)), Math.log(Math.max(largest, 2))))))
      : 1;
  return { topK, a, base, weight, chunk };
}

/**
 * S = L - lambda * prior, prior[c] = logsumexp_k(L[k, c]) - log(K), over all K rows of L (the
 * neurons scored together). Written in place into `l`.
 */
export function subtractPrior(l: Float64Array, k: number, c: number, lam: number): Float64Array {
  const logK = Math.log(k);
  // exp(v - max) <= 1 from tables, as expRow does (relative error ~1e-14; Math.exp costs ~3x)
  const { whole, frac } = expTables();
  const limit = 746 * 1024;
  // A tile of concepts at a time, over all K rows (K x TILE float64 stays in cache for the
  // three passes): L is read from memory once and written once. Within a tile, sums run over
  // i = 0..K-1 in order, as column by column.
  const TILE = Math.max(8, Math.min(c, Math.floor((1 << 17) / Math.max(1, k))));
  const max = new Float64Array(TILE);
  const sum = new Float64Array(TILE);
  for (let t0 = 0; t0 < c; t0 += TILE) {
    const w = Math.min(TILE, c - t0);
    max.fill(-Infinity);
    sum.fill(0);
    for (let i = 0; i < k; i++) {
      const o = i * c + t0;
      for (let j = 0; j < w; j++) {
        const v = l[o + j]!;
        if (v > max[j]! || v !== v) max[j] = Math.max(max[j]!, v);
      }
    }
    for (let i = 0; i < k; i++) {
      const o = i * c + t0;
      for (let j = 0; j < w; j++) {
        // u = (max - v) * 1024 >= 0: whole units, 1/1024ths, and a remainder r in (-1/1024, 0]
        const u = (max[j]! - l[o + j]!) * 1024;
        let e: number;
        if (u < limit) {
          const b = u | 0;
          const r = (b - u) * (1 / 1024);
          e = whole[b >> 10]! * frac[b & 1023]! * (1 + r * (1 + r * (0.5 + r * (1 / 6))));
        } else {
          e = u !== u ? NaN : 0; // NaN stays NaN, as with Math.exp; below e^-746 is 0
        }
        sum[j]! += e;
      }
    }
    // sum now holds lambda * prior
    for (let j = 0; j < w; j++) sum[j] = lam * (max[j] === -Infinity ? -Infinity : max[j]! + Math.log(sum[j]!) - logK);
    for (let i = 0; i < k; i++) {
      const o = i * c + t0;
      for (let j = 0; j < w; j++) l[o + j]! -= sum[j]!;
    }
  }
  return l;
}
