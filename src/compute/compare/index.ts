/**
 * Comparing two versions of a model layer: each neuron of A is matched to the neuron of B whose
 * activations correlate best with its own over a probe set both have (Pearson over images), and
 * the labels of matched neurons are compared as text and as CLIP text embeddings.
 */
import type { Matrix } from '../../core/types.js';

/** Column-standardised copy (mean 0, norm 1 per column), column-major for fast dot products. */
function standardiseColumns(m: Matrix): Float64Array {
  const { rows: n, cols: k } = m;
  const out = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += m.data[i * k + j]!;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = m.data[i * k + j]! - mean;
      out[j * n + i] = v;
      ss += v * v;
    }
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let i = 0; i < n; i++) out[j * n + i]! *= inv;
  }
  return out;
}

export interface BestMatch {
  /** Unit of B, or -1 when B has no units. */
  unit: number;
  /** Pearson correlation (0 for a constant neuron). */
  correlation: number;
}

/** For each column of `a`, the column of `b` with the highest Pearson correlation over the rows. */
export function bestCorrelationMatches(a: Matrix, b: Matrix): BestMatch[] {
  if (a.rows !== b.rows) throw new Error(`activations cover ${a.rows} and ${b.rows} images; they must cover the same images`);
  const n = a.rows;
  const za = standardiseColumns(a);
  const zb = standardiseColumns(b);
  const out: BestMatch[] = [];
  for (let i = 0; i < a.cols; i++) {
    let best = -1;
    let bestR = -Infinity;
    const ao = i * n;
    for (let j = 0; j < b.cols; j++) {
      const bo = j * n;
      let s = 0;
      for (let r = 0; r < n; r++) s += za[ao + r]! * zb[bo + r]!;
      if (s > bestR) {
        bestR = s;
        best = j;
      }
    }
    out.push({ unit: best, correlation: best < 0 ? 0 : bestR });
  }
  return out;
}

export function cosine(x: Float32Array, y: Float32Array): number {
  let s = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i]! * y[i]!;
    nx += x[i]! * x[i]!;
    ny += y[i]! * y[i]!;
  }
  return nx > 0 && ny > 0 ? s / Math.sqrt(nx * ny) : 0;
}

/** Labels are "the same" when equal ignoring case and surrounding space. */
export function sameLabel(a: string | null | undefined, b: string | null | undefined): boolean {
  return a != null && b != null && a.trim().toLowerCase() === b.trim().toLowerCase();
}
