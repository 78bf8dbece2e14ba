// The onnx engine (onnxruntime softmax/GEMM rows + WebAssembly SIMD kernels) against the
// pure-JavaScript engine and against the formulas, on small inputs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/core/types.js';
import { openNpyMatrix, writeNpyMatrix } from '../../src/compute/npy.js';
import {
  denseConcepts,
  factoredConcepts,
  fileConcepts,
  readerConcepts,
  resolveParams,
  score,
  toShared,
  type ConceptMatrix,
} from '../../src/compute/similarity/index.js';
import { accBlock, accFinish, accInit, subtractPrior, subtractPriorSimd, unionOf } from '../../src/compute/similarity/kernel.js';
import { balancedCuts, groupTermsPerBlock, onnxLogLikelihoods } from '../../src/compute/similarity/onnx-engine.js';
import {
  LOG_STEP,
  SOFTMAX_UNROLL,
  simdFused,
  simdMatrix,
  simdMatrixPlace,
  simdMemory,
  simdModule,
  simdModuleBytes,
  simdModuleVariantBytes,
  simdSupported,
  type SimdKernel,
} from '../../src/compute/similarity/simd.js';
import { topIndicesPerColumn } from '../../src/compute/similarity/topk.js';
import { termSpec } from '../../src/compute/similarity/wpmi.js';
import { naiveWpmi, rng } from './naive.js';

function matrix(rows: number, cols: number, f: () => number): Matrix {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = f();
  return { rows, cols, data };
}
/** Largest |x - y| / (rel |y| + rel) */
function worst(x: ArrayLike<number>, y: ArrayLike<number>, rel = 1e-6): number {
  let w = 0;
  for (let i = 0; i < y.length; i++) w = Math.max(w, Math.abs(x[i]! - y[i]!) / (rel * Math.abs(y[i]!) + rel));
  return w;
}
const concepts = (labels: { concept: number }[][]): number[][] => labels.map((l) => l.map((x) => x.concept));

const r = rng(21);
// 37 concepts: not a multiple of the SIMD kernels' steps (PRODUCT_STEP for products, 4 x SOFTMAX_UNROLL for softmax rows)
const P = matrix(60, 37, () => 0.1 + 0.25 * r());
const A = matrix(60, 7, () => (r() < 0.3 ? 0 : 2 * r()));
const wasm = (globalThis as unknown as { WebAssembly: { Instance: new (m: unknown, i: object) => { exports: unknown }; Module: new (b: Uint8Array) => unknown } }).WebAssembly;

describe('WebAssembly SIMD kernels', () => {
  it('runs here', () => expect(simdSupported()).toBe(true));

  const kernel = (bytes: number, module = simdModuleBytes()): { k: SimdKernel; buffer: SharedArrayBuffer } => {
    const memory = simdMemory(bytes)!;
    const k = new wasm.Instance(new wasm.Module(module), { env: { memory } }).exports as SimdKernel;
    return { k, buffer: memory.buffer };
  };
  // Node 22 has relaxed SIMD; Node 20 behind a V8 flag that simd.ts turns on: both forms run here
  it('has fused multiply-adds (relaxed SIMD)', () => expect(simdFused()).toBe(true));
  const variants = [false, true] as const;

  it('mul4 and mul1 form terms in float32 and multiply them into float64 products exactly as Math.fround does', () => {
    const n = 40;
    const { k, buffer } = kernel(1 << 16);
    const prod = new Float64Array(buffer, 0, n).fill(1);
    const q = new Float32Array(buffer, n * 8, 4 * n);
    for (let i = 0; i < q.length; i++) q[i] = r() * 1e-3;
    const bw = [0.002, 0.998, 0.005, 0.99, 0.01, 0.98, 0.03, 0.97];
    const [b0, w0, b1, w1, b2, w2, b3, w3] = bw as [number, number, number, number, number, number, number, number];
    k.mul4(0, q.byteOffset, q.byteOffset + 4 * n, q.byteOffset + 8 * n, q.byteOffset + 12 * n, b0, w0, b1, w1, b2, w2, b3, w3, n);
    k.mul1(0, q.byteOffset + 4, 0.5, 2, n - 8);
    const f = Math.fround;
    const term = (b: number, w: number, v: number): number => f(f(b) + f(f(w) * v));
    for (let i = 0; i < n; i++) {
      const t = [0, 1, 2, 3].map((j) => term(bw[2 * j]!, bw[2 * j + 1]!, q[j * n + i]!));
      let want = 1 * f(f(t[0]! * t[1]!) * f(t[2]! * t[3]!));
      if (i < n - 8) want *= term(0.5, 2, q[i + 1]!);
      expect(prod[i], `element ${i}`).toBe(want);
      // and within float32 rounding of the float64 terms
      const exact = [0, 1, 2, 3].reduce((p, j) => p * (bw[2 * j]! + bw[2 * j + 1]! * q[j * n + i]!), 1) * (i < n - 8 ? 0.5 + 2 * q[i + 1]! : 1);
      expect(Math.abs(prod[i]! / exact - 1), `element ${i}`).toBeLessThan(6e-7);
    }
  });

  for (const fused of variants) it(`softmaxRow${fused ? ' (fused multiply-adds)' : ''} gives exp(aP - max) to float32 accuracy, their sum, and NaN for non-finite rows`, () => {
    const n = Math.ceil(45 / (4 * SOFTMAX_UNROLL)) * 4 * SOFTMAX_UNROLL; // 45 values + padding to the kernel's step
    const { k, buffer } = kernel(1 << 16, simdModuleVariantBytes(fused));
    const p = new Float32Array(buffer, 0, n);
    const q = new Float32Array(buffer, 4 * n, n);
    for (const a of [1, 10, 300]) {
      for (let i = 0; i < 45; i++) p[i] = 2 * r() - 1;
      p[3] = -5; // a P - max below -87 for a = 300
      p.fill(-Infinity, 45);
      const sum = k.softmaxRow(0, q.byteOffset, n, a);
      let max = -Infinity;
      for (let i = 0; i < 45; i++) max = Math.max(max, Math.fround(a * p[i]!));
      let want = 0;
      for (let i = 0; i < 45; i++) {
        // x rounded as the reference rounds a * P - max in float32
        const x = Math.fround(Math.fround(a * p[i]!) - max);
        const e = Math.exp(x);
        want += q[i]!;
        // within ~1 ulp of the row's largest value (1) everywhere; relative error 1.5e-7 + 6e-8 |x|
        expect(Math.abs(q[i]! - e), `a=${a}, value ${i}`).toBeLessThan(2.5e-7);
        if (e > 1e-37) expect(Math.abs(q[i]! / e - 1), `a=${a}, value ${i}`).toBeLessThan(2e-7 + 7e-8 * Math.abs(x));
        else expect(q[i]!).toBeLessThan(1.1e-37); // below e^-87 taken as e^-87
      }
      // values are added in float32 four at a time (two roundings at most) before the float64 sum
      expect(Math.abs(sum - want)).toBeLessThan(2.4e-7 * want);
    }
    p[7] = NaN;
    expect(k.softmaxRow(0, q.byteOffset, n, 10)).toBeNaN();
    p[7] = Infinity;
    expect(k.softmaxRow(0, q.byteOffset, n, 10)).toBeNaN();
  });

  it('subtractPriorSimd gives subtractPrior\'s scores (odd tiles, a column of -Infinity, NaN) on one thread and on two', () => {
    const k = 5, c = 37;
    const l = simdMatrix(k * c)!;
    for (let i = 0; i < l.length; i++) l[i] = -400 + 60 * r();
    for (let i = 0; i < k; i++) l[i * c + 3] = -Infinity; // every neuron: prior -Infinity
    l[2 * c + 4] = -Infinity; // one neuron: nil in the sum
    l[c + 9] = NaN;
    const want = subtractPrior(Float64Array.from(l), k, c, 0.7);
    const simd = (thread: number) => {
      const at = simdMatrixPlace(l, thread)!;
      return { k: new wasm.Instance(new wasm.Module(simdModuleBytes()), { env: { memory: at.memory } }).exports as SimdKernel, scratch: at.scratch };
    };
    // concepts 0..20 on "thread" 0, 20..37 on 1: odd and even ranges
    subtractPriorSimd(l, k, c, 0.7, 0, 20, simd(0).k, simd(0).scratch);
    subtractPriorSimd(l, k, c, 0.7, 20, c, simd(1).k, simd(1).scratch);
    for (let i = 0; i < l.length; i++) {
      if (Number.isNaN(want[i]!) || !Number.isFinite(want[i]!)) expect(l[i], `value ${i}`).toBe(want[i]);
      else expect(Math.abs(l[i]! - want[i]!), `value ${i}`).toBeLessThan(1e-12 * Math.abs(want[i]!));
    }
    expect(l[3]).toBeNaN(); // -Infinity - (-Infinity), as the reference gives
    expect(l[9]).toBeNaN();
  });

  it('logRow takes float64 logs within 1e-12 of Math.log, and leaves a row holding zero, NaN, infinity or a subnormal to the caller', () => {
    const n = 8 * LOG_STEP;
    const { k, buffer } = kernel(1 << 16);
    const p = new Float64Array(buffer, 0, n);
    const values = Array.from({ length: n }, () => Math.exp(-700 * r()) * (1 + r()));
    values.splice(0, 6, 1, 2, Math.SQRT2, Math.SQRT1_2, 1e-300, 1.7e308);
    p.set(values);
    expect(k.logRow(0, n)).toBe(1);
    values.forEach((v, i) => expect(Math.abs(p[i]! - Math.log(v)), `ln ${v}`).toBeLessThan(1e-12 * Math.max(1, Math.abs(Math.log(v)))));
    for (const bad of [0, NaN, Infinity, -1, 1e-310]) {
      p.set(values);
      p[5] = bad;
      expect(k.logRow(0, n), `row holding ${bad}`).toBe(0);
      expect(p[6]).toBe(values[6]);
    }
  });
});

// P as an .npy file whose rows the kernels read when they need them (as `atlas score` does)
const dir = mkdtempSync(join(tmpdir(), 'engine-test-'));
writeNpyMatrix(join(dir, 'P.npy'), P);
const pFile = openNpyMatrix(join(dir, 'P.npy'));
afterAll(() => {
  pFile.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('onnx engine', () => {
  const sharedP = { ...P, data: toShared(P.data) };
  const g = rng(9);
  const factored = factoredConcepts(matrix(60, 16, () => g() - 0.3), matrix(37, 16, () => g() - 0.3), { normalise: true });
  // factored rows: onnxruntime's float32 GEMM sums in another order than the js engine
  const sources: [string, ConceptMatrix, number, number][] = [
    ['dense, calling thread', denseConcepts(P), 1, 1e-6],
    ['dense in shared memory, 2 threads (workers compute softmax rows)', denseConcepts(sharedP), 2, 1e-6],
    ['.npy file, calling thread', fileConcepts(pFile), 1, 1e-6],
    ['.npy file, 2 threads (workers read their rows of P)', fileConcepts(pFile), 2, 1e-6],
    ['row reader, 3 threads', readerConcepts(60, 37, (ids, out) => denseConcepts(P).readRows(ids, out)), 3, 1e-6],
    ['factored (onnxruntime GEMM + softmax), 2 threads', factored, 2, 1e-5],
  ];
  for (const [what, cm, threads, rel] of sources) {
    for (const fn of ['soft_wpmi', 'wpmi'] as const) {
      it(`${fn}, ${what}: same scores as the js engine`, async () => {
        const js = await score(fn, cm, A, { top_k: 11 }, { keepMatrix: true, engine: 'js', threads: 1 });
        const ox = await score(fn, cm, A, { top_k: 11 }, { keepMatrix: true, engine: 'onnx', threads });
        expect(worst(ox.matrix!.data, js.matrix!.data, rel)).toBeLessThanOrEqual(1);
        expect(concepts(ox.labels)).toEqual(concepts(js.labels));
      });
    }
  }

  it('over several tiles of concepts, with logs taken within a block (wpmi: one log per 43 terms), scores as the js engine', async () => {
    const g2 = rng(5);
    const wide = { ...matrix(60, 4100, () => 0.1 + 0.25 * g2()), data: toShared(matrix(60, 4100, () => 0.1 + 0.25 * g2()).data) };
    for (const fn of ['wpmi', 'soft_wpmi'] as const) {
      const params = { top_k: 50 };
      const js = await score(fn, denseConcepts(wide), A, params, { keepMatrix: true, engine: 'js', threads: 1 });
      const ox = await score(fn, denseConcepts(wide), A, params, { keepMatrix: true, engine: 'onnx', threads: 2 });
      expect(worst(ox.matrix!.data, js.matrix!.data), fn).toBeLessThanOrEqual(1);
      expect(concepts(ox.labels)).toEqual(concepts(js.labels));
    }
    expect(termSpec('wpmi', resolveParams('wpmi', { top_k: 50 }, 60)).chunk).toBe(43);
  });

  it('keeps terms in float64 where float32 could underflow (min_prob 1e-12: four terms could reach 1e-48)', async () => {
    // a = 300: most softmax values are far below min_prob, so most terms are ~1e-12
    const params = { top_k: 11, min_prob: 1e-12, p_start: 1, p_end: 1, a: 300 };
    expect(termSpec('soft_wpmi', resolveParams('soft_wpmi', params, 60)).f32Terms).toBe(false);
    expect(termSpec('soft_wpmi', resolveParams('soft_wpmi', { top_k: 11 }, 60)).f32Terms).toBe(true);
    const js = await score('soft_wpmi', denseConcepts(P), A, params, { keepMatrix: true, engine: 'js', threads: 1 });
    const ox = await score('soft_wpmi', denseConcepts(sharedP), A, params, { keepMatrix: true, engine: 'onnx', threads: 2 });
    // float32 softmax values far out in the tail (relative error ~6e-8 |x|, x down to -75 here)
    expect(worst(ox.matrix!.data, js.matrix!.data, 1e-4)).toBeLessThanOrEqual(1);
  });

  it('matches the formulas (naive soft_wpmi)', async () => {
    const params = resolveParams('soft_wpmi', { top_k: 11 }, 60);
    const want = naiveWpmi('soft_wpmi', P, A, params);
    const got = await score('soft_wpmi', denseConcepts(P), A, params, { keepMatrix: true, engine: 'onnx' });
    expect(worst(got.matrix!.data, want.flat())).toBeLessThanOrEqual(10);
  });

  it('without SIMD (onnxruntime softmax rows, plain JS products), and in small blocks, gives the same log-likelihoods', async () => {
    const spec = termSpec('soft_wpmi', resolveParams('soft_wpmi', { top_k: 11 }, 60));
    const top = topIndicesPerColumn(A, 11);
    const src = denseConcepts(sharedP).source();
    const simd = await onnxLogLikelihoods(src, top, spec, 2);
    const progress: number[] = [];
    // 5 rows of 37 per block: several blocks, both buffers in turn
    const plain = await onnxLogLikelihoods(src, top, spec, 2, (done) => progress.push(done), 5 * 37, false);
    const oneThread = await onnxLogLikelihoods(src, top, spec, 1, undefined, 5 * 37, true);
    expect(worst(plain, simd)).toBeLessThanOrEqual(1);
    expect(worst(oneThread, simd)).toBeLessThanOrEqual(1);
    expect(progress.at(-1)).toBe(unionOf(top).length);
    expect(progress.length).toBeGreaterThan(2);
    // rows read from a file: in small blocks, and by onnxruntime's softmax
    const file = fileConcepts(pFile).source();
    expect(worst(await onnxLogLikelihoods(file, top, spec, 2, undefined, 5 * 37, true), simd)).toBeLessThanOrEqual(1);
    expect(worst(await onnxLogLikelihoods(file, top, spec, 2, undefined, 5 * 37, false), simd)).toBeLessThanOrEqual(1);
  });

  it('products turned into log-likelihoods in place give the same bits as products kept apart from the result', () => {
    // 37 concepts: the SIMD log takes 32 of each row, Math.log the rest; two blocks of rows
    const spec = termSpec('soft_wpmi', resolveParams('soft_wpmi', { top_k: 11 }, 60));
    expect(spec.chunk).toBe(spec.topK);
    const top = topIndicesPerColumn(A, 11);
    const union = unionOf(top);
    const k = A.cols, c = 37;
    const q = new Float32Array(union.length * c);
    for (let r = 0; r < union.length; r++) for (let j = 0; j < c; j++) q[r * c + j] = Math.exp(20 * (P.data[union[r]! * c + j]! - 0.35));
    const run = (inPlace: boolean): Float64Array => {
      const memory = simdMemory(4 * k * c * 8 + q.byteLength)!;
      const qAt = new Float32Array(memory.buffer, 2 * k * c * 8, q.length);
      qAt.set(q);
      const out = new Float64Array(memory.buffer, 0, k * c);
      const place = { module: simdModule(), memory, productAddress: inPlace ? 0 : k * c * 8, inPlace };
      const st = accInit(top, union, c, spec, 0, place, out);
      const half = union.length >> 1;
      accBlock(st, qAt.subarray(0, half * c), null, 0, half);
      accBlock(st, qAt.subarray(half * c), null, half, union.length);
      return Float64Array.from(accFinish(st));
    };
    expect(Array.from(run(true))).toEqual(Array.from(run(false)));
    const short = termSpec('wpmi', resolveParams('wpmi', { top_k: 50 }, 60)); // chunk 43: logs within
    const memory = simdMemory(1 << 16)!;
    expect(() => accInit(topIndicesPerColumn(A, 50), unionOf(topIndicesPerColumn(A, 50)), c, short, 0, { module: simdModule(), memory, productAddress: 0, inPlace: true })).toThrow(
      /one log per \(neuron, concept\)/,
    );
  });

  it('reads a file\'s rows on worker threads for the js engine and the other functions too', async () => {
    const file = fileConcepts(pFile);
    for (const fn of ['soft_wpmi', 'cos_similarity', 'rank_reorder'] as const) {
      const params = fn === 'soft_wpmi' ? { top_k: 11 } : {};
      const want = await score(fn, denseConcepts(P), A, params, { keepMatrix: true, engine: 'js', threads: 1 });
      const got = await score(fn, file, A, params, { keepMatrix: true, engine: 'js', threads: 2 });
      expect(worst(got.matrix!.data, want.matrix!.data), fn).toBeLessThanOrEqual(1);
    }
  });

  it('names the image whose concept activations are not finite', async () => {
    const bad = { ...P, data: toShared(Float32Array.from(P.data)) };
    const top = topIndicesPerColumn(A, 11);
    const image = top[0]!; // among the top images, so its softmax row is needed
    bad.data[image * 37 + 5] = NaN;
    for (const threads of [1, 2]) {
      await expect(score('soft_wpmi', denseConcepts(bad), A, { top_k: 11 }, { engine: 'onnx', threads })).rejects.toThrow(
        `concept activations of image ${image} are not finite`,
      );
    }
    // the onnxruntime softmax rows (a = 0 is not taken by the SIMD kernel)
    await expect(score('soft_wpmi', denseConcepts(bad), A, { top_k: 11, a: 0 }, { engine: 'onnx' })).rejects.toThrow(
      `concept activations of image ${image} are not finite`,
    );
  });

  it('shares a block\'s softmax rows so that each worker\'s rows and terms weigh about the same', () => {
    expect(balancedCuts(100, [0, 0])).toEqual([0, 50, 100]);
    expect(balancedCuts(100, [20, 0])).toEqual([0, 40, 100]); // 20 + 40 = 0 + 60
    expect(balancedCuts(100, [500, 0, 10])).toEqual([0, 0, 55, 100]); // the busiest takes none
    expect(balancedCuts(7, [3, 3, 3])).toEqual([0, 2, 5, 7]);
    expect(balancedCuts(0, [1, 2])).toEqual([0, 0, 0]);
    // neurons 0-1 (group 0) and 2 (group 1), two terms each, union [1, 4, 6, 9] in blocks of 3
    const top = Int32Array.from([1, 9, 4, 6, 9, 1]);
    expect(Array.from(groupTermsPerBlock(top, Int32Array.from([1, 4, 6, 9]), 2, [0, 2, 3], 3, 2))).toEqual([3, 1, 1, 1]);
  });

  it('rejects an unknown engine', async () => {
    await expect(score('soft_wpmi', denseConcepts(P), A, { top_k: 5 }, { engine: 'gpu' as 'js' })).rejects.toThrow(/unknown similarity engine 'gpu'/);
  });
});
