import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOY_VOCABULARY } from '../../src/toyworld/index.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const toyModel = (name: string) => join(repoRoot, 'models/toy', `${name}.onnx`);
export const toyClip = join(repoRoot, 'models/toy/clip');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh atlas data folder and cache folder. */
export function tempEnv(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-eval-test-'));
  return { dir, env: { ATLAS_DATA_DIR: join(dir, 'atlas'), ATLAS_CACHE_DIR: join(dir, 'cache') } };
}

/** Runs the atlas CLI in a child process (tsx as a loader). */
export function atlas(args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

/** A small concept file: the toy vocabulary plus a few distractor words. */
export function smallConceptFile(dir: string): string {
  const file = join(dir, 'concepts.txt');
  const distractors = ['house', 'music', 'water', 'money', 'dog', 'car', 'tree', 'happy', 'night', 'window', 'circus', 'squared', 'ball', 'wheel'];
  writeFileSync(file, `${[...TOY_VOCABULARY, ...distractors].join('\n')}\n`);
  return file;
}
