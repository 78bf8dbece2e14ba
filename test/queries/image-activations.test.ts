import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dissect } from '../../src/services/dissect.js';
import { ImageActivationsService } from '../../src/services/image-activations.js';
import { TextEncoders } from '../../src/services/text-encoders.js';
import { importAtlas } from '../../src/services/import.js';
import { tinyClip, tinyTarget, writeToyPngs } from '../pipeline/helpers.js';
import { drivers } from '../store/helpers.js';
import { errorCode, ok, servedAtlas, type GqlResponse } from './helpers.js';

interface Answer {
  model: { name: string; version: string };
  layers: { layer: string; run: { id: string; method: string } | null; pool: string; units: { unit: number; activation: number; label: string | null; score: number | null }[] }[];
  concepts: { text: string; similarity: number }[] | null;
  clipModel: { name: string } | null;
  conceptsUnavailable: string | null;
}

const QUERY = `query($image: String!, $model: String!, $layers: [String!], $first: Int) {
  imageActivations(image: $image, model: $model, layers: $layers, first: $first) {
    model { name version } layers { layer run { id method } pool units { unit activation label score } }
    concepts { text similarity } clipModel { name } conceptsUnavailable } }`;

const work = mkdtempSync(join(tmpdir(), 'image-activations-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let pngs: string[] = [];
beforeAll(async () => {
  mkdirSync(join(work, 'probe'));
  pngs = await writeToyPngs(join(work, 'probe'), 6, 5);
});

const b64 = (path: string): string => readFileSync(path).toString('base64');

describe.each(drivers)('imageActivations over HTTP on %s', (driver) => {
  const served = servedAtlas(driver, async (store) => {
    // A real dissection of the tiny network over the six PNGs, so that stored activations and labels exist to compare with.
    mkdirSync(join(work, 'probe'), { recursive: true });
    if (pngs.length === 0) pngs = await writeToyPngs(join(work, 'probe'), 6, 5);
    await dissect(async () => store, {
      model: tinyTarget, layers: ['layer2', 'fc'], clip: tinyClip, probe: join(work, 'probe'), concepts: 'builtin:toy',
      name: 'tiny', version: 'v1', params: { top_k: 3 }, quiet: true, cacheDir: join(work, `cache-${driver}`), log: () => undefined,
    });
    await importAtlas(store, { format: 'milan', csv: 'layer,unit,description\nl1,0,red\n', file: 'a.csv', model: 'imported', version: 'a' });
  });

  it('runs the stored model on the image: the activations of a probe image equal the stored ones, with the run\'s labels and the nearest concepts', async () => {
    const res = await served.client.gql(QUERY, { image: b64(pngs[2]!), model: 'tiny', first: 16 });
    const a = ok(res).imageActivations as Answer;
    expect(a.model).toEqual({ name: 'tiny', version: 'v1' });
    expect(a.layers.map((l) => [l.layer, l.pool, l.run?.method])).toEqual([['layer2', 'avg', 'clip-dissect'], ['fc', 'avg', 'clip-dissect']]);
    const store = served.atlas.store;
    const modelId = (await store.models.idOf('tiny', 'v1'))!;
    const [probeSet] = await store.embeddings.probeSetsWithActivations((await store.models.findLayer(modelId, 'layer2'))!.id);
    for (const l of a.layers) {
      const stored = (await store.embeddings.activations(modelId, l.layer, probeSet!))!;
      const row = Array.from(stored.data.subarray(2 * stored.cols, 3 * stored.cols));
      expect(l.units).toHaveLength(Math.min(16, stored.cols));
      // Most active first, each equal to the stored activation of probe image 2.
      for (let i = 1; i < l.units.length; i++) expect(l.units[i - 1]!.activation).toBeGreaterThanOrEqual(l.units[i]!.activation);
      for (const u of l.units) expect(Math.abs(u.activation - row[u.unit]!)).toBeLessThan(1e-4);
      expect(l.units[0]!.activation).toBeCloseTo(Math.max(...row), 4);
    }
    // Labels are the run's (as `neuron` shows them).
    const u0 = a.layers[1]!.units[0]!;
    const neuron = ok(await served.client.gql(`{ neuron(model: "tiny", layer: "fc", unit: ${u0.unit}) { label score } }`)).neuron as { label: string; score: number };
    expect([u0.label, u0.score]).toEqual([neuron.label, neuron.score]);
    // The nearest concepts: cosines of the image's CLIP embedding (equal to the stored one of image 2) with the concept set's.
    expect(a.clipModel).not.toBeNull();
    expect(a.concepts).toHaveLength(16);
    const clipId = (await store.runs.byIds([Number(a.layers[0]!.run!.id)]))[0]!.clipModelId!;
    const emb = (await store.embeddings.images(probeSet!, clipId))!;
    const concepts = await store.embeddings.concepts(clipId, a.concepts!.map((c) => c.text));
    for (const c of a.concepts!) {
      const v = concepts.get(c.text)!;
      let s = 0;
      for (let d = 0; d < emb.cols; d++) s += v[d]! * emb.data[2 * emb.cols + d]!;
      expect(c.similarity).toBeCloseTo(s, 4);
    }
    for (let i = 1; i < a.concepts!.length; i++) expect(a.concepts![i - 1]!.similarity).toBeGreaterThanOrEqual(a.concepts![i]!.similarity);
    // One layer asked, three units.
    const one = ok(await served.client.gql(QUERY, { image: `data:image/png;base64,${b64(pngs[0]!)}`, model: 'tiny', layers: ['fc'], first: 3 })).imageActivations as Answer;
    expect(one.layers.map((l) => [l.layer, l.units.length])).toEqual([['fc', 3]]);
  });

  it('names what is wrong with the image, the layers, and a model whose file is not on the server', async () => {
    const gql = (vars: Record<string, unknown>): Promise<GqlResponse> => served.client.gql(QUERY, { image: b64(pngs[0]!), model: 'tiny', ...vars });
    const cases: [Record<string, unknown>, string, RegExp, number][] = [
      [{ image: 'not base64!' }, 'BAD_USER_INPUT', /`image` is not base64 text/, 400],
      [{ image: Buffer.from('GIF89a not supported').toString('base64') }, 'BAD_USER_INPUT', /`image` is not a PNG, JPEG or WebP file/, 400],
      [{ image: readFileSync(pngs[0]!).subarray(0, 100).toString('base64') }, 'BAD_USER_INPUT', /`image` cannot be decoded/, 400],
      [{ layers: ['fc', 'nope'] }, 'NOT_FOUND', /layer nope is not in model tiny@v1/, 404],
      [{ first: 101 }, 'BAD_USER_INPUT', /`first` must be at most 100/, 400],
      [{ model: 'imported' }, 'MODEL_UNAVAILABLE', /the ONNX file of model imported@a is not recorded in the atlas/, 503],
    ];
    for (const [vars, code, message, status] of cases) {
      const res = await gql(vars);
      expect([errorCode(res), res.status], JSON.stringify(vars).slice(0, 80)).toEqual([code, status]);
      expect(res.body.errors![0]!.message).toMatch(message);
    }
    // One image per request: aliases cannot multiply the work.
    const twice = await served.client.gql(`query($i: String!) { a: imageActivations(image: $i, model: "tiny") { model { name } } b: imageActivations(image: $i, model: "tiny") { model { name } } }`, { i: b64(pngs[0]!) });
    expect(errorCode(twice)).toBe('BAD_USER_INPUT');
    expect(twice.body.errors![0]!.message).toMatch(/at most 1 `imageActivations`/);
    // A model dissected from a file that has gone since: MODEL_UNAVAILABLE without the path.
    const store = served.atlas.store;
    const tiny = (await store.models.find('tiny', 'v1'))!;
    const moved = await store.models.upsert({ name: 'moved', version: '1', fileHash: tiny.fileHash, inputSpec: tiny.inputSpec as Record<string, unknown>, source: join(work, 'gone.onnx') });
    await store.models.upsertLayers(moved, [{ name: 'fc', kind: 'dense', units: 10 }]);
    const gone = await gql({ model: 'moved' });
    expect([errorCode(gone), gone.status]).toEqual(['MODEL_UNAVAILABLE', 503]);
    expect(gone.body.errors![0]!.message).toMatch(/the ONNX file of model moved@1 is not available on the server/);
    expect(gone.body.errors![0]!.message).not.toContain(work);
  });

  it('takes an image beyond the request body limit, and only an image', async () => {
    const noise = await sharp({ create: { width: 300, height: 300, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
    expect(noise.length).toBeGreaterThan(64 << 10);
    const big = ok(await served.client.gql(QUERY, { image: noise.toString('base64'), model: 'tiny', layers: ['fc'], first: 2 })).imageActivations as Answer;
    expect(big.layers[0]!.units).toHaveLength(2);
    // The same size in any other argument is refused as before; so is an image over 4 MiB.
    const other = await served.client.gql(`query($q: String!) { searchNeurons(query: $q) { similarity } }`, { q: 'x'.repeat(100 << 10) });
    expect([other.status, errorCode(other)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(other.body.errors![0]!.message).toBe('request body is larger than the limit of 64kb');
    const huge = await served.client.gql(QUERY, { image: 'A'.repeat(6 << 20), model: 'tiny' });
    expect([huge.status, errorCode(huge)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(huge.body.errors![0]!.message).toMatch(/beside an imageActivations image of up to 4 MiB/);
  });

  it('runs at most its limit of images at once and refuses one more at once', async () => {
    const store = served.atlas.store;
    const images = new ImageActivationsService(store, new TextEncoders(store), 1);
    try {
      const model = (await store.models.find('tiny', 'v1'))!;
      const layer = (await store.models.findLayer(model.id, 'fc'))!;
      const first = images.activate(model, [{ layer, run: null }], readFileSync(pngs[0]!), 3);
      await expect(images.activate(model, [{ layer, run: null }], readFileSync(pngs[0]!), 3)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect((await first).layers[0]!.units).toHaveLength(3);
      // The slot is free again.
      expect((await images.activate(model, [{ layer, run: null }], readFileSync(pngs[1]!), 3)).layers[0]!.units).toHaveLength(3);
    } finally {
      await images.release();
    }
  });
});
