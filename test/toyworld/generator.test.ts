import { describe, expect, it } from 'vitest';
import {
  TOY_BACKGROUND_COLOURS,
  TOY_COLOURS,
  TOY_PATTERNS,
  TOY_POSITIONS,
  TOY_SHAPES,
  TOY_SIZES,
  TOY_SYNONYMS,
  TOY_VARIANTS,
  TOY_VOCABULARY,
  canonicalLabel,
  finalLayerAccuracy,
  generateScene,
  parseToyImageUri,
  parseToySpec,
  rasterizeLabels,
  renderScene,
  sceneLabel,
  sceneMasks,
  toyImageUri,
  toySpecUris,
} from '../../src/toyworld/index.js';

describe('toy vocabulary', () => {
  it('names at least 8 shapes and 8 colours, all distinct words', () => {
    expect(TOY_SHAPES.length).toBeGreaterThanOrEqual(8);
    expect(TOY_COLOURS.length).toBeGreaterThanOrEqual(8);
    expect(new Set(TOY_VOCABULARY).size).toBe(TOY_VOCABULARY.length);
    for (const group of [TOY_SHAPES, TOY_COLOURS, TOY_BACKGROUND_COLOURS, TOY_SIZES, TOY_POSITIONS, TOY_PATTERNS]) {
      for (const word of group) expect(TOY_VOCABULARY).toContain(word);
    }
  });

  it('gives each plural or synonym one toy word, and the benchmarks count it as that word', () => {
    expect(new Set(TOY_VARIANTS).size).toBe(TOY_VARIANTS.length);
    for (const v of TOY_VARIANTS) expect(TOY_VOCABULARY).not.toContain(v);
    for (const key of Object.keys(TOY_SYNONYMS)) expect(TOY_VOCABULARY).toContain(key);
    expect(TOY_SYNONYMS.circle).toContain('circles');
    expect(canonicalLabel(' Circles ')).toBe('circle');
    expect(canonicalLabel('gray')).toBe('grey');
    expect(canonicalLabel('big')).toBe('large');
    expect(canonicalLabel('star')).toBe('star');
    expect(canonicalLabel('House')).toBe('house');
    const labels = TOY_SHAPES.map((s, i) => (i % 2 === 0 ? (TOY_SYNONYMS[s]?.[0] ?? s) : s));
    expect(finalLayerAccuracy(labels).accuracy).toBe(1);
    expect(finalLayerAccuracy(['squares', ...TOY_SHAPES.slice(1)]).correct).toBe(TOY_SHAPES.length - 1);
  });
});

describe('generateScene / renderScene', () => {
  it('is deterministic in (seed, index) and does not depend on the set size', () => {
    const a = renderScene(generateScene(42, 17));
    const b = renderScene(generateScene(42, 17));
    expect(Buffer.from(a.rgb).equals(Buffer.from(b.rgb))).toBe(true);
    expect(toySpecUris(parseToySpec('toy:20:42'))[17]).toBe(toySpecUris(parseToySpec('toy:5000:42'))[17]);
    expect(toySpecUris(parseToySpec('toy:20:42'))[17]).toBe(toyImageUri(42, 17));
    // Different index or seed: a different image.
    expect(Buffer.from(renderScene(generateScene(42, 18)).rgb).equals(Buffer.from(a.rgb))).toBe(false);
    expect(Buffer.from(renderScene(generateScene(43, 17)).rgb).equals(Buffer.from(a.rgb))).toBe(false);
  });

  it('returns HWC RGB of the requested size', () => {
    const img = renderScene(generateScene(1, 0), 96);
    expect([img.width, img.height, img.rgb.length]).toEqual([96, 96, 96 * 96 * 3]);
  });

  it('draws one to three objects, the main one (objects[0]) strictly largest and uncovered', () => {
    const counts = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const scene = generateScene(5, i);
      counts.add(scene.objects.length);
      const [main, ...extras] = scene.objects;
      for (const o of extras) expect(o.radius).toBeLessThan(main!.radius);
      expect(main!.position).not.toBeNull();
      expect(sceneLabel(scene)).toBe(TOY_SHAPES.indexOf(main!.shape));
      // The main object owns at least a sizeable patch of pixels.
      const labels = rasterizeLabels(scene, 64);
      expect(labels.filter((l) => l === 0).length).toBeGreaterThan(30);
    }
    expect([...counts].sort()).toEqual([1, 2, 3]);
  });

  it('covers every shape, colour, position, size and pattern', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const s = generateScene(9, i);
      const m = s.objects[0]!;
      for (const w of [m.shape, m.colour, m.size, m.position!, s.background.pattern, s.background.colour]) seen.add(w);
    }
    for (const w of TOY_VOCABULARY) expect(seen, w).toContain(w);
  });

  it('writes a caption naming the main object, its place and the background', () => {
    for (let i = 0; i < 50; i++) {
      const s = generateScene(3, i);
      const m = s.objects[0]!;
      expect(s.caption.startsWith(`a ${m.size} ${m.colour} ${m.shape} `)).toBe(true);
      expect(s.caption).toContain(m.position === 'centre' ? 'in the centre' : `on the ${m.position}`);
      expect(s.caption).toContain(`${s.background.colour} background`);
      if (s.background.pattern !== 'plain') expect(s.caption).toContain(`with ${s.background.pattern}`);
      for (const o of s.objects.slice(1)) expect(s.caption).toContain(`and a small ${o.colour} ${o.shape}`);
    }
  });
});

describe('sceneMasks', () => {
  it('agrees with the rendered pixels', () => {
    for (let i = 0; i < 40; i++) {
      const scene = generateScene(11, i);
      const img = renderScene(scene, 64);
      const masks = sceneMasks(scene, 64);
      const pixel = (p: number) => [img.rgb[3 * p], img.rgb[3 * p + 1], img.rgb[3 * p + 2]];
      const main = scene.objects[0]!;
      const shapeMask = masks.get(main.shape)!;
      const positionMask = masks.get(main.position!)!;
      const background = masks.get(scene.background.pattern)!;
      let mainPixels = 0;
      const errors: string[] = [];
      for (let p = 0; p < 64 * 64; p++) {
        if (positionMask[p]) {
          // Position pixels are exactly the main object's: painted in its colour.
          mainPixels++;
          if (pixel(p).join() !== main.rgb.join()) errors.push(`pixel ${p} is ${pixel(p).join()}, not the main colour`);
          if (!shapeMask[p] || !masks.get(main.colour)![p] || background[p]) errors.push(`pixel ${p}: masks disagree`);
        }
        // Every pixel is either background or in exactly one object colour mask.
        const covered = background[p]! + TOY_COLOURS.reduce((s, c) => s + (masks.get(c)?.[p] ?? 0), 0);
        if (covered !== 1) errors.push(`pixel ${p} is covered ${covered} times`);
      }
      expect(errors.slice(0, 5)).toEqual([]);
      expect(mainPixels).toBeGreaterThan(30);
      expect(masks.get(scene.background.colour)).toEqual(background);
      // Absent concepts have no mask.
      for (const s of TOY_SHAPES) if (!scene.objects.some((o) => o.shape === s)) expect(masks.has(s)).toBe(false);
    }
  });

  it('renders a ring with a hole that shows the background', () => {
    let checked = 0;
    for (let i = 0; checked < 3 && i < 400; i++) {
      const scene = generateScene(21, i);
      const main = scene.objects[0]!;
      if (main.shape !== 'ring' || main.size !== 'large') continue;
      const masks = sceneMasks(scene, 64);
      const centre = Math.floor(main.cy * 64) * 64 + Math.floor(main.cx * 64);
      expect(masks.get('ring')![centre]).toBe(0);
      expect(masks.get(scene.background.pattern)![centre]).toBe(1);
      checked++;
    }
    expect(checked).toBe(3);
  });
});

describe('parseToySpec', () => {
  it('parses toy:COUNT:SEED and image uris', () => {
    expect(parseToySpec('toy:5000:42')).toEqual({ count: 5000, seed: 42 });
    expect(parseToyImageUri('toy:42/17')).toEqual({ seed: 42, index: 17 });
    expect(toyImageUri(42, 17)).toBe('toy:42/17');
  });

  it('rejects bad specs with a message naming the spec', () => {
    expect(() => parseToySpec('toy:abc:1')).toThrow(/invalid toy probe-set spec "toy:abc:1": expected toy:COUNT:SEED/);
    expect(() => parseToySpec('toy:0:1')).toThrow(/COUNT must be >= 1/);
    expect(() => parseToySpec('images/')).toThrow(/invalid toy probe-set spec/);
    expect(() => parseToyImageUri('toy:42')).toThrow(/invalid toy image uri "toy:42"/);
  });
});
