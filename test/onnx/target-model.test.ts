import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/compute/onnx/hash.js';
import { onnx } from '../../src/compute/onnx/proto.js';
import { TargetModel } from '../../src/compute/onnx/target-model.js';
import { expected, maxAbsDiff, modelPath } from './helpers.js';

const TOLERANCE = 1e-4;
const loaded: TargetModel[] = [];
afterAll(async () => {
  for (const m of loaded) await m.release();
});
async function load(...args: Parameters<typeof TargetModel.load>): Promise<TargetModel> {
  const model = await TargetModel.load(...args);
  loaded.push(model);
  return model;
}

describe.each(['resnet_tiny', 'vit_tiny', 'cnn_tiny'])('%s: pooled activations equal the PyTorch forward hooks', (name) => {
  const exp = expected(name);
  const layerNames = Object.keys(exp.layers);

  it.each(['avg', 'max'] as const)('pool %s', async (pool) => {
    const model = await load(modelPath(name), { layers: layerNames, pool, threads: 1 });
    const acts = await model.run(Float32Array.from(exp.inputs), exp.batch);
    expect([...acts.keys()]).toEqual(layerNames);
    for (const layer of layerNames) {
      const want = exp.layers[layer]!;
      const got = acts.get(layer)!;
      expect(got.rows, layer).toBe(exp.batch);
      expect(got.cols, layer).toBe(want.avg[0]!.length);
      expect(maxAbsDiff(got.data, want[pool].flat()), `${layer} (${pool})`).toBeLessThan(TOLERANCE);
    }
  });

  it('reports each layer kind and unit count', async () => {
    const model = await load(modelPath(name), { layers: layerNames });
    for (const layer of model.layers) {
      const want = exp.layers[layer.name]!;
      expect(layer.kind, layer.name).toBe(want.kind);
      expect(layer.units, layer.name).toBe(want.avg[0]!.length);
      expect(layer.sampleDims, layer.name).toEqual(want.shape);
    }
  });
});

describe('TargetModel', () => {
  const resnet = expected('resnet_tiny');

  it('takes the CLS token of a transformer layer, not a pooled mean', async () => {
    const vit = expected('vit_tiny');
    const layer = 'encoder.layers.encoder_layer_1';
    const model = await load(modelPath('vit_tiny'), { layers: [layer] });
    expect(model.layers[0]).toMatchObject({ kind: 'token', units: 32, sampleDims: [17, 32] });
    const batch = Float32Array.from(vit.inputs);
    const pooled = (await model.run(batch, vit.batch)).get(layer)!;
    const raw = (await model.runRaw(batch, vit.batch)).get(layer)!;
    expect(raw.dims).toEqual([vit.batch, 17, 32]);
    // Row b of the matrix is token 0 of image b.
    for (let b = 0; b < vit.batch; b++) {
      expect(maxAbsDiff(pooled.data.subarray(b * 32, b * 32 + 32), raw.data.subarray(b * 17 * 32, b * 17 * 32 + 32))).toBe(0);
    }
    expect(maxAbsDiff(pooled.data, vit.layers[layer]!.avg.flat())).toBeLessThan(TOLERANCE);
  });

  it('max and avg pooling differ on spatial maps and agree with the raw map', async () => {
    const avg = await load(modelPath('resnet_tiny'), { layers: ['layer3'], pool: 'avg' });
    const max = await load(modelPath('resnet_tiny'), { layers: ['layer3'], pool: 'max' });
    const batch = Float32Array.from(resnet.inputs);
    const a = (await avg.run(batch, resnet.batch)).get('layer3')!;
    const m = (await max.run(batch, resnet.batch)).get('layer3')!;
    const raw = (await avg.runRaw(batch, resnet.batch)).get('layer3')!;
    expect(raw.dims).toEqual([3, 32, 4, 4]);
    let above = 0;
    for (let i = 0; i < a.data.length; i++) {
      const map = raw.data.subarray(i * 16, i * 16 + 16);
      expect(m.data[i]).toBe(Math.max(...map));
      expect(a.data[i]).toBeCloseTo(map.reduce((s, v) => s + v, 0) / 16, 6);
      if (m.data[i]! > a.data[i]! + 1e-6) above++;
    }
    expect(above).toBeGreaterThan(a.data.length / 2);
  });

  it('runs a dynamo-style export with the same activations', async () => {
    const model = await load(modelPath('resnet_tiny_dynamo'), { layers: ['layer4.1', 'layer2.0.downsample', 'fc'] });
    const acts = await model.run(Float32Array.from(resnet.inputs), resnet.batch);
    for (const layer of ['layer4.1', 'layer2.0.downsample', 'fc']) {
      expect(maxAbsDiff(acts.get(layer)!.data, resnet.layers[layer]!.avg.flat()), layer).toBeLessThan(TOLERANCE);
    }
  });

  it('resolves slash scopes and raw tensors, keyed by canonical name, without duplicates', async () => {
    const model = await load(modelPath('resnet_tiny'), {
      layers: ['/layer4/layer4.1', 'layer4.1', '/layer4/layer4.1/Add_output_0'],
    });
    expect(model.layers.map((l) => l.name)).toEqual(['layer4.1', '/layer4/layer4.1/Add_output_0']);
    const acts = await model.run(Float32Array.from(resnet.inputs), resnet.batch);
    expect(maxAbsDiff(acts.get('layer4.1')!.data, resnet.layers['layer4.1']!.avg.flat())).toBeLessThan(TOLERANCE);
    // The pre-ReLU sum can be negative; the block output cannot.
    expect(Math.min(...acts.get('/layer4/layer4.1/Add_output_0')!.data)).toBeLessThan(0);
  });

  it('describes the input, the file hash and accepts any batch size', async () => {
    const model = await load(modelPath('cnn_tiny'), { layers: ['classifier'] });
    expect(model.input).toMatchObject({ name: 'input', dims: [null, 3, 16, 16], channels: 3, height: 16, width: 16 });
    expect(model.fileHash).toBe(await sha256File(modelPath('cnn_tiny')));
    expect(model.fileHash).toMatch(/^[0-9a-f]{64}$/);
    const cnn = expected('cnn_tiny');
    const one = await model.run(Float32Array.from(cnn.inputs).subarray(0, 3 * 16 * 16), 1);
    expect(maxAbsDiff(one.get('classifier')!.data, cnn.output[0]!)).toBeLessThan(TOLERANCE);
  });

  it('uses inputSize for models whose spatial dims are symbolic', async () => {
    // cnn_tiny with its input's H and W made symbolic.
    const proto = onnx.ModelProto.decode(readFileSync(modelPath('cnn_tiny')));
    const dims = proto.graph!.input![0]!.type!.tensorType!.shape!.dim!;
    dims[2] = { dimParam: 'height' };
    dims[3] = { dimParam: 'width' };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'atlas-onnx-')), 'dynamic.onnx');
    writeFileSync(file, onnx.ModelProto.encode(proto).finish());
    const model = await load(file, { layers: ['features.4'], inputSize: 16 });
    expect(model.input).toMatchObject({ dims: [null, 3, null, null], height: 16, width: 16 });
    const cnn = expected('cnn_tiny');
    const acts = await model.run(Float32Array.from(cnn.inputs), cnn.batch);
    expect(maxAbsDiff(acts.get('features.4')!.data, cnn.layers['features.4']!.avg.flat())).toBeLessThan(TOLERANCE);
  });

  it('returns fresh arrays: a later run does not overwrite earlier results', async () => {
    const model = await load(modelPath('cnn_tiny'), { layers: ['classifier', 'features'] });
    const first = await model.run(new Float32Array(2 * model.imageSize).fill(0.5), 2);
    const copies = [...first.values()].map((m) => Float32Array.from(m.data));
    await model.run(new Float32Array(2 * model.imageSize).fill(-0.3), 2);
    [...first.values()].forEach((m, i) => expect(maxAbsDiff(m.data, copies[i]!)).toBe(0));
  });

  it('rejects a batch whose size does not match the model input, naming the expected shape', async () => {
    const model = await load(modelPath('resnet_tiny'), { layers: ['fc'] });
    await expect(model.run(new Float32Array(2 * 3 * 28 * 28), 2)).rejects.toThrow(
      /input size mismatch for .*resnet_tiny\.onnx: got 4704 floats for 2 image\(s\); input "input" expects 2 x 3 x 32 x 32 = 6144/,
    );
    await expect(model.run(new Float32Array(0), 0)).rejects.toThrow(/batch size must be a positive integer/);
  });

  it('rejects unknown layers at load time', async () => {
    await expect(TargetModel.load(modelPath('resnet_tiny'), { layers: ['layer3', 'layer9'] })).rejects.toThrow(
      /unknown layer "layer9" in .*resnet_tiny\.onnx/,
    );
    await expect(TargetModel.load(modelPath('resnet_tiny'), { layers: [] })).rejects.toThrow(/no layers requested/);
  });

  it('names the file when it is missing or not an ONNX model', async () => {
    await expect(TargetModel.load('no/such/model.onnx', { layers: ['fc'] })).rejects.toThrow('ONNX model not found: no/such/model.onnx');
    const dir = mkdtempSync(path.join(tmpdir(), 'atlas-onnx-'));
    const corrupt = path.join(dir, 'corrupt.onnx');
    writeFileSync(corrupt, Buffer.from('this is not a protobuf at all, just text\n'.repeat(20)));
    await expect(TargetModel.load(corrupt, { layers: ['fc'] })).rejects.toThrow(`${corrupt} is not a valid ONNX model`);
    const empty = path.join(dir, 'empty.onnx');
    writeFileSync(empty, new Uint8Array(0));
    await expect(TargetModel.load(empty, { layers: ['fc'] })).rejects.toThrow(`${empty} is not a valid ONNX model`);
  });

  const require = createRequire(import.meta.url);
  const ortBin = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin/napi-v6', process.platform, process.arch);
  const cudaInstalled = existsSync(path.join(ortBin, 'libonnxruntime_providers_cuda.so'));
  it('fails clearly on --device cuda when the CUDA provider is not installed', async (ctx) => {
    ctx.skip(cudaInstalled, 'the CUDA provider is installed here, so --device cuda does not fail');
    await expect(TargetModel.load(modelPath('cnn_tiny'), { layers: ['classifier'], device: 'cuda' })).rejects.toThrow(
      /cannot run .*cnn_tiny\.onnx on cuda: the CUDA execution provider is not installed/,
    );
  });
});
