import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bestCorrelationMatches } from '../../src/compute/compare/index.js';
import { normaliseLabel } from '../../src/compute/compare/labels.js';
import { importAtlas } from '../../src/services/import.js';
import { drivers, openTestAtlas, type TestAtlas } from '../store/helpers.js';
import { CLASSES, errorCode, ok, startClient, writeQueryAtlas, type Client } from './helpers.js';

interface Comparison {
  matchedBy: string;
  agreement: number;
  meanLabelSimilarity: number | null;
  probeSet: { name: string } | null;
  normalisedAgreement: number;
  aRun: { id: string; method: string } | null;
  bRun: { id: string; method: string } | null;
  matches: { unit: number; label: string; matchUnit: number; matchLabel: string; correlation: number | null; labelSimilarity: number | null; sameLabel: boolean; sameNormalisedLabel: boolean }[];
  changed: { unit: number; label: string; matchLabel: string }[];
}

const COMPARE = `query($a: ModelRef!, $b: ModelRef!, $layer: String!) { compareModels(a: $a, b: $b, layer: $layer) {
  matchedBy agreement normalisedAgreement meanLabelSimilarity probeSet { name } aRun { id method } bRun { id method }
  matches { unit label matchUnit matchLabel correlation labelSimilarity sameLabel sameNormalisedLabel } changed { unit label matchLabel } } }`;

describe('Pearson matching', () => {
  it('matches each column of A to the most correlated column of B', () => {
    const n = 50;
    const a = { rows: n, cols: 3, data: new Float32Array(n * 3) };
    const b = { rows: n, cols: 3, data: new Float32Array(n * 3) };
    for (let i = 0; i < n; i++) {
      const x = [Math.sin(i), Math.cos(i * 0.7), (i % 7) - 3];
      x.forEach((v, j) => (a.data[i * 3 + j] = v));
      // B = A's columns permuted (2, 0, 1), scaled and shifted: correlation 1 whatever the scale.
      b.data[i * 3 + 0] = 3 * x[1]! + 10;
      b.data[i * 3 + 1] = -0.5 * x[2]! * -1;
      b.data[i * 3 + 2] = 2 * x[0]! - 1;
    }
    const m = bestCorrelationMatches(a, b);
    expect(m.map((x) => x.unit)).toEqual([2, 0, 1]);
    m.forEach((x) => expect(x.correlation).toBeCloseTo(1, 6));
    expect(() => bestCorrelationMatches(a, { rows: 3, cols: 3, data: new Float32Array(9) })).toThrow(/same images/);
  });
});

describe('label normalisation', () => {
  it('folds case, plurals, Broden suffixes and separators', () => {
    expect(['Dogs', 'dog-s', ' DOG ', 'airport_terminal-s', 'Skies', 'red-c', 'glasses', 'striped', 'x-ray', 'traffic lights'].map(normaliseLabel)).toEqual(
      ['dog', 'dog', 'dog', 'airport terminal', 'sky', 'red', 'glass', 'striped', 'x ray', 'traffic light'],
    );
  });
});

describe.each(drivers)('compareModels over HTTP on %s', (driver) => {
  let atlas: TestAtlas;
  let client: Client;
  /** net@1's two clip-dissect runs on l1: placeholder labels, then class labels. */
  let placeholderRun: number;
  let classRun: number;

  beforeAll(async () => {
    atlas = await openTestAtlas(driver);
    // v1: unit u fires for class unitClass[u]; v2 the same classes on permuted units, with other noise.
    placeholderRun = (await writeQueryAtlas(atlas.store, { version: '1', unitClass: [0, 1, 2, 3, 4, 5], seed: 1 })).runId;
    const v2 = await writeQueryAtlas(atlas.store, { version: '2', unitClass: [3, 4, 5, 0, 1, 2], seed: 2 });
    // v2's l1 gets class labels; one of them "wrong" (unit 0 fires for dog but is called tree).
    const { id: conceptSetId } = await atlas.store.conceptSets.upsert({ name: 'classes', concepts: CLASSES });
    const run = await atlas.store.runs.begin({ modelId: v2.modelId, clipModelId: v2.clipModelId, probeSetId: v2.probeSetId, conceptSetId, parameters: { method: 'clip-dissect' } });
    await atlas.store.runs.writeLayer(run, {
      layer: { name: 'l1', kind: 'conv', units: 6 },
      labels: [5, 4, 5, 0, 1, 2].map((c) => [{ concept: c, score: 0.9 }]),
      topImages: [0, 1, 2, 3, 4, 5].map(() => []),
    });
    await atlas.store.runs.complete(run);
    // v1's l1 with class labels too (placeholders otherwise).
    const v1Model = (await atlas.store.models.idOf('net', '1'))!;
    const run1 = await atlas.store.runs.begin({ modelId: v1Model, clipModelId: v2.clipModelId, probeSetId: v2.probeSetId, conceptSetId, parameters: { method: 'clip-dissect' } });
    await atlas.store.runs.writeLayer(run1, {
      layer: { name: 'l1', kind: 'conv', units: 6 },
      labels: [0, 1, 2, 3, 4, 5].map((c) => [{ concept: c, score: 0.9 }]),
      topImages: [0, 1, 2, 3, 4, 5].map(() => []),
    });
    await atlas.store.runs.complete(run1);
    classRun = run1;
    client = await startClient(atlas.store);
  });
  afterAll(async () => {
    await client?.server.stop();
    await atlas?.cleanup();
  });

  it('matches neurons by activation correlation over the shared probe set and compares their labels', async () => {
    const c = ok(await client.gql(COMPARE, { a: { name: 'net', version: '1' }, b: { name: 'net', version: '2' }, layer: 'l1' })).compareModels as Comparison;
    expect(c.matchedBy).toBe('ACTIVATION_CORRELATION');
    expect(c.probeSet).toEqual({ name: 'probe' });
    // Unit u of v1 (class u) matches the v2 unit firing for class u: v2 unitClass [3,4,5,0,1,2].
    expect(c.matches.map((m) => m.matchUnit)).toEqual([3, 4, 5, 0, 1, 2]);
    c.matches.forEach((m) => expect(m.correlation!).toBeGreaterThan(0.9));
    expect(c.matches.map((m) => m.label)).toEqual(CLASSES);
    expect(c.matches.map((m) => m.matchLabel)).toEqual(['red', 'green', 'blue', 'tree', 'cat', 'tree']);
    expect(c.agreement).toBeCloseTo(5 / 6, 10);
    expect(c.changed).toEqual([{ unit: 3, label: 'dog', matchLabel: 'tree' }]);
    const same = c.matches.filter((m) => m.sameLabel);
    same.forEach((m) => expect(m.labelSimilarity!).toBeCloseTo(1, 5));
    expect(c.matches[3]!.labelSimilarity!).toBeLessThan(0.999);
    expect(c.meanLabelSimilarity!).toBeGreaterThan(0.5);
  });

  it('matches by unit when there are no shared activations (imported atlases), and refuses what cannot be matched', async () => {
    await importAtlas(atlas.store, { format: 'milan', csv: 'layer,unit,description\nl1,0,red\nl1,1,blue\n', file: 'a.csv', model: 'imp', version: 'a' });
    await importAtlas(atlas.store, { format: 'milan', csv: 'layer,unit,description\nl1,0,red\nl1,1,green\n', file: 'b.csv', model: 'imp', version: 'b' });
    const c = ok(await client.gql(COMPARE, { a: { name: 'imp', version: 'a' }, b: { name: 'imp', version: 'b' }, layer: 'l1' })).compareModels as Comparison;
    expect(c.matchedBy).toBe('UNIT_INDEX');
    expect(c.probeSet).toBeNull();
    expect(c.matches.map((m) => [m.unit, m.matchUnit, m.correlation, m.sameLabel])).toEqual([
      [0, 0, null, true],
      [1, 1, null, false],
    ]);
    expect(c.agreement).toBe(0.5);
    expect(c.changed).toEqual([{ unit: 1, label: 'blue', matchLabel: 'green' }]);
    await importAtlas(atlas.store, { format: 'milan', csv: 'layer,unit,description\nl1,2,red\n', file: 'c.csv', model: 'imp', version: 'c' });
    const bad = await client.gql(COMPARE, { a: { name: 'imp', version: 'a' }, b: { name: 'imp', version: 'c' }, layer: 'l1' });
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.body.errors![0]!.message).toMatch(/has 2 units in imp@a and 3 in imp@c/);
    expect(errorCode(await client.gql(COMPARE, { a: { name: 'imp', version: 'a' }, b: { name: 'net', version: '1' }, layer: 'zz' }))).toBe('NOT_FOUND');
  });

  it('compares two methods on one model (each neuron with itself), with agreement after normalising labels', async () => {
    // Network Dissection's Broden names for net@1's l1 (units from 1): suffixes, plurals, case; unit 5 differs.
    await importAtlas(atlas.store, {
      format: 'netdissect',
      csv: 'unit,category,label,score\n1,color,red-c,0.1\n2,object,Greens,0.1\n3,color,blue-c,0.1\n4,object,dogs,0.1\n5,object,car,0.1\n6,object,trees,0.1\n',
      file: 'nd.csv',
      model: 'net',
      version: '1',
      layer: 'l1',
    });
    const c = ok(
      await client.gql(COMPARE, { a: { name: 'net', version: '1', method: 'clip-dissect' }, b: { name: 'net', version: '1', method: 'netdissect' }, layer: 'l1' }),
    ).compareModels as Comparison;
    expect(c.matchedBy).toBe('SAME_LAYER');
    expect([c.aRun!.method, c.bRun!.method]).toEqual(['clip-dissect', 'netdissect']);
    expect(c.aRun!.id).toBe(String(classRun));
    expect(c.matches.map((m) => [m.unit, m.matchUnit, m.correlation])).toEqual([0, 1, 2, 3, 4, 5].map((u) => [u, u, 1]));
    expect(c.matches.map((m) => m.matchLabel)).toEqual(['red-c', 'Greens', 'blue-c', 'dogs', 'car', 'trees']);
    expect(c.agreement).toBe(0);
    expect(c.matches.map((m) => m.sameNormalisedLabel)).toEqual([true, true, true, true, false, true]);
    expect(c.normalisedAgreement).toBeCloseTo(5 / 6, 10);
    // The imported labels are embedded with the clip-dissect run's CLIP model for the label similarity.
    expect(c.meanLabelSimilarity).not.toBeNull();
    c.matches.forEach((m) => expect(m.labelSimilarity).not.toBeNull());
  });

  it('compares two runs named by id, and names what does not fit', async () => {
    const c = ok(
      await client.gql(COMPARE, { a: { name: 'net', version: '1', run: String(placeholderRun) }, b: { name: 'net', version: '1', run: String(classRun) }, layer: 'l1' }),
    ).compareModels as Comparison;
    expect(c.matchedBy).toBe('SAME_LAYER');
    expect([c.aRun!.id, c.bRun!.id]).toEqual([String(placeholderRun), String(classRun)]);
    expect(c.matches.map((m) => [m.label, m.matchLabel])).toEqual(CLASSES.map((k, u) => [`placeholder-${u}`, k]));
    expect([c.agreement, c.normalisedAgreement]).toEqual([0, 0]);
    // A run of another version, and a method without a run, are refused naming them.
    const other = await client.gql(COMPARE, { a: { name: 'net', version: '2', run: String(classRun) }, b: { name: 'net', version: '1' }, layer: 'l1' });
    expect(errorCode(other)).toBe('NOT_FOUND');
    expect(other.body.errors![0]!.message).toMatch(new RegExp(`no complete run ${classRun} on model net@2`));
    const milan = await client.gql(COMPARE, { a: { name: 'net', version: '2', method: 'milan' }, b: { name: 'net', version: '1' }, layer: 'l1' });
    expect(errorCode(milan)).toBe('NOT_FOUND');
    expect(milan.body.errors![0]!.message).toMatch(/no complete milan run covers layer l1 of net@2/);
  });
});
