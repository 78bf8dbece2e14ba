/**
 * `atlas toyworld export`: write toy-world images as PNG files plus their ground truth
 * (annotations.json), e.g. to look at them or to use them as a folder probe set.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { exportToyImages, type ToyExportOptions } from '../../services/toy-images.js';
import { cliIo } from '../io.js';

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
      const { written, skipped } = await exportToyImages({ ...opts, progress: cliIo().stderr });
      cliIo().stderr.write(`wrote ${written} images${skipped ? ` (kept ${skipped} existing)` : ''} and annotations.json to ${resolve(opts.out)}\n`);
    });
}
