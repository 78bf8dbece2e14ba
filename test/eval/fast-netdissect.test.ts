import { describe, expect, it } from 'vitest';
import { networkDissect, quantile, generateScene } from '../../src/toyworld/index.js';
import { networkDissectFast, networkDissectLayers, quantileSelect } from '../../src/toyworld/fast-netdissect.js';

/** Deterministic pseudo-random numbers (no test flakiness). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** ReLU-like maps: mostly zero (ties at the quantile), some units binary, some dense. */
function maps(n: number, k: number, h: number, seed: number) {
  const rand = lcg(seed);
  const data = new Float32Array(n * k * h * h);
  for (let i = 0; i < n; i++) {
    for (let u = 0; u < k; u++) {
      for (let p = 0; p < h * h; p++) {
        const r = rand();
        data[(i * k + u) * h * h + p] = u % 3 === 0 ? Math.max(0, r - 0.8) : u % 3 === 1 ? (r > 0.97 ? 1 : 0) : r * 2 - 1;
      }
    }
  }
  return { data, n, k, h, w: h };
}

describe('fast Network Dissection', () => {
  const scenes = Array.from({ length: 60 }, (_, i) => generateScene(5, i));

  it('quantileSelect equals the reference quantile, ties included', () => {
    const rand = lcg(1);
    for (const len of [1, 2, 7, 100, 1001]) {
      const v = Float32Array.from({ length: len }, () => Math.round(rand() * 20) / 4);
      for (const q of [0, 0.3, 0.5, 0.995, 1]) expect(quantileSelect(v, q)).toBe(quantile(v, q));
    }
  });

  it.each([
    [8, 8, 11],
    [6, 4, 12],
    [5, 2, 13],
    [4, 16, 14],
  ])('gives the reference labels and IoUs (%i units, %i-pixel maps, seed %i)', (k, h, seed) => {
    const m = maps(scenes.length, k, h, seed);
    const expected = networkDissect(m, scenes, { topFraction: 0.02 });
    const got = networkDissectFast(m, scenes, { topFraction: 0.02 });
    expect(got.units).toEqual(expected.units);
    expect(Array.from(got.iou)).toEqual(Array.from(expected.iou));
    expect(got.units.some((u) => u.iou > 0)).toBe(true);
  });

  it('dissects several layers in one pass like one at a time', () => {
    const a = maps(scenes.length, 6, 8, 21);
    const b = maps(scenes.length, 3, 4, 22);
    const [ra, rb] = networkDissectLayers([a, b], scenes);
    expect(ra!.units).toEqual(networkDissect(a, scenes).units);
    expect(rb!.units).toEqual(networkDissect(b, scenes).units);
  });

  it('names the mismatch when maps and scenes disagree', () => {
    const m = maps(10, 2, 4, 3);
    expect(() => networkDissectFast(m, scenes)).toThrow(/cover 10 images but 60 scenes/);
  });
});
