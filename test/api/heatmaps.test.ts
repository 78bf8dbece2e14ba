/**
 * Activation heatmaps over HTTP with a real toy model: conv units' maps drawn over their top
 * images (PNG, sized, cached with ETag), the map being the unit's own output (its mean is the
 * stored avg-pooled activation), and null heatmapUrl where no map can be drawn (dense layers,
 * missing or changed model files).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256File, TargetModel } from '../../src/compute/onnx/index.js';
import { parseSpec } from '../../src/compute/preprocess/index.js';
import type { AtlasStore } from '../../src/db/atlas-store.js';
import { HeatmapService } from '../../src/services/heatmaps.js';
import { generateScene } from '../../src/toyworld/index.js';
import { toyBatch } from '../../src/toyworld/toy-batch.js';
import { drivers, repoRoot } from '../store/helpers.js';
import { ok, servedAtlas } from '../queries/helpers.js';

const MODEL_FILE = 'models/toy/resnet-v1.onnx';
const SIDECAR = JSON.parse(readFileSync(join(repoRoot, 'models/toy/resnet-v1.json'), 'utf8')) as { preprocessing: Record<string, unknown> };
const SEED = 7;

interface Top {
  ordinal: number;
  url: string | null;
  heatmapUrl: string | null;
}

/** Models sharing one toy probe set: the real file, one whose file is gone, one whose file changed. */
async function writeHeatmapAtlas(store: AtlasStore): Promise<void> {
  const fileHash = await sha256File(join(repoRoot, MODEL_FILE));
  const clipModelId = await store.clipModels.upsert({ name: 'toy-clip', dim: 4 });
  const probeSetId = await store.probeSets.upsert({
    name: 'toy-probe',
    recipe: { generator: 'toy', seed: SEED, count: 6 },
    contentHash: 'heatmap-probe',
    images: Array.from({ length: 6 }, (_, i) => ({ ordinal: i, uri: `toy:${SEED}/${i}` })),
  });
  const { id: conceptSetId } = await store.conceptSets.upsert({ name: 'c', concepts: ['circle', 'star'] });
  const models = [
    { name: 'real', source: MODEL_FILE, fileHash },
    { name: 'gone', source: 'models/toy/no-such-model.onnx', fileHash },
    { name: 'changed', source: MODEL_FILE, fileHash: 'f'.repeat(64) },
  ];
  for (const m of models) {
    const modelId = await store.models.upsert({ name: m.name, version: 'toy', fileHash: m.fileHash, inputSpec: { preprocess: SIDECAR.preprocessing }, source: m.source });
    await store.models.upsertLayers(modelId, [
      { name: 'layer4', kind: 'conv', units: 128 },
      { name: 'fc', kind: 'dense', units: 8 },
    ]);
    const run = await store.runs.begin({ modelId, clipModelId, probeSetId, conceptSetId, parameters: { method: 'clip-dissect', pool: 'avg' } });
    for (const [name, units] of [['layer4', 128], ['fc', 8]] as const) {
      await store.runs.writeLayer(run, {
        layer: { name, kind: name === 'fc' ? 'dense' : 'conv', units },
        labels: Array.from({ length: units }, () => [{ concept: 0, score: 1 }]),
        topImages: Array.from({ length: units }, () => [0, 1, 2].map((ordinal) => ({ ordinal, activation: 3 - ordinal }))),
      });
    }
    await store.runs.complete(run);
  }
}

describe.each(drivers)('activation heatmaps over HTTP on %s', (driver) => {
  const served = servedAtlas(driver, writeHeatmapAtlas);
  const service = { current: undefined as HeatmapService | undefined };
  afterAll(async () => service.current?.release());

  const tops = async (model: string, layer: string, unit: number): Promise<Top[]> =>
    (
      ok(await served.client.gql(`{ neuron(model: "${model}", layer: "${layer}", unit: ${unit}) { topImages { ordinal url heatmapUrl } } }`)).neuron as {
        topImages: Top[];
      }
    ).topImages;

  it('draws a conv unit\'s map over each top image: PNG, 256 px or sized, with ETag and 304', async () => {
    const base = served.client.url;
    const [first, second] = await tops('real', 'layer4', 5);
    expect(first!.heatmapUrl).toMatch(/^\/heatmaps\/\d+\/5\/\d+\/0$/);
    const res = await fetch(`${base}${first!.heatmapUrl}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'png', width: 256, height: 256 });
    const small = await fetch(`${base}${first!.heatmapUrl}?size=64`);
    expect(await sharp(Buffer.from(await small.arrayBuffer())).metadata()).toMatchObject({ width: 64, height: 64 });
    const large = await fetch(`${base}${first!.heatmapUrl}?size=600`);
    expect(await sharp(Buffer.from(await large.arrayBuffer())).metadata()).toMatchObject({ format: 'png', width: 600, height: 600 });
    const revalidated = await fetch(`${base}${first!.heatmapUrl}`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(revalidated.status).toBe(304);
    // Another image, or another unit on the same image, is another map.
    const other = Buffer.from(await (await fetch(`${base}${second!.heatmapUrl}`)).arrayBuffer());
    const [otherUnit] = await tops('real', 'layer4', 6);
    const unit6 = Buffer.from(await (await fetch(`${base}${otherUnit!.heatmapUrl}`)).arrayBuffer());
    expect(other.equals(bytes)).toBe(false);
    expect(unit6.equals(bytes)).toBe(false);
    // Not the plain image either: the overlay changes the pixels.
    const plain = await sharp(Buffer.from(await (await fetch(`${base}${first!.url}`)).arrayBuffer())).raw().toBuffer();
    expect((await sharp(bytes).removeAlpha().raw().toBuffer()).equals(plain)).toBe(false);
  });

  it('maps what the network computes: the mean of the map is the avg-pooled activation', async () => {
    const [layer] = (
      ok(await served.client.gql('{ model(name: "real") { layers { name } } }')).model as { layers: { name: string }[] }
    ).layers;
    expect(layer!.name).toBe('layer4');
    const [top] = await tops('real', 'layer4', 5);
    const [, layerId, , probeSetId] = top!.heatmapUrl!.split('/').slice(1).map(Number) as number[];
    service.current = new HeatmapService(served.atlas.store);
    const map = await service.current.activationMap(layerId!, 9, probeSetId!, 3);
    expect([map.height, map.width]).toEqual([2, 2]); // 64 px input, stride 32
    const spec = parseSpec({ preprocess: SIDECAR.preprocessing }, 'sidecar');
    const net = await TargetModel.load(join(repoRoot, MODEL_FILE), { layers: ['layer4'], pool: 'avg', inputSize: spec.crop });
    try {
      const pooled = (await net.run(await toyBatch([generateScene(SEED, 3)], spec), 1)).get('layer4')!;
      const mean = map.values.reduce((a, b) => a + b, 0) / map.values.length;
      expect(mean).toBeCloseTo(pooled.data[9]!, 4);
    } finally {
      await net.release();
    }
  });

  it('gives no heatmapUrl for dense layers or where the model file is missing or changed, and their routes answer 404', async () => {
    const base = served.client.url;
    const [fc] = await tops('real', 'fc', 1);
    expect(fc!.url).not.toBeNull();
    expect(fc!.heatmapUrl).toBeNull();
    for (const model of ['gone', 'changed']) {
      const [top] = await tops(model, 'layer4', 1);
      expect(top!.url, model).not.toBeNull();
      expect(top!.heatmapUrl, model).toBeNull();
    }
    const [real] = await tops('real', 'layer4', 5);
    const [, layerId, , setId] = real!.heatmapUrl!.split('/').slice(1);
    const cases: [string, RegExp][] = [
      [`/heatmaps/${Number(layerId) + 1}/1/${setId}/0`, /not spatial/], // real's fc
      [`/heatmaps/${Number(layerId) + 2}/1/${setId}/0`, /model file of gone@toy is not available/],
      [`/heatmaps/${Number(layerId) + 4}/1/${setId}/0`, /model file of changed@toy is not available/],
      [`/heatmaps/${layerId}/128/${setId}/0`, /no unit 128/],
      [`/heatmaps/${layerId}/1/${setId}/99`, /has no image 99/],
      ['/heatmaps/999999/1/1/0', /no layer/],
    ];
    for (const [path, message] of cases) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toMatch(message);
    }
  });
});
