import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  decodeRgb, loadPreprocessSpec, OPENAI_CLIP, parseSpec, preprocessBatch, preprocessImage, resizedSize,
  specFromHfConfig, TORCHVISION_IMAGENET, type PreprocessSpec,
} from '../../src/compute/preprocess/index.js';
import { resamplePil } from '../../src/compute/preprocess/resample.js';
import { maxAbsDiff, modelPath, modelsDir } from './helpers.js';

const dir = path.join(modelsDir, 'preprocess');
interface Case extends PreprocessSpec { image: string; preset: string; shape: number[]; float32: string }
const cases = (JSON.parse(readFileSync(path.join(dir, 'preprocess.expected.json'), 'utf8')) as { cases: Case[] }).cases;
const floats = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
};

// Resampling reproduces Pillow's fixed-point arithmetic, so results equal torchvision's and
// Hugging Face's to float32 rounding of the final normalisation (observed max 2.4e-7). sharp and
// PIL decode these PNG/JPEG/WebP files to identical pixels.
const TOLERANCE = 1e-5;

describe('preprocessImage matches torchvision / PIL', () => {
  it.each(cases.map((c) => [c.image, c.preset, c] as const))('%s (%s)', async (_image, _preset, c) => {
    const out = await preprocessImage(path.join(dir, c.image), c);
    expect(out.length).toBe(c.shape.reduce((a, b) => a * b, 1));
    expect(maxAbsDiff(out, floats(c.float32))).toBeLessThan(TOLERANCE);
  });

  it('gives the same tensor for a file, its bytes and its raw RGB pixels', async () => {
    const file = path.join(dir, 'portrait.png');
    const spec = { ...TORCHVISION_IMAGENET, resize: 64, crop: 56 };
    const fromFile = await preprocessImage(file, spec);
    const fromBytes = await preprocessImage(readFileSync(file), spec);
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    const fromRaw = await preprocessImage({ width: info.width, height: info.height, rgb: data }, spec);
    expect(maxAbsDiff(fromFile, fromBytes)).toBe(0);
    expect(maxAbsDiff(fromFile, fromRaw)).toBe(0);
  });

  it('packs a batch in NCHW order', async () => {
    const spec = { ...OPENAI_CLIP, resize: 48, crop: 48 };
    const files = ['small.png', 'grey.png'].map((f) => path.join(dir, f));
    const batch = await preprocessBatch(files, spec);
    expect(batch.length).toBe(2 * 3 * 48 * 48);
    expect(maxAbsDiff(batch.subarray(3 * 48 * 48), await preprocessImage(files[1]!, spec))).toBe(0);
  });
});

describe('resampling and geometry', () => {
  it('computes the resized size like torchvision (shorter side, long side truncated)', () => {
    expect(resizedSize(500, 375, 256)).toEqual({ width: 341, height: 256 });
    expect(resizedSize(181, 263, 64)).toEqual({ width: 64, height: 92 });
    expect(resizedSize(100, 100, 64)).toEqual({ width: 64, height: 64 });
  });

  it('keeps a constant image constant, and copies pixels when the size is unchanged', () => {
    const flat = new Uint8Array(37 * 23 * 3).fill(200);
    for (const filter of ['bilinear', 'bicubic', 'nearest'] as const) {
      const out = resamplePil(flat, 37, 23, 3, 11, 19, filter);
      expect(out.length).toBe(11 * 19 * 3);
      expect(out.every((v) => v === 200)).toBe(true);
    }
    const ramp = new Uint8Array(37 * 23 * 3).map((_, i) => i % 251);
    expect(maxAbsDiff(resamplePil(ramp, 37, 23, 3, 37, 23, 'bicubic'), ramp)).toBe(0);
  });

  it('computing only the crop region equals resizing everything then cropping', () => {
    const w = 53;
    const h = 41;
    const pixels = new Uint8Array(w * h * 3).map((_, i) => (i * 2654435761) >>> 24);
    const crop = (full: Uint8Array, fullWidth: number, r: { left: number; top: number; width: number; height: number }) => {
      const out = new Uint8Array(r.width * r.height * 3);
      for (let y = 0; y < r.height; y++) {
        const from = ((r.top + y) * fullWidth + r.left) * 3;
        out.set(full.subarray(from, from + r.width * 3), y * r.width * 3);
      }
      return out;
    };
    for (const filter of ['bilinear', 'bicubic', 'nearest'] as const) {
      for (const [ow, oh] of [[30, 23], [53, 29], [31, 41], [80, 61]] as const) {
        const region = { left: Math.floor((ow - 17) / 2), top: oh - 13, width: 17, height: 13 };
        const full = resamplePil(pixels, w, h, 3, ow, oh, filter);
        expect(maxAbsDiff(resamplePil(pixels, w, h, 3, ow, oh, filter, region), crop(full, ow, region)), `${filter} ${ow}x${oh}`).toBe(0);
      }
    }
    expect(() => resamplePil(pixels, w, h, 3, 30, 23, 'bilinear', { left: 20, top: 0, width: 17, height: 5 })).toThrow(/outside the 30x23 output/);
  });

  it('rejects undecodable images naming the source', async () => {
    await expect(preprocessImage(path.join(dir, 'missing.jpg'), TORCHVISION_IMAGENET)).rejects.toThrow(/cannot decode image .*missing\.jpg/);
    await expect(preprocessImage(Buffer.from('not an image'), TORCHVISION_IMAGENET)).rejects.toThrow(/cannot decode image image buffer \(12 bytes\)/);
    await expect(decodeRgb({ width: 4, height: 4, rgb: new Uint8Array(10) })).rejects.toThrow(/raw image 4x4 needs 48 bytes, got 10/);
  });
});

describe('preprocessing recipes', () => {
  it('reads Hugging Face CLIP configs, old and new style', () => {
    const old = specFromHfConfig({
      crop_size: 224, do_center_crop: true, do_normalize: true, do_resize: true, resample: 3, size: 224,
      image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711],
    });
    expect(old).toEqual(OPENAI_CLIP);
    const modern = specFromHfConfig({
      crop_size: { height: 336, width: 336 }, size: { shortest_edge: 336 }, resample: 3, rescale_factor: 1 / 255,
      image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711],
    });
    expect(modern).toMatchObject({ resize: 336, crop: 336, interpolation: 'bicubic', cropOffset: 'floor' });
    expect(() => specFromHfConfig({ size: { height: 224, width: 256 }, image_mean: [0, 0, 0], image_std: [1, 1, 1] })).toThrow(/unsupported size/);
    expect(() => specFromHfConfig({ size: 224, image_mean: [0.5, 0.5], image_std: [1, 1, 1] })).toThrow(/image_mean must be three numbers/);
  });

  it('loads the sidecar next to the model, then applies overrides', async () => {
    const fromSidecar = await loadPreprocessSpec(modelPath('resnet_tiny'));
    expect(fromSidecar.source).toBe(path.join(modelsDir, 'resnet_tiny.json'));
    expect(fromSidecar.spec).toEqual({ ...TORCHVISION_IMAGENET, resize: 36, crop: 32 });
    const overridden = await loadPreprocessSpec(modelPath('resnet_tiny'), { crop: 28, interpolation: undefined });
    expect(overridden.spec.crop).toBe(28);
    expect(overridden.spec.interpolation).toBe('bilinear');
    const none = await loadPreprocessSpec(path.join(tmpdir(), 'no-sidecar-here.onnx'));
    expect(none.spec).toEqual(TORCHVISION_IMAGENET);
  });

  it('rejects bad sidecars naming the file and the field', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'atlas-pre-'));
    const model = path.join(folder, 'net.onnx');
    writeFileSync(path.join(folder, 'net.json'), JSON.stringify({ preprocess: { crop: 300 } }));
    await expect(loadPreprocessSpec(model)).rejects.toThrow(`${path.join(folder, 'net.json')}: crop 300 is larger than resize 256`);
    writeFileSync(path.join(folder, 'net.json'), '{ nope');
    await expect(loadPreprocessSpec(model)).rejects.toThrow(`${path.join(folder, 'net.json')} is not valid JSON`);
    expect(() => parseSpec({ preprocess: { preset: 'clip', interpolation: 'lanczos' } }, 'x.json')).toThrow(/x.json: unknown interpolation "lanczos"/);
    expect(() => parseSpec({ preprocess: { std: [0.2, 0, 0.2] } }, 'x.json')).toThrow(/std must be positive/);
    expect(parseSpec({ preprocess: { preset: 'clip', size: 336, crop: 336 } }, 'x.json')).toMatchObject({ ...OPENAI_CLIP, resize: 336, crop: 336 });
  });
});
