import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtures = join(repoRoot, 'test/pipeline/fixtures');
export const tinyClip = join(fixtures, 'tiny-clip');
export const tinyClipWordLevel = join(fixtures, 'tiny-clip-wordlevel');
export const tinyTarget = join(fixtures, 'tiny-target.onnx');
const main = join(repoRoot, 'src/cli/main.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A fresh atlas + cache folder pair for one test. */
export function tempEnv(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-pipeline-'));
  return { dir, env: { ATLAS_DATA_DIR: join(dir, 'atlas'), ATLAS_CACHE_DIR: join(dir, 'cache') } };
}

export function startAtlas(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<CliResult> } {
  const began = Date.now();
  // tsx as a loader in this very process (not tsx's CLI, which runs the script in a grandchild
  // that a SIGKILL would not reach).
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolveDone) => {
    child.on('close', (code, signal) => resolveDone({ code, signal, stdout, stderr, ms: Date.now() - began }));
  });
  return { child, done };
}

export function atlas(args: string[], env: Record<string, string>): Promise<CliResult> {
  return startAtlas(args, env).done;
}
