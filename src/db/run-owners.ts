/**
 * Who writes a running run, and whether that writer is still alive.
 *
 * Postgres: the writing process holds a session-level advisory lock keyed by the run id on a
 * connection of its own (not one of the pool's, which any query may borrow), for the run's life.
 * The server releases it when that connection ends, so a killed process lets go of its runs by
 * itself. The connection's application_name says which process it is (pid and host), for
 * messages.
 *
 * PGlite: one Postgres session serves every process that shares the folder (through the server's
 * socket, pglite-host.ts), so its advisory locks cannot tell processes apart. The writer instead
 * creates `<dataDir>/run-owners/<run id>` (O_EXCL) holding its pid; the owner is alive exactly
 * when that pid runs (the folder is local, so the check is exact, as for the folder's lock). A
 * `memory://` database belongs to one process: ownership is that process's set of claimed runs.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pidAlive } from './lock.js';

/** First key of the two-key advisory locks on run ids ('atla'). */
export const RUN_LOCK_SPACE = 0x61746c61;

export interface RunOwners {
  /** Takes a run for this process; false when a live process (this one included) holds it. */
  claim(runId: number): Promise<boolean>;
  /** Lets go of a run (completed, failed, or deleted). */
  release(runId: number): Promise<void>;
  /** The live process holding a run ("pid N on host H"), or undefined when none does. */
  holder(runId: number): Promise<string | undefined>;
  /** Lets go of every run this process holds (the store closes). */
  releaseAll(): Promise<void>;
}

function processName(): string {
  return `pid ${process.pid} on host ${hostname()}`;
}

/** PGlite: one process per data folder, so ownership is this process's set of claimed runs. */
export class LocalRunOwners implements RunOwners {
  private readonly held = new Set<number>();
  async claim(runId: number): Promise<boolean> {
    if (this.held.has(runId)) return false;
    this.held.add(runId);
    return true;
  }
  async release(runId: number): Promise<void> {
    this.held.delete(runId);
  }
  async holder(runId: number): Promise<string | undefined> {
    return this.held.has(runId) ? processName() : undefined;
  }
  async releaseAll(): Promise<void> {
    this.held.clear();
  }
}

/** A PGlite folder shared by processes of this machine: one pid file per held run. */
export class PidFileRunOwners implements RunOwners {
  private readonly held = new Set<number>();
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'run-owners');
  }

  private path(runId: number): string {
    return join(this.dir, String(runId));
  }

  private ownerPid(runId: number): number | undefined {
    try {
      const pid = Number.parseInt(readFileSync(this.path(runId), 'utf8'), 10);
      return Number.isFinite(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  async claim(runId: number): Promise<boolean> {
    if (this.held.has(runId)) return false;
    mkdirSync(this.dir, { recursive: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(this.path(runId), 'wx');
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        this.held.add(runId);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const pid = this.ownerPid(runId);
      if (pid !== undefined && pidAlive(pid)) return false;
      // A dead owner's file: moved aside atomically, so only one taker removes it.
      const aside = `${this.path(runId)}.stale-${process.pid}-${attempt}`;
      try {
        renameSync(this.path(runId), aside);
        unlinkSync(aside);
      } catch {
        /* another process took it over first */
      }
    }
    return false;
  }

  async release(runId: number): Promise<void> {
    if (!this.held.delete(runId)) return;
    if (this.ownerPid(runId) !== process.pid) return;
    try {
      unlinkSync(this.path(runId));
    } catch {
      /* already gone */
    }
  }

  async holder(runId: number): Promise<string | undefined> {
    const pid = this.ownerPid(runId);
    return pid !== undefined && pidAlive(pid) ? `pid ${pid} on host ${hostname()}` : undefined;
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.held].map((id) => this.release(id)));
  }
}

/** Postgres: one dedicated connection per held run, holding pg_try_advisory_lock(space, run id). */
export class AdvisoryRunOwners implements RunOwners {
  private readonly held = new Map<number, pg.Client>();

  constructor(
    private readonly connectionString: string,
    /** A pooled query (for reading pg_locks, which needs no connection of its own). */
    private readonly query: (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>,
  ) {}

  async claim(runId: number): Promise<boolean> {
    if (this.held.has(runId)) return false;
    const client = new pg.Client({ connectionString: this.connectionString, application_name: `atlas ${processName()}`.slice(0, 63) });
    // A dropped connection (server restart) loses the lock; the writes that follow then race
    // only with a cleanup, which the run's own status checks report.
    client.on('error', () => undefined);
    await client.connect();
    try {
      const res = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::int, $2::int) AS ok', [RUN_LOCK_SPACE, runId]);
      if (res.rows[0]?.ok) {
        this.held.set(runId, client);
        return true;
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    await client.end().catch(() => undefined);
    return false;
  }

  async release(runId: number): Promise<void> {
    const client = this.held.get(runId);
    if (!client) return;
    this.held.delete(runId);
    // Ending the session releases its advisory locks.
    await client.end().catch(() => undefined);
  }

  async holder(runId: number): Promise<string | undefined> {
    const rows = await this.query(
      `SELECT a.application_name AS app FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid AND l.objid = $2::int::oid AND l.objsubid = 2
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       LIMIT 1`,
      [RUN_LOCK_SPACE, runId],
    );
    if (rows.length === 0) return undefined;
    const app = typeof rows[0]!.app === 'string' ? rows[0]!.app : '';
    return app.startsWith('atlas pid ') ? app.slice('atlas '.length) : 'an unknown process';
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.held.keys()].map((id) => this.release(id)));
  }
}
