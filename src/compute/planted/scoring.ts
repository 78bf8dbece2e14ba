/**
 * Scoring many planted units quickly, with the similarity functions' own definitions:
 *  - soft_wpmi / wpmi: a unit's log-likelihood row L[k, .] depends on that unit alone, and only
 *    the prior mixes units (prior[c] = logsumexp_k L[k, c] - log K). So L is computed once for the
 *    real units and once for every planted unit (scored with lambda = 0, which returns L), and
 *    each group of planted units gets the prior over the real units plus its own;
 *  - cos_similarity_cubed: S = A_hat^T P_hat is one matrix product, done by onnxruntime's GEMM
 *    (float32) instead of the engine's float64 loop, which would take minutes for hundreds of units.
 */
import type { Matrix } from '../../core/types.js';
import { conceptMatrix } from '../rescore/matmul.js';
import { labelFeatures, rowStats, type ConfidenceFeatures } from '../similarity/confidence.js';

/** A unit's best concepts, best first, and its label's confidence features (from its whole score row). */
export interface UnitRanking {
  top: number[];
  features: ConfidenceFeatures | undefined;
}

/** The best `n` concepts of `row[o .. o + c)` and the features of the best one. */
export function rankRow(row: ArrayLike<number>, n: number, o = 0, c = row.length - o): UnitRanking {
  const view = o === 0 && c === row.length ? row : Array.prototype.slice.call(row, o, o + c) as number[];
  const top = topIndices(view, n);
  const best = top[0];
  return { top, features: best === undefined ? undefined : labelFeatures(rowStats(row, o, c), view[best]!, 0) };
}

/** Indices of the `n` largest values of `row`, best first (ties: lower index first). */
export function topIndices(row: ArrayLike<number>, n: number): number[] {
  const best: number[] = [];
  for (let c = 0; c < row.length; c++) {
    const v = row[c]!;
    if (best.length === n && v <= row[best[n - 1]!]!) continue;
    let at = best.length === n ? n - 1 : best.length;
    while (at > 0 && row[best[at - 1]!]! < v) at--;
    best.splice(at, 0, c);
    if (best.length > n) best.pop();
  }
  return best;
}

/**
 * S = L - lam * prior for `rows` of the planted L (each Kp x C), the prior taken over the real
 * units' L (Kb x C) and those rows together. Returns the best `topN` concepts per planted row.
 */
export function priorRanked(lBase: Matrix, lPlanted: Matrix, rows: readonly number[], lam: number, topN: number): UnitRanking[] {
  const c = lBase.cols;
  if (lPlanted.cols !== c) throw new Error(`priorRanked: ${lPlanted.cols} vs ${c} concepts`);
  const k = lBase.rows + rows.length;
  const prior = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    let max = -Infinity;
    for (let u = 0; u < lBase.rows; u++) max = Math.max(max, lBase.data[u * c + j]!);
    for (const r of rows) max = Math.max(max, lPlanted.data[r * c + j]!);
    let sum = 0;
    for (let u = 0; u < lBase.rows; u++) sum += Math.exp(lBase.data[u * c + j]! - max);
    for (const r of rows) sum += Math.exp(lPlanted.data[r * c + j]! - max);
    prior[j] = max + Math.log(sum) - Math.log(k);
  }
  const s = new Float64Array(c);
  return rows.map((r) => {
    for (let j = 0; j < c; j++) s[j] = lPlanted.data[r * c + j]! - lam * prior[j]!;
    return rankRow(s, topN);
  });
}

/** Columns of `m` centred, cubed and divided by max(norm, minNorm), as a transposed (cols x rows) float32 matrix. */
function centredCubesT(m: Matrix, minNorm: number): Matrix {
  const { rows, cols, data } = m;
  const out = new Float32Array(rows * cols);
  const col = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * cols + j]!;
    mean /= rows;
    let norm = 0;
    for (let i = 0; i < rows; i++) {
      const d = data[i * cols + j]! - mean;
      col[i] = d * d * d;
      norm += col[i]! * col[i]!;
    }
    const scale = 1 / Math.max(Math.sqrt(norm), minNorm);
    for (let i = 0; i < rows; i++) out[j * rows + i] = col[i]! * scale;
  }
  return { rows: cols, cols: rows, data: out };
}

/** cos_similarity_cubed scores (K x C) of every column of `acts` against every column of the dense P. */
export async function cosCubedScores(p: Matrix, acts: Matrix, minNorm = 1e-3): Promise<Matrix> {
  if (p.rows !== acts.rows) throw new Error(`cosCubedScores: ${p.rows} images in P, ${acts.rows} in the activations`);
  return conceptMatrix(centredCubesT(acts, minNorm), centredCubesT(p, minNorm));
}
