import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClipModel } from '../../src/compute/clip/index.js';
import { tinyClip, tinyClipWordLevel } from './helpers.js';

function norms(m: { rows: number; cols: number; data: Float32Array }): number[] {
  return Array.from({ length: m.rows }, (_, r) => Math.hypot(...m.data.subarray(r * m.cols, (r + 1) * m.cols)));
}

describe('CLIP in the Hugging Face ONNX layout', () => {
  const loaded: ClipModel[] = [];
  afterAll(async () => {
    for (const m of loaded) await m.release();
  });

  it('tokenises with the CLIP byte-level BPE tokenizer.json, bare words with start/end tokens', async () => {
    const clip = await ClipModel.load(tinyClip);
    loaded.push(clip);
    expect(clip.tokenizer.tokens('Red circle')).toEqual(['<|startoftext|>', 'red</w>', 'circle</w>', '<|endoftext|>']);
    expect(clip.tokenizer.maxLength).toBe(16);
    // Too long: truncated to the model's maximum, keeping the end-of-text token CLIP pools at.
    const long = clip.tokenizer.encodeOne(Array.from({ length: 40 }, () => 'red').join(' '));
    expect(long).toHaveLength(16);
    expect(long[15]).toBe(clip.tokenizer.encodeOne('red').at(-1));
    // A batch pads to its longest text with the pad token and a zero attention mask.
    const batch = clip.tokenizer.encodeBatch(['red', 'red circle stripes']);
    expect(batch.length).toBe(5);
    expect(Array.from(batch.mask.subarray(0, 5), Number)).toEqual([1, 1, 1, 0, 0]);
    expect(Number(batch.ids[3])).toBe(clip.tokenizer.padId);
  });

  it('encodes texts and images to unit vectors of projection_dim, independent of batch composition', async () => {
    const clip = await ClipModel.load(tinyClip);
    loaded.push(clip);
    expect(clip.dim).toBe(24);
    const both = await clip.encodeTexts(['red', 'blue striped square']);
    const alone = await clip.encodeTexts(['red']);
    expect(both.rows).toBe(2);
    for (const n of norms(both)) expect(n).toBeCloseTo(1, 5);
    // Padding must not change a text's embedding (attention mask honoured, EOS pooled).
    for (let i = 0; i < 24; i++) expect(alone.data[i]).toBeCloseTo(both.data[i]!, 5);
    const side = clip.preprocess.crop;
    const pixels = Float32Array.from({ length: 2 * 3 * side * side }, (_, i) => Math.sin(i));
    const images = await clip.encodeImages(pixels, 2);
    expect(images.rows).toBe(2);
    for (const n of norms(images)) expect(n).toBeCloseTo(1, 5);
  });

  it('handles a WordLevel tokenizer and a text graph without attention_mask', async () => {
    const clip = await ClipModel.load(tinyClipWordLevel);
    loaded.push(clip);
    expect(clip.tokenizer.tokens('red zebra')).toEqual(['[CLS]', 'red', 'zebra', '[SEP]']);
    const ids = clip.tokenizer.encodeOne('red zebra');
    expect(ids[2]).toBe(1); // [UNK]
    const m = await clip.encodeTexts(['red', 'zebra stripes', 'circle']);
    expect(m.rows).toBe(3);
    expect(clip.preprocess.interpolation).toBe('bicubic');
  });

  it('names the missing files of an incomplete folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clip-missing-'));
    try {
      cpSync(tinyClip, dir, { recursive: true });
      rmSync(join(dir, 'onnx/text_model.onnx'));
      rmSync(join(dir, 'tokenizer.json'));
      await expect(ClipModel.load(dir)).rejects.toThrow(/missing onnx\/text_model\.onnx, tokenizer\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
