// Small hand-made inputs: formulas against direct transliterations, worked examples, invariants.
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/core/types.js';
import {
  DEFAULTS,
  denseConcepts,
  factoredConcepts,
  normaliseRows,
  readerConcepts,
  resolveParams,
  score,
  toShared,
} from '../../src/compute/similarity/index.js';
import { calibratorKey, confidenceOf, labelFeatures, rowStats } from '../../src/compute/similarity/confidence.js';
import { CONFIDENCE_TABLE } from '../../src/compute/similarity/confidence-table.js';
import { parallelLogLikelihoods } from '../../src/compute/similarity/parallel.js';
import { topIndicesPerColumn } from '../../src/compute/similarity/topk.js';
import { termSpec } from '../../src/compute/similarity/wpmi.js';
import { naiveCos, naiveWpmi, rng } from './naive.js';

function matrix(rows: number, cols: number, f: (i: number, j: number) => number): Matrix {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = f(i, j);
  return { rows, cols, data };
}

function expectClose(got: Float32Array, want: number[][], rel = 1e-5, abs = 1e-5): void {
  const flat = want.flat();
  expect(got.length).toBe(flat.length);
  flat.forEach((w, i) => expect(Math.abs(got[i]! - w), `entry ${i}: ${got[i]} vs ${w}`).toBeLessThanOrEqual(rel * Math.abs(w) + abs));
}

const r = rng(7);
const P = matrix(40, 12, () => 0.1 + 0.25 * r()); // cosines like real CLIP
const A = matrix(40, 6, () => (r() < 0.4 ? 0 : 2 * r())); // ReLU-like

describe('soft_wpmi and wpmi', () => {
  it('worked example: one neuron, two images, two concepts', async () => {
    // P rows softmax with a=1: image 0 -> [e/(e+1), 1/(e+1)], image 1 -> [1/2, 1/2].
    const p = matrix(2, 2, (i, j) => (i === 0 && j === 0 ? 1 : 0));
    const a = matrix(2, 1, (i) => (i === 0 ? 2 : 1)); // image 0 ranks first
    const res = await score('wpmi', denseConcepts(p), a, { top_k: 2, a: 1, lam: 0, min_prob: 0 }, { keepMatrix: true });
    const e = Math.E;
    const want = [[Math.log(e / (e + 1)) + Math.log(0.5), Math.log(1 / (e + 1)) + Math.log(0.5)]];
    expectClose(res.matrix!.data, want, 1e-6, 1e-7);
    // one neuron: the prior equals L itself, so lambda = 1 scores every concept 0
    const zero = await score('wpmi', denseConcepts(p), a, { top_k: 2, a: 1, lam: 1, min_prob: 0 }, { keepMatrix: true });
    expectClose(zero.matrix!.data, [[0, 0]], 0, 1e-6);
  });

  it('soft_wpmi rank weights: p_start for the top image, falling linearly', async () => {
    const p = matrix(2, 2, (i, j) => (i === j ? 1 : 0));
    const a = matrix(2, 1, (i) => (i === 1 ? 5 : 1)); // image 1 first
    const o = { top_k: 2, a: 2, lam: 0, min_prob: 0, p_start: 0.9, p_end: 0.5 };
    const res = await score('soft_wpmi', denseConcepts(p), a, o, { keepMatrix: true });
    const hi = Math.exp(2) / (Math.exp(2) + 1);
    const lo = 1 - hi;
    const p0 = 0.9, p1 = 0.9 - 0.5 * 0.4; // r/top_k = 1/2
    const want = [[Math.log(1 + p0 * (lo - 1)) + Math.log(1 + p1 * (hi - 1)), Math.log(1 + p0 * (hi - 1)) + Math.log(1 + p1 * (lo - 1))]];
    expectClose(res.matrix!.data, want, 1e-6, 1e-7);
  });

  for (const kind of ['soft_wpmi', 'wpmi'] as const) {
    it(`${kind} equals the spec's formula on random data (defaults scaled to 40 images)`, async () => {
      const o = { ...DEFAULTS[kind], top_k: 9 } as ReturnType<typeof resolveParams<'soft_wpmi'>>;
      const res = await score(kind, denseConcepts(P), A, o, { keepMatrix: true });
      expectClose(res.matrix!.data, naiveWpmi(kind, P, A, o), 1e-6, 1e-6);
    });
  }

  it('chunked products match the sum of logs when tiny terms force short chunks', async () => {
    // min_prob 1e-30 bounds terms only by 1e-30: products of 8 terms, then a log.
    const p = matrix(60, 5, (i, j) => ((i * 7 + j * 3) % 11) * 3);
    const a = matrix(60, 3, (i, j) => ((i * 13 + j * 5) % 17) + i / 100);
    const o = { top_k: 25, a: 1, lam: 0.6, min_prob: 1e-30 };
    const res = await score('wpmi', denseConcepts(p), a, o, { keepMatrix: true });
    expectClose(res.matrix!.data, naiveWpmi('wpmi', p, a, o), 1e-6, 1e-4);
  });

  it('scores all neurons together: the prior changes when a neuron is dropped', async () => {
    const all = await score('soft_wpmi', denseConcepts(P), A, { top_k: 9 }, { keepMatrix: true });
    const sub = matrix(40, 5, (i, j) => A.data[i * 6 + j]!);
    const part = await score('soft_wpmi', denseConcepts(P), sub, { top_k: 9 }, { keepMatrix: true });
    expect(part.matrix!.data[0]).not.toBeCloseTo(all.matrix!.data[0]!, 6);
  });

  it('two worker threads give the same scores as one (dense and factored P)', async () => {
    const shared = { ...P, data: toShared(P.data) };
    const one = await score('wpmi', denseConcepts(shared), A, { top_k: 9 }, { keepMatrix: true, threads: 1 });
    const two = await score('wpmi', denseConcepts(shared), A, { top_k: 9 }, { keepMatrix: true, threads: 2 });
    expectClose(two.matrix!.data, [Array.from(one.matrix!.data)], 1e-6, 1e-6);
    const g = rng(5);
    const f = factoredConcepts(matrix(40, 8, () => g()), matrix(12, 8, () => g()), { normalise: true });
    const f1 = await score('soft_wpmi', f, A, { top_k: 9 }, { keepMatrix: true, threads: 1 });
    const f3 = await score('soft_wpmi', f, A, { top_k: 9 }, { keepMatrix: true, threads: 3 });
    expectClose(f3.matrix!.data, [Array.from(f1.matrix!.data)], 1e-6, 1e-6);
  });

  it('two threads agree with one when a padded softmax row is longer than two rows (3 concepts)', async () => {
    // Each thread's rows are written a whole SIMD step long; past its share they must not land on the other's rows.
    const few = matrix(40, 3, () => 0.1 + 0.25 * r());
    const shared = { ...few, data: toShared(few.data) };
    const one = await score('soft_wpmi', denseConcepts(shared), A, { top_k: 9 }, { keepMatrix: true, threads: 1 });
    const two = await score('soft_wpmi', denseConcepts(shared), A, { top_k: 9 }, { keepMatrix: true, threads: 2 });
    expectClose(two.matrix!.data, [Array.from(one.matrix!.data)], 1e-6, 1e-6);
  });

  it('threads split by neuron, and neurons taken in batches (for large K x C), give the same log-likelihoods', async () => {
    const src = denseConcepts({ ...P, data: toShared(P.data) }).source();
    const spec = termSpec('soft_wpmi', resolveParams('soft_wpmi', { top_k: 9 }, 40));
    const top = topIndicesPerColumn(A, 9);
    const single = await parallelLogLikelihoods(src, top, spec, 1);
    const byImage = await parallelLogLikelihoods(src, top, spec, 2);
    const progress: number[] = [];
    const byNeuron = await parallelLogLikelihoods(src, top, spec, 2, (done) => progress.push(done), { rowSplitMaxEntries: 0 });
    // and in sequential batches of 2 neurons (12 concepts x 2 = 24 entries)
    const batched = await parallelLogLikelihoods(src, top, spec, 2, undefined, { batchMaxEntries: 24 });
    const worst = (x: Float64Array): number => Math.max(...Array.from(x, (v, i) => Math.abs(v - single[i]!) / Math.abs(single[i]!)));
    expect(worst(byImage)).toBeLessThan(1e-12);
    expect(worst(byNeuron)).toBeLessThan(1e-12);
    expect(worst(batched)).toBeLessThan(1e-12);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('a concept matrix from any row reader works (on the calling thread)', async () => {
    const reader = readerConcepts(40, 12, (ids, out) => denseConcepts(P).readRows(ids, out));
    const a = await score('soft_wpmi', reader, A, { top_k: 9 }, { keepMatrix: true, threads: 2 });
    const b = await score('soft_wpmi', denseConcepts(P), A, { top_k: 9 }, { keepMatrix: true });
    expect(Array.from(a.matrix!.data)).toEqual(Array.from(b.matrix!.data));
  });
});

describe('cos_similarity and cos_similarity_cubed', () => {
  it('match the formulas', async () => {
    const cos = await score('cos_similarity', denseConcepts(P), A, {}, { keepMatrix: true });
    expectClose(cos.matrix!.data, naiveCos(P, A, false), 1e-5, 1e-6);
    const cubed = await score('cos_similarity_cubed', denseConcepts(P), A, {}, { keepMatrix: true });
    expectClose(cubed.matrix!.data, naiveCos(P, A, true), 1e-5, 1e-6);
  });

  it('a neuron whose activations equal a concept column scores 1 for it', async () => {
    const a = matrix(40, 1, (i) => 3 * P.data[i * 12 + 4]!); // scale does not matter
    const res = await score('cos_similarity', denseConcepts(P), a, {}, { keepMatrix: true, topN: 3 });
    expect(res.labels[0]![0]!.concept).toBe(4);
    expect(res.labels[0]![0]!.score).toBeCloseTo(1, 6);
  });
});

describe('rank_reorder', () => {
  it('prefers the concept that orders the top images as the neuron does', async () => {
    // 100 images, top 5% = 5. Concept 0 increases with activation, concept 1 decreases.
    const a = matrix(100, 1, (i) => i);
    const p = matrix(100, 3, (i, j) => (j === 0 ? 0.2 + i / 1000 : j === 1 ? 0.3 - i / 1000 : 0.2 + ((i * 37) % 11) / 1000));
    const res = await score('rank_reorder', denseConcepts(p), a, {}, { keepMatrix: true, topN: 3 });
    expect(res.labels[0]!.map((l) => l.concept)[0]).toBe(0);
    expect(res.matrix!.data[0]).toBeCloseTo(0, 6); // perfect order: no error
    expect(res.matrix!.data[1]!).toBeLessThan(res.matrix!.data[2]!); // reversed order is worst
  });
});

describe('concept matrices', () => {
  it('factored P (image x text embeddings) scores like the dense product', async () => {
    const g = rng(3);
    const img = normaliseRows(matrix(30, 16, () => g())); // positive cosines, as CLIP gives
    const txt = normaliseRows(matrix(9, 16, () => g()));
    const dense = matrix(30, 9, (i, c) => {
      let s = 0;
      for (let d = 0; d < 16; d++) s += img.data[i * 16 + d]! * txt.data[c * 16 + d]!;
      return s;
    });
    const a = matrix(30, 4, () => g());
    for (const fn of ['soft_wpmi', 'wpmi', 'cos_similarity', 'cos_similarity_cubed', 'rank_reorder'] as const) {
      const params = fn === 'soft_wpmi' || fn === 'wpmi' ? { top_k: 7 } : fn === 'rank_reorder' ? { top_fraction: 0.3 } : {};
      const d = await score(fn, denseConcepts(dense), a, params, { keepMatrix: true });
      const f = await score(fn, factoredConcepts(img, txt), a, params, { keepMatrix: true });
      Array.from(f.matrix!.data).forEach((v, i) => expect(v, `${fn} ${i}`).toBeCloseTo(d.matrix!.data[i]!, 4));
    }
  });

  it('factored input with normalise: true normalises both embedding sets', () => {
    const img = matrix(2, 2, (i) => (i === 0 ? 3 : 1));
    const txt = matrix(1, 2, () => 5);
    const out = new Float32Array(2);
    factoredConcepts(img, txt, { normalise: true }).readRows([0, 1], out);
    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[1]).toBeCloseTo(1, 6);
  });

  it('rejects mismatched embedding dimensions', () => {
    expect(() => factoredConcepts(matrix(2, 3, () => 1), matrix(2, 4, () => 1))).toThrow(/dimension 3.*4/);
  });
});

describe('labels and top images', () => {
  it('returns topN labels per neuron, best first, and ties go to the lower concept', async () => {
    const res = await score('cos_similarity', denseConcepts(P), A, {}, { topN: 4, keepMatrix: true });
    expect(res.labels).toHaveLength(6);
    for (const [k, ranked] of res.labels.entries()) {
      expect(ranked).toHaveLength(4);
      const row = Array.from(res.matrix!.data.subarray(k * 12, (k + 1) * 12));
      const sorted = row.map((v, j) => ({ v, j })).sort((x, y) => y.v - x.v || x.j - y.j);
      expect(ranked.map((l) => l.concept)).toEqual(sorted.slice(0, 4).map((s) => s.j));
    }
  });

  it('top images: descending activation, lower index first on ties', () => {
    const a = matrix(6, 2, (i, j) => (j === 0 ? [1, 5, 3, 5, 0, 2][i]! : -i));
    const idx = topIndicesPerColumn(a, 3);
    expect(Array.from(idx)).toEqual([1, 3, 2, 0, 1, 2]);
  });

  it('top images agree with sorting each column, over buffers cut many times, ties and -Infinity included', () => {
    let seed = 3;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const cols = 7;
    // small integers (many ties), rising columns (the bar moves at every row), -Infinity
    const a = matrix(3000, cols, (i, j) => (j === 0 ? Math.floor(next() * 20) : j === 1 ? i : j === 2 ? -Infinity : j === 3 ? -i : next()));
    for (const topK of [1, 5, 100, 3000]) {
      const got = topIndicesPerColumn(a, topK);
      for (let j = 0; j < cols; j++) {
        const want = Array.from({ length: 3000 }, (_, i) => i)
          .sort((x, y) => a.data[y * cols + j]! - a.data[x * cols + j]! || x - y)
          .slice(0, topK);
        expect(Array.from(got.subarray(j * topK, (j + 1) * topK)), `column ${j}, top ${topK}`).toEqual(want);
      }
    }
  });
});

describe('validation', () => {
  const p = denseConcepts(P);
  it.each([
    ['unknown function', () => score('soft_wpmx' as never, p, A), /unknown similarity function 'soft_wpmx'/],
    ['unknown parameter', () => score('wpmi', p, A, { p_start: 0.9 }), /unknown parameter 'p_start' for wpmi/],
    ['top_k above N', () => score('soft_wpmi', p, A, { top_k: 41 }), /top_k.*41.*only 40 images/],
    ['negative a', () => score('soft_wpmi', p, A, { a: -1 }), /'a' of soft_wpmi must lie in \[0, 1000\], got -1/],
    ['p_start above 1', () => score('soft_wpmi', p, A, { p_start: 1.5 }), /p_start.*\[0, 1\]/],
    ['non-numeric', () => score('wpmi', p, A, { top_k: '5' } as never), /finite number/],
    ['top_fraction selecting nothing', () => score('rank_reorder', p, A, { top_fraction: 0.01 }), /selects no image/],
    ['rows mismatch', () => score('wpmi', p, matrix(39, 2, () => 1)), /39 images.*40/],
    ['cos takes no params', () => score('cos_similarity', p, A, { a: 1 }), /takes no parameters/],
  ])('%s', async (_name, call, message) => {
    await expect(call()).rejects.toThrow(message);
  });

  it('accepts lambda for lam, but not both', () => {
    expect(resolveParams('soft_wpmi', { lambda: 0.3 }, 200).lam).toBe(0.3);
    expect(() => resolveParams('soft_wpmi', { lambda: 0.3, lam: 0.2 }, 200)).toThrow(/either 'lam' or 'lambda'/);
  });
});

describe('label confidence', () => {
  // A row of 200 concepts drawn once: the label's score is set on concept 0.
  const r = rng(7);
  const base = Array.from({ length: 200 }, () => r());
  const rowWith = (top: number) => [top, ...base.slice(1)];

  it('is bounded in [0, 1] for every calibrator, and 0 for a row that tells nothing', () => {
    for (const key of Object.keys(CONFIDENCE_TABLE)) {
      for (const top of [-1e6, -1, 0, 0.5, 1, 2, 10, 1e6]) {
        const row = rowWith(top);
        const stats = rowStats(row);
        const rank = top >= Math.max(...base.slice(1)) ? 0 : 1;
        const c = confidenceOf(key, labelFeatures(stats, top, rank));
        expect(c, `${key} at ${top}`).toBeGreaterThanOrEqual(0);
        expect(c, `${key} at ${top}`).toBeLessThanOrEqual(1);
      }
      expect(confidenceOf(key, labelFeatures(rowStats([3, 3, 3, 3]), 3, 0))).toBe(0);
      expect(confidenceOf(key, labelFeatures(rowStats(rowWith(Number.NaN)), Number.NaN, 0))).toBe(0);
    }
    expect(() => confidenceOf('nope', undefined)).toThrow(/no confidence calibrator for 'nope'/);
  });

  it('never falls as the label stands further above the runner-up (monotone in the margin)', () => {
    const runnerUp = Math.max(...base.slice(1));
    for (const key of Object.keys(CONFIDENCE_TABLE)) {
      let last = -1;
      for (let d = 0; d <= 2; d += 0.05) {
        const row = rowWith(runnerUp + d);
        const c = confidenceOf(key, labelFeatures(rowStats(row), row[0]!, 0));
        expect(c, `${key} at margin ${d}`).toBeGreaterThanOrEqual(last);
        last = c;
      }
      expect(last, key).toBeGreaterThan(0.5);
    }
  });

  it('score() gives every label a confidence, lower below rank 0; cos_similarity is sure of a copied concept', async () => {
    const p = matrix(60, 30, () => r());
    const acts = matrix(60, 2, (i, j) => (j === 0 ? p.data[i * 30 + 4]! : r()));
    for (const fn of ['soft_wpmi', 'wpmi', 'cos_similarity', 'cos_similarity_cubed', 'rank_reorder'] as const) {
      const { labels } = await score(fn, denseConcepts(p), acts, fn === 'soft_wpmi' || fn === 'wpmi' ? { top_k: 10 } : {}, { topN: 3 });
      for (const ranked of labels) {
        for (const l of ranked) {
          expect(l.confidence, fn).toBeGreaterThanOrEqual(0);
          expect(l.confidence, fn).toBeLessThanOrEqual(1);
        }
        expect(ranked[1]!.confidence!, fn).toBeLessThanOrEqual(ranked[0]!.confidence!);
      }
    }
    const cos = (await score('cos_similarity', denseConcepts(p), acts, {}, { topN: 1 })).labels;
    expect(cos[0]![0]).toMatchObject({ concept: 4 });
    expect(cos[0]![0]!.confidence!).toBeGreaterThan(0.9);
  });

  it('a preset with its own calibrator is used only for exactly its parameters', () => {
    expect(calibratorKey('soft_wpmi', {}, 1000)).toBe('soft_wpmi');
    expect(calibratorKey('soft_wpmi', { a: 2, lam: 0.6, top_k: 28 }, 1000)).toBe('soft_wpmi/final');
    expect(calibratorKey('soft_wpmi', { a: 2, lam: 0.6, top_k: 30 }, 1000)).toBe('soft_wpmi');
    expect(calibratorKey('cos_similarity', {}, 1000)).toBe('cos_similarity');
  });
});
