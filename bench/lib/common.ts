/** Pieces the benchmark scripts share: seeded random numbers, medians, a server in a child process, a check that dist/ is current. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Deterministic uniform numbers in [0, 1) (xorshift32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** The median (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Starts `src/server/main.ts` on an ephemeral port without a seed (the bench brings its own atlas)
 * and resolves with its base URL once it says it is listening.
 */
export async function startServer(env: Record<string, string>, startTimeoutMs = 120_000): Promise<{ proc: ChildProcess; url: string }> {
  // Node flags as `npm start` gives them (package.json).
  const proc = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', join(repoRoot, 'src/server/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', ATLAS_SEED: join(repoRoot, 'does-not-exist'), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let logText = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logText}`)), startTimeoutMs);
    proc.stderr!.on('data', (d: Buffer) => {
      logText += d.toString();
      const m = /listening on (http:\/\/[^/\s]+)\/graphql/.exec(logText);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${logText}`));
    });
  });
  return { proc, url };
}

/**
 * Throws when `root`'s compiled dist/ (what bin/atlas.js runs) is missing or older than a file of
 * its src/: a bench of the command line would time old code. Checkouts without a build step
 * (no tsconfig.build.json: the CLI ran through tsx) pass.
 */
export function assertBuilt(root: string): void {
  if (!existsSync(join(root, 'tsconfig.build.json'))) return;
  const built = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(built)) throw new Error(`${root}: dist/ is missing; run npm run build first`);
  const builtAt = statSync(built).mtimeMs;
  const newer = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const found = entry.isDirectory() ? newer(path) : entry.name.endsWith('.ts') && statSync(path).mtimeMs > builtAt ? path : undefined;
      if (found) return found;
    }
    return undefined;
  };
  const changed = newer(join(root, 'src'));
  if (changed) throw new Error(`${changed} changed after the last build; run npm run build first`);
}

/** A fresh database on the server of `base` (a DATABASE_URL) for one bench run; `drop` removes it. */
export async function scratchDatabase(base: string, prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}`;
  const admin = async (statement: string): Promise<void> => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
