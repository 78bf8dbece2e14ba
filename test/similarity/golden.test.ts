// The reference's exact outputs on its seeded inputs (fixture kept outside the project).
import { describe, expect, it } from 'vitest';
import { denseConcepts, score, toShared, type SimilarityEngine, type SimilarityName } from '../../src/compute/similarity/index.js';
import { argmaxRows, hasGolden, loadGolden, needGolden, pearson, worstToleranceRatio } from './golden.js';

const cases = ['soft_wpmi_default', 'soft_wpmi_custom', 'wpmi_default', 'wpmi_custom', 'cos_similarity', 'cos_similarity_cubed'];

describe('golden fixture (../shared/fixtures/similarity-golden.json)', () => {
  const data = hasGolden ? loadGolden() : undefined;

  // soft_wpmi and wpmi on each engine (the others do not use one); the onnx engine also on
  // two threads, whose workers compute softmax rows of a P in shared memory
  type Run = { name: string; engine: SimilarityEngine | undefined; threads: number };
  const runs = cases.flatMap((name): Run[] =>
    name.includes('wpmi')
      ? [
          { name, engine: 'onnx' as const, threads: 1 },
          { name, engine: 'onnx' as const, threads: 2 },
          { name, engine: 'js' as const, threads: 1 },
        ]
      : [{ name, engine: undefined, threads: 1 }],
  );
  for (const { name, engine, threads } of runs) {
    const how = engine ? ` (${engine} engine, ${threads} thread${threads > 1 ? 's' : ''})` : '';
    it(`${name}${how}: every value within tolerance and every argmax agrees`, async (ctx) => {
      needGolden(ctx);
      const { golden, p, a } = data!;
      const c = golden.expected[name]!;
      const pm = threads > 1 ? { ...p, data: toShared(p.data) } : p;
      const r = await score(c.function as SimilarityName, denseConcepts(pm), a, c.params, { keepMatrix: true, engine, threads });
      const m = r.matrix!;
      expect([m.rows, m.cols]).toEqual(c.shape);
      expect(worstToleranceRatio(m.data, c.data)).toBeLessThanOrEqual(1);
      expect(argmaxRows(m.data, m.rows, m.cols)).toEqual(c.argmax);
      // labels agree with the matrix: rank 0 is the argmax
      expect(r.labels.map((l) => l[0]!.concept)).toEqual(c.argmax);
    });
  }

  it('rank_reorder: argmax agreement >= 95% and per-neuron correlation >= 0.99', async (ctx) => {
    needGolden(ctx);
    const { golden, p, a } = data!;
    const c = golden.expected.rank_reorder_default!;
    const r = await score('rank_reorder', denseConcepts(p), a, c.params, { keepMatrix: true });
    const m = r.matrix!;
    const am = argmaxRows(m.data, m.rows, m.cols);
    const agree = am.filter((v, i) => v === c.argmax[i]).length / am.length;
    expect(agree).toBeGreaterThanOrEqual(0.95);
    for (let k = 0; k < m.rows; k++) {
      const corr = pearson(m.data.subarray(k * m.cols, (k + 1) * m.cols), c.data.slice(k * m.cols, (k + 1) * m.cols));
      expect(corr, `neuron ${k}`).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('soft_wpmi on two worker threads gives the same matrix as one thread', async (ctx) => {
    needGolden(ctx);
    const { p, a } = data!;
    const shared = { ...p, data: new Float32Array(new SharedArrayBuffer(p.data.byteLength)) };
    shared.data.set(p.data);
    const one = await score('soft_wpmi', denseConcepts(shared), a, {}, { keepMatrix: true, threads: 1 });
    const two = await score('soft_wpmi', denseConcepts(shared), a, {}, { keepMatrix: true, threads: 2 });
    expect(worstToleranceRatio(two.matrix!.data, Array.from(one.matrix!.data))).toBeLessThan(0.01);
  });
});
