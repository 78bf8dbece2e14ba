/**
 * Run the committed toy models (models/toy) from TypeScript: the shape classifiers and the toy
 * CLIP. Used to measure them and by tests; the engine has its own general loaders.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { RgbImage } from './render.js';

type TokenizerClass = typeof import('@huggingface/tokenizers').Tokenizer;

/** HWC uint8 images -> NCHW float32, scaled to [0,1] then normalised per channel. */
export function imagesToTensor(images: readonly RgbImage[], mean: readonly number[], std: readonly number[]): ort.Tensor {
  const first = images[0];
  if (!first) throw new Error('imagesToTensor: no images');
  const { width, height } = first;
  const plane = width * height;
  const data = new Float32Array(images.length * 3 * plane);
  images.forEach((img, n) => {
    if (img.width !== width || img.height !== height) throw new Error(`imagesToTensor: image ${n} is ${img.width}x${img.height}, expected ${width}x${height}`);
    for (let c = 0; c < 3; c++) {
      const base = (n * 3 + c) * plane;
      const m = mean[c]!;
      const s = std[c]!;
      for (let p = 0; p < plane; p++) data[base + p] = (img.rgb[p * 3 + c]! / 255 - m) / s;
    }
  });
  return new ort.Tensor('float32', data, [images.length, 3, height, width]);
}

/** L2-normalise the rows of a [rows, dim] matrix in place. */
export function normaliseRows(data: Float32Array, dim: number): Float32Array {
  for (let r = 0; r * dim < data.length; r++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += data[r * dim + j]! ** 2;
    const norm = Math.sqrt(sum) || 1;
    for (let j = 0; j < dim; j++) data[r * dim + j]! /= norm;
  }
  return data;
}

export interface ToyClassifier {
  session: ort.InferenceSession;
  mean: number[];
  std: number[];
  size: number;
  /** Logits [images.length, classes]. */
  logits(images: readonly RgbImage[]): Promise<Float32Array>;
}

export async function loadToyClassifier(onnxPath: string): Promise<ToyClassifier> {
  const sidecar = JSON.parse(readFileSync(onnxPath.replace(/\.onnx$/, '.json'), 'utf8')) as {
    preprocessing: { size: number; mean: number[]; std: number[] };
  };
  const session = await ort.InferenceSession.create(onnxPath);
  const { mean, std, size } = sidecar.preprocessing;
  return {
    session,
    mean,
    std,
    size,
    async logits(images) {
      const out = await session.run({ input: imagesToTensor(images, mean, std) });
      return out.logits!.data as Float32Array;
    },
  };
}

export interface ToyClip {
  dim: number;
  size: number;
  /** L2-normalised text embeddings, row-major [texts.length, dim]; texts fed as bare words. */
  embedTexts(texts: readonly string[]): Promise<Float32Array>;
  /** L2-normalised image embeddings, row-major [images.length, dim]. */
  embedImages(images: readonly RgbImage[]): Promise<Float32Array>;
  tokenIds(text: string): number[];
}

/** Load models/toy/clip (Hugging Face layout). The tokenizer needs tokenizer_config.json for its unk token. */
export async function loadToyClip(dir: string): Promise<ToyClip> {
  const require = createRequire(import.meta.url);
  // The package ships only a CommonJS build for Node.
  const { Tokenizer } = require('@huggingface/tokenizers') as { Tokenizer: TokenizerClass };
  const readJson = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
  const tokenizer = new Tokenizer(readJson('tokenizer.json'), readJson('tokenizer_config.json'));
  const pre = readJson('preprocessor_config.json') as { crop_size: { height: number }; image_mean: number[]; image_std: number[] };
  const config = readJson('config.json') as { projection_dim: number };
  const text = await ort.InferenceSession.create(join(dir, 'onnx', 'text_model.onnx'));
  const vision = await ort.InferenceSession.create(join(dir, 'onnx', 'vision_model.onnx'));
  const dim = config.projection_dim;
  const tokenIds = (t: string): number[] => (tokenizer.encode(t).ids as Array<number | bigint>).map((id) => Number(id));
  return {
    dim,
    size: pre.crop_size.height,
    tokenIds,
    async embedTexts(texts) {
      const encoded = texts.map(tokenIds);
      const length = Math.max(1, ...encoded.map((ids) => ids.length));
      const ids = new BigInt64Array(texts.length * length);
      const mask = new BigInt64Array(texts.length * length);
      encoded.forEach((row, r) =>
        row.forEach((id: number, j: number) => {
          ids[r * length + j] = BigInt(id);
          mask[r * length + j] = 1n;
        }),
      );
      const out = await text.run({
        input_ids: new ort.Tensor('int64', ids, [texts.length, length]),
        attention_mask: new ort.Tensor('int64', mask, [texts.length, length]),
      });
      return normaliseRows(Float32Array.from(out.text_embeds!.data as Float32Array), dim);
    },
    async embedImages(images) {
      const out = await vision.run({ pixel_values: imagesToTensor(images, pre.image_mean, pre.image_std) });
      return normaliseRows(Float32Array.from(out.image_embeds!.data as Float32Array), dim);
    },
  };
}
