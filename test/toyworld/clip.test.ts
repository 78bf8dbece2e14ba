// The committed toy CLIP: tokenizer (via @huggingface/tokenizers) + ONNX text/vision models
// give the right zero-shot answer with bare-word prompts.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  TOY_COLOURS,
  TOY_SHAPES,
  TOY_SYNONYMS,
  TOY_VARIANTS,
  TOY_VOCABULARY,
  commonEnglishWords,
  generateScene,
  loadToyClip,
  renderScene,
  toyWordOf,
  type ToyClip,
} from '../../src/toyworld/index.js';

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

  it('reads each plural and synonym of a toy word as its own token, embedded nearest its toy word', async () => {
    const ids = TOY_VARIANTS.map((v) => clip.tokenIds(v));
    for (const row of ids) expect(row).toHaveLength(1);
    expect(ids.every((r) => r[0]! > 1)).toBe(true);
    const d = clip.dim;
    const toy = await clip.embedTexts(TOY_VOCABULARY);
    const variants = await clip.embedTexts(TOY_VARIANTS);
    const cos = (a: Float32Array, i: number, b: Float32Array, j: number) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += a[i * d + k]! * b[j * d + k]!;
      return s;
    };
    TOY_VARIANTS.forEach((v, i) => {
      const word = TOY_VOCABULARY.indexOf(toyWordOf(v)!);
      const nearest = TOY_VOCABULARY.reduce((best, _, j) => (cos(variants, i, toy, j) > cos(variants, i, toy, best) ? j : best), 0);
      expect(TOY_VOCABULARY[nearest], v).toBe(TOY_VOCABULARY[word]);
    });
  });

  it('answers the main object\'s shape with plural prompts too, and the plural beats common words', async () => {
    const img = await clip.embedImages(scenes.map((s) => renderScene(s, clip.size)));
    const plurals = TOY_SHAPES.map((s) => TOY_SYNONYMS[s]![0]!);
    const text = await clip.embedTexts(plurals);
    const common = commonEnglishWords(2000).filter((w) => toyWordOf(w) === undefined);
    const other = await clip.embedTexts(common);
    let ok = 0;
    let beats = 0;
    scenes.forEach((s, i) => {
      const truth = TOY_SHAPES.indexOf(s.objects[0]!.shape);
      if (zeroShot(img, text, clip.dim, i, TOY_SHAPES.length) === truth) ok++;
      let own = 0;
      for (let j = 0; j < clip.dim; j++) own += img[i * clip.dim + j]! * text[truth * clip.dim + j]!;
      let best = -Infinity;
      for (let w = 0; w < common.length; w++) {
        let sim = 0;
        for (let j = 0; j < clip.dim; j++) sim += img[i * clip.dim + j]! * other[w * clip.dim + j]!;
        best = Math.max(best, sim);
      }
      if (own > best) beats++;
    });
    expect(ok / scenes.length).toBeGreaterThanOrEqual(0.85);
    expect(beats / scenes.length).toBeGreaterThanOrEqual(0.85);
  });

  it('embeds a padded batch the same as single texts (attention mask respected)', async () => {
    const batch = await clip.embedTexts(['star', 'a large red star']);
    const single = await clip.embedTexts(['star']);
    for (let j = 0; j < clip.dim; j++) expect(batch[j]).toBeCloseTo(single[j]!, 5);
  });
});
