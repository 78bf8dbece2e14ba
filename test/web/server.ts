/**
 * The compiled server (`npm start`'s dist/server/main.js) on a fresh data folder, as a user starts
 * it: the default atlas loads from seed/ on first start. Resolves once it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../../src/core/paths.js';

export interface StartedServer {
  base: string;
  log(): string;
  stop(): Promise<void>;
}

export const serverEntry = packagePath('dist', 'server', 'main.js');
export const explorerIndex = packagePath('dist', 'web', 'explorer', 'index.html');

/** Why the compiled server cannot run here, or undefined. */
export function notBuilt(): string | undefined {
  for (const file of [serverEntry, explorerIndex]) if (!existsSync(file)) return `${file} is missing: run \`npm run build\``;
  return undefined;
}

/**
 * `ATLAS_TEST_EXPLORER_URL` (development only): use a server already running there instead (started
 * the same way, with the same API key), to rerun the browser tests without loading a new atlas.
 */
export async function startBuiltServer(env: Record<string, string> = {}, timeoutMs = 400_000): Promise<StartedServer> {
  const running = process.env.ATLAS_TEST_EXPLORER_URL;
  if (running) return { base: running.replace(/\/$/, ''), log: () => '', stop: async () => undefined };
  const dataDir = mkdtempSync(join(tmpdir(), 'atlas-web-'));
  const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=64', serverEntry], {
    env: { ...process.env, ATLAS_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not listen within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      output += chunk;
      const listening = /listening on (http:\/\/[^/\s]+)\/graphql/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    base,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
