import { describe, expect, it } from 'vitest';
import { histogram, quantile, unitStats } from '../../src/compute/stats/index.js';
import { importAtlas } from '../../src/services/import.js';
import { drivers } from '../store/helpers.js';
import { errorCode, ok, servedAtlas, writeQueryAtlas, type QueryAtlas } from './helpers.js';

interface Stats {
  probeSet: { name: string };
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  sparsity: number;
  quantiles: { p: number; value: number }[];
  histogram: { lo: number; hi: number; count: number }[];
}

const STATS = `stats { probeSet { name } count mean std min max sparsity quantiles(p: [0, 0.5, 0.9, 1]) { p value } histogram(bins: 4) { lo hi count } }`;

/** The column of one unit, as the test computes it. */
function column(q: QueryAtlas, unit: number): number[] {
  const k = q.unitClass.length;
  return Array.from({ length: q.images }, (_, i) => q.acts.data[i * k + unit]!);
}

describe('activation statistics (compute)', () => {
  it('matches a direct computation: numpy-style quantiles, equal-width histogram, sparsity as the share of values <= 0', () => {
    const m = { rows: 5, cols: 2, data: new Float32Array([3, 0, -1, 0, 0, 1, 2, 0, 6, 0]) };
    const s = unitStats(m, 0);
    expect([s.count, s.mean, s.min, s.max, s.sparsity]).toEqual([5, 2, -1, 6, 0.4]);
    expect(s.std).toBeCloseTo(Math.sqrt((1 + 9 + 4 + 0 + 16) / 5), 12);
    // numpy.quantile([-1, 0, 2, 3, 6], [0.1, 0.5, 0.75]) = [-0.6, 2, 3]
    expect([0.1, 0.5, 0.75].map((p) => quantile(s.sorted, p))).toEqual([expect.closeTo(-0.6, 12), 2, 3]);
    // numpy.histogram([-1, 0, 2, 3, 6], bins=7) counts [1, 1, 0, 1, 1, 0, 1]
    expect(histogram(s.sorted, 7).map((b) => b.count)).toEqual([1, 1, 0, 1, 1, 0, 1]);
    // A unit that never fires: sparsity 1, every value in the first bin.
    const dead = unitStats(m, 1);
    expect(dead.sparsity).toBe(0.8);
    expect(histogram(dead.sorted, 3).map((b) => b.count)).toEqual([4, 0, 1]);
    expect(histogram(unitStats({ rows: 2, cols: 1, data: new Float32Array([0, 0]) }, 0).sorted, 3).map((b) => b.count)).toEqual([2, 0, 0]);
  });
});

describe.each(drivers)('neuron { stats } over HTTP on %s', (driver) => {
  let q: QueryAtlas;
  const served = servedAtlas(driver, async (store) => {
    q = await writeQueryAtlas(store);
    await importAtlas(store, { format: 'milan', csv: 'layer,unit,description\nl1,0,red\n', file: 'a.csv', model: 'imported', version: 'a' });
  });

  it('gives each neuron of a page the distribution of its stored activations, with one activation read per layer', async () => {
    const embeddings = served.atlas.store.embeddings;
    const original = embeddings.cachedActivations.bind(embeddings);
    let reads = 0;
    embeddings.cachedActivations = (...args) => {
      reads++;
      return original(...args);
    };
    let page: { edges: { node: { unit: number; stats: Stats } }[] };
    try {
      const data = ok(await served.client.gql(`{ neurons(model: "net", layer: "l1") { edges { node { unit ${STATS} } } } }`));
      page = data.neurons as typeof page;
    } finally {
      embeddings.cachedActivations = original;
    }
    expect(reads).toBe(1);
    expect(page.edges).toHaveLength(6);
    for (const { node } of page.edges) {
      const values = column(q, node.unit).sort((a, b) => a - b);
      const n = values.length;
      const mean = values.reduce((s, v) => s + v, 0) / n;
      const s = node.stats;
      expect(s.probeSet.name).toBe('probe');
      expect(s.count).toBe(60);
      expect(s.mean).toBeCloseTo(mean, 5);
      expect(s.std).toBeCloseTo(Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / n), 5);
      expect([s.min, s.max]).toEqual([values[0], values[n - 1]]);
      expect(s.sparsity).toBe(values.filter((v) => v <= 0).length / n);
      const median = (values[29]! + values[30]!) / 2;
      expect(s.quantiles.map((x) => x.p)).toEqual([0, 0.5, 0.9, 1]);
      expect(s.quantiles[0]!.value).toBe(values[0]);
      expect(s.quantiles[1]!.value).toBeCloseTo(median, 5);
      expect(s.quantiles[3]!.value).toBe(values[n - 1]);
      // Ten images of the unit's class fire at 5 + noise, the other fifty at noise in [0, 1).
      expect(s.histogram.map((b) => b.count)).toEqual([50, 0, 0, 10]);
      expect(s.histogram[0]!.lo).toBe(values[0]);
      expect(s.histogram[3]!.hi).toBe(values[n - 1]);
    }
  });

  it('is null without stored activations, and refuses bad arguments naming them', async () => {
    const data = ok(await served.client.gql(`{ neuron(model: "imported", layer: "l1", unit: 0) { label stats { mean } } }`));
    expect(data.neuron).toEqual({ label: 'red', stats: null });
    const bins = await served.client.gql(`{ neuron(model: "net", layer: "l1", unit: 0) { stats { histogram(bins: 0) { count } } } }`);
    expect(errorCode(bins)).toBe('BAD_USER_INPUT');
    expect(bins.body.errors![0]!.message).toMatch(/`bins` must be 1 to 200, got 0/);
    const p = await served.client.gql(`{ neuron(model: "net", layer: "l1", unit: 0) { stats { quantiles(p: [0.5, 1.5]) { value } } } }`);
    expect(p.body.errors![0]!.message).toMatch(/`p` must hold probabilities in \[0, 1\], got 1.5/);
  });
});
