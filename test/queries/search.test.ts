import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../../src/core/config.js';
import { sql } from 'drizzle-orm';
import { efSearch } from '../../src/db/hnsw-settings.js';
import { drivers, openTestAtlas, type TestAtlas } from '../store/helpers.js';
import { CLASSES, errorCode, ok, startClient, tinyClipDir, writeQueryAtlas, type Client, type QueryAtlas } from './helpers.js';
import { databaseOf } from '../../src/db/inspect.js';

interface Hit {
  similarity: number;
  neuron: { unit: number; label: string; score: number; layer: { name: string }; model: { name: string; version: string }; run: { id: string } };
}

const SEARCH = `query($q: String!, $first: Int, $model: String, $version: String, $layer: String, $minScore: Float) {
  searchNeurons(query: $q, first: $first, model: $model, version: $version, layer: $layer, minScore: $minScore) {
    similarity neuron { unit label score layer { name } model { name version } run { id } } } }`;

describe.each(drivers)('semantic search over HTTP on %s', (driver) => {
  let atlas: TestAtlas;
  let client: Client;
  let q: QueryAtlas;
  let statements: string[] = [];
  const count = async (table: string) =>
    Number(((await databaseOf(atlas.store).execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`))).rows[0] as { n: number }).n);

  beforeAll(async () => {
    atlas = await openTestAtlas(driver, { onQuery: (text) => statements.push(text) });
    q = await writeQueryAtlas(atlas.store);
    // A second version whose l1 units are labelled with class names directly.
    const v2 = await writeQueryAtlas(atlas.store, { version: '2', unitClass: [5, 4, 3, 2, 1, 0], seed: 9 });
    const { id: conceptSetId } = await atlas.store.conceptSets.upsert({ name: 'classes', concepts: CLASSES });
    const run = await atlas.store.runs.begin({ modelId: v2.modelId, clipModelId: v2.clipModelId, probeSetId: v2.probeSetId, conceptSetId, parameters: { method: 'clip-dissect' } });
    await atlas.store.runs.writeLayer(run, {
      layer: { name: 'l1', kind: 'conv', units: 6 },
      labels: [5, 4, 3, 2, 1, 0].map((c) => [{ concept: c, score: 0.9 }]),
      topImages: [0, 1, 2, 3, 4, 5].map(() => []),
    });
    await atlas.store.runs.complete(run);
    client = await startClient(atlas.store);
  });
  afterAll(async () => {
    await client?.server.stop();
    await atlas?.cleanup();
  });
  afterEach(() => {
    config().clip = undefined;
    config().apiKey = undefined;
  });

  it('finds the neurons whose label means the query, nearest first, and caches the query embedding', async () => {
    const hits = ok(await client.gql(SEARCH, { q: 'dog', first: 4 })).searchNeurons as Hit[];
    expect(hits).toHaveLength(4);
    // Exact label matches first: both versions' l2 unit 3 and version 2's l1 unit 2 are "dog".
    expect(hits.slice(0, 3).map((h) => `${h.neuron.model.version}/${h.neuron.layer.name}/${h.neuron.unit}/${h.neuron.label}`).sort()).toEqual([
      '1/l2/3/dog',
      '2/l1/2/dog',
      '2/l2/3/dog',
    ]);
    hits.slice(0, 3).forEach((h) => expect(h.similarity).toBeCloseTo(1, 5));
    expect(hits[3]!.similarity).toBeLessThan(0.9999);
    expect(hits[3]!.neuron.label).not.toBe('dog');
    // Query embeddings are kept in memory only: a read never writes.
    expect(await count('query_embeddings')).toBe(0);
    await client.gql(SEARCH, { q: 'dog', first: 3 });
    expect(await count('query_embeddings')).toBe(0);
    // The index holds one row per labelled neuron shown by default: v1 l1 (6) + l2 (4), v2 l1 (6) + l2 (4).
    expect(await count('neuron_search')).toBe(20);
  });

  it('many distinct queries do not grow the database', async () => {
    const tables = ['query_embeddings', 'concepts', 'concept_embeddings'];
    const before = await Promise.all(tables.map(count));
    for (let i = 0; i < 40; i++) ok(await client.gql(SEARCH, { q: `hostile query ${i} ${'x'.repeat(i)}`, first: 1 }));
    expect(await Promise.all(tables.map(count))).toEqual(before);
  });

  it('filters by model, version and layer, and by minScore', async () => {
    const v1 = ok(await client.gql(SEARCH, { q: 'dog', first: 5, model: 'net', version: '1' })).searchNeurons as Hit[];
    expect(v1.every((h) => h.neuron.model.version === '1')).toBe(true);
    expect(v1[0]!.neuron).toMatchObject({ layer: { name: 'l2' }, unit: 3, label: 'dog' });
    const layer = ok(await client.gql(SEARCH, { q: 'blue', first: 10, model: 'net', version: '2', layer: 'l1' })).searchNeurons as Hit[];
    expect(layer).toHaveLength(6);
    expect(layer[0]!.neuron).toMatchObject({ unit: 3, label: 'blue', layer: { name: 'l1' } });
    expect(layer.every((h) => h.neuron.layer.name === 'l1' && h.neuron.model.version === '2')).toBe(true);
    const strict = ok(await client.gql(SEARCH, { q: 'blue', first: 10, minScore: 0.999 })).searchNeurons as Hit[];
    expect(strict.map((h) => h.neuron.label)).toEqual(['blue', 'blue', 'blue']);
    const both = ok(await client.gql(SEARCH, { q: 'cat', first: 10, model: 'net' })).searchNeurons as Hit[];
    expect(new Set(both.map((h) => h.neuron.model.version))).toEqual(new Set(['1', '2']));
  });

  it('answers a repeated search in one statement, at the session ef_search, widening it for more hits', async () => {
    const search = () => client.gql(SEARCH, { q: 'dog', first: 4 });
    const first = ok(await search());
    statements = [];
    expect(ok(await search())).toEqual(first);
    // Hit rows (layer, model, run) are kept while no run completes: only the search itself runs.
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('label_search');
    const ef = await databaseOf(atlas.store).execute(sql`SHOW hnsw.ef_search`);
    expect(Object.values(ef.rows[0] as Record<string, string>)).toEqual([String(efSearch())]);
    statements = [];
    const wide = ok(await client.gql(SEARCH, { q: 'dog', first: efSearch() + 1 })).searchNeurons as Hit[];
    expect(wide).toHaveLength(20); // every labelled neuron
    expect(statements.some((text) => text.includes(`SET LOCAL hnsw.ef_search = ${efSearch() + 1}`))).toBe(true);
  });

  it('bounds its input with clear errors', async () => {
    const long = await client.gql(SEARCH, { q: 'x'.repeat(501) });
    expect(errorCode(long)).toBe('BAD_USER_INPUT');
    expect(long.body.errors![0]!.message).toBe('`query` is 501 characters long, at most 500 are allowed');
    expect(errorCode(await client.gql(SEARCH, { q: '  ' }))).toBe('BAD_USER_INPUT');
    const many = await client.gql(SEARCH, { q: 'dog', first: 101 });
    expect(many.body.errors![0]!.message).toBe('`first` must be at most 100, got 101');
    expect(errorCode(await client.gql(SEARCH, { q: 'dog', layer: 'l1' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await client.gql(SEARCH, { q: 'dog', model: 'nope' }))).toBe('NOT_FOUND');
    // two versions have l1: without `version`, the newest with a complete run of it is searched
    const newest = ok(await client.gql(SEARCH, { q: 'dog', model: 'net', layer: 'l1' })).searchNeurons as Hit[];
    expect(newest.length).toBeGreaterThan(0);
    expect(new Set(newest.map((h) => h.neuron.model.version)).size).toBe(1);
    expect(errorCode(await client.gql(SEARCH, { q: 'dog', minScore: 2 }))).toBe('BAD_USER_INPUT');
    // Query text is a parameter, never SQL: quotes and SQL survive as plain text.
    const sqlish = ok(await client.gql(SEARCH, { q: "dog'); DROP TABLE neurons; --", first: 1 })).searchNeurons as Hit[];
    expect(sqlish).toHaveLength(1);
    expect(await count('neurons')).toBe(20);
  });

  it('follows new runs: a completed run relabels the index, an imported one becomes searchable with ATLAS_CLIP', async () => {
    config().apiKey = 'k';
    config().clip = tinyClipDir;
    const mutation = `mutation($csv: String!) { importAtlas(format: MILAN, csv: $csv, model: "other", version: "1") { embeddedLabels } }`;
    const res = ok(await client.gql(mutation, { csv: 'layer,unit,description\nfc,0,zebra stripes\nfc,1,green\n' }, { authorization: 'Bearer k' }));
    expect(res.importAtlas).toEqual({ embeddedLabels: 22 });
    const hits = ok(await client.gql(SEARCH, { q: 'zebra stripes', first: 1 })).searchNeurons as Hit[];
    expect(hits[0]!.neuron).toMatchObject({ model: { name: 'other' }, layer: { name: 'fc' }, unit: 0, label: 'zebra stripes' });
    expect(hits[0]!.similarity).toBeCloseTo(1, 5);
    // Without ATLAS_CLIP, a search scoped to the imported model (no CLIP of its own) uses the
    // atlas's CLIP model, as the images near its labels do, instead of answering ENCODER_UNAVAILABLE.
    config().clip = undefined;
    const scoped = ok(await client.gql(SEARCH, { q: 'zebra stripes', first: 1, model: 'other' })).searchNeurons as Hit[];
    expect(scoped[0]!.neuron).toMatchObject({ model: { name: 'other' }, unit: 0, label: 'zebra stripes' });

    // A newer clip-dissect run on v1's l1 replaces placeholder labels with "tree".
    const { id: conceptSetId } = await atlas.store.conceptSets.upsert({ name: 'classes', concepts: CLASSES });
    const run = await atlas.store.runs.begin({ modelId: q.modelId, clipModelId: q.clipModelId, probeSetId: q.probeSetId, conceptSetId, parameters: { method: 'clip-dissect' } });
    await atlas.store.runs.writeLayer(run, {
      layer: { name: 'l1', kind: 'conv', units: 6 },
      labels: [0, 1, 2, 3, 4, 5].map(() => [{ concept: 5, score: 0.5 }]),
      topImages: [0, 1, 2, 3, 4, 5].map(() => []),
    });
    const before = ok(await client.gql(SEARCH, { q: 'tree', first: 10, minScore: 0.999 })).searchNeurons as Hit[];
    expect(before).toHaveLength(1); // v2 l1 unit 0 only: the run is not complete yet
    await atlas.store.runs.complete(run);
    const after = ok(await client.gql(SEARCH, { q: 'tree', first: 10, minScore: 0.999 })).searchNeurons as Hit[];
    expect(after).toHaveLength(7);
    expect(after.filter((h) => h.neuron.model.version === '1').every((h) => h.neuron.run.id === String(run))).toBe(true);
  });

  it('finds probe images by text, images near a neuron, and the neurons an image drives', async () => {
    const images = ok(await client.gql('{ searchImages(query: "green", first: 5, probeSet: "probe") { similarity image { ordinal uri url thumbnailUrl probeSet { id name } } } }'))
      .searchImages as { similarity: number; image: { ordinal: number; uri: string; url: string; thumbnailUrl: string; probeSet: { id: string; name: string } } }[];
    expect(images).toHaveLength(5);
    for (const { image } of images) {
      expect(image.url).toBe(`/images/${image.probeSet.id}/${image.ordinal}`);
      expect(image.thumbnailUrl).toBe(`/images/${image.probeSet.id}/${image.ordinal}?size=128`);
    }
    expect(images.every((i) => i.image.uri.includes('/green-') && i.image.probeSet.name === 'probe')).toBe(true);
    expect(images[0]!.similarity).toBeGreaterThan(0.9);
    expect(errorCode(await client.gql('{ searchImages(query: "x", probeSet: "missing") { similarity } }'))).toBe('NOT_FOUND');

    const near = ok(await client.gql('{ neuron(model: "net", version: "2", layer: "l1", unit: 1) { label imagesNear(first: 3) { similarity image { uri } } } }'))
      .neuron as { label: string; imagesNear: { image: { uri: string } }[] };
    expect(near.label).toBe('cat');
    expect(near.imagesNear.map((i) => i.image.uri.split('/')[1]!.split('-')[0])).toEqual(['cat', 'cat', 'cat']);

    // Image 2 is "blue": unit 0 of v1's l1 fires for class 2 (blue).
    const top = ok(await client.gql(`{ searchImages(query: "blue", first: 1) { image { ordinal uri topNeurons(first: 2, model: "net", version: "1", layer: "l1") {
      activation neuron { unit layer { name } model { version } } } } } }`)).searchImages as {
      image: { uri: string; topNeurons: { activation: number; neuron: { unit: number; layer: { name: string } } }[] };
    }[];
    const first = top[0]!.image;
    expect(first.uri).toContain('/blue-');
    expect(first.topNeurons).toHaveLength(2);
    expect(first.topNeurons[0]!.neuron).toMatchObject({ unit: q.unitClass.indexOf(2), layer: { name: 'l1' } });
    expect(first.topNeurons[0]!.activation).toBeGreaterThan(5);
    expect(first.topNeurons[1]!.activation).toBeLessThan(first.topNeurons[0]!.activation);
  });

  it('says clearly when no text encoder is available', async () => {
    const other = await openTestAtlas(driver);
    let otherClient: Client | undefined;
    try {
      await writeQueryAtlas(other.store);
      await databaseOf(other.store).execute(sql`UPDATE clip_models SET source = '/nonexistent/clip'`);
      otherClient = await startClient(other.store);
      const res = await otherClient.gql(SEARCH, { q: 'dog' });
      expect(errorCode(res)).toBe('ENCODER_UNAVAILABLE');
      // a dependency that is not there: 503, not a 200 carrying an error
      expect(res.status).toBe(503);
      expect(res.body.errors![0]!.message).toMatch(/text encoder of CLIP model .* is unavailable: folder \/nonexistent\/clip not found; set ATLAS_CLIP/);
      // ATLAS_CLIP stands in for the missing folder.
      config().clip = tinyClipDir;
      const hits = ok(await otherClient.gql(SEARCH, { q: 'dog', first: 1 })).searchNeurons as Hit[];
      expect(hits[0]!.neuron.label).toBe('dog');
    } finally {
      await otherClient?.server.stop();
      await other.cleanup();
    }
  });
});
