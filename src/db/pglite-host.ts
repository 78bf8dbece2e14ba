/**
 * Hosting an embedded atlas for several processes. `atlas serve` on a PGlite folder does not run
 * PGlite on its request thread: a worker thread of the server process owns the folder (the
 * server process holds its lock) and serves it over a Unix socket with the Postgres wire
 * protocol. The server's own requests and every `atlas` command started beside it reach the
 * database through that socket with node-postgres, as they would reach a Postgres server; the
 * request thread stays free to answer /healthz and to shed load while a query runs.
 *
 * The socket's place is recorded in `<dataDir>/atlas.socket` (next to the lock, with the
 * owner's pid), where a command that finds the folder locked looks for it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../core/worker-entry.js';
import { pidAlive } from './lock.js';

/** Where a client connects: node-postgres takes the socket's folder as host and its suffix as port. */
export interface HostSocket {
  /** Folder holding `.s.PGSQL.<port>`. */
  dir: string;
  port: number;
}

export interface PgliteHost {
  socket: HostSocket;
  /** Closes the socket and PGlite and ends the worker. */
  stop(): Promise<void>;
}

const PORT = 5432;
const SOCKET_NAME = `.s.PGSQL.${PORT}`;
/** Unix socket paths longer than this do not fit sockaddr_un (108 bytes with the NUL on Linux). */
const MAX_SOCKET_PATH = 100;

const recordPath = (dataDir: string): string => join(dataDir, 'atlas.socket');

interface SocketRecord {
  pid: number;
  dir: string;
  port: number;
}

/** The socket of the live process hosting `dataDir`, if one does. */
export function findHostSocket(dataDir: string): HostSocket | undefined {
  let record: SocketRecord;
  try {
    record = JSON.parse(readFileSync(recordPath(dataDir), 'utf8')) as SocketRecord;
  } catch {
    return undefined;
  }
  if (typeof record.pid !== 'number' || typeof record.dir !== 'string' || typeof record.port !== 'number') return undefined;
  if (!pidAlive(record.pid)) return undefined;
  try {
    if (!statSync(join(record.dir, `.s.PGSQL.${record.port}`)).isSocket()) return undefined;
  } catch {
    return undefined;
  }
  return { dir: record.dir, port: record.port };
}

/**
 * Starts the host of `dataDir` (the caller holds the folder's lock) or of a `memory://` database.
 * A folder's socket lives in the folder when its path is short enough, else in a fresh folder
 * under the system's temporary folder; either way the record says where.
 */
export async function startPgliteHost(dataDir: string): Promise<PgliteHost> {
  const inMemory = dataDir.startsWith('memory://');
  let dir = inMemory ? undefined : dataDir;
  let tempDir: string | undefined;
  if (dir === undefined || join(dir, SOCKET_NAME).length > MAX_SOCKET_PATH) {
    tempDir = mkdtempSync(join(tmpdir(), 'atlas-'));
    dir = tempDir;
  }
  const socket: HostSocket = { dir, port: PORT };
  const worker = startWorker(import.meta.url, 'pglite-host-worker', {
    esm: true,
    workerData: { dataDir, socketPath: join(dir, SOCKET_NAME) },
  });
  const cleanUp = (): void => {
    if (!inMemory) rmSync(recordPath(dataDir), { force: true });
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  try {
    await message(worker, (m) => m.ready === true);
  } catch (error) {
    await worker.terminate();
    cleanUp();
    throw error;
  }
  if (!inMemory) writeFileSync(recordPath(dataDir), JSON.stringify({ pid: process.pid, ...socket } satisfies SocketRecord));
  // A host that dies (out of memory, a bug) must not leave the server answering from nothing.
  worker.on('error', (error) => {
    process.stderr.write(`atlas: the database host stopped: ${error.message}\n`);
    process.exit(1);
  });
  let stopped: Promise<void> | undefined;
  return {
    socket,
    stop: () =>
      (stopped ??= (async () => {
        worker.postMessage('stop');
        try {
          await message(worker, (m) => m.stopped === true, 10_000);
        } finally {
          await worker.terminate();
          cleanUp();
        }
      })()),
  };
}

/** Resolves on the first message `wanted` accepts; rejects on an `{ error }` message, an exit or the timeout. */
function message(worker: Worker, wanted: (m: Record<string, unknown>) => boolean, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: Record<string, unknown>): void => {
      if (typeof m.error === 'string') {
        done();
        reject(new Error(m.error));
      } else if (wanted(m)) {
        done();
        resolve();
      }
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    const onExit = (code: number): void => {
      done();
      reject(new Error(`the database host exited (code ${code})`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('the database host did not answer in time'));
    }, timeoutMs);
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
}
