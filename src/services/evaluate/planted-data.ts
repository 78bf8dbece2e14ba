/**
 * What the planted-neuron benchmark needs from one toy probe set: the real layer's pooled
 * activations and map geometry, CLIP image embeddings, and the ground truth (presence and
 * coverage of every toy word). Computed in memory from the committed toy models; nothing is
 * stored in an atlas.
 */
import type { Matrix } from '../../core/types.js';
import { ClipModel } from '../../compute/clip/index.js';
import { TargetModel, poolActivations } from '../../compute/onnx/index.js';
import { loadPreprocessSpec } from '../../compute/preprocess/index.js';
import type { Coverage, Presence } from '../../compute/planted/units.js';
import { generateScene, TOY_VOCABULARY, type ToyScene } from '../../toyworld/index.js';
import { toyBatch } from '../../toyworld/toy-batch.js';
import { coverageMaps, presenceMatrix } from '../../toyworld/truth.js';

export interface ProbeData {
  scenes: ToyScene[];
  /** n x K pooled (spatial mean) activations of the real layer. */
  base: Matrix;
  /** n x D unit-length CLIP image embeddings. */
  images: Matrix;
  presence: Presence;
  coverage: Coverage;
  layerKind: string;
}

const BATCH = 100;

/** Grid of the layer's maps (conv), its patch grid (token), else 8 x 8 for the planted spatial units. */
function gridOf(layer: { kind: string; sampleDims: number[] }): { h: number; w: number } {
  const d = layer.sampleDims;
  if (layer.kind === 'conv' && d.length === 3) return { h: d[1]!, w: d[2]! };
  if (layer.kind === 'token' && d.length === 2) {
    const side = Math.round(Math.sqrt(d[0]! - 1));
    if (side * side === d[0]! - 1) return { h: side, w: side };
  }
  return { h: 8, w: 8 };
}

export async function probeData(modelPath: string, layer: string, clip: ClipModel, count: number, seed: number): Promise<ProbeData> {
  const scenes = Array.from({ length: count }, (_, i) => generateScene(seed, i));
  const { spec } = await loadPreprocessSpec(modelPath);
  const target = await TargetModel.load(modelPath, { layers: [layer], pool: 'avg', inputSize: spec.crop, threads: 2 });
  const tl = target.layers[0]!;
  let base: Matrix = { rows: count, cols: tl.units, data: new Float32Array(count * tl.units) };
  const images: Matrix = { rows: count, cols: clip.dim, data: new Float32Array(count * clip.dim) };
  try {
    for (let start = 0; start < count; start += BATCH) {
      const part = scenes.slice(start, start + BATCH);
      const raw = (await target.runRaw(await toyBatch(part, spec), part.length)).get(tl.name)!;
      const pooled = poolActivations(raw.data, raw.dims, 'avg', tl.name);
      base.data.set(pooled.data, start * tl.units);
      const emb = await clip.encodeImages(await toyBatch(part, clip.preprocess), part.length);
      images.data.set(emb.data, start * clip.dim);
    }
  } finally {
    await target.release().catch(() => undefined);
  }
  base = { ...base };
  const concepts = [...TOY_VOCABULARY];
  const { h, w } = gridOf(tl);
  return {
    scenes,
    base,
    images,
    presence: { n: count, concepts, data: presenceMatrix(scenes, concepts) },
    coverage: { n: count, concepts, h, w, data: coverageMaps(scenes, h, w, concepts) },
    layerKind: tl.kind,
  };
}
