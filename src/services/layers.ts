/** The layers of an ONNX model a user can dissect (`atlas layers`), named by PyTorch module path. */
import { OnnxGraph, type LayerInfo } from '../compute/onnx/graph.js';
import { inferLayerShapes, overviewLayers } from '../compute/onnx/layers.js';
import { kindOfRank, unitsOf } from '../compute/onnx/pooling.js';

export interface LayerRow extends LayerInfo {
  kind?: 'conv' | 'token' | 'dense';
  units?: number;
}

export interface ModelLayers {
  input: OnnxGraph['input'];
  /** Every module of the graph, shown or not. */
  modules: number;
  layers: LayerRow[];
  /** Why output shapes could not be inferred, when they could not. */
  problem?: string;
}

export interface ListLayersOptions {
  /** Every module at every depth (default: top-level modules and their children). */
  all?: boolean;
  /** Run the model once to infer output shapes (default true). */
  shapes?: boolean;
  /** Input height/width for shape inference when the model does not fix it. */
  inputSize: number;
}

export async function listLayers(model: string, options: ListLayersOptions): Promise<ModelLayers> {
  const graph = await OnnxGraph.read(model);
  const problem = options.shapes === false ? undefined : await inferLayerShapes(graph, options.inputSize);
  const shown = options.all ? graph.layers : overviewLayers(graph.layers);
  return { input: graph.input, modules: graph.layers.length, layers: shown.map(describe), ...(problem ? { problem } : {}) };
}

function describe(layer: LayerInfo): LayerRow {
  const row: LayerRow = { ...layer };
  if (layer.shape && [2, 3, 4].includes(layer.shape.length)) {
    row.kind = kindOfRank(layer.shape.length, layer.name);
    const units = unitsOf(layer.shape.map((d) => d ?? 0));
    if (units > 0) row.units = units;
  }
  return row;
}
