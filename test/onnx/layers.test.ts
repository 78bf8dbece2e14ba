import { describe, expect, it } from 'vitest';
import { childModulePath, OnnxGraph, scopeSegments } from '../../src/compute/onnx/graph.js';
import { listLayers, overviewLayers, resolveLayer } from '../../src/compute/onnx/layers.js';
import { parsePythonStringList } from '../../src/compute/onnx/node-metadata.js';
import { modelPath } from './helpers.js';

describe('module paths from exporter scopes', () => {
  it('splits a node name into scope segments', () => {
    expect(scopeSegments('/layer4/layer4.1/relu_1/Relu')).toEqual(['layer4', 'layer4.1', 'relu_1']);
    expect(scopeSegments('/Flatten')).toEqual([]);
    expect(scopeSegments('Identity_3')).toEqual([]);
  });

  it('rebuilds qualified paths from unqualified segments', () => {
    expect(childModulePath('', 'layer4')).toBe('layer4');
    expect(childModulePath('layer4', 'layer4.1')).toBe('layer4.1');
    expect(childModulePath('layer4.1', 'relu_1')).toBe('layer4.1.relu_1');
    expect(childModulePath('layer2.0', 'downsample')).toBe('layer2.0.downsample');
    expect(childModulePath('layer2.0.downsample', 'downsample.0')).toBe('layer2.0.downsample.0');
    expect(childModulePath('encoder.layers', 'encoder_layer_1')).toBe('encoder.layers.encoder_layer_1');
    // A ModuleList inside a module: its items' segment is `layers.0` under `encoder`.
    expect(childModulePath('encoder', 'layers.0')).toBe('encoder.layers.0');
    // Nested Sequentials: `features.0.1` under `features.0`.
    expect(childModulePath('features.0', 'features.0.1')).toBe('features.0.1');
  });
});

describe('listLayers', () => {
  it('lists every module of the ResNet with the output of its last op', async () => {
    const layers = await listLayers(modelPath('resnet_tiny'));
    const byName = new Map(layers.map((l) => [l.name, l]));
    const top = layers.filter((l) => l.depth === 1).map((l) => l.name);
    expect(top).toEqual(['conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc']);
    // layer4's output is the final Relu of its last block, not the Add before it.
    expect(byName.get('layer4')).toMatchObject({
      scope: '/layer4',
      tensor: '/layer4/layer4.1/relu_1/Relu_output_0',
      opType: 'Relu',
      shape: [null, 64, 2, 2],
    });
    expect(byName.get('layer4.1')?.tensor).toBe('/layer4/layer4.1/relu_1/Relu_output_0');
    expect(byName.get('layer4.0')?.tensor).toBe('/layer4/layer4.0/relu_1/Relu_output_0');
    expect(byName.get('layer4.1.conv2')).toMatchObject({ depth: 3, opType: 'Conv', shape: [null, 64, 2, 2] });
    expect(byName.get('layer2.0.downsample')?.opType).toBe('BatchNormalization');
    expect(byName.get('layer2.0.downsample.0')?.opType).toBe('Conv');
    expect(byName.get('fc')).toMatchObject({ tensor: 'output', opType: 'Gemm', shape: [null, 10] });
    // Parameter-only helpers (Identity nodes the exporter adds for shared weights) are no layers.
    expect(layers.every((l) => l.name.length > 0 && !l.name.startsWith('Identity'))).toBe(true);
  });

  it('lists the ViT encoder layers under their full module path, ending at the residual Add', async () => {
    const layers = await listLayers(modelPath('vit_tiny'));
    const byName = new Map(layers.map((l) => [l.name, l]));
    expect(byName.get('encoder.layers.encoder_layer_1')).toMatchObject({
      scope: '/encoder/layers/encoder_layer_1',
      tensor: '/encoder/layers/encoder_layer_1/Add_1_output_0',
      opType: 'Add',
      depth: 3,
      shape: [null, 17, 32],
    });
    expect(byName.get('encoder.layers.encoder_layer_1.mlp')?.opType).toBe('Add');
    expect(byName.get('encoder')?.tensor).toBe('/encoder/ln/Add_1_output_0');
    expect(byName.get('encoder.layers')?.container).toBe(true);
    expect(byName.get('encoder')?.container).toBeUndefined();
  });

  it('overview shows top-level modules and children, looking through containers', async () => {
    const vit = overviewLayers(await listLayers(modelPath('vit_tiny'), { inferShapes: false })).map((l) => l.name);
    expect(vit).toContain('encoder.layers.encoder_layer_1');
    expect(vit).not.toContain('encoder.layers.encoder_layer_1.mlp');
    const resnet = overviewLayers(await listLayers(modelPath('resnet_tiny'), { inferShapes: false })).map((l) => l.name);
    expect(resnet).toContain('layer4.1');
    expect(resnet).not.toContain('layer4.1.conv1');
  });

  it('leaves shapes unknown when not asked to infer them', async () => {
    const layers = await listLayers(modelPath('cnn_tiny'), { inferShapes: false });
    expect(layers.find((l) => l.name === 'classifier.1')?.shape).toBeUndefined();
  });
});

describe('dynamo-exported models (scopes in node metadata)', () => {
  it('parses the exporter\'s Python list repr', () => {
    expect(parsePythonStringList("['', 'layer4', 'layer4.1', \"it's\", 'conv2d']")).toEqual(['', 'layer4', 'layer4.1', "it's", 'conv2d']);
  });

  it('finds the same modules and outputs as the TorchScript export of the same network', async () => {
    const torchscript = await listLayers(modelPath('resnet_tiny'), { inferShapes: false });
    const dynamo = await listLayers(modelPath('resnet_tiny_dynamo'), { inferShapes: false });
    const strip = (layers: typeof dynamo) => layers.map((l) => [l.name, l.depth, l.tensor, l.opType, l.container ?? false]);
    expect(strip(dynamo)).toEqual(strip(torchscript));
    expect(dynamo.find((l) => l.name === 'layer4.1')?.scope).toBe('/layer4/layer4.1');
    expect(dynamo.find((l) => l.name === 'layer2.0.downsample.0')?.scope).toBe('/layer2/layer2.0/layer2.0.downsample/layer2.0.downsample.0');
  });
});

describe('resolveLayer', () => {
  it('accepts module paths, slash scopes and raw tensor names', async () => {
    const graph = await OnnxGraph.read(modelPath('resnet_tiny'));
    expect(resolveLayer(graph, 'layer3').tensor).toBe('/layer3/layer3.1/relu_1/Relu_output_0');
    expect(resolveLayer(graph, '/layer4/layer4.1').name).toBe('layer4.1');
    expect(resolveLayer(graph, '/layer4/layer4.1/').name).toBe('layer4.1');
    expect(resolveLayer(graph, 'fc').tensor).toBe('output');
    const raw = resolveLayer(graph, '/layer4/layer4.1/Add_output_0');
    expect(raw).toMatchObject({ name: '/layer4/layer4.1/Add_output_0', tensor: '/layer4/layer4.1/Add_output_0', opType: 'Add', depth: 0 });
  });

  it('rejects an unknown layer, naming it, the file and close matches', async () => {
    const graph = await OnnxGraph.read(modelPath('resnet_tiny'));
    expect(() => resolveLayer(graph, 'layer5')).toThrow(/unknown layer "layer5" in .*resnet_tiny\.onnx; did you mean "layer1", .*"layer4"/);
    expect(() => resolveLayer(graph, 'encoder.layers.encoder_layer_5')).toThrow(/unknown layer "encoder.layers.encoder_layer_5"/);
    const vit = await OnnxGraph.read(modelPath('vit_tiny'));
    expect(() => resolveLayer(vit, 'encoder.layers.encoder_layer_5')).toThrow(/did you mean "encoder.layers.encoder_layer_0", "encoder.layers.encoder_layer_1"/);
    // Parameters are tensors too, but not layers.
    expect(() => resolveLayer(graph, 'fc.weight')).toThrow(/unknown layer "fc.weight"/);
  });
});
