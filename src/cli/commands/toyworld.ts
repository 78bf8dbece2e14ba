/**
 * `atlas toyworld export`: write toy-world images as PNG files plus their ground truth
 * (annotations.json), e.g. to look at them or to use them as a folder probe set.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import sharp from 'sharp';
import { TOY_SHAPES, TOY_VOCABULARY, generateScene, renderScene, sceneLabel, type ToyScene } from '../../toyworld/index.js';
import { cliIo } from '../io.js';

export interface ToyExportOptions {
  n: number;
  out: string;
  seed: number;
  size: number;
  /** Re-encode images that already exist (otherwise an interrupted export resumes). */
  force?: boolean;
}

function positiveInt(name: string, min: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min} (got "${text}")`);
    return value;
  };
}

function int32(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || Math.abs(value) > 0x7fffffff) throw new Error(`--seed must be a 32-bit integer (got "${text}")`);
  return value;
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
    stream: cliIo().stderr,
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

export function register(program: Command): void {
  const toyworld = program.command('toyworld').description('the toy world: generated images with known ground truth');
  toyworld
    .command('export')
    .description('write toy images (PNG) and their ground truth (annotations.json) to a folder')
    .requiredOption('--out <dir>', 'output folder')
    .option('--n <count>', 'number of images', positiveInt('n', 1), 2000)
    .option('--seed <seed>', 'set seed (images are toy:SEED/0 .. toy:SEED/N-1)', int32, 42)
    .option('--size <pixels>', 'image side in pixels', positiveInt('size', 8), 64)
    .option('--force', 're-encode images that already exist', false)
    .action(async (opts: ToyExportOptions) => {
      const { written, skipped } = await exportToyImages(opts);
      cliIo().stderr.write(`wrote ${written} images${skipped ? ` (kept ${skipped} existing)` : ''} and annotations.json to ${resolve(opts.out)}\n`);
    });
}
