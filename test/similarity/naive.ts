/** Direct transliterations of the spec's formulas, with no optimisation, for small inputs. */
import type { Matrix } from '../../src/core/types.js';

const at = (m: Matrix, i: number, j: number): number => m.data[i * m.cols + j]!;

function softmaxRows(p: Matrix, a: number): number[][] {
  return Array.from({ length: p.rows }, (_, i) => {
    const row = Array.from({ length: p.cols }, (_, j) => a * at(p, i, j));
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const z = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / z);
  });
}

function topk(a: Matrix, k: number, col: number): number[] {
  return Array.from({ length: a.rows }, (_, i) => i)
    .sort((x, y) => at(a, y, col) - at(a, x, col) || x - y)
    .slice(0, k);
}

export function naiveWpmi(
  kind: 'soft_wpmi' | 'wpmi',
  p: Matrix,
  a: Matrix,
  o: { top_k: number; a: number; lam: number; min_prob: number; p_start?: number; p_end?: number },
): number[][] {
  const q = softmaxRows(p, o.a);
  const l = Array.from({ length: a.cols }, (_, k) => {
    const idx = topk(a, o.top_k, k);
    return Array.from({ length: p.cols }, (_, c) =>
      idx.reduce((s, i, r) => {
        if (kind === 'wpmi') return s + Math.log(q[i]![c]! + o.min_prob);
        const pr = o.p_start! - (r / o.top_k) * (o.p_start! - o.p_end!);
        return s + Math.log(1 + pr * (q[i]![c]! - 1) + o.min_prob);
      }, 0),
    );
  });
  const prior = Array.from({ length: p.cols }, (_, c) => {
    const col = l.map((row) => row[c]!);
    const max = Math.max(...col);
    return max + Math.log(col.reduce((s, v) => s + Math.exp(v - max), 0)) - Math.log(a.cols);
  });
  return l.map((row) => row.map((v, c) => v - o.lam * prior[c]!));
}

export function naiveCos(p: Matrix, a: Matrix, cubed: boolean): number[][] {
  const cols = (m: Matrix): number[][] =>
    Array.from({ length: m.cols }, (_, j) => {
      let v = Array.from({ length: m.rows }, (_, i) => at(m, i, j));
      if (cubed) {
        const mean = v.reduce((s, x) => s + x, 0) / v.length;
        v = v.map((x) => (x - mean) ** 3);
      }
      const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
      return v.map((x) => x / (cubed ? Math.max(norm, 1e-3) : norm));
    });
  const pc = cols(p);
  const ac = cols(a);
  return ac.map((av) => pc.map((pv) => av.reduce((s, x, i) => s + x * pv[i]!, 0)));
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
