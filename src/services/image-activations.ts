/**
 * Which neurons fire for an image: the stored target model (its ONNX file, from where it was
 * dissected) runs on one uploaded image, preprocessed as its dissections were, and each asked
 * layer's most active units come back with the labels of the layer's run; with the CLIP model of
 * those runs at hand, also the concepts nearest to the image's CLIP embedding. Model sessions stay
 * loaded (a few, least recently used first out); at most MAX_CONCURRENT images are processed at
 * once, and one more is refused at once (SERVICE_UNAVAILABLE) rather than queued.
 */
import { existsSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import sharp from 'sharp';
import { BadInputError, EncoderUnavailableError, UnavailableError } from '../core/errors.js';
import { poolActivations, TargetModel, type PoolMode } from '../compute/onnx/index.js';
import { loadPreprocessSpec, preprocessImage, validateSpec, type PreprocessSpec } from '../compute/preprocess/index.js';
import type { AtlasStore } from '../db/atlas-store.js';
import { resolveSource } from './paths.js';
import type { LayerInfo, ModelRow, RunRow } from './records.js';
import type { TextEncoders } from './text-encoders.js';

/** Largest image accepted, in bytes once base64-decoded. */
export const MAX_IMAGE_BYTES = 4 << 20;
/** Largest image accepted, in pixels (width x height), checked from its header before decoding. */
export const MAX_IMAGE_PIXELS = 25_000_000;
/** Images processed at once; one more is refused with SERVICE_UNAVAILABLE. */
export const MAX_CONCURRENT = 2;
/** Target models kept loaded. */
const LOADED_MODELS = 4;

/** One asked layer: its row and the run whose labels (and pool mode) it shows. */
export interface ActivationLayer {
  layer: LayerInfo;
  run: RunRow | null;
}

export interface UnitActivation {
  unit: number;
  activation: number;
  label: string | null;
  score: number | null;
}

export interface LayerActivations extends ActivationLayer {
  pool: PoolMode;
  units: UnitActivation[];
}

export interface ConceptSimilarity {
  text: string;
  similarity: number;
}

export interface ImageActivationsResult {
  layers: LayerActivations[];
  /** The CLIP model whose embeddings gave `concepts`, or null. */
  clipModelId: number | null;
  /** Concepts of the runs' concept set nearest to the image (cosine of CLIP embeddings); null without CLIP. */
  concepts: ConceptSimilarity[] | null;
  /** Why `concepts` is null. */
  conceptsUnavailable: string | null;
}

const SIGNATURES: { format: string; test: (b: Uint8Array) => boolean }[] = [
  { format: 'PNG', test: (b) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
  { format: 'JPEG', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { format: 'WebP', test: (b) => b.length > 12 && Buffer.from(b.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(b.subarray(8, 12)).toString('latin1') === 'WEBP' },
];

/** The bytes of a base64 image (PNG, JPEG or WebP; a `data:` URL prefix is accepted), or BadInputError naming what is wrong. */
export function decodeImageArgument(image: string): Buffer {
  const body = image.replace(/^data:image\/[a-z+.-]+;base64,/i, '').replace(/\s+/g, '');
  if (body.length === 0) throw new BadInputError('`image` is empty: send the image file as base64', { argumentName: 'image' });
  if (body.length > Math.ceil(MAX_IMAGE_BYTES / 3) * 4) {
    throw new BadInputError(`\`image\` is larger than ${MAX_IMAGE_BYTES >> 20} MiB (once base64-decoded)`, { argumentName: 'image' });
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(body)) throw new BadInputError('`image` is not base64 text', { argumentName: 'image' });
  const bytes = Buffer.from(body, 'base64');
  if (!SIGNATURES.some((s) => s.test(bytes))) {
    throw new BadInputError('`image` is not a PNG, JPEG or WebP file (checked from its first bytes)', { argumentName: 'image' });
  }
  return bytes;
}

/** The preprocessing the model's dissections used (stored with the model), else its sidecar file's. */
async function preprocessOf(model: ModelRow, path: string): Promise<PreprocessSpec> {
  const stored = (model.inputSpec as { preprocess?: unknown } | null)?.preprocess;
  if (stored && typeof stored === 'object') return validateSpec(stored as PreprocessSpec, `the preprocessing stored with ${model.name}@${model.version}`);
  return (await loadPreprocessSpec(path)).spec;
}

interface LoadedModel {
  target: TargetModel;
  spec: PreprocessSpec;
}

export class ImageActivationsService {
  #running = 0;
  #released = false;
  readonly #models = new LRUCache<number, Promise<LoadedModel>>({
    max: LOADED_MODELS,
    // A request holding an evicted session finishes first: sessions are released after a grace period.
    dispose: (p) => {
      if (this.#released) return;
      void p.then((m) => setTimeout(() => void m.target.release().catch(() => undefined), 60_000).unref()).catch(() => undefined);
    },
  });

  /** Concept texts and their CLIP text embeddings per (CLIP model, concept set): sets of 10,000 concepts take a while to read. */
  readonly #conceptMatrices = new LRUCache<string, Promise<{ texts: string[]; data: Float32Array }>>({ max: 4 });

  constructor(
    private readonly store: AtlasStore,
    private readonly encoders: TextEncoders,
    private readonly maxConcurrent = MAX_CONCURRENT,
  ) {}

  /** Runs `model` on `image` and returns each layer's `first` most active units (see the module comment). */
  async activate(model: ModelRow, layers: ActivationLayer[], image: Buffer, first: number): Promise<ImageActivationsResult> {
    if (this.#running >= this.maxConcurrent) {
      throw new UnavailableError('SERVICE_UNAVAILABLE', `the server is already running ${this.maxConcurrent} images through models; retry in a moment`);
    }
    this.#running++;
    try {
      await this.#checkSize(image);
      const loaded = await this.#load(model);
      const pixels = await preprocessImage(image, loaded.spec).catch((error: unknown) => {
        throw new BadInputError(`\`image\` cannot be decoded: ${(error as Error).message.replace(/^cannot decode image [^:]*: /, '').split('\n')[0]}`, {
          argumentName: 'image',
        });
      });
      const raw = await loaded.target.runRaw(pixels, 1);
      const out: LayerActivations[] = [];
      for (const { layer, run } of layers) {
        const pool: PoolMode = run?.pool === 'max' ? 'max' : 'avg';
        const r = raw.get(layer.name);
        if (!r) throw new UnavailableError('MODEL_UNAVAILABLE', `layer ${layer.name} is not in the ONNX file of ${model.name}@${model.version}`);
        const acts = poolActivations(r.data, r.dims, pool, layer.name).data;
        const labels = new Map((run ? await this.store.labels.ofLayer(run.id, layer.id, 1) : []).filter((l) => l.rank === 0).map((l) => [l.unit, l]));
        const order = Array.from(acts.keys()).sort((x, y) => acts[y]! - acts[x]! || x - y);
        out.push({
          layer,
          run,
          pool,
          units: order.slice(0, first).map((unit) => ({ unit, activation: acts[unit]!, label: labels.get(unit)?.text ?? null, score: labels.get(unit)?.score ?? null })),
        });
      }
      return { layers: out, ...(await this.#nearestConcepts(layers, image, first)) };
    } finally {
      this.#running--;
    }
  }

  async #checkSize(image: Buffer): Promise<void> {
    let meta;
    try {
      meta = await sharp(image).metadata();
    } catch (error) {
      throw new BadInputError(`\`image\` cannot be decoded: ${(error as Error).message.split('\n')[0]}`, { argumentName: 'image' });
    }
    const pixels = (meta.width ?? 0) * (meta.height ?? 0);
    if (pixels > MAX_IMAGE_PIXELS) {
      throw new BadInputError(`\`image\` is ${meta.width}x${meta.height} pixels; at most ${MAX_IMAGE_PIXELS / 1e6} million pixels are accepted`, { argumentName: 'image' });
    }
  }

  /** The model's ONNX file with every layer the atlas holds exposed, loaded once and kept. */
  #load(model: ModelRow): Promise<LoadedModel> {
    let p = this.#models.get(model.id);
    if (!p) {
      p = (async () => {
        const path = resolveSource(model.source);
        const what = `the ONNX file of model ${model.name}@${model.version}`;
        // Imported atlases record the labels only (no file hash, the CSV as source).
        if (!path || !/^[0-9a-f]{64}$/.test(model.fileHash)) {
          throw new UnavailableError('MODEL_UNAVAILABLE', `${what} is not recorded in the atlas (its labels were imported from another tool): dissect the model on this server`);
        }
        if (!existsSync(path)) throw new UnavailableError('MODEL_UNAVAILABLE', `${what} is not available on the server (it was dissected elsewhere, or the file has moved)`);
        const spec = await preprocessOf(model, path);
        const layers = (await this.store.models.layersByModelIds([model.id])).map((l) => l.name);
        const target = await TargetModel.load(path, { layers, inputSize: spec.crop });
        if (target.fileHash !== model.fileHash) {
          await target.release();
          throw new UnavailableError('MODEL_UNAVAILABLE', `${what} has changed since it was dissected (its hash differs): dissect it again`);
        }
        return { target, spec };
      })();
      this.#models.set(model.id, p);
      p.catch(() => this.#models.delete(model.id));
    }
    return p;
  }

  /**
   * The concepts of the layers' runs' concept set nearest to the image, by cosine of CLIP
   * embeddings, with the first such run's CLIP model; null (and why) when none is at hand.
   */
  async #nearestConcepts(layers: ActivationLayer[], image: Buffer, first: number): Promise<Pick<ImageActivationsResult, 'clipModelId' | 'concepts' | 'conceptsUnavailable'>> {
    const run = layers.map((l) => l.run).find((r) => r?.clipModelId != null && r.conceptSetId != null);
    if (!run) return { clipModelId: null, concepts: null, conceptsUnavailable: 'no CLIP-Dissect run covers these layers' };
    const clipModelId = run.clipModelId!;
    try {
      const clip = await this.encoders.clipRow(clipModelId);
      if (!clip) return { clipModelId: null, concepts: null, conceptsUnavailable: 'the run has no CLIP model' };
      const concepts = await this.#concepts(clipModelId, clip.dim, run.conceptSetId!);
      if (concepts.texts.length === 0) return { clipModelId: null, concepts: null, conceptsUnavailable: 'the run has no concept set' };
      const vec = await this.encoders.image(clipModelId, image);
      const sims = concepts.texts.map((text, i) => {
        let s = 0;
        for (let d = 0; d < clip.dim; d++) s += vec[d]! * concepts.data[i * clip.dim + d]!;
        return { text, similarity: s };
      });
      sims.sort((a, b) => b.similarity - a.similarity);
      return { clipModelId, concepts: sims.slice(0, first), conceptsUnavailable: null };
    } catch (error) {
      if (error instanceof EncoderUnavailableError) return { clipModelId: null, concepts: null, conceptsUnavailable: error.message };
      throw error;
    }
  }

  /** A concept set's texts and text embeddings (unit rows) under a CLIP model, kept for the next image. */
  #concepts(clipModelId: number, dim: number, conceptSetId: number): Promise<{ texts: string[]; data: Float32Array }> {
    const key = `${clipModelId}:${conceptSetId}`;
    let p = this.#conceptMatrices.get(key);
    if (!p) {
      p = (async () => {
        const set = await this.store.conceptSets.get(conceptSetId);
        if (!set) return { texts: [], data: new Float32Array(0) };
        const { matrix } = await this.encoders.concepts(clipModelId, set.concepts, dim, { persist: false });
        return { texts: set.concepts, data: matrix.data };
      })();
      this.#conceptMatrices.set(key, p);
      p.catch(() => this.#conceptMatrices.delete(key));
    }
    return p;
  }

  /** Releases the loaded target models. */
  async release(): Promise<void> {
    this.#released = true;
    const loaded = [...this.#models.values()];
    this.#models.clear();
    for (const p of loaded) await p.then((m) => m.target.release()).catch(() => undefined);
  }
}
