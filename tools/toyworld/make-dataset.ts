// Dump toy-world training data for the Python trainers (train_targets.py, train_clip.py).
// usage: npx tsx tools/toyworld/make-dataset.ts OUT_DIR [--train N] [--heldout N] [--size 64] [--mask-grid G]
// Writes, per split (train: seed 1000, heldout: seed 2000):
//   SPLIT_images.u8   N x size x size x 3 uint8 (HWC)
//   SPLIT_meta.json   per image: main shape/colour/size/position, background, caption, all words
//   SPLIT_masks.u8    with --mask-grid G only: N x 33 x G x G uint8, each cell the share (x 255) of
//                     the cell's pixels in the concept's mask (masks.ts), concepts in TOY_VOCABULARY
//                     order. train_sup.py trains supervised channels on them.
// and vocab.json (toy vocabulary by group, each toy word's plurals and synonyms, and the 10k
// distractor words less those).
import { mkdirSync, openSync, writeFileSync, writeSync, closeSync } from 'node:fs';
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
  rasterizeLabels,
  masksFromLabels,
  paintLabels,
} from '../../src/toyworld/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    train: { type: 'string', default: '20000' },
    heldout: { type: 'string', default: '2000' },
    size: { type: 'string', default: '64' },
    'mask-grid': { type: 'string' },
  },
});
const out = positionals[0];
if (!out) throw new Error('usage: make-dataset.ts OUT_DIR [--train N] [--heldout N] [--size 64]');
const size = Number(values.size);
const maskGrid = values['mask-grid'] === undefined ? 0 : Number(values['mask-grid']);
if (maskGrid && (!Number.isInteger(maskGrid) || maskGrid < 1 || size % maskGrid !== 0)) {
  throw new Error(`--mask-grid must be a whole number that divides --size ${size}, got ${values['mask-grid']}`);
}
mkdirSync(out, { recursive: true });

export const SPLITS = { train: 1000, heldout: 2000 } as const;

/** Each toy word's mask pooled to maskGrid x maskGrid cells: share of the cell's pixels, x 255. */
function gridMasks(masks: Map<string, Uint8Array>): Uint8Array {
  const g = maskGrid;
  const cell = size / g;
  const out = new Uint8Array(TOY_VOCABULARY.length * g * g);
  TOY_VOCABULARY.forEach((word, c) => {
    const mask = masks.get(word);
    if (!mask) return;
    const sums = new Float64Array(g * g);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (mask[y * size + x]) sums[Math.floor(y / cell) * g + Math.floor(x / cell)]! += 1;
    for (let k = 0; k < g * g; k++) out[c * g * g + k] = Math.round((255 * sums[k]!) / (cell * cell));
  });
  return out;
}

function dump(split: keyof typeof SPLITS, count: number): void {
  const seed = SPLITS[split];
  const fd = openSync(join(out!, `${split}_images.u8`), 'w');
  const maskFd = maskGrid ? openSync(join(out!, `${split}_masks.u8`), 'w') : null;
  const meta = [];
  for (let i = 0; i < count; i++) {
    const scene = generateScene(seed, i);
    const labels = rasterizeLabels(scene, size);
    writeSync(fd, paintLabels(scene, labels, size));
    if (maskFd !== null) writeSync(maskFd, gridMasks(masksFromLabels(scene, labels)));
    const [main, ...extras] = scene.objects;
    meta.push({
      shape: TOY_SHAPES.indexOf(main!.shape),
      colour: TOY_COLOURS.indexOf(main!.colour),
      size: TOY_SIZES.indexOf(main!.size),
      position: TOY_POSITIONS.indexOf(main!.position!),
      background: TOY_BACKGROUND_COLOURS.indexOf(scene.background.colour),
      pattern: TOY_PATTERNS.indexOf(scene.background.pattern),
      extras: extras.map((o) => [o.shape, o.colour]),
      caption: scene.caption,
    });
  }
  closeSync(fd);
  if (maskFd !== null) closeSync(maskFd);
  writeFileSync(join(out!, `${split}_meta.json`), JSON.stringify({ seed, size, count, images: meta, ...(maskGrid ? { maskGrid, maskConcepts: TOY_VOCABULARY } : {}) }));
  process.stderr.write(`${split}: ${count} images (seed ${seed}) -> ${out}\n`);
}

dump('train', Number(values.train));
dump('heldout', Number(values.heldout));
// A plural or synonym of a toy word is not a distractor: the CLIP should embed it next to its word.
const toy = new Set([...TOY_VOCABULARY, ...TOY_VARIANTS]);
writeFileSync(
  join(out, 'vocab.json'),
  JSON.stringify({
    shapes: TOY_SHAPES,
    colours: TOY_COLOURS,
    backgrounds: TOY_BACKGROUND_COLOURS,
    sizes: TOY_SIZES,
    positions: TOY_POSITIONS,
    patterns: TOY_PATTERNS,
    vocabulary: TOY_VOCABULARY,
    synonyms: TOY_SYNONYMS,
    distractors: commonEnglishWords(10_000).filter((w) => !toy.has(w)),
  }),
);
