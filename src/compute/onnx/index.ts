/**
 * Target networks in ONNX: list and resolve layers by PyTorch module path, expose them as graph
 * outputs, run batches and pool activations.
 *
 *   const model = await TargetModel.load('resnet18.onnx', { layers: ['layer3', 'layer4'], pool: 'avg' });
 *   const acts = await model.run(batch, n);            // Map<'layer3' | 'layer4', Matrix n x units>
 */
export { OnnxGraph, type InputInfo, type LayerInfo } from './graph.js';
export { listLayers, resolveLayer, inferLayerShapes, overviewLayers, closestNames, type ListLayersOptions } from './layers.js';
export { TargetModel, type TargetModelOptions, type TargetLayer, type RawActivation } from './target-model.js';
export { poolActivations, kindOfRank, type PoolMode, type LayerKind } from './pooling.js';
export { exposeTensors } from './rewrite.js';
export { createSession, type Device, type SessionOptions } from './session.js';
export { sha256File, sha256Bytes } from './hash.js';
