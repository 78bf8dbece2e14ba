/**
 * The default atlas's caches, which the seed snapshot (labels only) leaves out but rescoring,
 * search and comparison need:
 *  - CLIP text embeddings of the concept set and CLIP image embeddings of the probe set travel
 *    in a small binary file next to the snapshot (`seed/caches.bin.gz`): encoding 10,000
 *    concepts is the slowest part of a build;
 *  - target-network activations are recomputed from the committed toy models at restore time
 *    (cheap: small networks, generated images), which keeps the committed file small.
 *
 * File: gzip( u32 LE header length | header JSON | float32 LE rows of each section, in order ).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Matrix } from '../../core/types.js';
import type { AtlasStore } from '../../db/index.js';
import { TargetModel, type PoolMode } from '../../compute/onnx/index.js';
import { activationKeyOf } from '../../compute/pipeline/activation-keys.js';
import { startProgress } from '../../compute/pipeline/progress.js';
import { loadPreprocessSpec } from '../../compute/preprocess/index.js';
import { toyBatch } from '../../toyworld/toy-batch.js';
import { repoRoot, resolveSource } from '../paths.js';
import { generateScene } from '../../toyworld/index.js';

export const CACHES_FORMAT = 'neuron-atlas-caches';
export const CACHES_VERSION = 1;
export const defaultCachesPath = join(repoRoot, 'seed/caches.bin.gz');
const META_KEY = 'default-atlas-caches';

interface Section {
  kind: 'concepts' | 'images';
  rows: number;
  cols: number;
}

interface CachesHeader {
  format: string;
  version: number;
  clipModel: { name: string; dim: number };
  probeSet: { name: string; contentHash: string };
  /** Texts of the concept-embedding rows, in order. */
  concepts: string[];
  sections: Section[];
}

/** The CLIP model, probe set and concept set of the atlas's clip-dissect runs (the default atlas has one of each). */
async function defaultAtlasInputs(store: AtlasStore) {
  const list = await store.runs.clipDissectInputs();
  if (list.length !== 1) {
    throw new Error(`default atlas caches: expected the clip-dissect runs to share one CLIP model, probe set and concept set, found ${list.length} combinations`);
  }
  return list[0]!;
}

/** Writes the CLIP text and image embeddings of the default atlas's runs to `path`. */
export async function exportCaches(store: AtlasStore, path = defaultCachesPath): Promise<{ bytes: number; concepts: number; images: number }> {
  const inputs = await defaultAtlasInputs(store);
  const clip = await store.clipModels.get(inputs.clipModelId);
  const probeSet = await store.probeSets.get(inputs.probeSetId);
  const probe = probeSet ? { name: probeSet.name, contentHash: probeSet.contentHash } : undefined;
  const set = await store.conceptSets.get(inputs.conceptSetId);
  if (!clip || !probe || !set) throw new Error('default atlas caches: the runs refer to a missing CLIP model, probe set or concept set');
  const images = await store.embeddings.images(inputs.probeSetId, clip.id);
  if (!images) throw new Error(`default atlas caches: the atlas has no image embeddings of probe set ${probe.name}`);
  const found = await store.embeddings.concepts(clip.id, set.concepts);
  const missing = set.concepts.filter((c) => !found.has(c));
  if (missing.length > 0) throw new Error(`default atlas caches: ${missing.length} concepts have no text embedding (e.g. ${JSON.stringify(missing[0])})`);
  const conceptData = new Float32Array(set.concepts.length * clip.dim);
  set.concepts.forEach((c, i) => conceptData.set(found.get(c)!, i * clip.dim));

  const header: CachesHeader = {
    format: CACHES_FORMAT,
    version: CACHES_VERSION,
    clipModel: { name: clip.name, dim: clip.dim },
    probeSet: probe,
    concepts: set.concepts,
    sections: [
      { kind: 'concepts', rows: set.concepts.length, cols: clip.dim },
      { kind: 'images', rows: images.rows, cols: images.cols },
    ],
  };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const body = Buffer.concat([length, json, f32le(conceptData), f32le(images.data)]);
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const gz = gzipSync(body, { level: 9 });
  writeFileSync(`${target}.tmp`, gz);
  renameSync(`${target}.tmp`, target);
  return { bytes: gz.length, concepts: set.concepts.length, images: images.rows };
}

function f32le(data: Float32Array): Buffer {
  const out = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i++) out.writeFloatLE(data[i]!, i * 4);
  return out;
}

function readCaches(path: string): { header: CachesHeader; matrices: Map<Section['kind'], Matrix> } {
  let body: Buffer;
  try {
    body = gunzipSync(readFileSync(path));
  } catch (error) {
    throw new Error(`${path}: not a gzipped caches file (${(error as Error).message})`, { cause: error });
  }
  const length = body.readUInt32LE(0);
  const header = JSON.parse(body.subarray(4, 4 + length).toString('utf8')) as CachesHeader;
  if (header.format !== CACHES_FORMAT || header.version !== CACHES_VERSION) {
    throw new Error(`${path}: not a ${CACHES_FORMAT} v${CACHES_VERSION} file`);
  }
  const matrices = new Map<Section['kind'], Matrix>();
  let offset = 4 + length;
  for (const s of header.sections) {
    const data = new Float32Array(s.rows * s.cols);
    for (let i = 0; i < data.length; i++) data[i] = body.readFloatLE(offset + i * 4);
    offset += data.length * 4;
    matrices.set(s.kind, { rows: s.rows, cols: s.cols, data });
  }
  if (offset !== body.length) throw new Error(`${path}: ${body.length - offset} bytes left after the sections the header lists`);
  return { header, matrices };
}

export interface RestoreOptions {
  path?: string;
  quiet?: boolean;
  log?: (line: string) => void;
  batch?: number;
}

export type RestoreOutcome = { restored: false; reason: 'done' | 'no-file' | 'not-default-atlas' } | { restored: true; seconds: number; layers: number };

/**
 * Puts the default atlas's embeddings back from `seed/caches.bin.gz` and recomputes its models'
 * activations. Safe to call on every start: it does its work once (recorded in atlas_meta) and
 * only when the atlas's CLIP model and probe set are the ones the file was written for.
 */
export async function restoreCaches(store: AtlasStore, opts: RestoreOptions = {}): Promise<RestoreOutcome> {
  const path = opts.path ?? defaultCachesPath;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const state = await store.meta.get(META_KEY);
  if (state?.status === 'restored') return { restored: false, reason: 'done' };
  if (!existsSync(path)) return { restored: false, reason: 'no-file' };
  const began = performance.now();
  const { header, matrices } = readCaches(path);
  const clip = await store.clipModels.byName(header.clipModel.name);
  const probeSetId = await store.probeSets.find(header.probeSet.name, header.probeSet.contentHash);
  if (!clip || probeSetId === undefined) return { restored: false, reason: 'not-default-atlas' };
  const clipId = clip.id;

  log(`default atlas: restoring ${header.concepts.length} concept and ${matrices.get('images')!.rows} image embeddings`);
  // The store writes a large batch into a fresh index in one build (see embeddings.putImages).
  await store.embeddings.putConcepts(clipId, header.concepts, matrices.get('concepts')!);
  await store.embeddings.putImages(probeSetId, clipId, matrices.get('images')!);
  // Registering the CLIP model again creates any of its indexes that are missing (e.g. dropped
  // by a restore of an earlier version that was killed before it could recreate them).
  const registered = await store.clipModels.get(clipId);
  if (registered) {
    await store.clipModels.upsert({ name: registered.name, dim: registered.dim, ...(registered.source ? { source: registered.source } : {}) });
  }
  const layers = await recomputeActivations(store, clipId, probeSetId, opts);
  await store.meta.set(META_KEY, { status: 'restored', path });
  const seconds = (performance.now() - began) / 1000;
  log(`default atlas: caches restored in ${seconds.toFixed(1)} s (${layers} layer activations recomputed)`);
  return { restored: true, seconds, layers };
}

/** Activations of every layer of the clip-dissect runs over the probe set, from the model files. */
async function recomputeActivations(store: AtlasStore, clipId: number, probeSetId: number, opts: RestoreOptions): Promise<number> {
  const recipe = (await store.probeSets.get(probeSetId))?.recipe as { generator?: string; count?: number; seed?: number } | undefined;
  if (recipe?.generator !== 'toy' || recipe.count === undefined || recipe.seed === undefined) return 0;
  const scenes = Array.from({ length: recipe.count }, (_, i) => generateScene(recipe.seed!, i));
  const runs = await store.runs.clipDissectModelLayers(clipId, probeSetId);
  const batch = opts.batch ?? 100;
  let done = 0;
  for (const run of runs) {
    const modelPath = resolveSource(run.source);
    if (!modelPath || !existsSync(modelPath)) {
      (opts.log ?? (() => undefined))(`default atlas: model file ${run.source ?? '(unknown)'} is missing; its activations are not restored`);
      continue;
    }
    const pool = (run.pool ?? 'avg') as PoolMode;
    const { spec } = await loadPreprocessSpec(modelPath);
    const target = await TargetModel.load(modelPath, { layers: run.layers, pool, inputSize: spec.crop });
    try {
      if (target.fileHash !== run.fileHash) {
        // Activations of another network would not match the stored labels.
        (opts.log ?? (() => undefined))(
          `default atlas: ${run.source} has changed since the snapshot was made; its activations are not restored (rebuild the seed with tools/defaultatlas/build.sh)`,
        );
        continue;
      }
      const acts = target.layers.map((l) => ({ name: l.name, m: { rows: scenes.length, cols: l.units, data: new Float32Array(scenes.length * l.units) } as Matrix }));
      const bar = startProgress(`activations ${run.source ?? ''}`.slice(0, 22), scenes.length, 'img', { quiet: opts.quiet ?? false });
      try {
        for (let start = 0; start < scenes.length; start += batch) {
          const part = scenes.slice(start, start + batch);
          const out = await target.run(await toyBatch(part, spec), part.length);
          for (const a of acts) a.m.data.set(out.get(a.name)!.data, start * a.m.cols);
          bar.increment(part.length);
        }
      } finally {
        bar.stop();
      }
      // Same key as `atlas dissect` stores, so a later dissect of these layers reuses them.
      const key = activationKeyOf(target.fileHash, spec, pool);
      for (const a of acts) {
        await store.embeddings.putActivations(run.modelId, a.name, probeSetId, a.m, key);
        done++;
      }
    } finally {
      await target.release();
    }
  }
  return done;
}
