/**
 * Network Dissection runs on the toy world: run a target model over a toy probe set, keep each
 * chosen layer's raw spatial maps, label every unit by IoU against the generator's per-pixel
 * concept masks (src/toyworld/netdissect.ts) and store the result as a complete run of method
 * `netdissect` (labels scored by IoU, concepts = the toy vocabulary).
 *
 * Conv layers give maps directly ([n, c, h, w]); token layers ([n, tokens, dim], ViT) are laid
 * back on their patch grid (the class token, when present, is dropped). Dense layers have no
 * spatial extent, so Network Dissection does not apply to them.
 */
import { annotateConfidence } from '../../compute/similarity/confidence.js';
import { basename, resolve } from 'node:path';
import type { LayerResult, Matrix } from '../../core/types.js';
import type { AtlasStore } from '../../db/index.js';
import { TargetModel, type TargetLayer } from '../../compute/onnx/index.js';
import { loadPreprocessSpec } from '../../compute/preprocess/index.js';
import { networkDissectLayers } from '../../toyworld/fast-netdissect.js';
import { toyBatch } from '../../toyworld/toy-batch.js';
import { startProgress } from '../../compute/pipeline/progress.js';
import { topImagesPerUnit } from '../../compute/pipeline/top-images.js';
import { probeSetRecord, resolveProbeSet } from '../../compute/probes/index.js';
import {
  generateScene,
  parseToySpec,
  TOY_VOCABULARY,
  type ToyScene,
} from '../../toyworld/index.js';
import '../../toyworld/register.js';

export const NETDISSECT_METHOD = 'netdissect';
/** Name of the concept set netdissect runs label with (the toy world's vocabulary). */
export const TOY_CONCEPT_SET_NAME = 'toy';

export interface NetDissectOptions {
  model: string;
  layers: string[];
  /** `toy:N:SEED` (Network Dissection needs the generator's masks). */
  probe: string;
  name?: string;
  version?: string;
  /** Fraction of the highest activations that count as "on" (default 0.005). */
  topFraction?: number;
  /** Side of the concept masks the maps are upsampled to (default 64). */
  maskSize?: number;
  batch?: number;
  topN?: number;
  topImages?: number;
  threads?: number;
  quiet?: boolean;
  log?: (line: string) => void;
}

export interface NetDissectLayerSummary {
  name: string;
  kind: string;
  units: number;
  /** Share of units whose best IoU is above 0.04 (NetDissect's "interpretable" cut-off). */
  interpretable: number;
  meanIou: number;
}

export interface NetDissectRunResult {
  runId: number;
  modelId: number;
  layers: NetDissectLayerSummary[];
  timings: Record<string, number>;
}

/** Maps of one layer over all images, row-major [n, k, h, w], as networkDissect wants them. */
interface LayerMaps {
  layer: TargetLayer;
  k: number;
  h: number;
  w: number;
  data: Float32Array;
}

/** (units, h, w) of a layer's spatial maps, or an error naming the layer when it has none. */
export function mapGeometry(layer: Pick<TargetLayer, 'name' | 'kind' | 'sampleDims'>): { k: number; h: number; w: number; dropFirstToken: boolean } {
  const d = layer.sampleDims;
  if (layer.kind === 'conv' && d.length === 3) return { k: d[0]!, h: d[1]!, w: d[2]!, dropFirstToken: false };
  if (layer.kind === 'token' && d.length === 2) {
    const [tokens, dim] = [d[0]!, d[1]!];
    const side = Math.round(Math.sqrt(tokens - 1));
    if (side * side === tokens - 1) return { k: dim, h: side, w: side, dropFirstToken: true };
    const all = Math.round(Math.sqrt(tokens));
    if (all * all === tokens) return { k: dim, h: all, w: all, dropFirstToken: false };
    throw new Error(`layer ${layer.name}: ${tokens} tokens do not form a square patch grid (with or without a class token)`);
  }
  throw new Error(
    `layer ${layer.name} is ${layer.kind} with output ${JSON.stringify(d)}: Network Dissection needs spatial maps (conv or token layers)`,
  );
}

/** Copies one batch's raw output into the layer's [n, k, h, w] buffer at image `offset`. */
function copyBatch(maps: LayerMaps, raw: { dims: number[]; data: Float32Array }, offset: number, dropFirstToken: boolean): void {
  const { k, h, w, data } = maps;
  const plane = h * w;
  const b = raw.dims[0]!;
  if (maps.layer.kind === 'conv') {
    data.set(raw.data.subarray(0, b * k * plane), offset * k * plane);
    return;
  }
  // token layer: [b, tokens, dim] -> [b, dim, h, w]
  const tokens = raw.dims[1]!;
  const first = dropFirstToken ? 1 : 0;
  for (let i = 0; i < b; i++) {
    const src = i * tokens * k;
    const dst = (offset + i) * k * plane;
    for (let p = 0; p < plane; p++) {
      const row = src + (p + first) * k;
      for (let u = 0; u < k; u++) data[dst + u * plane + p] = raw.data[row + u]!;
    }
  }
}

/** Per image and unit, the largest value of its map: what its top images are ranked by. */
function maxPooled(maps: LayerMaps, n: number): Matrix {
  const { k, h, w, data } = maps;
  const plane = h * w;
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let u = 0; u < k; u++) {
      let m = -Infinity;
      const base = (i * k + u) * plane;
      for (let p = 0; p < plane; p++) if (data[base + p]! > m) m = data[base + p]!;
      out[i * k + u] = m;
    }
  }
  return { rows: n, cols: k, data: out };
}

/** Runs Network Dissection for `opts.layers` of `opts.model` and stores a complete `netdissect` run. */
export async function runNetDissect(store: AtlasStore, opts: NetDissectOptions): Promise<NetDissectRunResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const quiet = opts.quiet ?? false;
  const topFraction = opts.topFraction ?? 0.005;
  const maskSize = opts.maskSize ?? 64;
  const batchSize = opts.batch ?? 50;
  const topN = opts.topN ?? 5;
  const timings: Record<string, number> = {};
  const clock = (stage: string, since: number) => (timings[stage] = (timings[stage] ?? 0) + (performance.now() - since) / 1000);

  let t0 = performance.now();
  if (!opts.probe.startsWith('toy:')) {
    throw new Error(`--probe ${opts.probe}: Network Dissection needs per-pixel concept masks, which only toy probe sets (toy:N:SEED) have`);
  }
  const { count, seed } = parseToySpec(opts.probe);
  const probes = await resolveProbeSet(opts.probe);
  const modelPath = resolve(opts.model);
  const { spec } = await loadPreprocessSpec(modelPath);
  const target = await TargetModel.load(modelPath, {
    layers: opts.layers,
    pool: 'max',
    inputSize: spec.crop,
    ...(opts.threads ? { threads: opts.threads } : {}),
  });
  try {
    const geometry = target.layers.map((l) => mapGeometry(l));
    const maps: LayerMaps[] = target.layers.map((layer, i) => {
      const { k, h, w } = geometry[i]!;
      return { layer, k, h, w, data: new Float32Array(count * k * h * w) };
    });
    const scenes: ToyScene[] = Array.from({ length: count }, (_, i) => generateScene(seed, i));
    clock('load', t0);

    // ---------------------------------------------------------------- image pass (raw maps)
    t0 = performance.now();
    const bar = startProgress('netdissect images', count, 'images', { quiet });
    try {
      for (let start = 0; start < count; start += batchSize) {
        const part = scenes.slice(start, start + batchSize);
        const raw = await target.runRaw(await toyBatch(part, spec), part.length);
        maps.forEach((m, i) => copyBatch(m, raw.get(m.layer.name)!, start, geometry[i]!.dropFirstToken));
        bar.increment(part.length);
      }
    } finally {
      bar.stop();
    }
    clock('image_pass', t0);

    // ---------------------------------------------------------------- register in the store
    t0 = performance.now();
    const modelId = await store.models.upsert({
      name: opts.name ?? basename(modelPath).replace(/\.onnx$/i, ''),
      version: opts.version ?? target.fileHash.slice(0, 12),
      fileHash: target.fileHash,
      inputSpec: { input: target.input.name, size: [target.input.channels, target.input.height, target.input.width], preprocess: spec },
      source: modelPath,
    });
    const probeSetId = await store.probeSets.upsert(probeSetRecord(probes));
    const concepts = [...TOY_VOCABULARY];
    const { id: conceptSetId } = await store.conceptSets.upsert({ name: TOY_CONCEPT_SET_NAME, concepts });
    const conceptIndex = new Map(concepts.map((c, i) => [c, i]));
    const runId = await store.runs.begin({
      modelId,
      probeSetId,
      conceptSetId,
      parameters: { method: NETDISSECT_METHOD, similarity: 'iou', params: { topFraction, maskSize }, pool: 'max' },
    });
    clock('store', t0);

    // ---------------------------------------------------------------- IoU labels (all layers in one pass)
    const summaries: NetDissectLayerSummary[] = [];
    try {
      t0 = performance.now();
      if (!quiet) log(`netdissect: IoU of ${maps.reduce((s, m) => s + m.k, 0)} units against ${concepts.length} toy concepts over ${count} images`);
      const results = networkDissectLayers(
        maps.map((m) => ({ data: m.data, n: count, k: m.k, h: m.h, w: m.w })),
        scenes,
        { topFraction, maskSize, concepts },
      );
      clock('iou', t0);
      const layerBar = startProgress('netdissect store', maps.length, 'layers', { quiet });
      try {
        for (const [i, m] of maps.entries()) {
          t0 = performance.now();
          const result = results[i]!;
          const C = result.concepts.length;
          const labels: LayerResult['labels'] = result.units.map((_, u) => {
            const row = Array.from(result.iou.subarray(u * C, (u + 1) * C), (score, c) => ({ concept: conceptIndex.get(result.concepts[c]!)!, score }));
            return row.sort((a, b) => b.score - a.score || a.concept - b.concept).slice(0, topN);
          });
          // each unit's IoU row over the vocabulary is its score row
          annotateConfidence(NETDISSECT_METHOD, result.iou, C, labels);
          const layer = { name: m.layer.name, kind: m.layer.kind, units: m.k };
          await store.runs.writeLayer(runId, { layer, labels, topImages: topImagesPerUnit(maxPooled(m, count), opts.topImages ?? 10) });
          clock('store', t0);
          const ious = result.units.map((u) => u.iou);
          summaries.push({
            ...layer,
            interpretable: ious.filter((v) => v > 0.04).length / ious.length,
            meanIou: ious.reduce((s, v) => s + v, 0) / ious.length,
          });
          layerBar.increment();
        }
      } finally {
        layerBar.stop();
      }
      await store.runs.complete(runId, timings);
    } catch (error) {
      await store.runs.fail(runId, (error as Error).message, timings).catch(() => undefined);
      throw error;
    }
    log(`netdissect run ${runId} complete: ${summaries.map((s) => `${s.name} ${(s.interpretable * 100).toFixed(0)}% units IoU>0.04`).join(', ')}`);
    return { runId, modelId, layers: summaries, timings };
  } finally {
    await target.release().catch(() => undefined);
  }
}
