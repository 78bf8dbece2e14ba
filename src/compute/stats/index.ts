/**
 * Distribution of one neuron's activations over a probe set: moments, sparsity, quantiles and an
 * equal-width histogram, from the column of a stored (images x units) activation matrix.
 */
import type { Matrix } from '../../core/types.js';

export interface UnitStats {
  /** Probe images the statistics are over. */
  count: number;
  mean: number;
  /** Population standard deviation (divides by `count`). */
  std: number;
  min: number;
  max: number;
  /** Share of images whose activation is at most 0 (the unit does not fire). */
  sparsity: number;
  /** The activations in ascending order (for quantiles and histograms). */
  sorted: Float64Array;
}

/** Statistics of column `unit` of `m`. */
export function unitStats(m: Matrix, unit: number): UnitStats {
  if (!Number.isInteger(unit) || unit < 0 || unit >= m.cols) throw new Error(`unit ${unit} is outside 0..${m.cols - 1}`);
  const n = m.rows;
  const sorted = new Float64Array(n);
  let sum = 0;
  let silent = 0;
  for (let i = 0; i < n; i++) {
    const v = m.data[i * m.cols + unit]!;
    sorted[i] = v;
    sum += v;
    if (v <= 0) silent++;
  }
  sorted.sort();
  const mean = n ? sum / n : 0;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i]! - mean) ** 2;
  return {
    count: n,
    mean,
    std: n ? Math.sqrt(ss / n) : 0,
    min: n ? sorted[0]! : 0,
    max: n ? sorted[n - 1]! : 0,
    sparsity: n ? silent / n : 0,
    sorted,
  };
}

/** The p-quantile of ascending `sorted`, interpolated linearly between order statistics (numpy's default, Hyndman-Fan type 7). */
export function quantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface HistogramBin {
  lo: number;
  hi: number;
  count: number;
}

/**
 * `bins` equal-width bins from the smallest to the largest value of ascending `sorted`; each bin
 * holds lo <= v < hi, the last also v = hi (numpy.histogram's rule). A constant column has one
 * value range of width 0: every bin but the first is empty.
 */
export function histogram(sorted: Float64Array, bins: number): HistogramBin[] {
  const n = sorted.length;
  const lo = n ? sorted[0]! : 0;
  const hi = n ? sorted[n - 1]! : 0;
  const width = (hi - lo) / bins;
  const out: HistogramBin[] = Array.from({ length: bins }, (_, b) => ({ lo: lo + b * width, hi: b === bins - 1 ? hi : lo + (b + 1) * width, count: 0 }));
  for (let i = 0; i < n; i++) {
    const b = width > 0 ? Math.min(bins - 1, Math.floor((sorted[i]! - lo) / width)) : 0;
    out[b]!.count++;
  }
  return out;
}
