// Embed a toy dataset's images with the committed toy CLIP's image encoder (onnxruntime-node),
// for fine-tuning its text side with the image side frozen (finetune_clip_text.py).
// usage: npx tsx tools/toyworld/embed-images.ts DATASET_DIR [--clip models/toy/clip]
// DATASET_DIR comes from make-dataset.ts; writes SPLIT_image_embeds.f32 (count x dim float32,
// unit length) next to each SPLIT_images.u8.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadToyClip, type RgbImage } from '../../src/toyworld/index.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { clip: { type: 'string', default: 'models/toy/clip' } } });
const dir = positionals[0];
if (!dir) throw new Error('usage: embed-images.ts DATASET_DIR [--clip models/toy/clip]');
const clip = await loadToyClip(values.clip);
const BATCH = 500;

for (const split of ['train', 'heldout']) {
  const meta = JSON.parse(readFileSync(join(dir, `${split}_meta.json`), 'utf8')) as { count: number; size: number };
  const raw = readFileSync(join(dir, `${split}_images.u8`));
  const px = meta.size * meta.size * 3;
  const out = new Float32Array(meta.count * clip.dim);
  for (let b = 0; b < meta.count; b += BATCH) {
    const images: RgbImage[] = [];
    for (let i = b; i < Math.min(meta.count, b + BATCH); i++) images.push({ width: meta.size, height: meta.size, rgb: raw.subarray(i * px, (i + 1) * px) });
    out.set(await clip.embedImages(images), b * clip.dim);
  }
  writeFileSync(join(dir, `${split}_image_embeds.f32`), out);
  process.stderr.write(`${split}: ${meta.count} image embeddings (${clip.dim}-d) -> ${dir}\n`);
}
