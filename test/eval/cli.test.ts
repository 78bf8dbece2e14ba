/**
 * `atlas eval` and `atlas netdissect` through the command line (in process), on a small toy probe
 * set and a temp atlas. One dissected atlas is shared by the tests of this file (dissecting is
 * the slow part).
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalLabel, TOY_SHAPES, TOY_VOCABULARY } from '../../src/toyworld/index.js';
import { atlas } from '../support/cli.js';
import { tempAtlas } from '../support/temp-atlas.js';
import { smallConceptFile, toyClip, toyModel } from './helpers.js';

const PROBE = 'toy:300:7';
let dir = '';
let env: Record<string, string> = {};
let clipRunId = 0;

beforeAll(async () => {
  ({ dir, env } = await tempAtlas('atlas-eval-test-'));
  expect(existsSync(toyModel('resnet-v1')), 'models/toy/resnet-v1.onnx is part of the repository').toBe(true);
  const concepts = smallConceptFile(dir);
  const d = await atlas(
    ['dissect', '--model', toyModel('resnet-v1'), '--layers', 'layer3,fc', '--clip', toyClip, '--probe', PROBE, '--concepts', concepts, '--quiet', '--json'],
    env,
  );
  expect(d.code, d.stderr).toBe(0);
  clipRunId = (JSON.parse(d.stdout) as { runId: number }).runId;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atlas eval', () => {
  it('prints the required figures as one JSON object, each in [0, 1]', async () => {
    const r = await atlas(['eval', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.runId).toBe(clipRunId);
    for (const key of ['finalLayerAccuracy', 'finalLayerAccuracyClassNames', 'meanLabelCosine']) {
      const v = out[key] as number;
      expect(typeof v, key).toBe('number');
      expect(v, key).toBeGreaterThanOrEqual(0);
      expect(v, key).toBeLessThanOrEqual(1);
    }
    // Truth metrics of the hidden layer: AUROCs in [0, 1], the label's below the ceiling, the shuffled floor near chance.
    type Truth = { units: number; labelAuroc: number; bestAuroc: number; shuffledAuroc: number; ndDetectors: number };
    const truth = (out.hiddenTruth as Record<string, { run: Truth; hidden: Truth }>).layer3!;
    for (const m of [truth.run, truth.hidden]) {
      expect(m.units).toBe(64);
      expect(m.labelAuroc).toBeGreaterThanOrEqual(0);
      expect(m.labelAuroc).toBeLessThanOrEqual(m.bestAuroc + 1e-9);
      expect(m.bestAuroc).toBeLessThanOrEqual(1);
      expect(Math.abs(m.shuffledAuroc - 0.5)).toBeLessThan(0.15);
      expect(m.ndDetectors).toBeGreaterThanOrEqual(0);
    }
    // The hidden-layer preset's labels tell more truth than the reference's on the toy ResNet.
    expect(truth.hidden.labelAuroc).toBeGreaterThan(truth.run.labelAuroc);
    const hidden = out.hiddenAgreement as Record<string, number>;
    expect(Object.keys(hidden)).toEqual(['layer3']);
    expect(hidden.layer3).toBeGreaterThanOrEqual(0);
    expect(hidden.layer3).toBeLessThanOrEqual(1);
    // The toy ResNet's logits are its classes: even 300 probe images recover most of them.
    expect(out.finalLayerAccuracyClassNames).toBeGreaterThanOrEqual(0.75);
    const units = out.finalUnits as { className: string }[];
    expect(units.map((u) => u.className)).toEqual([...TOY_SHAPES]);
  });

  it('prints a table naming the final layer and the hidden layers', async () => {
    const r = await atlas(['eval', '--run', String(clipRunId)], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/final layer fc:/);
    expect(r.stdout).toMatch(/accuracy \(class names only\)\s+\d+\.\d%/);
    expect(r.stdout).toMatch(/layer3\s+\d+\.\d%/);
  });

  it('gives a clear error for a run that does not exist or is not a clip-dissect run', async () => {
    const missing = await atlas(['eval', '--run', '999', '--json'], env);
    // (a netdissect run given to eval is refused too: see netdissect-run.test.ts)
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/run 999 is not a complete run in the atlas; complete runs: .*clip-dissect resnet-v1/);
    const bad = await atlas(['eval', '--run', 'abc'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--run must be a positive integer, got abc/);
  });
});

describe('atlas eval on a model with supervised channels (resnet-sup)', () => {
  let supRunId = 0;
  beforeAll(async () => {
    expect(existsSync(toyModel('resnet-sup')), 'models/toy/resnet-sup.onnx is part of the repository').toBe(true);
    const d = await atlas(
      ['dissect', '--model', toyModel('resnet-sup'), '--layers', 'layer3,fc', '--clip', toyClip, '--probe', PROBE, '--concepts', smallConceptFile(dir), '--name', 'resnet-sup', '--quiet', '--json'],
      env,
    );
    expect(d.code, d.stderr).toBe(0);
    supRunId = (JSON.parse(d.stdout) as { runId: number }).runId;
  });

  it('scores every labelling method on the channels trained to detect a toy word', async () => {
    const r = await atlas(['eval', '--run', String(supRunId), '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    type Method = { method: string; preset: string; stored: boolean; units: number; top1: number; top5: number; confidentCoverage: number; confidentRight: number | null };
    const out = JSON.parse(r.stdout) as { supervised: { units: { layer: string; concept: string; label: string; right: boolean }[]; methods: Method[]; concepts: number } };
    const sup = out.supervised;
    expect(sup.units.length).toBeGreaterThanOrEqual(32);
    expect(sup.units.every((u) => u.layer === 'layer3' && u.label !== '')).toBe(true);
    expect(sup.concepts).toBeGreaterThan(TOY_VOCABULARY.length);
    const rows = sup.methods.map((m) => `${m.method}/${m.preset}/${m.stored ? 'stored' : 'rescored'}`);
    expect(rows).toEqual([
      'soft_wpmi/reference/stored',
      'soft_wpmi/reference/rescored',
      'wpmi/reference/rescored',
      'cos_similarity/reference/rescored',
      'cos_similarity_cubed/reference/rescored',
      'rank_reorder/reference/rescored',
      'cos_similarity/hidden/rescored',
      'soft_wpmi/final/rescored',
      'netdissect/reference/stored',
    ]);
    for (const m of sup.methods) {
      expect(m.units).toBe(sup.units.length);
      expect(m.top1).toBeGreaterThanOrEqual(0);
      expect(m.top1).toBeLessThanOrEqual(m.top5);
      expect(m.top5).toBeLessThanOrEqual(1);
      // Every label carries a confidence, so the confident share is measured for every method.
      expect(m.confidentCoverage).toBeGreaterThanOrEqual(0);
      expect(m.confidentCoverage).toBeLessThanOrEqual(1);
      if (m.confidentCoverage > 0) expect(m.confidentRight).toBeGreaterThanOrEqual(0);
      else expect(m.confidentRight).toBeNull();
    }
    // A unit is right when its label is its concept, or a plural or synonym of it.
    for (const u of sup.units) expect(u.right).toBe(canonicalLabel(u.label) === u.concept);
    // The stored labels are the rescored reference ones, and the hidden preset reads most trained channels right.
    const row = (method: string, preset: string, stored: boolean) => sup.methods.find((m) => m.method === method && m.preset === preset && m.stored === stored)!;
    expect(row('soft_wpmi', 'reference', true).top1).toBeCloseTo(row('soft_wpmi', 'reference', false).top1, 6);
    expect(row('cos_similarity', 'hidden', false).top1).toBeGreaterThanOrEqual(0.7);
  });

  it('prints the supervised channels as a table', async () => {
    const r = await atlas(['eval', '--run', String(supRunId)], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/supervised channels \(33 in layer3/);
    expect(r.stdout).toMatch(/cos_similarity\s+hidden\s+rescored\s+33\s+\d\.\d{3}\s+\d\.\d{3}/);
  });
});

describe('atlas netdissect', () => {
  it('stores a run over the CLI and reports its layers', async () => {
    const r = await atlas(['netdissect', '--model', toyModel('resnet-v1'), '--layers', 'layer2', '--probe', 'toy:100:3', '--quiet', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { runId: number; layers: { name: string; units: number }[] };
    expect(out.layers).toMatchObject([{ name: 'layer2', units: 32 }]);
    const runs = await atlas(['db', 'runs'], env);
    expect(runs.stdout).toMatch(new RegExp(`\\b${out.runId}\\b.*netdissect`));
  });
});
