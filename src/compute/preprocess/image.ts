/**
 * Image -> float32 CHW tensor, the torchvision / PIL way: resize the shorter side (aspect kept,
 * long side truncated like torchvision), centre-crop, scale to [0, 1], normalise per channel.
 * sharp decodes (JPEG, PNG, WebP, ...); resampling reproduces Pillow (see resample.ts), so the
 * tensors match torchvision's to float rounding (test/onnx/preprocess.test.ts).
 */
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { resamplePil } from './resample.js';
import type { PreprocessSpec } from './spec.js';

/** Decoded 8-bit RGB pixels, row-major, as the toy-world generator produces them. */
export interface RawImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** A file path, encoded bytes (JPEG, PNG, WebP, ...), or raw RGB pixels. */
export type ImageSource = string | Uint8Array | RawImage;

function describeSource(src: ImageSource): string {
  if (typeof src === 'string') return src;
  if (src instanceof Uint8Array) return `image buffer (${src.length} bytes)`;
  return `raw image ${src.width}x${src.height}`;
}

/** Decode to 8-bit RGB, dropping alpha like PIL's convert('RGB') (no compositing, no EXIF
 *  rotation). */
export async function decodeRgb(src: ImageSource): Promise<RawImage> {
  if (typeof src !== 'string' && !(src instanceof Uint8Array)) {
    if (src.rgb.length !== src.width * src.height * 3) {
      throw new Error(`raw image ${src.width}x${src.height} needs ${src.width * src.height * 3} bytes, got ${src.rgb.length}`);
    }
    return src;
  }
  try {
    const { data, info } = await sharp(src, { failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (error) {
    throw new Error(`cannot decode image ${describeSource(src)}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** Size after resizing the shorter side to `size`, as torchvision computes it. */
export function resizedSize(width: number, height: number, size: number): { width: number; height: number } {
  if (width <= height) return { width: size, height: Math.trunc((size * height) / width) };
  return { width: Math.trunc((size * width) / height), height: size };
}

/** Python's round() (half to even), which torchvision's CenterCrop uses. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Preprocess one image into `out` at `offset` (CHW floats, 3 x crop x crop), or a new array. */
export async function preprocessImage(
  src: ImageSource,
  spec: PreprocessSpec,
  out?: Float32Array,
  offset = 0,
): Promise<Float32Array> {
  const image = await decodeRgb(src);
  const target = resizedSize(image.width, image.height, spec.resize);
  const crop = spec.crop;
  const offsetOf = (extent: number) =>
    spec.cropOffset === 'round' ? roundHalfEven((extent - crop) / 2) : Math.floor((extent - crop) / 2);
  // Resize and centre-crop in one step: only the kept pixels are resampled.
  const region = { left: offsetOf(target.width), top: offsetOf(target.height), width: crop, height: crop };
  const pixels = resamplePil(image.rgb, image.width, image.height, 3, target.width, target.height, spec.interpolation, region);
  const plane = crop * crop;
  const dest = out ?? new Float32Array(3 * plane);
  if (dest.length < offset + 3 * plane) throw new Error(`output buffer too small for a 3x${crop}x${crop} image at offset ${offset}`);
  for (let c = 0; c < 3; c++) {
    // (v / 255 - mean) / std as one multiply-add per pixel.
    const scale = 1 / (255 * spec.std[c]!);
    const shift = -spec.mean[c]! / spec.std[c]!;
    const base = offset + c * plane;
    for (let y = 0; y < crop; y++) {
      const row = y * crop * 3 + c;
      for (let x = 0; x < crop; x++) dest[base + y * crop + x] = pixels[row + x * 3]! * scale + shift;
    }
  }
  return dest;
}

/**
 * Preprocess images into one NCHW batch (N x 3 x crop x crop). At most `concurrency` images are
 * decoded at once (sharp decodes on libuv's thread pool), which bounds memory for large photos.
 */
export async function preprocessBatch(
  sources: readonly ImageSource[],
  spec: PreprocessSpec,
  concurrency = Math.max(2, availableParallelism()),
): Promise<Float32Array> {
  const per = 3 * spec.crop * spec.crop;
  const batch = new Float32Array(sources.length * per);
  let next = 0;
  const worker = async () => {
    while (next < sources.length) {
      const i = next++;
      await preprocessImage(sources[i]!, spec, batch, i * per);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, sources.length) }, worker));
  return batch;
}
