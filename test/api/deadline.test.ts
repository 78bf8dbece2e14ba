/**
 * The request deadline and /healthz while the database is held by someone else: on Postgres
 * another session locks the models table (statement_timeout stops the server's statement); on a
 * PGlite folder hosted as `atlas serve` hosts it, another connection through the host's socket
 * keeps a transaction open (the host serves one connection at a time, so the server's statement
 * waits and the server stops waiting). Either way the request is answered REQUEST_TIMEOUT (503,
 * Retry-After) at its deadline, /healthz answers at once, and the server works again after.
 * Also: aliases cannot multiply compareModels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type AtlasStore } from '../../src/db/atlas-store.js';
import { databaseOf } from '../../src/db/inspect.js';
import { createAtlasServer, defaultLimits, type AtlasServer } from '../../src/server/app.js';
import { copyTemplateTo, drivers, freshPostgresDatabase } from '../store/helpers.js';

const DEADLINE_MS = 500;

interface Served {
  store: AtlasStore;
  /** Another connection to the same database. */
  other: AtlasStore;
  server: AtlasServer;
  url: string;
  cleanup(): Promise<void>;
}

async function serveWithDeadline(driver: 'pglite' | 'postgres'): Promise<Served> {
  let where: { dataDir?: string; databaseUrl?: string };
  let drop: () => Promise<void>;
  if (driver === 'postgres') {
    const db = await freshPostgresDatabase();
    where = { databaseUrl: db.url };
    drop = db.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-deadline-'));
    where = { dataDir: join(dir, 'atlas') };
    await copyTemplateTo(where.dataDir!);
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  const store = await openStore({ ...where, host: true, statementTimeoutMs: DEADLINE_MS });
  // On the PGlite folder: the folder is locked by this process and hosted, so this goes through the socket.
  const other = await openStore(where);
  const server = await createAtlasServer(store, defaultLimits());
  const port = await server.listen(0);
  return {
    store,
    other,
    server,
    url: `http://127.0.0.1:${port}`,
    cleanup: async () => {
      await server.stop();
      await other.close();
      await store.close();
      await drop();
    },
  };
}

async function graphql(url: string, query: string): Promise<{ status: number; retryAfter: string | null; body: { data?: unknown; errors?: { message: string; extensions: { code: string } }[] } }> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as never };
}

describe.each(drivers)('request deadline (%s)', (driver) => {
  let served: Served | undefined;
  afterAll(async () => served?.cleanup());

  it('stops a request held up by another session at its deadline, with /healthz answering meanwhile', async () => {
    served = await serveWithDeadline(driver);
    const { url, other } = served;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const blocker = databaseOf(other).transaction(async (tx) => {
      if (driver === 'postgres') await tx.execute(sql`LOCK TABLE target_models IN ACCESS EXCLUSIVE MODE`);
      else await tx.execute(sql`SELECT 1`);
      holding();
      await released;
    });
    await held;
    try {
      const started = Date.now();
      const answer = graphql(url, '{ models { name } }');
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      // Answered while the database is still held (the blocker lets go only after this test's checks).
      expect(await health.json()).toMatchObject({ status: 'ok', database: 'busy' });
      const { status, retryAfter, body } = await answer;
      expect(body.errors?.[0]?.extensions.code).toBe('REQUEST_TIMEOUT');
      expect(body.errors?.[0]?.message).toMatch(/took longer than the server allows/);
      expect(status).toBe(503);
      expect(retryAfter).toBe('1');
      expect(Date.now() - started).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    } finally {
      release();
      await blocker;
    }
    // The next request is served.
    const after = await graphql(url, '{ models { name } }');
    expect(after.body.errors).toBeUndefined();
    expect((await (await fetch(`${url}/healthz`)).json()) as unknown).toMatchObject({ database: 'ok' });
  });

  it('refuses more than 2 compareModels in one request, counted after aliases and fragments', async () => {
    const url = served!.url;
    const cmp = (alias: string) => `${alias}: compareModels(a: { name: "x" }, b: { name: "y" }, layer: "l") { layer }`;
    const many = await graphql(url, `{ ${cmp('a')} ${cmp('b')} ...F } fragment F on Query { ${cmp('c')} }`);
    expect(many.status).toBe(400);
    expect(many.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(many.body.errors?.[0]?.message).toMatch(/at most 2 `compareModels` \(this one asks for 3\)/);
    // Two are allowed (here they fail on the unknown model, after the check).
    const two = await graphql(url, `{ ${cmp('a')} ${cmp('b')} }`);
    expect(two.body.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});
