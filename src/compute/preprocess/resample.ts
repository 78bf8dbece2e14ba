/**
 * Image resizing that reproduces Pillow's `Image.resize` (which torchvision's Resize and Hugging
 * Face image processors call) to the 8-bit value: separable convolution, horizontal pass first,
 * filter support widened by the scale factor when shrinking (antialiasing), 22-bit fixed-point
 * coefficients, and rounding + clipping to uint8 after each pass. libvips (sharp) instead
 * box-shrinks by an integer factor before its kernel, which moves values by a few levels on
 * strong downscales; CLIP embeddings and target activations should see the pixels the
 * reference saw.
 */

export type ResampleFilter = 'bilinear' | 'bicubic' | 'nearest';

interface Filter {
  support: number;
  weight(x: number): number;
}

const FILTERS: Record<'bilinear' | 'bicubic', Filter> = {
  bilinear: {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x);
      return a < 1 ? 1 - a : 0;
    },
  },
  bicubic: {
    support: 2,
    // Keys cubic with a = -0.5, as Pillow.
    weight: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
};

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

interface Coefficients {
  /** Per output pixel: first input index and tap count. */
  start: Int32Array;
  count: Int32Array;
  /** Fixed-point taps, `ksize` per output pixel. */
  taps: Int32Array;
  ksize: number;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc. */
function coefficients(inSize: number, outSize: number, filter: Filter): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const taps = new Int32Array(outSize * ksize);
  const weights = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.weight((x + xmin - center + 0.5) / filterScale);
      weights[x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? weights[x]! / total : weights[x]!;
      // C's (int) cast truncates toward zero after the +-0.5.
      taps[xx * ksize + x] = Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE);
    }
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { start, count, taps, ksize };
}

function clip8(v: number): number {
  if (v >= ONE * 256) return 255;
  if (v <= 0) return 0;
  return Math.floor(v / ONE);
}

/** A window of the resized image: only these output pixels are computed. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Resize packed 8-bit pixels (`channels` per pixel, row-major) to `outWidth` x `outHeight` the
 * way Pillow does for mode RGB/L, returning only `region` of the result (default: all of it).
 * Every output pixel depends only on its own coefficients, so computing just the centre crop
 * gives the same values as resizing everything and cropping afterwards, for less work.
 */
export function resamplePil(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
  filterName: ResampleFilter,
  region: Region = { left: 0, top: 0, width: outWidth, height: outHeight },
): Uint8Array {
  if (pixels.length !== width * height * channels) {
    throw new Error(`resample: ${width}x${height}x${channels} image needs ${width * height * channels} bytes, got ${pixels.length}`);
  }
  const { left, top, width: rw, height: rh } = region;
  if (left < 0 || top < 0 || rw < 1 || rh < 1 || left + rw > outWidth || top + rh > outHeight) {
    throw new Error(`resample: region ${rw}x${rh}+${left}+${top} is outside the ${outWidth}x${outHeight} output`);
  }
  if (filterName === 'nearest') return nearest(pixels, width, height, channels, outWidth, outHeight, region);
  const filter = FILTERS[filterName];

  // Horizontal pass (Pillow does it first), only for the source rows the vertical pass reads.
  let horizontalOut: Uint8Array;
  let stride: number; // pixels per row after the horizontal pass
  let colOffset: number; // first region column within those rows
  const vertical = outHeight !== height ? coefficients(height, outHeight, filter) : undefined;
  const rowFirst = vertical ? vertical.start[top]! : top;
  const rows = vertical ? vertical.start[top + rh - 1]! + vertical.count[top + rh - 1]! - rowFirst : rh;
  if (outWidth !== width) {
    const { start, count, taps, ksize } = coefficients(width, outWidth, filter);
    horizontalOut = new Uint8Array(rw * rows * channels);
    for (let y = 0; y < rows; y++) {
      const inRow = (y + rowFirst) * width * channels;
      let o = y * rw * channels;
      for (let xx = left; xx < left + rw; xx++) {
        const k = xx * ksize;
        const first = inRow + start[xx]! * channels;
        const n = count[xx]!;
        if (channels === 3) {
          // the three channels of a pixel share each tap (same sums, in the same order)
          let s0 = HALF, s1 = HALF, s2 = HALF;
          for (let x = 0, i = first; x < n; x++, i += 3) {
            const t = taps[k + x]!;
            s0 += pixels[i]! * t;
            s1 += pixels[i + 1]! * t;
            s2 += pixels[i + 2]! * t;
          }
          horizontalOut[o++] = clip8(s0);
          horizontalOut[o++] = clip8(s1);
          horizontalOut[o++] = clip8(s2);
          continue;
        }
        for (let c = 0; c < channels; c++) {
          let ss = HALF;
          for (let x = 0, i = first + c; x < n; x++, i += channels) ss += pixels[i]! * taps[k + x]!;
          horizontalOut[o++] = clip8(ss);
        }
      }
    }
    stride = rw;
    colOffset = 0;
  } else {
    horizontalOut = pixels.subarray(rowFirst * width * channels, (rowFirst + rows) * width * channels);
    stride = width;
    colOffset = left;
  }

  const rowLength = rw * channels;
  const out = new Uint8Array(rh * rowLength);
  const srcRow = stride * channels;
  if (!vertical) {
    for (let y = 0; y < rh; y++) {
      const from = (y + top - rowFirst) * srcRow + colOffset * channels;
      out.set(horizontalOut.subarray(from, from + rowLength), y * rowLength);
    }
    return out;
  }
  const { start, count, taps, ksize } = vertical;
  // Rows of sums, one source row at a time: the source is read along its rows, not down its
  // columns (same sums, in the same order).
  const sums = new Float64Array(rowLength);
  for (let yy = 0; yy < rh; yy++) {
    const k = (yy + top) * ksize;
    const first = (start[yy + top]! - rowFirst) * srcRow + colOffset * channels;
    const n = count[yy + top]!;
    const o = yy * rowLength;
    sums.fill(HALF);
    for (let y = 0, j = first; y < n; y++, j += srcRow) {
      const t = taps[k + y]!;
      for (let i = 0; i < rowLength; i++) sums[i]! += horizontalOut[j + i]! * t;
    }
    for (let i = 0; i < rowLength; i++) out[o + i] = clip8(sums[i]!);
  }
  return out;
}

/** Pillow's NEAREST resize: the source pixel under each output pixel's centre. */
function nearest(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
  region: Region,
): Uint8Array {
  const out = new Uint8Array(region.width * region.height * channels);
  const sx = width / outWidth;
  const sy = height / outHeight;
  let o = 0;
  for (let y = region.top; y < region.top + region.height; y++) {
    const yin = Math.min(Math.floor((y + 0.5) * sy), height - 1);
    for (let x = region.left; x < region.left + region.width; x++) {
      const xin = Math.min(Math.floor((x + 0.5) * sx), width - 1);
      for (let c = 0; c < channels; c++) out[o++] = pixels[(yin * width + xin) * channels + c]!;
    }
  }
  return out;
}
