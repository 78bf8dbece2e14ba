import { describe, expect, it } from 'vitest';
import { config } from '../../src/core/config.js';
import { sql } from 'drizzle-orm';
import { factoredConcepts, score } from '../../src/compute/similarity/index.js';
import { drivers } from '../store/helpers.js';
import { CLASSES, errorCode, ok, servedAtlas, tinyClip, writeQueryAtlas, type QueryAtlas } from './helpers.js';
import { databaseOf } from '../../src/db/inspect.js';

interface RescoreData {
  function: string;
  encodedConcepts: number;
  baseRun: { id: string };
  params: Record<string, number>;
  units: { unit: number; label: string; score: number; confidence: number | null; previousLabel: string | null }[];
}

describe.each(drivers)('rescore over HTTP on %s', (driver) => {
  let q: QueryAtlas;
  const served = servedAtlas(driver, async (store) => {
    q = await writeQueryAtlas(store);
  });
  const key = 'k-rescore';
  const concepts = ['a dog', ...CLASSES, 'zebra'];
  const query = `query($concepts: [String!]!, $fn: SimilarityFunction, $params: JSON, $layer: String!) {
    rescore(model: "net", layer: $layer, concepts: $concepts, function: $fn, params: $params) {
      function encodedConcepts baseRun { id } params units { unit label score confidence previousLabel } } }`;

  it('relabels a whole layer from stored embeddings and activations, encoding new concepts once', async () => {
    const conceptCount = async () =>
      Number(((await databaseOf(served.atlas.store).execute(sql`SELECT count(*)::int AS n FROM concept_embeddings`)).rows[0] as { n: number }).n);
    const before = await conceptCount();
    const r1 = ok(await served.client.gql(query, { concepts, params: { top_k: 5 }, layer: 'l1' })).rescore as RescoreData;
    expect(r1.function).toBe('SOFT_WPMI');
    expect(r1.baseRun.id).toBe(String(q.runId));
    expect(r1.params.top_k).toBe(5);
    // 'a dog' and 'zebra' are new; the class names were cached by the run. A rescore is a read:
    // the new ones are kept in memory, not stored.
    expect(r1.encodedConcepts).toBe(2);
    expect(await conceptCount()).toBe(before);
    expect(r1.units.map((u) => u.label)).toEqual(q.unitClass.map((c) => CLASSES[c]));
    expect(r1.units.map((u) => u.previousLabel)).toEqual(q.unitClass.map((_, u) => `placeholder-${u}`));

    // Same numbers as calling the similarity function directly on the same inputs.
    const clip = await tinyClip();
    const images = (await served.atlas.store.embeddings.images(q.probeSetId, q.clipModelId))!;
    const text = await clip.encodeTexts(concepts);
    const direct = await score('soft_wpmi', factoredConcepts(images, text, { normalise: true }), q.acts, { top_k: 5 });
    r1.units.forEach((u, i) => expect(u.score).toBeCloseTo(direct.labels[i]![0]!.score, 4));
    // and the same confidences, probabilities
    r1.units.forEach((u, i) => expect(u.confidence).toBeCloseTo(direct.labels[i]![0]!.confidence!, 2));
    for (const u of r1.units) expect(u.confidence!).toBeGreaterThanOrEqual(0);

    const r2 = ok(await served.client.gql(query, { concepts, fn: 'COS_SIMILARITY', layer: 'l1' })).rescore as RescoreData;
    expect(r2.encodedConcepts).toBe(0);
    expect(r2.function).toBe('COS_SIMILARITY');
    expect(r2.units.map((u) => u.label)).toEqual(q.unitClass.map((c) => CLASSES[c]));
  });

  it('many distinct anonymous rescores do not grow the database', async () => {
    const count = async (table: string) =>
      Number(((await databaseOf(served.atlas.store).execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`))).rows[0] as { n: number }).n);
    const tables = ['concepts', 'concept_embeddings', 'query_embeddings'];
    const before = await Promise.all(tables.map(count));
    for (let i = 0; i < 5; i++) {
      const fresh = Array.from({ length: 50 }, (_, j) => `hostile concept ${i}-${j}`);
      const r = ok(await served.client.gql(query, { concepts: fresh, params: { top_k: 5 }, layer: 'l1' })).rescore as RescoreData;
      expect(r.encodedConcepts).toBe(50);
    }
    expect(await Promise.all(tables.map(count))).toEqual(before);
  });

  it('rejects bad input with clear errors', async () => {
    const tooMany = Array.from({ length: 5001 }, (_, i) => `c${i}`);
    const res = await served.client.gql(query, { concepts: tooMany, layer: 'l1' });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0]!.message).toBe('`concepts` has 5001 entries, at most 5000 are allowed');
    const empty = await served.client.gql(query, { concepts: [], layer: 'l1' });
    expect(empty.body.errors![0]!.message).toBe('`concepts` is empty');
    const badParam = await served.client.gql(query, { concepts, layer: 'l1', params: { top_k: 5, bogus: 1 } });
    expect(errorCode(badParam)).toBe('BAD_USER_INPUT');
    expect(badParam.body.errors![0]!.message).toMatch(/bogus/);
    const notObject = await served.client.gql(query, { concepts, layer: 'l1', params: [1] });
    expect(notObject.body.errors![0]!.message).toMatch(/must be a JSON object/);
    const noLayer = await served.client.gql(query, { concepts, layer: 'l9' });
    expect(errorCode(noLayer)).toBe('NOT_FOUND');
    const badFn = await served.client.gql(query, { concepts, layer: 'l1', fn: 'NOPE' });
    expect(badFn.status).toBe(400);
  });

  it('saveRescore needs the API key and stores a new complete clip-dissect run that becomes the default', async () => {
    const mutation = `mutation($concepts: [String!]!) { saveRescore(model: "net", layer: "l1", concepts: $concepts, params: {top_k: 5}, conceptSetName: "animals") {
      run { id method status similarity layers conceptSet { name size } probeSet { name } } rescore { units { label } } } }`;
    expect(errorCode(await served.client.gql(mutation, { concepts }))).toBe('FORBIDDEN');
    config().apiKey = key;
    expect(errorCode(await served.client.gql(mutation, { concepts }))).toBe('UNAUTHENTICATED');
    const saved = ok(await served.client.gql(mutation, { concepts }, { authorization: `Bearer ${key}` })).saveRescore as {
      run: { id: string; method: string; status: string; similarity: string; layers: string[]; conceptSet: { name: string; size: number } };
    };
    expect(saved.run).toMatchObject({ method: 'clip-dissect', status: 'COMPLETE', similarity: 'soft_wpmi', layers: ['l1'], conceptSet: { name: 'animals', size: 8 } });
    const neurons = ok(await served.client.gql('{ neurons(model: "net", layer: "l1") { run { id } edges { node { label topImages(first: 1) { uri } } } } }'))
      .neurons as { run: { id: string }; edges: { node: { label: string; topImages: { uri: string }[] } }[] };
    expect(neurons.run.id).toBe(saved.run.id);
    expect(neurons.edges.map((e) => e.node.label)).toEqual(q.unitClass.map((c) => CLASSES[c]));
    // Top images come from the stored activations: each unit's best image shows its class.
    neurons.edges.forEach((e, u) => expect(e.node.topImages[0]!.uri).toContain(`${CLASSES[q.unitClass[u]!]}-`));
    // The next rescore reports the saved labels as the previous ones.
    const again = ok(await served.client.gql(query, { concepts, params: { top_k: 5 }, layer: 'l1' })).rescore as RescoreData;
    expect(again.baseRun.id).toBe(saved.run.id);
    expect(again.units.map((u) => u.previousLabel)).toEqual(q.unitClass.map((c) => CLASSES[c]));
  });

  it('saves identical rescores at once: every save succeeds and shares one concept set', async () => {
    config().apiKey = key;
    const mutation = `mutation($concepts: [String!]!) { saveRescore(model: "net", layer: "l1", concepts: $concepts, params: {top_k: 5}, conceptSetName: "at once") {
      run { id conceptSet { name size } } } }`;
    const fresh = ['a parrot', ...CLASSES];
    const saves = await Promise.all(Array.from({ length: 4 }, () => served.client.gql(mutation, { concepts: fresh }, { authorization: `Bearer ${key}` })));
    for (const res of saves) expect(res.body.errors).toBeUndefined();
    const runs = saves.map((res) => (res.body.data!.saveRescore as { run: { id: string; conceptSet: { name: string; size: number } } }).run);
    expect(new Set(runs.map((r) => r.id)).size).toBe(4);
    runs.forEach((r) => expect(r.conceptSet).toEqual({ name: 'at once', size: 7 }));
  });

  it('uses activations rewritten since the last rescore (no stale in-memory copy)', async () => {
    const before = ok(await served.client.gql(query, { concepts, params: { top_k: 5 }, layer: 'l1' })).rescore as RescoreData;
    expect(before.units.map((u) => u.label)).toEqual(q.unitClass.map((c) => CLASSES[c]));
    // Unit u now fires for the class of unit u + 1.
    const k = q.unitClass.length;
    const shifted = { rows: q.acts.rows, cols: k, data: new Float32Array(q.acts.data.length) };
    for (let i = 0; i < q.acts.rows; i++) for (let u = 0; u < k; u++) shifted.data[i * k + u] = q.acts.data[i * k + ((u + 1) % k)]!;
    await served.atlas.store.embeddings.putActivations(q.modelId, 'l1', q.probeSetId, shifted);
    const after = ok(await served.client.gql(query, { concepts, params: { top_k: 5 }, layer: 'l1' })).rescore as RescoreData;
    expect(after.units.map((u) => u.label)).toEqual(q.unitClass.map((_, u) => CLASSES[q.unitClass[(u + 1) % k]!]));
  });
  it('refuses activations computed otherwise than the run it rescores, naming the layer and probe set', async () => {
    // A run whose activations were computed with key A; the stored ones were since replaced by
    // another way of computing them (a later dissect with another pool mode, stopped part-way).
    const { store } = served.atlas;
    const labels = (await store.runs.list()).find((r) => r.id === q.runId)!;
    const runId = await store.runs.begin({
      modelId: q.modelId,
      clipModelId: q.clipModelId,
      probeSetId: q.probeSetId,
      conceptSetId: labels.conceptSetId,
      parameters: { method: 'clip-dissect', similarity: 'soft_wpmi', pool: 'avg', activationKey: 'key-avg' },
    });
    await store.runs.writeLayer(runId, {
      layer: { name: 'l1', kind: 'conv', units: q.unitClass.length },
      labels: q.unitClass.map((c) => [{ concept: c, score: 0.5 }]),
      topImages: q.unitClass.map(() => []),
    });
    await store.runs.complete(runId);
    await store.embeddings.putActivations(q.modelId, 'l1', q.probeSetId, q.acts, 'key-max');
    const refused = await served.client.gql(query, { concepts, params: { top_k: 5 }, layer: 'l1' });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.body.errors![0]!.message).toMatch(/activations of layer l1 of net@1 over probe set probe were computed otherwise than those its latest CLIP-Dissect run labelled .*atlas dissect/);
    // names what a person knows, never internal ids
    expect(refused.body.errors![0]!.message).not.toMatch(/run \d|probe set \d/);
    // with the run's own activations back, it rescores
    await store.embeddings.putActivations(q.modelId, 'l1', q.probeSetId, q.acts, 'key-avg');
    const rescored = ok(await served.client.gql(query, { concepts, params: { top_k: 5 }, layer: 'l1' })).rescore as RescoreData;
    expect(rescored.baseRun.id).toBe(String(runId));
    expect(rescored.units.map((u) => u.label)).toEqual(q.unitClass.map((c) => CLASSES[c]));
  });
});
