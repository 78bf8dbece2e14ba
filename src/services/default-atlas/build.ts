/**
 * The default atlas: the toy world's target networks (ResNet v1, v2, the supervised ResNet and the ViT) dissected
 * with the toy CLIP over a 5,000-image toy probe set, concepts = toy vocabulary + 10,000 common
 * English words, plus a Network Dissection (`netdissect`) run of each model's hidden layers as
 * ground-truth reference. Built by the engine, so the atlas also holds what rescoring, search and
 * comparison need (activations, image and concept embeddings).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { AtlasStore } from '../../db/index.js';
import { dissect } from '../dissect.js';
import { runNetDissect } from '../evaluate/netdissect-run.js';

import { repoRoot } from '../paths.js';

export { repoRoot, resolveSource } from '../paths.js';

export const DEFAULT_PROBE = 'toy:5000:42';
export const DEFAULT_CONCEPTS = 'builtin:toy+common-10k';
export const DEFAULT_CLIP = 'models/toy/clip';

export interface DefaultModelSpec {
  name: string;
  /** Relative to the repository root. */
  file: string;
  /** Layers dissected with CLIP-Dissect (the last one is the classifier). */
  layers: string[];
  /** Hidden layers with spatial maps, dissected with Network Dissection. */
  netdissectLayers: string[];
}

const VIT_BLOCKS = [0, 1, 2, 3].map((i) => `encoder.layers.encoder_layer_${i}`);

export const DEFAULT_MODELS: DefaultModelSpec[] = [
  { name: 'resnet-v1', file: 'models/toy/resnet-v1.onnx', layers: ['layer1', 'layer2', 'layer3', 'layer4', 'fc'], netdissectLayers: ['layer1', 'layer2', 'layer3', 'layer4'] },
  { name: 'resnet-v2', file: 'models/toy/resnet-v2.onnx', layers: ['layer1', 'layer2', 'layer3', 'layer4', 'fc'], netdissectLayers: ['layer1', 'layer2', 'layer3', 'layer4'] },
  // layer3 channels 0-32 are trained to detect the 33 toy words (supervised channels, models/toy/resnet-sup.json).
  { name: 'resnet-sup', file: 'models/toy/resnet-sup.onnx', layers: ['layer1', 'layer2', 'layer3', 'layer4', 'fc'], netdissectLayers: ['layer1', 'layer2', 'layer3', 'layer4'] },
  { name: 'vit', file: 'models/toy/vit.onnx', layers: ['conv_proj', ...VIT_BLOCKS, 'heads'], netdissectLayers: ['conv_proj', ...VIT_BLOCKS] },
];

export interface BuildOptions {
  probe?: string;
  concepts?: string;
  clip?: string;
  models?: DefaultModelSpec[];
  quiet?: boolean;
  log?: (line: string) => void;
  /** onnxruntime threads per session. */
  threads?: number;
}

export interface BuildSummary {
  runs: { model: string; method: string; runId: number; seconds: number }[];
  seconds: number;
}

/** Version the default atlas registers its models under (stable across rebuilds). */
export const DEFAULT_VERSION = 'toy';

/** Dissects the default models into `store` (CLIP-Dissect, then Network Dissection, per model). */
export async function buildDefaultAtlas(store: AtlasStore, opts: BuildOptions = {}): Promise<BuildSummary> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const probe = opts.probe ?? DEFAULT_PROBE;
  const models = opts.models ?? DEFAULT_MODELS;
  const clip = resolve(repoRoot, opts.clip ?? DEFAULT_CLIP);
  for (const m of models) {
    const file = resolve(repoRoot, m.file);
    if (!existsSync(file)) throw new Error(`default atlas: model file ${m.file} is missing (expected under the repository root)`);
  }
  const began = performance.now();
  const summary: BuildSummary = { runs: [], seconds: 0 };
  for (const [i, m] of models.entries()) {
    const step = `[${i + 1}/${models.length}] ${m.name}`;
    log(`default atlas ${step}: CLIP-Dissect of ${m.layers.join(', ')} over ${probe}`);
    let t0 = performance.now();
    const result = await dissect(async () => store, {
      model: resolve(repoRoot, m.file),
      layers: m.layers,
      clip,
      probe,
      concepts: opts.concepts ?? DEFAULT_CONCEPTS,
      name: m.name,
      version: DEFAULT_VERSION,
      quiet: opts.quiet ?? false,
      log,
      ...(opts.threads ? { threads: opts.threads } : {}),
    });
    summary.runs.push({ model: m.name, method: 'clip-dissect', runId: result.runId, seconds: (performance.now() - t0) / 1000 });
    if (m.netdissectLayers.length > 0) {
      log(`default atlas ${step}: Network Dissection of ${m.netdissectLayers.join(', ')}`);
      t0 = performance.now();
      const nd = await runNetDissect(store, {
        model: resolve(repoRoot, m.file),
        layers: m.netdissectLayers,
        probe,
        name: m.name,
        version: DEFAULT_VERSION,
        quiet: opts.quiet ?? false,
        log,
        ...(opts.threads ? { threads: opts.threads } : {}),
      });
      summary.runs.push({ model: m.name, method: 'netdissect', runId: nd.runId, seconds: (performance.now() - t0) / 1000 });
    }
  }
  await relativiseSources(store);
  summary.seconds = (performance.now() - began) / 1000;
  log(`default atlas built in ${summary.seconds.toFixed(1)} s: ${summary.runs.length} runs`);
  return summary;
}

/**
 * Stores model and CLIP paths relative to the repository root, so an exported snapshot names no
 * machine path; readers resolve them with `resolveSource`.
 */
export async function relativiseSources(store: AtlasStore): Promise<void> {
  await store.models.rewriteSources((source) => {
    if (!isAbsolute(source)) return undefined;
    const rel = relative(repoRoot, source);
    if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
    return rel.split('\\').join('/');
  });
}
