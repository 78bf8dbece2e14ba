/** Listing a model's selectable layers and resolving a user's layer name. */
import { Tensor } from 'onnxruntime-node';
import { OnnxGraph, type LayerInfo } from './graph.js';
import { exposeTensors } from './rewrite.js';
import { createSession } from './session.js';

export interface ListLayersOptions {
  /** Run the model once on a zero input (batch 1) to learn every layer's output shape.
   *  Default true. */
  inferShapes?: boolean;
  /** Input height/width for that run when the model's are symbolic (default 224). */
  inputSize?: number;
}

/** Every module of the model (all depths, graph order) with its output tensor, op type and,
 *  when inferred, output shape (batch dim included). */
export async function listLayers(modelPath: string, options: ListLayersOptions = {}): Promise<LayerInfo[]> {
  const graph = await OnnxGraph.read(modelPath);
  if (options.inferShapes ?? true) await inferLayerShapes(graph, options.inputSize);
  return graph.layers;
}

/**
 * Fill `shape` of every layer of `graph` by running it once on zeros. Shapes are a convenience,
 * so failure (say, a module whose output is not float) leaves them unknown and returns the
 * reason instead of throwing.
 */
export async function inferLayerShapes(graph: OnnxGraph, inputSize = 224): Promise<string | undefined> {
  const pending = graph.layers.filter((l) => !l.shape || l.shape.slice(1).some((d) => d === null));
  if (pending.length === 0) return undefined;
  const tensors = [...new Set(pending.map((l) => l.tensor))];
  try {
    const session = await createSession(exposeTensors(graph, tensors), { label: graph.path, threads: 1 });
    try {
      const { feed } = zeroInput(graph, inputSize);
      const results = await session.run(feed, tensors);
      for (const layer of pending) {
        const t = results[layer.tensor];
        if (t) layer.shape = [graph.input.dims[0] ?? null, ...t.dims.slice(1).map(Number)];
      }
    } finally {
      await session.release();
    }
    return undefined;
  } catch (error) {
    return `could not infer layer shapes: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** A zero batch of one image (or the model's fixed batch) for probing shapes. */
export function zeroInput(graph: OnnxGraph, inputSize = 224): { feed: Record<string, Tensor>; dims: number[] } {
  const dims = graph.input.dims.map((d, i) => d ?? (i === 0 ? 1 : i === 1 ? 3 : inputSize));
  const size = dims.reduce((a, b) => a * b, 1);
  return { feed: { [graph.input.name]: new Tensor('float32', new Float32Array(size), dims) }, dims };
}

/**
 * The layer a user means by `name`: a module path (`layer4.1`, `encoder.layers.encoder_layer_1`),
 * an exporter scope (`/layer4/layer4.1`), or a raw tensor name (`/layer4/layer4.1/Add_output_0`).
 * Unknown names throw an error naming the layer and the closest known names.
 */
export function resolveLayer(graph: OnnxGraph, name: string): LayerInfo {
  const wanted = name.trim();
  const byName = graph.layers.find((l) => l.name === wanted);
  if (byName) return byName;
  if (wanted.startsWith('/')) {
    const scope = wanted.replace(/\/+$/, '');
    const byScope = graph.layers.find((l) => l.scope === scope);
    if (byScope) return byScope;
  }
  const op = graph.producers.get(wanted);
  if (op !== undefined) {
    const known = graph.valueInfo.get(wanted)?.shape;
    return { name: wanted, scope: '', depth: 0, tensor: wanted, opType: op, ...(known ? { shape: known } : {}) };
  }
  const suggestions = closestNames(wanted, graph.layers.map((l) => l.name));
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
  const list = graph.layers.length > 0
    ? ` (\`atlas layers ${graph.path} --all\` lists them)`
    : ' (this model has no module-scoped node names; use a tensor name)';
  throw new Error(`unknown layer "${name}" in ${graph.path}${hint}${list}`);
}

/** Up to `limit` names closest to `query` by edit distance (case-insensitive); names that
 *  contain the query also qualify when farther away. */
export function closestNames(query: string, names: readonly string[], limit = 5): string[] {
  const q = query.toLowerCase();
  const cutoff = Math.max(2, Math.ceil(q.length / 3));
  return names
    .map((n) => ({ n, distance: editDistance(q, n.toLowerCase()), contains: n.toLowerCase().includes(q) }))
    .filter((s) => s.distance <= cutoff || s.contains)
    .sort((a, b) => a.distance - b.distance || a.n.localeCompare(b.n))
    .slice(0, limit)
    .map((s) => s.n);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The overview a user sees first: top-level modules and their direct children, looking through
 * nested containers (`encoder.layers` is skipped over, so `encoder.layers.encoder_layer_1` counts
 * as a child of `encoder`).
 */
export function overviewLayers(layers: readonly LayerInfo[], maxDepth = 2): LayerInfo[] {
  const containers = new Set(layers.filter((l) => l.container && l.depth >= 2).map((l) => l.scope));
  return layers.filter((l) => {
    let depth = l.depth;
    for (let s = l.scope.lastIndexOf('/'); s > 0; s = l.scope.lastIndexOf('/', s - 1)) {
      if (containers.has(l.scope.slice(0, s))) depth--;
    }
    return depth <= maxDepth;
  });
}
