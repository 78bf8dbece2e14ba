/**
 * Toy-world images as PNG files plus their ground truth (annotations.json), e.g. to look at them
 * or to use them as a folder probe set (`atlas toyworld export`).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import sharp from 'sharp';
import { TOY_SHAPES, TOY_VOCABULARY, generateScene, renderScene, sceneLabel, type ToyScene } from '../toyworld/index.js';

export interface ToyExportOptions {
  n: number;
  out: string;
  seed: number;
  size: number;
  /** Re-encode images that already exist (otherwise an interrupted export resumes). */
  force?: boolean;
  /** Where the progress bar draws (default: standard error). */
  progress?: NodeJS.WritableStream;
}

function annotation(scene: ToyScene, file: string) {
  return {
    file,
    uri: scene.uri,
    index: scene.index,
    label: sceneLabel(scene),
    caption: scene.caption,
    objects: scene.objects,
    background: scene.background,
  };
}

export async function exportToyImages(options: ToyExportOptions): Promise<{ written: number; skipped: number }> {
  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const digits = Math.max(5, String(options.n - 1).length);
  const bar = new SingleBar({
    format: 'toyworld export |{bar}| {value}/{total} images | {rate}/s | ETA {eta_formatted}',
    stream: options.progress ?? process.stderr,
    hideCursor: true,
    // Keep reporting (every 2 s) when stderr is a log file or a pipe, not only on a terminal.
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });
  const started = Date.now();
  bar.start(options.n, 0, { rate: '0' });
  const records = [];
  let written = 0;
  let skipped = 0;
  const inFlight = new Set<Promise<void>>();
  for (let index = 0; index < options.n; index++) {
    const scene = generateScene(options.seed, index);
    const file = `${String(index).padStart(digits, '0')}.png`;
    records.push(annotation(scene, file));
    const path = join(out, file);
    const done = () => {
      bar.increment(1, { rate: ((written + skipped) / Math.max(1e-3, (Date.now() - started) / 1000)).toFixed(0) });
    };
    if (!options.force && existsSync(path)) {
      skipped++;
      done();
      continue;
    }
    const image = renderScene(scene, options.size);
    const job = sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
      .png()
      .toFile(path)
      .then(() => {
        written++;
        done();
      });
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job)).catch(() => undefined);
    if (inFlight.size >= 16) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  bar.stop();
  const doc = {
    spec: `toy:${options.n}:${options.seed}`,
    seed: options.seed,
    count: options.n,
    size: options.size,
    classes: TOY_SHAPES,
    vocabulary: TOY_VOCABULARY,
    images: records,
  };
  writeFileSync(join(out, 'annotations.json'), `${JSON.stringify(doc, null, 1)}\n`);
  return { written, skipped };
}
