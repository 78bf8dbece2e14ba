/**
 * Reading an ONNX file and indexing its graph by module path.
 *
 * PyTorch's exporter (torch >= 1.13) names every node after the module scope that produced it:
 * `/layer4/layer4.1/relu_1/Relu`, `/encoder/layers/encoder_layer_1/Add_1`. Each path segment is
 * the module's *unqualified* name: the last non-numeric atom of its qualified name plus any
 * numeric atoms after it (`layer4.1`, `downsample.0`, `encoder_layer_1`). We rebuild the
 * qualified module path (`layer4.1`, `layer2.0.downsample.0`, `encoder.layers.encoder_layer_1`)
 * so users can name layers exactly as in PyTorch.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { readNodeNameScopes } from './node-metadata.js';
import { onnx } from './proto.js';

/** A selectable layer: a module of the exported network, or a raw tensor. */
export interface LayerInfo {
  /** Module path as users write it (`layer4.1`, `encoder.layers.encoder_layer_1`); for a raw
   *  tensor, the tensor name. */
  name: string;
  /** Exporter scope (`/layer4/layer4.1`); '' for a raw tensor. */
  scope: string;
  /** Nesting depth: 1 for top-level modules, 2 for their children, ...; 0 for a raw tensor. */
  depth: number;
  /** Name of the tensor holding the module's output: the output of the last node under the
   *  scope (graph order) whose value leaves the module. */
  tensor: string;
  /** Op type of the node producing `tensor` (`Relu`, `Add`, `Gemm`). */
  opType: string;
  /** Full shape including batch when known (null for a symbolic dim); absent when unknown. */
  shape?: (number | null)[];
  /** True when the module has no ops of its own, only child modules (a Sequential, ModuleList
   *  or wrapper such as `encoder.layers`): listings look through it. */
  container?: boolean;
}

/** The network's image input (NCHW float32). Null dims are symbolic (dynamic). */
export interface InputInfo {
  name: string;
  dims: (number | null)[];
}

/** ONNX TensorProto.DataType numbers we care about. */
export const ELEM_FLOAT = 1;

/** A parsed ONNX file: its bytes (kept for graph rewriting), graph index and selectable layers. */
export class OnnxGraph {
  private constructor(
    /** Path the model was read from. */
    readonly path: string,
    /** The file's bytes, unchanged. */
    readonly bytes: Uint8Array,
    readonly input: InputInfo,
    /** Graph output names. */
    readonly outputs: string[],
    /** Module layers in graph order of their first node. */
    readonly layers: LayerInfo[],
    /** tensor name -> producing node op type, for every node output. */
    readonly producers: Map<string, string>,
    /** tensor name -> known element type and shape (from value_info / graph outputs). */
    readonly valueInfo: Map<string, { elemType: number; shape?: (number | null)[] }>,
  ) {}

  /** Read and index an ONNX file. Throws an error naming the file when it is missing or is not
   *  an ONNX model. */
  static async read(modelPath: string): Promise<OnnxGraph> {
    let bytes: Buffer;
    try {
      bytes = await readFile(modelPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'ENOENT' ? `ONNX model not found: ${modelPath}` : `cannot read ONNX model ${modelPath}: ${String(error)}`,
        { cause: error },
      );
    }
    return OnnxGraph.fromBytes(bytes, modelPath);
  }

  /** Index an ONNX model already in memory; `label` names it in errors. */
  static fromBytes(bytes: Uint8Array, label: string): OnnxGraph {
    let model: OnnxTypes.ModelProto;
    try {
      model = onnx.ModelProto.decode(bytes);
    } catch (error) {
      throw new Error(`${label} is not a valid ONNX model (${error instanceof Error ? error.message : String(error)})`, {
        cause: error,
      });
    }
    const graph = model.graph;
    const nodes = graph?.node ?? [];
    const graphInputs = graph?.input ?? [];
    const graphOutputs = (graph?.output ?? []).map((o) => o.name ?? '');
    if (!graph || nodes.length === 0 || graphInputs.length === 0) {
      throw new Error(`${label} is not a valid ONNX model (no graph, nodes or inputs found)`);
    }
    const initializer = graph.initializer ?? [];
    const initializers = new Set(initializer.map((t) => t.name ?? ''));
    for (const t of initializer) {
      if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
        throw new Error(`${label} keeps its weights in external data files, which are not supported; re-export it as one file`);
      }
    }
    const realInputs = graphInputs.filter((v) => !initializers.has(v.name ?? ''));
    if (realInputs.length !== 1) {
      throw new Error(
        `${label} has ${realInputs.length} inputs (${realInputs.map((v) => v.name).join(', ')}); expected one image input`,
      );
    }
    const inputProto = realInputs[0]!;
    const inputType = inputProto.type?.tensorType;
    if (!inputType || (inputType.elemType ?? 0) !== ELEM_FLOAT) {
      throw new Error(`${label}: input "${inputProto.name}" is not a float32 tensor`);
    }
    const input: InputInfo = { name: inputProto.name ?? '', dims: dimsOf(inputType.shape) ?? [] };
    if (input.dims.length !== 4) {
      throw new Error(`${label}: input "${input.name}" has rank ${input.dims.length}; expected NCHW (rank 4)`);
    }

    const valueInfo = new Map<string, { elemType: number; shape?: (number | null)[] }>();
    for (const v of [...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
      const tt = v.type?.tensorType;
      if (tt) valueInfo.set(v.name ?? '', { elemType: tt.elemType ?? 0, shape: dimsOf(tt.shape) });
    }

    const producers = new Map<string, string>();
    for (const node of nodes) for (const out of node.output ?? []) producers.set(out, node.opType ?? '');

    let dynamoScopes: (string[] | undefined)[] = [];
    try {
      dynamoScopes = readNodeNameScopes(bytes);
    } catch {
      // Metadata is optional; the decode above already vouched for the model's structure.
    }
    const layers = indexModules(graph, input.name, new Set(graphOutputs), dynamoScopes);
    for (const layer of layers) {
      const known = valueInfo.get(layer.tensor)?.shape;
      if (known) layer.shape = known;
    }
    return new OnnxGraph(
      label,
      bytes,
      input,
      graphOutputs,
      layers,
      producers,
      valueInfo,
    );
  }

  /** Display name of the file for messages. */
  get fileName(): string {
    return path.basename(this.path);
  }
}

function dimsOf(shape: OnnxTypes.ITensorShapeProto | null | undefined): (number | null)[] | undefined {
  if (!shape?.dim) return undefined;
  return shape.dim.map((d) => {
    const v = d.dimValue;
    if (v === null || v === undefined || d.dimParam) return null;
    const n = typeof v === 'number' ? v : Number(v.toString());
    return n > 0 ? n : null;
  });
}

/** Scope segments of a node name: `/layer4/layer4.1/relu_1/Relu` -> [layer4, layer4.1, relu_1].
 *  Names without a leading slash (other exporters, or graph-level helpers) have no scope. */
export function scopeSegments(nodeName: string): string[] {
  if (!nodeName.startsWith('/')) return [];
  const parts = nodeName.split('/').slice(1);
  parts.pop(); // the op's own name (`Relu`, `Add_1`)
  return parts.filter((p) => p.length > 0);
}

/**
 * Qualified module path of a child scope segment under a parent path. The exporter writes the
 * unqualified name, which for children of containers repeats the container's name
 * (`layer4` -> `layer4.1`, `downsample` -> `downsample.0`), otherwise is the attribute name.
 */
export function childModulePath(parent: string, segment: string): string {
  if (!parent) return segment;
  const segAtoms = segment.split('.');
  if (segAtoms.length > 1) {
    const parentAtoms = parent.split('.');
    let lastName = parentAtoms.length - 1;
    while (lastName > 0 && /^\d+$/.test(parentAtoms[lastName]!)) lastName--;
    const tail = parentAtoms.slice(lastName);
    // The segment continues the parent's own trailing `name.i.j` (container child).
    if (tail.every((atom, i) => segAtoms[i] === atom) && segAtoms.length > tail.length) {
      return [...parentAtoms.slice(0, lastName), ...segAtoms].join('.');
    }
  }
  return `${parent}.${segment}`;
}

/** Ops whose output depends only on the input's shape, not its values. */
const SHAPE_ONLY_OPS = new Set(['Shape', 'Size']);

/**
 * Find every module scope and the tensor that is its output.
 * Only "value" tensors count: those computed from the input's values (so parameters, Constants
 * and shape arithmetic such as Shape -> Gather -> Concat never count as a module's output).
 * A module's output is the last (graph order = topological order) value tensor produced under
 * its scope that is used outside the scope or is a graph output; when none leaves the scope,
 * the last value tensor produced under it.
 */
function indexModules(
  graph: OnnxTypes.IGraphProto,
  inputName: string,
  graphOutputs: Set<string>,
  dynamoScopes: readonly (string[] | undefined)[],
): LayerInfo[] {
  const nodes = graph.node ?? [];
  const valued = new Set<string>([inputName]);
  // Per node: scope key segments and the qualified module path at each depth.
  const nodeScopes: string[][] = [];
  const nodePaths: string[][] = [];
  nodes.forEach((node, i) => {
    const inputsValued = (node.input ?? []).some((t) => valued.has(t));
    if (inputsValued && !SHAPE_ONLY_OPS.has(node.opType ?? '')) {
      for (const out of node.output ?? []) if (out) valued.add(out);
    }
    const dynamo = dynamoScopes[i];
    if (dynamo) {
      // Dynamo exports already carry qualified paths; they double as scope segments.
      nodeScopes.push(dynamo);
      nodePaths.push(dynamo);
    } else {
      const segs = scopeSegments(node.name ?? '');
      const paths: string[] = [];
      segs.forEach((seg, d) => paths.push(childModulePath(d === 0 ? '' : paths[d - 1]!, seg)));
      nodeScopes.push(segs);
      nodePaths.push(paths);
    }
  });

  // For each tensor, the scope keys of the nodes that consume it.
  const consumers = new Map<string, string[]>();
  nodes.forEach((node, i) => {
    const key = `/${nodeScopes[i]!.join('/')}`;
    for (const t of node.input ?? []) {
      const list = consumers.get(t);
      if (list) list.push(key);
      else consumers.set(t, [key]);
    }
  });

  interface Candidate {
    scope: string;
    name: string;
    depth: number;
    firstNode: number;
    escaping?: { tensor: string; opType: string };
    last?: { tensor: string; opType: string };
    ownOps: number;
  }
  const modules = new Map<string, Candidate>();
  nodes.forEach((node, i) => {
    const segs = nodeScopes[i]!;
    for (let d = 0; d < segs.length; d++) {
      const modulePath = nodePaths[i]![d]!;
      const scope = `/${segs.slice(0, d + 1).join('/')}`;
      let entry = modules.get(scope);
      if (!entry) {
        entry = { scope, name: modulePath, depth: d + 1, firstNode: i, ownOps: 0 };
        modules.set(scope, entry);
      }
      if (d === segs.length - 1 && node.opType !== 'Constant') entry.ownOps++;
      for (const out of node.output ?? []) {
        if (!out || !valued.has(out)) continue;
        const hit = { tensor: out, opType: node.opType ?? '' };
        entry.last = hit;
        const users = consumers.get(out) ?? [];
        const leaves = graphOutputs.has(out) || users.some((u) => u !== scope && !u.startsWith(`${scope}/`));
        if (leaves) entry.escaping = hit;
      }
    }
  });

  const layers: LayerInfo[] = [];
  for (const m of [...modules.values()].sort((a, b) => a.firstNode - b.firstNode)) {
    const out = m.escaping ?? m.last;
    if (!out) continue; // a scope holding only parameters or shape arithmetic
    const layer: LayerInfo = { name: m.name, scope: m.scope, depth: m.depth, tensor: out.tensor, opType: out.opType };
    if (m.ownOps === 0) layer.container = true;
    layers.push(layer);
  }
  return layers;
}
