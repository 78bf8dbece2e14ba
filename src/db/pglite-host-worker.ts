/**
 * The worker thread that hosts an embedded atlas (see pglite-host.ts): it owns the PGlite of one
 * data folder and serves it over a Unix socket with the Postgres wire protocol (messages cut by
 * pglite-wire.ts, turns taken per exchange by pglite-sessions.ts). Its messages to the
 * starting thread: `{ ready: true }` once listening, `{ error }` if opening failed, `{ stopped:
 * true }` after a `'stop'` request closed everything.
 */
import { rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { sessionSettingsSql } from './hnsw-settings.js';
import { PgliteSessions } from './pglite-sessions.js';
import { serveConnection } from './pglite-wire.js';

export interface HostWorkerData {
  /** The PGlite data folder, or `memory://`. */
  dataDir: string;
  /** Where the Unix socket listens. */
  socketPath: string;
}

const { dataDir, socketPath } = workerData as HostWorkerData;
const port = parentPort!;

async function main(): Promise<void> {
  // The starting thread holds the folder's lock: a postmaster.pid is a dead process's (see connection.ts).
  if (!dataDir.startsWith('memory://')) rmSync(join(dataDir, 'postmaster.pid'), { force: true });
  const db = await PGlite.create(dataDir, { extensions: { vector } });
  await db.exec(sessionSettingsSql());
  const sessions = new PgliteSessions(db);
  const sockets = new Set<Socket>();
  rmSync(socketPath, { force: true });
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, sessions);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  port.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    void (async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketPath, { force: true });
      if (!db.closed) await db.close();
      port.postMessage({ stopped: true });
    })();
  });
  port.postMessage({ ready: true });
}

main().catch((error: unknown) => {
  port.postMessage({ error: (error as Error).message });
});
