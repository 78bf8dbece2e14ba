/** Loads the reference's golden similarity fixture (kept outside the project) and compares. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Matrix } from '../../src/core/types.js';
import { hasShared, requireShared, sharedPath } from '../support/shared.js';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const GOLDEN = 'fixtures/similarity-golden.json';
export const GOLDEN_PATH = sharedPath(GOLDEN);
export const hasGolden = hasShared(GOLDEN);
/** Inside a test: skip it, naming the fixture, when the golden fixture is absent. */
export const needGolden = (ctx: { skip(note?: string): never }): void => void requireShared(ctx, GOLDEN);

interface Dense {
  shape: [number, number];
  data: number[];
}
export interface GoldenCase {
  function: string;
  params: Record<string, number>;
  shape: [number, number];
  data: number[];
  argmax: number[];
}
export interface Golden {
  clip_feats: Dense;
  target_feats: Dense;
  expected: Record<string, GoldenCase>;
}

export function loadGolden(): { golden: Golden; p: Matrix; a: Matrix } {
  const golden = JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as Golden;
  const toMatrix = (d: Dense): Matrix => ({ rows: d.shape[0], cols: d.shape[1], data: Float32Array.from(d.data) });
  return { golden, p: toMatrix(golden.clip_feats), a: toMatrix(golden.target_feats) };
}

/** Largest |got - expected| / (1e-4 |expected| + 1e-5 max|expected|): <= 1 passes. */
export function worstToleranceRatio(got: ArrayLike<number>, expected: number[]): number {
  let maxAbs = 0;
  for (const e of expected) maxAbs = Math.max(maxAbs, Math.abs(e));
  let worst = 0;
  expected.forEach((e, i) => {
    const tol = 1e-4 * Math.abs(e) + 1e-5 * maxAbs;
    worst = Math.max(worst, Math.abs(got[i]! - e) / tol);
  });
  return worst;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]!; my += y[i]!; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx, dy = y[i]! - my;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

export function argmaxRows(data: ArrayLike<number>, rows: number, cols: number): number[] {
  return Array.from({ length: rows }, (_, i) => {
    let best = 0;
    for (let j = 1; j < cols; j++) if (data[i * cols + j]! > data[i * cols + best]!) best = j;
    return best;
  });
}
