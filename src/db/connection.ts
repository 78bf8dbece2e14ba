/**
 * Opens the atlas database on one of two drivers behind one Drizzle type:
 * - PGlite (default): embedded Postgres, data in `.atlas/` (or ATLAS_DATA_DIR; `memory://` for
 *   tests), with pgvector loaded as a PGlite extension. In this process, or, while `atlas serve`
 *   hosts the folder (pglite-host.ts), through the server's Unix socket with node-postgres;
 * - node-postgres: a Postgres server at DATABASE_URL (pgvector must be installed there).
 */
import { availableParallelism } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { config } from '../core/config.js';
import { redactLocation } from '../core/redact.js';
import { sessionSettingsSql } from './hnsw-settings.js';
import { AdvisoryRunOwners, LocalRunOwners, PidFileRunOwners, type RunOwners } from './run-owners.js';
import { AtlasLockedError, lockDataDir, type DataDirLock } from './lock.js';
import { findHostSocket, startPgliteHost, type HostSocket, type PgliteHost } from './pglite-host.js';
import * as schema from './schema.js';

// Both drivers' databases are PgDatabase with driver-specific result types; the store only uses
// the common surface (query builder, transactions, execute().rows).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AtlasDb = PgDatabase<any, typeof schema>;
/** A transaction of AtlasDb. */
export type AtlasTx = Parameters<Parameters<AtlasDb['transaction']>[0]>[0];
/** What a statement can run on: the database or a transaction of it. */
export type Queryable = AtlasDb | AtlasTx;

export type DriverName = 'pglite' | 'postgres';

export interface OpenOptions {
  /** Postgres connection string; defaults to DATABASE_URL unless dataDir is given. */
  databaseUrl?: string;
  /** PGlite data folder or `memory://`; defaults to ATLAS_DATA_DIR or `.atlas`. */
  dataDir?: string;
  /** Called with every SQL statement run through Drizzle (debugging, N+1 tests). */
  onQuery?: (query: string) => void;
  /**
   * PGlite folder: host it in a worker thread behind a Unix socket that other processes of this
   * machine find and share, and reach it through that socket (`atlas serve`). No effect on
   * Postgres or `memory://`.
   */
  host?: boolean;
  /**
   * Longest a statement may take, in ms (the server's requests): Postgres stops it
   * (statement_timeout); through a hosted PGlite's socket the client gives up on it (PGlite
   * cannot stop a statement: it runs on to its end on the host). Waiting for a pooled
   * connection counts too. Unset: no deadline.
   */
  statementTimeoutMs?: number;
}

export interface Connection {
  db: AtlasDb;
  driver: DriverName;
  /** How this process reaches the database: PGlite in process, or node-postgres (a server or a hosted PGlite's socket). */
  client: 'pglite' | 'node-postgres';
  /** Data folder (PGlite) or the URL without password (Postgres), for messages. */
  location: string;
  /** The Postgres connection string (the job queue opens its own pool); absent on PGlite. */
  connectionString?: string;
  /** This process hosts the PGlite folder for others (see pglite-host.ts). */
  hosted?: boolean;
  /** Who writes each running run, and whether it is still alive (see run-owners.ts). */
  owners: RunOwners;
  close(): Promise<void>;
}

export function resolveTarget(opts: OpenOptions = {}): { driver: DriverName; target: string } {
  if (opts.databaseUrl) return { driver: 'postgres', target: opts.databaseUrl };
  if (opts.dataDir) return { driver: 'pglite', target: opts.dataDir };
  const { databaseUrl, dataDir } = config();
  if (databaseUrl) return { driver: 'postgres', target: databaseUrl };
  return { driver: 'pglite', target: dataDir };
}

function queryLogger(opts: OpenOptions): { logQuery(query: string): void } | undefined {
  const onQuery = opts.onQuery;
  return onQuery ? { logQuery: (query: string) => onQuery(query) } : undefined;
}

/**
 * node-postgres connections: two per core, 4 to 10. Searches are CPU-bound on a server that
 * shares the machine; more connections than that only make queries take turns on the cores
 * (measured on 2 cores: 4 connections gave 770-845 searches/s and a lower p99 than 10's 710-777).
 */
const DEFAULT_POOL = Math.min(10, Math.max(4, 2 * availableParallelism()));

/** Connections whose database is one session shared with other connections (a hosted PGlite): no named statements. */
const sharedSessions = new WeakSet<object>();

/** Whether `db` reaches a database session that other connections share (a PGlite through its host's socket). */
export function isSharedSession(db: AtlasDb): boolean {
  return sharedSessions.has(db);
}

interface PoolTarget {
  config: pg.PoolConfig;
  /** For messages: the URL without password, or the data folder. */
  label: string;
  /** Per-connection session settings (not on a shared PGlite session, where they would apply to every process). */
  sessionSql: string;
}

async function openPool(target: PoolTarget, opts: OpenOptions): Promise<pg.Pool> {
  const deadline = opts.statementTimeoutMs;
  const pool = new pg.Pool({
    ...target.config,
    // Idle connections stay open. By default the pool closes those idle for 10 s, and under a
    // steady load the spare ones are: the next burst then waits for a new backend to start,
    // load its caches and prepare its statements again (a 20-40 ms stall every few seconds).
    idleTimeoutMillis: 0,
    // Run by the pool on each new connection before handing it out.
    onConnect: async (client: pg.ClientBase) => {
      if (target.sessionSql) await client.query(target.sessionSql);
    },
  });
  // An idle connection dropped by the server (restart, admin) must not crash the process;
  // the pool replaces it on the next query.
  pool.on('error', (error) => process.stderr.write(`atlas: Postgres connection lost: ${error.message}\n`));
  // Fail now, with the URL in the message, rather than on the first query.
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot connect to the atlas at ${target.label}: ${(error as Error).message}`, { cause: error });
  }
  // From now on, waiting for a connection counts against the deadline (pg-pool reads its options
  // on each checkout); the first connection above may take its time (a host just started).
  if (deadline) (pool as unknown as { options: pg.PoolConfig }).options.connectionTimeoutMillis = deadline;
  return pool;
}

/** node-postgres to a hosted PGlite's socket. */
async function openSocketConnection(dataDir: string, socket: HostSocket, opts: OpenOptions, host?: PgliteHost): Promise<Connection> {
  const deadline = opts.statementTimeoutMs;
  const pool = await openPool(
    {
      config: {
        host: socket.dir,
        port: socket.port,
        user: 'postgres',
        database: 'postgres',
        // PGlite runs one statement at a time: more connections would only wait on the host.
        max: config().pgPool ?? 4,
        ...(deadline ? { query_timeout: deadline } : {}),
      },
      label: dataDir,
      sessionSql: '',
    },
    opts,
  );
  const db = drizzlePg(pool, { schema, logger: queryLogger(opts) }) as unknown as AtlasDb;
  sharedSessions.add(db);
  const owners = new PidFileRunOwners(dataDir);
  return {
    db,
    driver: 'pglite',
    client: 'node-postgres',
    location: dataDir,
    owners,
    close: async () => {
      await owners.releaseAll();
      await pool.end();
      await host?.stop();
    },
  };
}

export async function openConnection(opts: OpenOptions = {}): Promise<Connection> {
  const { driver, target } = resolveTarget(opts);
  if (driver === 'postgres') {
    const deadline = opts.statementTimeoutMs;
    const pool = await openPool(
      {
        config: { connectionString: target, max: config().pgPool ?? DEFAULT_POOL },
        label: `Postgres at ${redactLocation(target)}`,
        sessionSql: `${sessionSettingsSql()}${deadline ? `; SET statement_timeout = ${Math.round(deadline)}` : ''}`,
      },
      opts,
    );
    const db = drizzlePg(pool, { schema, logger: queryLogger(opts) }) as unknown as AtlasDb;
    const owners = new AdvisoryRunOwners(target, async (text, values) => (await pool.query(text, values)).rows as Record<string, unknown>[]);
    return {
      db,
      driver,
      client: 'node-postgres',
      location: redactLocation(target),
      connectionString: target,
      owners,
      close: async () => {
        await owners.releaseAll();
        await pool.end();
      },
    };
  }

  const inMemory = target.startsWith('memory://');
  let lock: DataDirLock | undefined;
  let dataDir = target;
  if (!inMemory) {
    dataDir = resolve(target);
    mkdirSync(dataDir, { recursive: true });
    try {
      lock = lockDataDir(dataDir);
    } catch (error) {
      // Held by a server that shares the folder: go through its socket.
      const socket = error instanceof AtlasLockedError ? findHostSocket(dataDir) : undefined;
      if (!socket) throw error;
      return openSocketConnection(dataDir, socket, opts);
    }
    if (opts.host) {
      let host: PgliteHost;
      try {
        host = await startPgliteHost(dataDir);
      } catch (error) {
        lock.release();
        throw new Error(`cannot open the atlas at ${target}: ${(error as Error).message}`, { cause: error });
      }
      const held = lock;
      try {
        const conn = await openSocketConnection(dataDir, host.socket, opts, host);
        return { ...conn, hosted: true, close: async () => void (await conn.close().finally(() => held.release())) };
      } catch (error) {
        await host.stop().catch(() => undefined);
        lock.release();
        throw error;
      }
    }
    // Holding the folder's lock, no live process has it open: a postmaster.pid is a dead one's.
    // PGlite refuses to start on an empty one, left by a process killed between creating and
    // writing it.
    rmSync(join(dataDir, 'postmaster.pid'), { force: true });
  }
  let client: PGlite;
  try {
    client = await PGlite.create(inMemory ? target : dataDir, { extensions: { vector } });
    await client.exec(sessionSettingsSql());
  } catch (error) {
    lock?.release();
    throw new Error(`cannot open the atlas at ${target}: ${(error as Error).message}`, { cause: error });
  }
  const db = drizzlePglite(client, { schema, logger: queryLogger(opts) }) as unknown as AtlasDb;
  const owners: RunOwners = inMemory ? new LocalRunOwners() : new PidFileRunOwners(dataDir);
  return {
    db,
    driver,
    client: 'pglite',
    location: target,
    owners,
    close: async () => {
      try {
        await owners.releaseAll();
        if (!client.closed) await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}
