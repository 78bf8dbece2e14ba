import { describe, expect, it } from 'vitest';
import { generateScene, networkDissect, quantile, sceneMasks, upsampleBilinear, type ToyScene } from '../../src/toyworld/index.js';

const N = 40;
const scenes: ToyScene[] = Array.from({ length: N }, (_, i) => generateScene(13, i));

/** Maps [N, K, size, size] where unit u is given by make(u, sceneIndex, pixel). */
function maps(k: number, size: number, make: (u: number, i: number, masks: Map<string, Uint8Array>, p: number) => number) {
  const data = new Float32Array(N * k * size * size);
  scenes.forEach((scene, i) => {
    const masks = sceneMasks(scene, 64); // masks at full resolution; units may be coarser
    for (let u = 0; u < k; u++) for (let p = 0; p < size * size; p++) data[(i * k + u) * size * size + p] = make(u, i, masks, p);
  });
  return { data, n: N, k, h: size, w: size };
}

describe('networkDissect', () => {
  it('labels a unit that equals a concept mask with that concept at IoU 1', () => {
    const concepts = ['stripes', 'circle', 'red'];
    const m = maps(3, 64, (u, _i, masks, p) => masks.get(concepts[u]!)?.[p] ?? 0);
    const result = networkDissect(m, scenes, { maskSize: 64 });
    for (let u = 0; u < 3; u++) {
      expect(result.units[u]!.concept).toBe(concepts[u]);
      expect(result.units[u]!.iou).toBeCloseTo(1, 6);
    }
    // The IoU matrix row of unit 0 is exactly 1 on its concept and < 1 elsewhere.
    const row = Array.from(result.iou.subarray(0, result.concepts.length));
    expect(row.filter((v) => v > 0.999)).toHaveLength(1);
  });

  it('recovers a concept from a low-resolution, noisy unit through bilinear upsampling', () => {
    // Unit 0: "left" mask average-pooled to 16x16, plus small noise; unit 1: pure noise.
    let state = 1;
    const noise = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 0.05;
    const m = maps(2, 16, (u, _i, masks, p) => {
      if (u === 1) return noise();
      const mask = masks.get('left');
      if (!mask) return noise();
      const y = Math.floor(p / 16);
      const x = p % 16;
      let sum = 0;
      for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) sum += mask[(y * 4 + dy) * 64 + x * 4 + dx]!;
      return sum / 16 + noise();
    });
    const result = networkDissect(m, scenes, { maskSize: 64, topFraction: 0.02 });
    expect(result.units[0]!.concept).toBe('left');
    expect(result.units[0]!.iou).toBeGreaterThan(0.1);
    expect(result.units[1]!.iou).toBeLessThan(result.units[0]!.iou);
  });

  it('rejects maps whose shape does not match', () => {
    expect(() => networkDissect({ data: new Float32Array(10), n: N, k: 1, h: 4, w: 4 }, scenes)).toThrow(/expected n\*k\*h\*w/);
    expect(() => networkDissect({ data: new Float32Array(16), n: 1, k: 1, h: 4, w: 4 }, scenes)).toThrow(/40 scenes/);
  });
});

describe('helpers', () => {
  it('quantile interpolates like numpy', () => {
    expect(quantile(Float32Array.from([4, 1, 3, 2]), 0.5)).toBeCloseTo(2.5);
    expect(quantile(Float32Array.from([0, 10]), 0.995)).toBeCloseTo(9.95);
  });

  it('upsampleBilinear matches torch.nn.functional.interpolate(align_corners=False)', () => {
    // torch: F.interpolate(tensor([[[[0,1],[2,3]]]]), size=4, mode='bilinear', align_corners=False)
    const expected = [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3];
    expect(Array.from(upsampleBilinear(Float32Array.from([0, 1, 2, 3]), 2, 2, 4))).toEqual(expected);
  });
});
