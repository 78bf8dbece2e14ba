/**
 * Calibrated confidence of a label, without ground truth: how far the label's score stands out
 * of its unit's whole score row. Each similarity function has its own scale, so the features are
 * scale-free, in units of the standard deviation of the row's other scores (all but the label's):
 * the label's margin over the best other concept, that runner-up's own z-score among the others,
 * and how crowded the runners-up are (best other minus tenth best other). Only the margin depends
 * on the label's score, so with a positive margin coefficient a label that stands out more never
 * gets a lower confidence. Each function has its
 * own logistic calibrator, fitted on the planted-neuron benchmark (confidence-table.ts).
 */
import type { LabelScore } from '../../core/types.js';
import { CONFIDENCE_TABLE, type Calibrator } from './confidence-table.js';
import { DEFAULTS, resolveParams, type SimilarityName } from './params.js';
import { PRESETS } from './presets.js';

/** A row's best values kept for its features: the label and the ten best other concepts. */
const TOP = 11;

/** What a label's confidence is computed from. */
export interface ConfidenceFeatures {
  /** (score - best other concept's score) / row standard deviation: negative below rank 0. */
  margin: number;
  /** (best other's score - row mean) / row standard deviation. */
  zOther: number;
  /** (best other - tenth best) / row standard deviation: small when many concepts crowd just below. */
  crowd: number;
}

/** One score row's statistics: count, mean and sum of squared deviations of its finite values, and its best values, best first. */
export interface RowStats {
  n: number;
  mean: number;
  m2: number;
  top: number[];
}

/** Count, mean, squared deviations and the eleven best values of `row[o .. o + c)`, NaN and infinities skipped. */
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
  return { n, mean, m2, top };
}

/** The features of the label at `rank` (0 = the unit's label) scoring `score` in a row with `stats`. */
export function labelFeatures(stats: RowStats, score: number, rank: number): ConfidenceFeatures | undefined {
  const { n, top } = stats;
  if (!Number.isFinite(score) || n < 3 || top.length < 2) return undefined;
  // the other scores' mean and deviation: the row's without the label's own score
  const mean = (n * stats.mean - score) / (n - 1);
  const std = Math.sqrt(Math.max(0, stats.m2 - (score - stats.mean) * (score - mean)) / (n - 1));
  if (!(std > 0)) return undefined;
  const other = rank === 0 ? top[1]! : top[0]!;
  const tenth = top[Math.min(10, top.length - 1)]!;
  return { margin: (score - other) / std, zOther: (other - mean) / std, crowd: (other - tenth) / std };
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

/**
 * The calibrator a scoring uses: `fn/preset` when its parameters are exactly those of a preset
 * with a calibrator of its own (`soft_wpmi/final`: the prior and top images change the scores'
 * shape), else the function's own (fitted with its reference defaults).
 */
export function calibratorKey(fn: SimilarityName, params: Record<string, unknown> | undefined, images: number): string {
  const resolved = resolveParams(fn, params, images) as unknown as Record<string, number>;
  for (const [name, preset] of Object.entries(PRESETS)) {
    const key = `${fn}/${name}`;
    if (preset.fn !== fn || !CONFIDENCE_TABLE[key]) continue;
    const target: Record<string, number> = { ...(DEFAULTS[fn] as unknown as Record<string, number>), ...preset.params };
    if (Object.keys(target).every((k) => target[k] === resolved[k])) return key;
  }
  return fn;
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
