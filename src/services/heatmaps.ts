/**
 * Activation heatmaps: a conv unit's spatial map on one probe image, computed on demand by the
 * model's own ONNX file (the one the atlas recorded, checked against its stored hash) and drawn
 * over the image. Model sessions, file hashes and finished images are cached; model runs are
 * bounded (two at once), so heatmap requests cannot take every core.
 */
import { stat } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { NotFoundError } from '../core/errors.js';
import { normaliseMap, overlayHeatmap } from '../compute/heatmap.js';
import { sha256File, TargetModel } from '../compute/onnx/index.js';
import { decodeRgb, loadPreprocessSpec, parseSpec, preprocessImage, type PreprocessSpec, type RawImage } from '../compute/preprocess/index.js';
import type { AtlasStore } from '../db/atlas-store.js';
import { upsampleBilinear } from '../toyworld/index.js';
import { imageSourceOf, renderToy } from './image-sources.js';
import { resolveSource } from './paths.js';
import { etagOf, pngOf, TOY_FULL_SIZE, type EncodedImage } from './probe-images.js';
import type { LayerInfo, ModelRow } from './records.js';

/** Side of a heatmap when `size` is not given. */
export const HEATMAP_SIZE = 256;
/** Largest overlay drawn in JavaScript (bigger sizes are scaled up by sharp). */
const DRAWN_SIZE = 256;

/** A unit's activation map on one image, as the network computed it (height x width). */
export interface ActivationMap {
  width: number;
  height: number;
  values: Float32Array;
}

interface LoadedLayer {
  model: TargetModel;
  spec: PreprocessSpec;
  /** Runs using the session now; an evicted session is released when the last one ends. */
  users: number;
  evicted: boolean;
  released?: Promise<void>;
}

/** Releases an evicted session once no run uses it (once only). */
function releaseWhenIdle(layer: LoadedLayer): Promise<void> {
  if (layer.evicted && layer.users === 0) layer.released ??= layer.model.release().catch(() => undefined);
  return layer.released ?? Promise.resolve();
}

export class HeatmapService {
  /** Per model file (path, size, modification time): whether it is the file the atlas recorded. */
  readonly #verified = new Map<string, Promise<boolean>>();
  readonly #sessions = new LRUCache<string, Promise<LoadedLayer>>({
    max: 4,
    dispose: (loading) =>
      void loading
        .then((l) => {
          l.evicted = true;
          void releaseWhenIdle(l);
        })
        .catch(() => undefined),
  });
  readonly #images = new LRUCache<string, EncodedImage>({ maxSize: 32 << 20, sizeCalculation: (v) => v.bytes.length + 100 });
  readonly #pending = new Map<string, Promise<EncodedImage>>();
  readonly #runs = pLimit(2);

  constructor(private readonly store: AtlasStore) {}

  /** The model's ONNX file when it is present and is the file the atlas recorded (same sha256). */
  async modelFile(model: ModelRow): Promise<string | undefined> {
    const path = resolveSource(model.source);
    if (!path || !path.toLowerCase().endsWith('.onnx') || !model.fileHash) return undefined;
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const key = `${path}|${info.size}|${info.mtimeMs}|${model.fileHash}`;
    let check = this.#verified.get(key);
    if (!check) {
      check = sha256File(path).then((hash) => hash === model.fileHash, () => false);
      this.#verified.set(key, check);
    }
    return (await check) ? path : undefined;
  }

  /** Whether heatmaps can be drawn for a layer: a conv layer of a model whose file is here. */
  async available(model: ModelRow, layer: LayerInfo): Promise<boolean> {
    return layer.kind === 'conv' && (await this.modelFile(model)) !== undefined;
  }

  /** The heatmap of `unit` of layer `layerId` on image `ordinal` of a probe set, as PNG (size x size). */
  async heatmap(layerId: number, unit: number, probeSetId: number, ordinal: number, size = HEATMAP_SIZE): Promise<EncodedImage> {
    const key = `${layerId}/${unit}/${probeSetId}/${ordinal}@${size}`;
    const target = await this.#target(layerId, unit);
    const hit = this.#images.get(`${target.model.fileHash}|${key}`);
    if (hit) return hit;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#draw(target, unit, probeSetId, ordinal, size).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    const image = await pending;
    this.#images.set(`${target.model.fileHash}|${key}`, image);
    return image;
  }

  /** The unit's raw activation map on the image (what the heatmap draws). */
  async activationMap(layerId: number, unit: number, probeSetId: number, ordinal: number): Promise<ActivationMap> {
    const target = await this.#target(layerId, unit);
    const image = await this.#pixels(probeSetId, ordinal);
    return this.#map(target, unit, image);
  }

  /** Releases the loaded model sessions. */
  async release(): Promise<void> {
    const loading = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(
      loading.map((l) =>
        l.then((x) => {
          x.evicted = true;
          return releaseWhenIdle(x);
        }).catch(() => undefined),
      ),
    );
  }

  async #target(layerId: number, unit: number): Promise<{ model: ModelRow; layer: LayerInfo; path: string }> {
    const [layer] = await this.store.models.layersByIds([layerId]);
    if (!layer) throw new NotFoundError(`no layer ${layerId}`);
    if (unit >= layer.units) throw new NotFoundError(`layer ${layer.name} has ${layer.units} units; there is no unit ${unit}`);
    if (layer.kind !== 'conv') throw new NotFoundError(`layer ${layer.name} is not spatial (${layer.kind}): it has no heatmaps`);
    const model = await this.store.models.get(layer.modelId);
    if (!model) throw new NotFoundError(`no layer ${layerId}`);
    const path = await this.modelFile(model);
    if (!path) throw new NotFoundError(`the model file of ${model.name}@${model.version} is not available on the server`);
    return { model, layer, path };
  }

  /** The probe image as stored: rendered (toy scenes, at a size for the model to use) or read from its file. */
  async #pixels(probeSetId: number, ordinal: number): Promise<{ raw?: RawImage; toy?: { seed: number; index: number } }> {
    const uri = await this.store.probeSets.imageUri(probeSetId, ordinal);
    if (uri === undefined) throw new NotFoundError(`probe set ${probeSetId} has no image ${ordinal}`);
    const source = imageSourceOf(uri);
    if (source?.kind === 'toy') return { toy: source };
    if (source?.kind !== 'file') throw new NotFoundError(`image ${ordinal} of probe set ${probeSetId} is not a file the server can read`);
    const bytes = await readFile(source.path).catch(() => {
      throw new NotFoundError(`image ${ordinal} of probe set ${probeSetId} is no longer on disk`);
    });
    return { raw: await decodeRgb(bytes) };
  }

  async #layer(model: ModelRow, layer: LayerInfo, path: string): Promise<LoadedLayer> {
    const key = `${model.id}/${layer.name}/${model.fileHash}`;
    let loading = this.#sessions.get(key);
    if (!loading) {
      loading = (async () => {
        const spec = specOf(model) ?? (await loadPreprocessSpec(path)).spec;
        const target = await TargetModel.load(path, { layers: [layer.name], inputSize: spec.crop, threads: 1 });
        return { model: target, spec, users: 0, evicted: false };
      })();
      loading.catch(() => this.#sessions.delete(key));
      this.#sessions.set(key, loading);
    }
    return loading;
  }

  async #map(target: { model: ModelRow; layer: LayerInfo; path: string }, unit: number, image: { raw?: RawImage; toy?: { seed: number; index: number } }): Promise<ActivationMap> {
    const loaded = await this.#layer(target.model, target.layer, target.path);
    const { model: net, spec } = loaded;
    // Toy scenes are drawn at the model's resize size, as the dissection fed them.
    const input = image.toy ? renderToy(image.toy, spec.resize) : image.raw!;
    const tensor = await preprocessImage(input, spec);
    loaded.users++;
    let outputs;
    try {
      outputs = await this.#runs(() => net.runRaw(tensor, 1));
    } finally {
      loaded.users--;
      void releaseWhenIdle(loaded);
    }
    const raw = outputs.get(net.layers[0]!.name)!;
    const [, , height, width] = raw.dims as [number, number, number, number];
    if (raw.dims.length !== 4) throw new NotFoundError(`layer ${target.layer.name} is not spatial: it has no heatmaps`);
    const plane = height * width;
    return { width, height, values: raw.data.slice(unit * plane, (unit + 1) * plane) };
  }

  async #draw(target: { model: ModelRow; layer: LayerInfo; path: string }, unit: number, probeSetId: number, ordinal: number, size: number): Promise<EncodedImage> {
    const image = await this.#pixels(probeSetId, ordinal);
    const map = await this.#map(target, unit, image);
    const { spec } = await this.#layer(target.model, target.layer, target.path);
    // The overlay is computed on the event loop at 256 px at most; sharp scales larger ones up.
    const drawn = Math.min(size, DRAWN_SIZE);
    const base = await modelView(image, spec, drawn);
    const heat = upsampleBilinear(normaliseMap(map.values), map.height, map.width, drawn);
    const overlay = overlayHeatmap(base, heat);
    const bytes =
      drawn === size
        ? await pngOf(overlay)
        : await sharp(overlay.rgb, { raw: { width: drawn, height: drawn, channels: 3 } }).resize(size, size, { kernel: 'lanczos3' }).png().toBuffer();
    return { bytes, type: 'image/png', etag: etagOf(bytes) };
  }
}

/** The preprocessing the model was dissected with, as the atlas recorded it (inputSpec.preprocess). */
function specOf(model: ModelRow): PreprocessSpec | undefined {
  const recorded = (model.inputSpec as { preprocess?: unknown }).preprocess;
  if (!recorded || typeof recorded !== 'object') return undefined;
  try {
    return parseSpec({ preprocess: recorded }, 'recorded preprocessing');
  } catch {
    return undefined;
  }
}

/** What the model saw (the centre crop after resizing), at size x size, as RGB. */
async function modelView(image: { raw?: RawImage; toy?: { seed: number; index: number } }, spec: PreprocessSpec, size: number): Promise<RawImage> {
  const full = image.toy ? renderToy(image.toy, Math.min(2 * TOY_FULL_SIZE, Math.max(size, Math.round((size * spec.resize) / spec.crop)))) : image.raw!;
  const side = Math.max(1, Math.round((spec.crop * Math.min(full.width, full.height)) / spec.resize));
  const left = Math.max(0, Math.floor((full.width - side) / 2));
  const top = Math.max(0, Math.floor((full.height - side) / 2));
  const { data, info } = await sharp(full.rgb, { raw: { width: full.width, height: full.height, channels: 3 } })
    .extract({ left, top, width: Math.min(side, full.width), height: Math.min(side, full.height) })
    .resize(size, size, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
