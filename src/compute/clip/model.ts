import { basename, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Matrix } from '../../core/types.js';
import { specFromHfConfig, type PreprocessSpec } from '../preprocess/index.js';
import { CLIP_FILES, missingClipFiles, readJson } from './files.js';
import { hashFile, hashText } from './hash.js';
import { createSession, inputShapes, type Device } from '../onnx/session.js';
import { TextTokenizer } from './tokenizer.js';

export interface ClipLoadOptions {
  device?: Device;
  threads?: number;
  /** Whether idle compute threads spin-wait (onnx/session.ts). */
  spinning?: boolean;
  /** Display name (e.g. `openai/clip-vit-base-patch16` for hub models); default from config.json. */
  name?: string;
  /** Where the folder came from, stored with the model record. */
  source?: string;
}

/** L2-normalise each row in place (CLIP-Dissect compares unit vectors: P = cosines). */
export function normaliseRows(m: Matrix): Matrix {
  for (let r = 0; r < m.rows; r++) {
    let sum = 0;
    const base = r * m.cols;
    for (let c = 0; c < m.cols; c++) sum += m.data[base + c]! * m.data[base + c]!;
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let c = 0; c < m.cols; c++) m.data[base + c]! *= inv;
  }
  return m;
}

/**
 * A CLIP model in the Hugging Face ONNX layout: separate image and text encoders, a tokenizer
 * and the image processor's settings. Embeddings come back L2-normalised.
 */
export class ClipModel {
  private constructor(
    readonly folder: string,
    readonly name: string,
    readonly dim: number,
    readonly preprocess: PreprocessSpec,
    readonly tokenizer: TextTokenizer,
    private readonly vision: ort.InferenceSession,
    private readonly text: ort.InferenceSession,
    /** Identity of the image tower + its preprocessing: key for cached image embeddings. */
    readonly imageKey: string,
    /** Identity of the text tower + tokenizer: key for cached concept embeddings. */
    readonly textKey: string,
    readonly source: string,
  ) {}

  static async load(folderPath: string, opts: ClipLoadOptions = {}): Promise<ClipModel> {
    const folder = resolve(folderPath);
    const missing = missingClipFiles(folder);
    if (missing.length > 0) {
      throw new Error(
        `CLIP folder ${folder} is missing ${missing.join(', ')} ` +
          '(expected the Hugging Face ONNX layout: onnx/vision_model.onnx, onnx/text_model.onnx, tokenizer.json, preprocessor_config.json, config.json)',
      );
    }
    const config = readJson(join(folder, CLIP_FILES.config));
    const preprocessor = readJson(join(folder, CLIP_FILES.preprocessor));
    const tokenizerJson = readJson(join(folder, CLIP_FILES.tokenizer));
    let tokenizerConfig: Record<string, unknown> = {};
    try {
      tokenizerConfig = readJson(join(folder, CLIP_FILES.tokenizerConfig));
    } catch {
      // optional: tokenizer.json alone is enough for most tokenizers
    }
    const preprocess = specFromHfConfig(preprocessor, join(folder, CLIP_FILES.preprocessor));

    const vision = await createSession(join(folder, CLIP_FILES.vision), opts);
    const text = await createSession(join(folder, CLIP_FILES.text), opts);
    if (!vision.inputNames.includes('pixel_values') || !vision.outputNames.includes('image_embeds')) {
      throw new Error(
        `${join(folder, CLIP_FILES.vision)}: expected input pixel_values and output image_embeds, ` +
          `found inputs [${vision.inputNames.join(', ')}] and outputs [${vision.outputNames.join(', ')}]`,
      );
    }
    if (!text.inputNames.includes('input_ids') || !text.outputNames.includes('text_embeds')) {
      throw new Error(
        `${join(folder, CLIP_FILES.text)}: expected input input_ids and output text_embeds, ` +
          `found inputs [${text.inputNames.join(', ')}] and outputs [${text.outputNames.join(', ')}]`,
      );
    }

    const textConfig = (config.text_config ?? {}) as Record<string, unknown>;
    const limits = [tokenizerConfig.model_max_length, textConfig.max_position_embeddings].filter(
      (v): v is number => typeof v === 'number' && v > 0 && v < 1e6,
    );
    const maxLength = limits.length > 0 ? Math.min(...limits) : 77;
    const tokenizer = new TextTokenizer(tokenizerJson, tokenizerConfig, maxLength);

    const dim = typeof config.projection_dim === 'number' ? config.projection_dim : 512;
    const [visionHash, textHash, tokenizerHash] = await Promise.all([
      hashFile(join(folder, CLIP_FILES.vision)),
      hashFile(join(folder, CLIP_FILES.text)),
      hashFile(join(folder, CLIP_FILES.tokenizer)),
    ]);
    const name =
      opts.name ?? (typeof config._name_or_path === 'string' && config._name_or_path ? config._name_or_path : basename(folder));
    return new ClipModel(
      folder,
      name,
      dim,
      preprocess,
      tokenizer,
      vision,
      text,
      hashText('clip-image', visionHash, JSON.stringify(preprocess)),
      hashText('clip-text', textHash, tokenizerHash, String(maxLength)),
      opts.source ?? folder,
    );
  }

  /** Embed `n` preprocessed images (float32 CHW, back to back); rows are unit vectors. */
  async encodeImages(pixels: Float32Array, n: number): Promise<Matrix> {
    const side = this.preprocess.crop;
    const input = new ort.Tensor('float32', pixels.subarray(0, n * 3 * side * side), [n, 3, side, side]);
    const out = await this.vision.run({ pixel_values: input }, ['image_embeds']);
    return normaliseRows(this.toMatrix(out.image_embeds!, n, 'image_embeds'));
  }

  /** Embed texts as given (bare concept words, no prompt template); rows are unit vectors. */
  async encodeTexts(texts: string[]): Promise<Matrix> {
    const shapes = inputShapes(this.text);
    const seqDim = shapes.get('input_ids')?.[1];
    const batch = this.tokenizer.encodeBatch(texts, typeof seqDim === 'number' && seqDim > 0 ? seqDim : undefined);
    const dims = [batch.rows, batch.length];
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', batch.ids, dims) };
    if (shapes.has('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', batch.mask, dims);
    const out = await this.text.run(feeds, ['text_embeds']);
    return normaliseRows(this.toMatrix(out.text_embeds!, texts.length, 'text_embeds'));
  }

  private toMatrix(tensor: ort.Tensor, rows: number, what: string): Matrix {
    const cols = tensor.dims[tensor.dims.length - 1] ?? 0;
    if (tensor.dims.length !== 2 || tensor.dims[0] !== rows) {
      throw new Error(`CLIP ${what}: expected shape [${rows}, dim], got [${tensor.dims.join(', ')}]`);
    }
    if (cols !== this.dim) {
      throw new Error(`CLIP ${what}: width ${cols} differs from projection_dim ${this.dim} in ${join(this.folder, CLIP_FILES.config)}`);
    }
    // Copy: onnxruntime may reuse the output buffer.
    return { rows, cols, data: Float32Array.from(tensor.data as Float32Array) };
  }

  async release(): Promise<void> {
    await Promise.all([this.vision.release(), this.text.release()]);
  }
}
