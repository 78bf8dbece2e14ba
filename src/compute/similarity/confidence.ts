/**
 * Calibrated confidence of a label, without ground truth: how far the label's score stands out
 * of its unit's whole score row. Each similarity function has its own scale, so the features are
 * scale-free, in units of the row's standard deviation: the label's margin over the best other
 * concept, that runner-up's own z-score, and how crowded the runners-up are (the best other minus
 * the tenth best). Only the margin depends on the label's score, so with a positive margin
 * coefficient a label that stands out more never gets a lower confidence. Each function has its
 * own logistic calibrator, fitted on the planted-neuron benchmark (confidence-table.ts).
 */
import type { LabelScore } from '../../core/types.js';
import { CONFIDENCE_TABLE, type Calibrator } from './confidence-table.js';

/** Scores of a row's best values kept for its features. */
const TOP = 10;

/** What a label's confidence is computed from. */
export interface ConfidenceFeatures {
  /** (score - best other concept's score) / row standard deviation: negative below rank 0. */
  margin: number;
  /** (best other's score - row mean) / row standard deviation. */
  zOther: number;
  /** (best other - tenth best) / row standard deviation: small when many concepts crowd just below. */
  crowd: number;
}

/** One score row's statistics: mean, standard deviation and its best values, best first. */
export interface RowStats {
  mean: number;
  std: number;
  top: number[];
}

/** Mean, standard deviation and the ten best values of `row[o .. o + c)`, NaN skipped. */
export function rowStats(row: ArrayLike<number>, o = 0, c = row.length - o): RowStats {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  const top: number[] = [];
  for (let j = o; j < o + c; j++) {
    const v = row[j]!;
    if (!Number.isFinite(v)) continue;
    // Welford: stable for rows of large log-likelihoods
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
    if (top.length === TOP && v <= top[TOP - 1]!) continue;
    let at = top.length;
    while (at > 0 && top[at - 1]! < v) at--;
    top.splice(at, 0, v);
    if (top.length > TOP) top.pop();
  }
  return { mean, std: n > 1 ? Math.sqrt(m2 / n) : 0, top };
}

/** The features of the label at `rank` (0 = the unit's label) scoring `score` in a row with `stats`. */
export function labelFeatures(stats: RowStats, score: number, rank: number): ConfidenceFeatures | undefined {
  const { mean, std, top } = stats;
  if (!Number.isFinite(score) || !(std > 0) || top.length < 2) return undefined;
  const other = rank === 0 ? top[1]! : top[0]!;
  return { margin: (score - other) / std, zOther: (other - mean) / std, crowd: (other - top[top.length - 1]!) / std };
}

/** The logistic calibrator's probability for `features`. */
export function calibrate(cal: Calibrator, f: ConfidenceFeatures): number {
  const t = cal.intercept + cal.margin * f.margin + cal.zOther * f.zOther + cal.crowd * f.crowd;
  const p = 1 / (1 + Math.exp(-t));
  return Number.isFinite(p) ? p : 0;
}

/** Confidence of a label from its features; 0 where the row carries no information (constant, NaN). */
export function confidenceOf(method: string, features: ConfidenceFeatures | undefined): number {
  const cal = CONFIDENCE_TABLE[method];
  if (!cal) throw new Error(`no confidence calibrator for '${method}'`);
  return features ? calibrate(cal, features) : 0;
}

/** Whether `method` has a calibrator (the similarity functions and Network Dissection do). */
export function hasCalibrator(method: string): boolean {
  return CONFIDENCE_TABLE[method] !== undefined;
}

/**
 * Sets `confidence` on every label of units k0..k1-1, from each unit's full row of the K x C
 * score matrix `scores` (scored by `method`).
 */
export function annotateConfidence(method: string, scores: ArrayLike<number>, c: number, labels: LabelScore[][], k0 = 0): void {
  labels.forEach((ranked, i) => {
    if (ranked.length === 0) return;
    const stats = rowStats(scores, (k0 + i) * c, c);
    ranked.forEach((l, rank) => {
      l.confidence = confidenceOf(method, labelFeatures(stats, l.score, rank));
    });
  });
}
