/** Network Dissection runs stored through the write API (in process, an atlas copied from the migrated template). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { AtlasStore } from '../../src/db/index.js';
import { openTestAtlas, type TestAtlas } from '../store/helpers.js';
import { EvalInputError, evaluateRun } from '../../src/services/evaluate/evaluate.js';
import { runNetDissect } from '../../src/services/evaluate/netdissect-run.js';
import { TOY_VOCABULARY } from '../../src/toyworld/index.js';
import { toyModel } from './helpers.js';
import { databaseOf } from '../../src/db/inspect.js';

const PROBE = 'toy:300:7';
let atlas: TestAtlas;
let store: AtlasStore;

beforeAll(async () => {
  atlas = await openTestAtlas('pglite');
  store = atlas.store;
});
afterAll(async () => atlas?.cleanup());

describe('runNetDissect', () => {
  it('stores a complete, visible netdissect run labelled with toy concepts and IoU scores', async () => {
    const result = await runNetDissect(store, { model: toyModel('resnet-v1'), layers: ['layer1', 'layer2'], probe: PROBE, name: 'resnet-v1', version: 't', quiet: true, log: () => undefined });
    expect(result.layers.map((l) => [l.name, l.units])).toEqual([['layer1', 16], ['layer2', 32]]);
    const run = await store.runs.findComplete(result.runId);
    expect(run?.method).toBe('netdissect');
    const runs = await store.runs.list({ method: 'netdissect' });
    expect(runs.map((r) => r.id)).toContain(result.runId);
    const labels = (
      await databaseOf(store).execute(sql`SELECT l.name, n.unit, nl.text, nl.score FROM neuron_labels nl
        JOIN neurons n ON n.id = nl.neuron_id JOIN layers l ON l.id = n.layer_id
        WHERE nl.run_id = ${result.runId} AND nl.rank = 0 ORDER BY l.name, n.unit`)
    ).rows as { name: string; unit: number; text: string; score: number }[];
    expect(labels).toHaveLength(16 + 32);
    for (const l of labels) {
      expect(TOY_VOCABULARY).toContain(l.text);
      expect(l.score).toBeGreaterThanOrEqual(0);
      expect(l.score).toBeLessThanOrEqual(1);
    }
    // Early conv units follow colours and backgrounds: some must overlap their concept well.
    expect(Math.max(...labels.map((l) => Number(l.score)))).toBeGreaterThan(0.1);
    const images = (await databaseOf(store).execute(sql`SELECT count(*)::int AS c FROM neuron_top_images WHERE run_id = ${result.runId}`)).rows as { c: number }[];
    expect(images[0]!.c).toBe((16 + 32) * 10);

    // atlas eval scores clip-dissect runs only, and says so.
    await expect(evaluateRun(store, result.runId)).rejects.toThrow(/is a netdissect run; atlas eval scores clip-dissect runs/);
    await expect(evaluateRun(store, 999)).rejects.toThrow(EvalInputError);
  });

  it('lays ViT patch tokens back on their grid', async () => {
    const result = await runNetDissect(store, { model: toyModel('vit'), layers: ['encoder.layers.encoder_layer_0'], probe: 'toy:40:3', quiet: true, log: () => undefined });
    expect(result.layers).toMatchObject([{ name: 'encoder.layers.encoder_layer_0', kind: 'token', units: 64 }]);
  });

  it('refuses a probe set without masks and a layer without spatial maps, naming them', async () => {
    await expect(runNetDissect(store, { model: toyModel('resnet-v1'), layers: ['layer1'], probe: 'images/', quiet: true })).rejects.toThrow(
      /only toy probe sets \(toy:N:SEED\) have/,
    );
    await expect(runNetDissect(store, { model: toyModel('resnet-v1'), layers: ['fc'], probe: 'toy:20:1', quiet: true })).rejects.toThrow(
      /layer fc is dense .*needs spatial maps/,
    );
  });
});
