import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOY_VOCABULARY } from '../../src/toyworld/index.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const toyModel = (name: string) => join(repoRoot, 'models/toy', `${name}.onnx`);
export const toyClip = join(repoRoot, 'models/toy/clip');

/** A small concept file: the toy vocabulary plus a few distractor words. */
export function smallConceptFile(dir: string): string {
  const file = join(dir, 'concepts.txt');
  const distractors = ['house', 'music', 'water', 'money', 'dog', 'car', 'tree', 'happy', 'night', 'window', 'circus', 'squared', 'ball', 'wheel'];
  writeFileSync(file, `${[...TOY_VOCABULARY, ...distractors].join('\n')}\n`);
  return file;
}
