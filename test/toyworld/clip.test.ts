// The committed toy CLIP: tokenizer (via @huggingface/tokenizers) + ONNX text/vision models
// give the right zero-shot answer with bare-word prompts.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOY_COLOURS, TOY_SHAPES, TOY_VOCABULARY, generateScene, loadToyClip, renderScene, type ToyClip } from '../../src/toyworld/index.js';

const dir = 'models/toy/clip';
let clip: ToyClip;
beforeAll(async () => {
  clip = await loadToyClip(dir);
});

const scenes = Array.from({ length: 40 }, (_, i) => generateScene(778, i));

function zeroShot(img: Float32Array, text: Float32Array, d: number, i: number, k: number): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += img[i * d + j]! * text[c * d + j]!;
    if (s > bestScore) [best, bestScore] = [c, s];
  }
  return best;
}

describe('toy CLIP', () => {
  it('ships the Hugging Face layout and CLIP-style configs', () => {
    const pre = JSON.parse(readFileSync(`${dir}/preprocessor_config.json`, 'utf8'));
    expect(pre).toMatchObject({ do_resize: true, size: { shortest_edge: 64 }, do_center_crop: true, do_normalize: true });
    expect(pre.image_mean).toHaveLength(3);
    const config = JSON.parse(readFileSync(`${dir}/config.json`, 'utf8'));
    expect(config.model_type).toBe('clip');
    expect(config.projection_dim).toBe(clip.dim);
  });

  it('tokenizes every toy word and common English words to their own ids, unknown words to [UNK]', () => {
    const ids = TOY_VOCABULARY.map((w) => clip.tokenIds(w));
    for (const row of ids) expect(row).toHaveLength(1);
    expect(new Set(ids.map((r) => r[0])).size).toBe(TOY_VOCABULARY.length);
    expect(clip.tokenIds('Red')).toEqual(clip.tokenIds('red'));
    expect(clip.tokenIds('house')[0]).toBeGreaterThan(1);
    expect(clip.tokenIds('zzqxv')).toEqual([1]);
    expect(clip.tokenIds('a red star')).toEqual([...clip.tokenIds('a'), ...clip.tokenIds('red'), ...clip.tokenIds('star')]);
  });

  it('answers shape and colour of the main object with bare-word prompts', async () => {
    const img = await clip.embedImages(scenes.map((s) => renderScene(s, clip.size)));
    const shapes = await clip.embedTexts(TOY_SHAPES);
    const colours = await clip.embedTexts(TOY_COLOURS);
    let shapeOk = 0;
    let colourOk = 0;
    scenes.forEach((s, i) => {
      if (TOY_SHAPES[zeroShot(img, shapes, clip.dim, i, TOY_SHAPES.length)] === s.objects[0]!.shape) shapeOk++;
      if (TOY_COLOURS[zeroShot(img, colours, clip.dim, i, TOY_COLOURS.length)] === s.objects[0]!.colour) colourOk++;
    });
    expect(shapeOk / scenes.length).toBeGreaterThanOrEqual(0.85);
    expect(colourOk / scenes.length).toBeGreaterThanOrEqual(0.85);
  });

  it('embeds a padded batch the same as single texts (attention mask respected)', async () => {
    const batch = await clip.embedTexts(['star', 'a large red star']);
    const single = await clip.embedTexts(['star']);
    for (let j = 0; j < clip.dim; j++) expect(batch[j]).toBeCloseTo(single[j]!, 5);
  });
});
