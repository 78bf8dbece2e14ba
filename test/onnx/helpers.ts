import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const modelsDir = path.join(repoRoot, 'test/fixtures/models');
export const modelPath = (name: string): string => path.join(modelsDir, `${name}.onnx`);

/** Activations PyTorch computed with forward hooks (tools/testmodels/build.py). */
export interface Expected {
  inputs: number[];
  batch: number;
  output: number[][];
  input: { name: string; shape: number[] };
  layers: Record<string, { kind: 'conv' | 'token' | 'dense'; shape: number[]; avg: number[][]; max: number[][] }>;
}

export function expected(name: string): Expected {
  return JSON.parse(readFileSync(path.join(modelsDir, `${name}.expected.json`), 'utf8')) as Expected;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
