/**
 * `atlas eval --planted` through the command line (in process), on a small setting: 200 images,
 * the 33 toy words as concepts, one seed. The benchmark needs no atlas.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerTruth } from '../../src/services/evaluate/layer-truth.js';
import { TOY_SYNONYMS, TOY_VOCABULARY } from '../../src/toyworld/index.js';
import { atlas } from '../support/cli.js';

interface Row {
  method: string;
  preset: string;
  kind: string;
  noise: number;
  units: number;
  top1: number;
  top5: number;
  chance: number;
  chanceTop5: number;
}

interface Calibration {
  method: string;
  preset: string;
  recommended: boolean;
  units: number;
  threshold: number;
  confident: number;
  precision: number | null;
  coverage: number;
  accuracy: number;
  bins: { from: number; to: number; count: number; predicted: number | null; observed: number | null }[];
}

const SMALL = ['eval', '--planted', '--images', '200', '--concepts', 'builtin:toy', '--seeds', '1', '--json'];

describe('atlas eval --planted', () => {
  it('scores every method on every kind of planted unit, deterministically, and names its recommendation', async () => {
    const [a, b] = [await atlas(SMALL), await atlas(SMALL)];
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const first = JSON.parse(a.stdout) as {
      rows: Row[];
      recommended: { method: string; preset: string; rows: Row[] };
      calibration: Calibration[];
      seeds: number[];
      seconds: number;
    };
    const second = JSON.parse(b.stdout) as typeof first;
    expect({ ...first, seconds: 0 }).toEqual({ ...second, seconds: 0 });
    expect(first.seeds).toEqual([1]);

    const methods = new Set(first.rows.map((r) => `${r.method}/${r.preset}`));
    for (const m of ['soft_wpmi/reference', 'soft_wpmi/final', 'wpmi/reference', 'cos_similarity/reference', 'cos_similarity_cubed/reference', 'rank_reorder/reference', 'netdissect/reference']) {
      expect(methods, m).toContain(m);
    }
    for (const kind of ['image', 'spatial', 'and', 'or']) {
      expect(new Set(first.rows.filter((r) => r.kind === kind && r.method === 'soft_wpmi').map((r) => r.noise))).toEqual(new Set([0, 0.5, 1, 2]));
    }
    // Network Dissection is scored on the spatial units only, whose maps come from the masks.
    expect(new Set(first.rows.filter((r) => r.method === 'netdissect').map((r) => r.kind))).toEqual(new Set(['spatial']));
    for (const r of first.rows) {
      expect(r.top5, `${r.method} ${r.kind}`).toBeGreaterThanOrEqual(r.top1);
      expect(r.chance).toBeGreaterThan(0);
      expect(r.chance).toBeLessThan(0.1);
    }
    // A noiseless image-level unit is found far above chance by the recommended configuration.
    const clean = first.recommended.rows.find((r) => r.kind === 'image' && r.noise === 0)!;
    expect(first.recommended.preset).toBe('hidden');
    expect(clean.top1).toBeGreaterThanOrEqual(0.9);
    expect(clean.units).toBe(33);
    // and noise hurts: at noise 2 soft_wpmi's reference setting finds fewer.
    const sw = (noise: number) => first.rows.find((r) => r.method === 'soft_wpmi' && r.preset === 'reference' && r.kind === 'image' && r.noise === noise)!.top1;
    expect(sw(2)).toBeLessThan(sw(0));

    // Confidence calibration: one entry per method and preset, the recommended one first, each
    // with ten bins that count every unit once; the confident labels are mostly right.
    expect(first.calibration[0]).toMatchObject({ method: 'cos_similarity', preset: 'hidden', recommended: true, threshold: 0.8 });
    expect(new Set(first.calibration.map((c) => `${c.method}/${c.preset}`))).toEqual(methods);
    for (const c of first.calibration) {
      expect(c.bins).toHaveLength(10);
      expect(c.bins.reduce((s, b) => s + b.count, 0)).toBe(c.units);
      expect(c.bins.filter((b) => b.from >= 0.8).reduce((s, b) => s + b.count, 0)).toBe(c.confident);
      expect(c.coverage).toBeCloseTo(c.confident / c.units, 3);
      for (const b of c.bins) {
        if (b.count === 0) continue;
        expect(b.predicted!).toBeGreaterThanOrEqual(b.from);
        expect(b.predicted!).toBeLessThanOrEqual(b.to);
        expect(b.observed!).toBeGreaterThanOrEqual(0);
        expect(b.observed!).toBeLessThanOrEqual(1);
      }
    }
    // (the calibrators are fitted on ~10,000 concepts; over the 33 toy words alone cos_similarity's
    // confidences are low, but those at 0.8 or more are still right)
    const rec = first.calibration[0]!;
    expect(rec.confident).toBeGreaterThan(0);
    expect(rec.precision!).toBeGreaterThanOrEqual(0.9);
  });

  it('prints the calibration curve and the confident labels per method', async () => {
    const r = await atlas(SMALL.filter((a) => a !== '--json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/label confidence \(top-1 labels.*\): right among confidence >= 0\.8, and their coverage/);
    expect(r.stdout).toMatch(/^ {2}cos_similarity +hidden +\d+ +[\d.]+ +\d+ +[\d.]+ +[\d.]+$/m);
    expect(r.stdout).toMatch(/calibration curve, cos_similarity \(hidden\)/);
    expect(r.stdout).toMatch(/^ {2}0\.9-1\.0 +\d+/m);
  });

  it('names the toy models when asked for another, and refuses too few images', async () => {
    const r = await atlas(['eval', '--planted', '--model', 'nope', '--json']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--model nope: not a toy model; expected one of .*resnet-v1/);
    const few = await atlas(['eval', '--planted', '--images', '50']);
    expect(few.code).not.toBe(0);
    expect(few.stderr).toMatch(/--images must be at least 200/);
  });
});

describe('plurals and synonyms count as their toy word', () => {
  it('in the planted benchmark: with each toy word replaced by its first variant as the concept, clean units are still named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-planted-syn-'));
    try {
      const file = join(dir, 'variants.txt');
      writeFileSync(file, `${TOY_VOCABULARY.map((w) => TOY_SYNONYMS[w]?.[0] ?? w).join('\n')}\n`);
      const r = await atlas(['eval', '--planted', '--images', '200', '--concepts', file, '--seeds', '1', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { recommended: { rows: Row[] } };
      const clean = out.recommended.rows.find((row) => row.kind === 'image' && row.noise === 0)!;
      expect(clean.chance).toBeGreaterThan(0);
      expect(clean.top1).toBeGreaterThanOrEqual(0.8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('in the per-layer truth metrics: a label "circles" is scored as circle', () => {
    // Four images, one unit that fires most on the two holding a circle.
    const concepts = ['circle', 'square'];
    const presence = { n: 4, concepts, data: Uint8Array.from([1, 0, 0, 1, 1, 0, 0, 1]) };
    const acts = { rows: 4, cols: 1, data: Float32Array.from([3, 0, 2, 1]) };
    for (const label of ['circle', 'Circles', 'round']) {
      const t = layerTruth(acts, presence, [label], [{ text: 'circle', iou: 0.2 }]);
      expect(t.toyLabelled, label).toBe(1);
      expect(t.labelAuroc, label).toBe(1);
      expect(t.ndAgreement, label).toBe(1);
    }
    expect(layerTruth(acts, presence, ['house']).labelAuroc).toBe(0.5);
  });
});
