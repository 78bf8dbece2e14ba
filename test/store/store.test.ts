import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONCEPTS, drivers, layerResult, openTestAtlas, writeCompleteRun, writeFixtureSets, type FixtureIds, type TestAtlas } from './helpers.js';
import { databaseOf } from '../../src/db/inspect.js';

describe.each(drivers)('atlas store write API on %s', (driver) => {
  let atlas: TestAtlas;
  let ids: FixtureIds;
  beforeAll(async () => {
    atlas = await openTestAtlas(driver, { storage: 'memory' });
    ids = await writeFixtureSets(atlas.store);
  });
  afterAll(async () => atlas?.cleanup());

  it('upserts models, layers and neurons idempotently', async () => {
    const { store } = atlas;
    const again = await store.models.upsert({ name: 'toy', version: '1', fileHash: 'hash-toy-1', inputSpec: { size: 32 } });
    expect(again).toBe(ids.modelId);
    const layers = await store.models.upsertLayers(ids.modelId, [
      { name: 'conv1', kind: 'conv', units: 6 },
      { name: 'fc', kind: 'dense', units: 3 },
    ]);
    expect(layers.map((l) => [l.name, l.kind, l.units, l.position])).toEqual([
      ['conv1', 'conv', 6, 0],
      ['fc', 'dense', 3, 1],
    ]);
    const page = await store.labels.neuronPage({ layerId: layers[0]!.id, runId: null, first: 100 });
    expect(page.items.map((n) => n.unit)).toEqual([0, 1, 2, 3, 4, 5]);
    await expect(store.models.upsertLayers(ids.modelId, [{ name: 'bad', kind: 'conv', units: 0 }])).rejects.toThrow(/bad: invalid unit count 0/);
  });

  it('round-trips image and concept embeddings exactly, and rejects wrong shapes', async () => {
    const { store } = atlas;
    const data = Float32Array.from({ length: 12 * 4 }, (_, i) => Math.sin(i) / 3);
    await store.embeddings.putImages(ids.probeSetId, ids.clipModelId, { rows: 12, cols: 4, data });
    const back = await store.embeddings.images(ids.probeSetId, ids.clipModelId);
    expect(back?.rows).toBe(12);
    expect(back?.cols).toBe(4);
    expect(Array.from(back!.data)).toEqual(Array.from(data));
    await expect(store.embeddings.putImages(ids.probeSetId, ids.clipModelId, { rows: 12, cols: 3, data: new Float32Array(36) })).rejects.toThrow(
      /3 columns but CLIP model toy-clip has dimension 4/,
    );
    await expect(store.embeddings.putImages(ids.probeSetId, ids.clipModelId, { rows: 11, cols: 4, data: new Float32Array(44) })).rejects.toThrow(
      /11 rows but probe set \d+ has 12 images/,
    );

    const text = Float32Array.from({ length: 2 * 4 }, (_, i) => 1 / (i + 1));
    await store.embeddings.putConcepts(ids.clipModelId, ['dog', 'cat'], { rows: 2, cols: 4, data: text });
    const got = await store.embeddings.concepts(ids.clipModelId, ['dog', 'cat', 'unicorn']);
    expect([...got.keys()].sort()).toEqual(['cat', 'dog']);
    expect(Array.from(got.get('cat')!)).toEqual(Array.from(text.subarray(4, 8)));
    await expect(store.clipModels.upsert({ name: 'toy-clip', dim: 8 })).rejects.toThrow(/already in the atlas with dimension 4/);
  });

  it('stores activations as one row per image and returns the same matrix', async () => {
    const { store } = atlas;
    const data = Float32Array.from({ length: 12 * 6 }, (_, i) => i * 0.37 - 5);
    await store.embeddings.putActivations(ids.modelId, 'conv1', ids.probeSetId, { rows: 12, cols: 6, data });
    const back = await store.embeddings.activations(ids.modelId, 'conv1', ids.probeSetId);
    expect(back).toEqual({ rows: 12, cols: 6, data });
    const rows = await databaseOf(store).execute(
      (await import('drizzle-orm')).sql`SELECT count(*)::int AS n FROM activations WHERE probe_set_id = ${ids.probeSetId}`,
    );
    expect((rows.rows[0] as { n: number }).n).toBe(12);
    expect(await store.embeddings.activations(ids.modelId, 'fc', ids.probeSetId)).toBeUndefined();
    await expect(store.embeddings.putActivations(ids.modelId, 'conv1', ids.probeSetId, { rows: 12, cols: 5, data: new Float32Array(60) })).rejects.toThrow(
      /5 columns but the layer has 6 units/,
    );
    await expect(store.embeddings.putActivations(ids.modelId, 'nope', ids.probeSetId, { rows: 12, cols: 6, data })).rejects.toThrow(
      /layer nope is not in model \d+; known layers: conv1, fc/,
    );
  });

  it('stores a large batch of image embeddings with the CLIP model\'s HNSW index in place afterwards', async () => {
    // On PGlite the index is dropped and rebuilt around a batch at least as large as what it
    // holds (one graph build instead of a graph insertion per row); either way it must be there.
    const { store } = atlas;
    const n = 300;
    const clip = await store.clipModels.upsert({ name: 'bulk-clip', dim: 4 });
    const probe = await store.probeSets.upsert({ name: 'bulk', recipe: {}, contentHash: 'bulk-300', images: Array.from({ length: n }, (_, i) => ({ ordinal: i, uri: `b${i}` })) });
    const data = Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i + 1));
    await store.embeddings.putImages(probe, clip, { rows: n, cols: 4, data });
    expect(await store.embeddings.images(probe, clip)).toEqual({ rows: n, cols: 4, data });
    const { sql } = await import('drizzle-orm');
    const idx = await databaseOf(store).execute(sql`SELECT indexdef FROM pg_indexes WHERE indexname = ${`image_embeddings_hnsw_clip_${clip}`}`);
    expect((idx.rows[0] as { indexdef: string }).indexdef).toMatch(/USING hnsw .*vector\(4\).*vector_cosine_ops.*clip_model_id = \d+/);
    const near = await databaseOf(store).execute(sql`SELECT ordinal FROM image_embeddings WHERE clip_model_id = ${clip}
      ORDER BY embedding::vector(4) <=> ${`[${Array.from(data.subarray(17 * 4, 18 * 4)).join(',')}]`}::vector(4) LIMIT 1`);
    expect(near.rows).toEqual([{ ordinal: 17 }]);
  });

  it('keeps with activations what they were computed with, and reads them only for that key', async () => {
    const { store } = atlas;
    const data = Float32Array.from({ length: 12 * 6 }, (_, i) => i * 0.5);
    await store.embeddings.putActivations(ids.modelId, 'conv1', ids.probeSetId, { rows: 12, cols: 6, data }, 'avg-key');
    expect(await store.embeddings.activations(ids.modelId, 'conv1', ids.probeSetId, 'avg-key')).toEqual({ rows: 12, cols: 6, data });
    // another pool mode, preprocessing or network file: not these values
    expect(await store.embeddings.activations(ids.modelId, 'conv1', ids.probeSetId, 'max-key')).toBeUndefined();
    // runs without a key (imported, or older than keys) take what is stored
    expect(await store.embeddings.activations(ids.modelId, 'conv1', ids.probeSetId, null)).toEqual({ rows: 12, cols: 6, data });
    expect(await store.embeddings.activations(ids.modelId, 'conv1', ids.probeSetId)).toEqual({ rows: 12, cols: 6, data });
  });

  it('returns concept ids in the order of the set and reuses an identical set', async () => {
    const { store } = atlas;
    const a = await store.conceptSets.upsert({ name: 'toy-concepts', concepts: CONCEPTS });
    expect(a.id).toBe(ids.conceptSetId);
    expect(a.conceptIds).toHaveLength(CONCEPTS.length);
    const set = await store.conceptSets.get(a.id);
    expect(set?.concepts).toEqual(CONCEPTS);
    const b = await store.conceptSets.upsert({ name: 'toy-concepts', concepts: [...CONCEPTS, 'extra'] });
    expect(b.id).not.toBe(a.id);
    expect(b.conceptIds.slice(0, CONCEPTS.length)).toEqual(a.conceptIds);
  });

  it('keeps a run invisible until runs.complete, then serves it as the default', async () => {
    const { store } = atlas;
    const runId = await store.runs.begin({ ...ids, parameters: { method: 'clip-dissect', similarity: 'soft_wpmi' } });
    await store.runs.writeLayer(runId, layerResult('conv1', 6));
    const conv1 = (await store.models.findLayer(ids.modelId, 'conv1'))!;
    expect(await store.runs.defaultForLayer(conv1.id)).toBeUndefined();
    expect(await store.runs.list()).toEqual([]);
    expect(await store.runs.findComplete(runId)).toBeUndefined();
    await store.runs.complete(runId, { total: 2 });
    const visible = await store.runs.defaultForLayer(conv1.id);
    expect(visible?.id).toBe(runId);
    expect(visible?.timings).toEqual({ total: 2 });
    const labels = await store.labels.labelsFor([{ runId, neuronId: (await store.models.findNeuron(conv1.id, 2))!.id }], 10);
    expect(labels.map((l) => l.text)).toEqual(['blue', 'stripes', 'dots']);
    await expect(store.runs.writeLayer(runId, layerResult('fc', 3, 'dense'))).rejects.toThrow(/run \d+ is complete; only running runs take results/);
  });

  it('rejects bad layer results with a message naming the problem, writing nothing', async () => {
    const { store } = atlas;
    const runId = await store.runs.begin({ ...ids, parameters: { method: 'clip-dissect' } });
    const bad = layerResult('fc', 3, 'dense');
    bad.labels[1]![0]!.concept = 99;
    await expect(store.runs.writeLayer(runId, bad)).rejects.toThrow(/layer fc unit 1: concept index 99 is outside the run's concept set \(8 concepts\)/);
    const short = layerResult('fc', 3, 'dense');
    short.topImages.pop();
    await expect(store.runs.writeLayer(runId, short)).rejects.toThrow(/top images for 2 units, the layer has 3/);
    const wrongUnits = layerResult('fc', 4, 'dense');
    await expect(store.runs.writeLayer(runId, wrongUnits)).rejects.toThrow(/result has 4 units but the atlas has 3/);
    const badImage = layerResult('fc', 3, 'dense');
    badImage.topImages[0]![0]!.ordinal = 12;
    await expect(store.runs.writeLayer(runId, badImage)).rejects.toThrow(/image ordinal 12 is outside the probe set/);
    // Live while this store holds it; once let go (as by a process that died), resumable.
    expect(await store.runs.findResumable({ ...ids, parameters: { method: 'clip-dissect' } })).toBeUndefined();
    await store.runs.abandon(runId);
    const resumable = await store.runs.findResumable({ ...ids, parameters: { method: 'clip-dissect' } });
    expect(resumable).toEqual({ runId, doneLayers: [], startedAt: expect.any(Date) });
    await store.runs.fail(runId, 'test failure');
    expect(await store.runs.findResumable({ ...ids, parameters: { method: 'clip-dissect' } })).toBeUndefined();
  });

  it('resumes a run with the layers it already wrote, and cleans up incomplete runs', async () => {
    const { store } = atlas;
    const parameters = { method: 'clip-dissect', similarity: 'cos', params: { alpha: 1 } };
    const runId = await store.runs.begin({ ...ids, parameters });
    await store.runs.writeLayer(runId, layerResult('conv1', 6));
    expect(await store.runs.cleanupIncomplete()).toBe(0); // its writer (this store) is alive
    await store.runs.abandon(runId);
    const found = await store.runs.findResumable({ ...ids, parameters });
    expect(found?.runId).toBe(runId);
    expect(found?.doneLayers).toEqual(['conv1']);
    // Different parameters are a different run.
    expect(await store.runs.findResumable({ ...ids, parameters: { ...parameters, params: { alpha: 2 } } })).toBeUndefined();
    // Rewriting a layer replaces it (no duplicate rows).
    await store.runs.writeLayer(runId, layerResult('conv1', 6, 'conv', 1));
    const removed = await store.runs.cleanupIncomplete();
    expect(removed).toBe(1);
    expect(await store.runs.findResumable({ ...ids, parameters })).toBeUndefined();
    expect(await store.runs.cleanupIncomplete({ includeFailed: true })).toBe(1); // the failed run of the previous test
    expect((await store.runs.listAll()).map((r) => r.status)).toEqual(['complete']);
  });

  it('prefers the latest clip-dissect run, unless a method is asked for', async () => {
    const { store } = atlas;
    const clipRun = await writeCompleteRun(store, ids, 'clip-dissect');
    const netRun = await writeCompleteRun(store, ids, 'netdissect', 2);
    const conv1 = (await store.models.findLayer(ids.modelId, 'conv1'))!;
    expect((await store.runs.defaultForLayer(conv1.id))?.id).toBe(clipRun);
    expect((await store.runs.defaultForLayer(conv1.id, 'netdissect'))?.id).toBe(netRun);
    expect(await store.runs.defaultForLayer(conv1.id, 'milan')).toBeUndefined();
  });

  it('writes large batches (wide layers, many images) without losing earlier writes', async () => {
    const { store } = atlas;
    const units = 4000;
    await store.models.upsertLayers(ids.modelId, [
      { name: 'conv1', kind: 'conv', units: 6 },
      { name: 'fc', kind: 'dense', units: 3 },
      { name: 'wide', kind: 'dense', units },
    ]);
    const runId = await store.runs.begin({ ...ids, parameters: { method: 'clip-dissect', params: { wide: true } } });
    const wide = layerResult('wide', units, 'dense');
    await store.runs.writeLayer(runId, wide);
    await store.runs.writeLayer(runId, wide); // rewrite: replaces, no duplicates
    await store.runs.complete(runId);
    const layer = (await store.models.findLayer(ids.modelId, 'wide'))!;
    expect((await store.runs.defaultForLayer(layer.id))?.id).toBe(runId);
    expect(await store.labels.countNeurons({ layerId: layer.id, runId, labelContains: 'o' })).toBe(
      wide.labels.filter((l) => CONCEPTS[l[0]!.concept]!.includes('o')).length,
    );
    const { sql } = await import('drizzle-orm');
    const n = await databaseOf(store).execute(sql`SELECT count(*)::int AS n FROM neuron_top_images WHERE run_id = ${runId}`);
    expect((n.rows[0] as { n: number }).n).toBe(units * 4);

    const images = 12_000;
    const big = await store.probeSets.upsert({
      name: 'big',
      recipe: { n: images },
      contentHash: 'big',
      images: Array.from({ length: images }, (_, i) => ({ ordinal: i, uri: `toy:2/${i}` })),
    });
    const data = Float32Array.from({ length: images * 6 }, (_, i) => i % 97);
    await store.embeddings.putActivations(ids.modelId, 'conv1', big, { rows: images, cols: 6, data });
    const back = await store.embeddings.activations(ids.modelId, 'conv1', big);
    expect(back?.rows).toBe(images);
    expect(back?.data).toEqual(data);
  });
});
