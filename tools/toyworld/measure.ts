// Measure the committed toy models from TypeScript (onnxruntime-node) on the held-out toy set
// toy:N:2000 (the trainers never saw seed 2000): target accuracy, CLIP zero-shot accuracy with
// bare single-word prompts, and how often the true word beats all ~10k distractor words; for each
// plural or synonym of a toy word (TOY_SYNONYMS): its text cosine to the word, the zero-shot
// accuracy with it in its word's place, and how often it beats all distractors where its word is true.
// usage: npx tsx tools/toyworld/measure.ts [--n 2000] [--models models/toy] [--write]
// --write stores the figures in models/toy/measurements.json. Ends with one JSON line.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  TOY_BACKGROUND_COLOURS,
  TOY_COLOURS,
  TOY_PATTERNS,
  TOY_POSITIONS,
  TOY_SHAPES,
  TOY_SIZES,
  TOY_SYNONYMS,
  TOY_VARIANTS,
  TOY_VOCABULARY,
  commonEnglishWords,
  generateScene,
  loadToyClassifier,
  loadToyClip,
  renderScene,
  type ToyScene,
} from '../../src/toyworld/index.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '2000' }, models: { type: 'string', default: 'models/toy' }, write: { type: 'boolean', default: false } },
});
const n = Number(values.n);
const root = values.models;
const HELD_OUT_SEED = 2000;
const BATCH = 250;

const scenes: ToyScene[] = Array.from({ length: n }, (_, i) => generateScene(HELD_OUT_SEED, i));
const images = scenes.map((s) => renderScene(s, 64));
const round = (x: number) => Math.round(x * 10000) / 10000;
const report: Record<string, unknown> = { heldOutSet: `toy:${n}:${HELD_OUT_SEED}` };

for (const name of ['resnet-v1', 'resnet-v2', 'resnet-sup', 'vit']) {
  const path = join(root, `${name}.onnx`);
  if (!existsSync(path)) continue;
  const model = await loadToyClassifier(path);
  let correct = 0;
  for (let b = 0; b < n; b += BATCH) {
    const logits = await model.logits(images.slice(b, b + BATCH));
    const k = TOY_SHAPES.length;
    for (let i = 0; i < logits.length / k; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (logits[i * k + c]! > logits[i * k + best]!) best = c;
      if (TOY_SHAPES[best] === scenes[b + i]!.objects[0]!.shape) correct++;
    }
  }
  report[name] = { heldOutAccuracy: round(correct / n) };
  process.stderr.write(`${name}: held-out accuracy ${(correct / n).toFixed(4)}\n`);
}

const clipDir = join(root, 'clip');
if (existsSync(join(clipDir, 'onnx', 'vision_model.onnx'))) {
  const clip = await loadToyClip(clipDir);
  // Plurals and synonyms of toy words are not distractors; they come last.
  const toy = new Set([...TOY_VOCABULARY, ...TOY_VARIANTS]);
  const distractors = commonEnglishWords(10_000).filter((w) => !toy.has(w));
  const words = [...TOY_VOCABULARY, ...distractors, ...TOY_VARIANTS];
  const firstVariant = TOY_VOCABULARY.length + distractors.length;
  const text = await clip.embedTexts(words);
  const d = clip.dim;
  const img = new Float32Array(n * d);
  for (let b = 0; b < n; b += BATCH) img.set(await clip.embedImages(images.slice(b, b + BATCH)), b * d);
  const sim = (i: number, w: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += img[i * d + j]! * text[w * d + j]!;
    return s;
  };
  const truth = {
    shapes: (s: ToyScene) => s.objects[0]!.shape as string,
    colours: (s: ToyScene) => s.objects[0]!.colour as string,
    sizes: (s: ToyScene) => s.objects[0]!.size as string,
    positions: (s: ToyScene) => s.objects[0]!.position as string,
    patterns: (s: ToyScene) => s.background.pattern as string,
    backgrounds: (s: ToyScene) => s.background.colour as string,
  };
  const groups: Record<keyof typeof truth, readonly string[]> = {
    shapes: TOY_SHAPES,
    colours: TOY_COLOURS,
    sizes: TOY_SIZES,
    positions: TOY_POSITIONS,
    patterns: TOY_PATTERNS,
    backgrounds: TOY_BACKGROUND_COLOURS,
  };
  const zeroShot: Record<string, number> = {};
  const beatDistractors: Record<string, number> = {};
  const variants: Record<string, { word: string; cosine: number; zeroShot: number; beatsAllDistractors: number }> = {};
  const bestDistractor = new Float32Array(n).fill(-Infinity);
  for (let i = 0; i < n; i++) for (let w = TOY_VOCABULARY.length; w < firstVariant; w++) bestDistractor[i] = Math.max(bestDistractor[i]!, sim(i, w));
  for (const group of Object.keys(groups) as Array<keyof typeof truth>) {
    const cols = groups[group].map((w) => words.indexOf(w));
    let correct = 0;
    let beats = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < cols.length; c++) if (sim(i, cols[c]!) > sim(i, cols[best]!)) best = c;
      const answer = truth[group](scenes[i]!);
      if (groups[group][best] === answer) correct++;
      if (sim(i, words.indexOf(answer)) > bestDistractor[i]!) beats++;
    }
    zeroShot[group] = round(correct / n);
    beatDistractors[group] = round(beats / n);
    // Each variant in its word's place among the group's words, on the images where the word is true.
    groups[group].forEach((word, j) => {
      for (const v of TOY_SYNONYMS[word] ?? []) {
        const vi = firstVariant + TOY_VARIANTS.indexOf(v);
        const at = (i: number, c: number) => sim(i, c === j ? vi : cols[c]!);
        let here = 0;
        let right = 0;
        let vBeats = 0;
        for (let i = 0; i < n; i++) {
          if (truth[group](scenes[i]!) !== word) continue;
          here++;
          let best = 0;
          for (let c = 1; c < cols.length; c++) if (at(i, c) > at(i, best)) best = c;
          if (best === j) right++;
          if (sim(i, vi) > bestDistractor[i]!) vBeats++;
        }
        let cos = 0;
        for (let k = 0; k < d; k++) cos += text[vi * d + k]! * text[cols[j]! * d + k]!;
        variants[v] = { word, cosine: round(cos), zeroShot: round(right / here), beatsAllDistractors: round(vBeats / here) };
      }
    });
  }
  report.clip = {
    zeroShotAccuracy: zeroShot,
    trueWordBeatsAllDistractors: beatDistractors,
    distractorWords: distractors.length,
    embedDim: d,
    variants,
  };
  process.stderr.write(`toy CLIP zero-shot (bare words): ${JSON.stringify(zeroShot)}\n`);
  process.stderr.write(`true word beats all ${distractors.length} distractors: ${JSON.stringify(beatDistractors)}\n`);
  for (const [v, r] of Object.entries(variants)) process.stderr.write(`  ${r.word}/${v}: ${JSON.stringify(r)}\n`);
}

report.command = `npx tsx tools/toyworld/measure.ts --n ${n}`;
if (values.write) writeFileSync(join(root, 'measurements.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report));
