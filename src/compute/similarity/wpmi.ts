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
import type { KernelSpec } from './kernel.js';

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
  // Four terms multiplied in float32 stay normal (above 1.2e-38) and finite: terms of at
  // least 1e-9 (soft_wpmi's and wpmi's defaults: 1e-7 and more) and at most 1e9.
  const f32Terms = smallest >= 1e-9 && largest <= 1e9;
  return { topK, a, base, weight, chunk, f32Terms };
}

// The prior (subtractPrior) is in kernel.ts with the other kernels that run in worker threads.
