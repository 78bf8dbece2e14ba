/** Spawns test/store/fixtures/atlas-child.ts and waits for a line on its stdout. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './helpers.js';

export interface Child {
  proc: ChildProcess;
  line: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

export async function startChild(env: Record<string, string>, waitFor: RegExp, timeoutMs = 60_000): Promise<Child> {
  const proc = spawn(
    process.execPath,
    // --import keeps the script in this process (tsx's CLI would wrap it in a second one, hiding its pid).
    ['--import', 'tsx', join(repoRoot, 'test/store/fixtures/atlas-child.ts')],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not print ${waitFor} in time; stderr: ${err}`)), timeoutMs);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = out.split('\n').find((l) => waitFor.test(l));
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before printing ${waitFor}; stderr: ${err}`));
    });
  });
  return { proc, line, stderr: () => err, exited };
}
