/**
 * One process per PGlite data folder. PGlite runs Postgres inside the process, so two processes
 * opening the same folder would corrupt it. The owner writes its pid into `<dataDir>/atlas.lock`
 * (created with O_EXCL, so only one opener wins); a lock whose pid is dead is stale and taken over.
 *
 * Why not proper-lockfile: it judges staleness by a timestamp the owner refreshes on a timer. A
 * PGlite query (an HNSW index build, a large import) holds the event loop for longer than any
 * sensible stale time, so a live owner would look stale and a second process could open the
 * folder; and a killed owner would block the next start for the stale time. The folder is local
 * and the owner a process on this machine, so asking whether its pid still runs is exact and
 * immediate, and the message can name that pid.
 */
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export class AtlasLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the atlas at ${displayPath(dataDir)} is open in another process (pid ${pid}), which does not share it: wait for that command to end (commands run beside \`atlas serve\`, which shares its folder) or set DATABASE_URL`,
    );
    this.name = 'AtlasLockedError';
  }
}

export interface DataDirLock {
  path: string;
  release(): void;
}

function displayPath(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') ? rel : dir;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock for `dataDir` or throws AtlasLockedError naming the owner's pid. */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  // Inside the folder (Postgres ignores files it does not know), so it is covered by .gitignore.
  const path = join(dir, 'atlas.lock');
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        // One listener per open atlas: a process that opens and closes many (the server's
        // tests, runCli) must not pile them up.
        process.off('exit', release);
        if (readPid(path) === process.pid) {
          try {
            unlinkSync(path);
          } catch {
            /* already gone */
          }
        }
      };
      process.once('exit', release);
      return { path, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readPid(path);
    if (owner !== undefined && owner !== process.pid && pidAlive(owner)) throw new AtlasLockedError(dir, owner);
    if (owner === process.pid) throw new AtlasLockedError(dir, owner);
    // Stale (dead owner or unreadable): move it aside atomically so only one taker removes it.
    const aside = `${path}.stale-${process.pid}-${attempt}`;
    try {
      renameSync(path, aside);
      unlinkSync(aside);
    } catch {
      /* another process took it over first; retry */
    }
  }
  const owner = readPid(path) ?? 0;
  throw new AtlasLockedError(dir, owner);
}
