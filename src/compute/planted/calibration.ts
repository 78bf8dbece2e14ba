/**
 * How well label confidences are calibrated, against known truth: the calibration curve (bins
 * of confidence: how many labels, their mean confidence, the share of them that is right) and
 * the headline at a threshold (share right among labels at or above it, and their coverage).
 */

export interface ConfidenceSample {
  confidence: number;
  right: boolean;
}

export interface CalibrationBin {
  /** Confidence range [from, to) (the last bin includes 1). */
  from: number;
  to: number;
  count: number;
  /** Mean confidence of the bin's labels (predicted right rate); null when empty. */
  predicted: number | null;
  /** Share of the bin's labels that are right; null when empty. */
  observed: number | null;
}

export interface CalibrationSummary {
  units: number;
  threshold: number;
  /** Labels at or above the threshold. */
  confident: number;
  /** Share of those that are right (null when none). */
  precision: number | null;
  /** confident / units. */
  coverage: number;
  /** Share of all labels that are right (top-1). */
  accuracy: number;
  bins: CalibrationBin[];
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** The curve over `binCount` equal bins of [0, 1] and the headline at `threshold`. */
export function calibrationOf(samples: readonly ConfidenceSample[], threshold = 0.8, binCount = 10): CalibrationSummary {
  const bins = Array.from({ length: binCount }, (_, b) => ({ from: b / binCount, to: (b + 1) / binCount, count: 0, sum: 0, right: 0 }));
  let confident = 0;
  let confidentRight = 0;
  let right = 0;
  for (const s of samples) {
    const c = Math.min(1, Math.max(0, s.confidence));
    const bin = bins[Math.min(binCount - 1, Math.floor(c * binCount))]!;
    bin.count++;
    bin.sum += c;
    bin.right += s.right ? 1 : 0;
    right += s.right ? 1 : 0;
    if (c >= threshold) {
      confident++;
      confidentRight += s.right ? 1 : 0;
    }
  }
  const n = samples.length;
  return {
    units: n,
    threshold,
    confident,
    precision: confident === 0 ? null : round(confidentRight / confident),
    coverage: n === 0 ? 0 : round(confident / n),
    accuracy: n === 0 ? 0 : round(right / n),
    bins: bins.map((b) => ({
      from: round(b.from),
      to: round(b.to),
      count: b.count,
      predicted: b.count === 0 ? null : round(b.sum / b.count),
      observed: b.count === 0 ? null : round(b.right / b.count),
    })),
  };
}
