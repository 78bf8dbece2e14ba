/** Spawns test/store/fixtures/atlas-child.ts and waits for lines on its stdout. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './helpers.js';

export interface Child {
  proc: ChildProcess;
  /** The line `startChild` waited for. */
  line: string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** The first stdout line matching `pattern` (rejects if the child exits first). */
  waitLine(pattern: RegExp): Promise<string>;
}

export async function startChild(env: Record<string, string>, waitFor: RegExp): Promise<Child> {
  const proc = spawn(
    process.execPath,
    // --import keeps the script in this process (tsx's CLI would wrap it in a second one, hiding its pid).
    ['--import', 'tsx', join(repoRoot, 'test/store/fixtures/atlas-child.ts')],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const find = (pattern: RegExp) => out.split('\n').find((l) => pattern.test(l));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) {
      const line = find(w.pattern);
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const waitLine = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const line = find(pattern);
      if (line !== undefined) return resolve(line);
      waiters.push({ pattern, resolve });
      void exited.then((code) => reject(new Error(`child exited (${code}) before printing ${pattern}; stderr: ${err}`)));
    });
  const line = await waitLine(waitFor);
  return { proc, line, stderr: () => err, exited, waitLine };
}
