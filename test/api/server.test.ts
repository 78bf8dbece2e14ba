import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/atlas-store.js';
import { copyTemplateTo, drivers, freshPostgresDatabase, repoRoot, writeCompleteRun, writeFixtureSets } from '../store/helpers.js';
import { databaseOf } from '../../src/db/inspect.js';
import { atlas } from '../support/cli.js';

interface Server {
  proc: ChildProcess;
  url: string;
  log: () => string;
  exited: Promise<number | null>;
}

/** `npm start` as a child process (PORT=0: the OS picks a port, which the server logs). */
async function startServer(env: Record<string, string>): Promise<Server> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/server/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    // A hang detector, not a performance limit: a start takes seconds, tens of them on a busy machine.
    const timer = setTimeout(() => reject(new Error(`server did not start; log:\n${log}`)), 120_000);
    proc.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /listening on (http:\/\/[^/\s]+)\/graphql/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}); log:\n${log}`));
    });
  });
  return { proc, url, log: () => log, exited };
}

async function labelsOf(url: string): Promise<unknown> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: '{ neurons(model: "toy", layer: "fc") { totalCount edges { node { unit label topImages(first: 1) { uri } } } run { method timings startedAt finishedAt } } }',
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: unknown }).data;
}

describe('seed snapshots and `npm start`', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-server-'));
  const seed = join(dir, 'seed.jsonl.gz');

  beforeAll(async () => {
    // A source atlas, exported with the CLI (in process; the server below is the process under test).
    const source = join(dir, 'source');
    await copyTemplateTo(source);
    const store = await openStore({ dataDir: source });
    const ids = await writeFixtureSets(store);
    await writeCompleteRun(store, ids);
    // A run made earlier: the seed keeps its clock.
    await databaseOf(store).execute(sql`UPDATE dissection_runs SET started_at = '2025-01-02T03:04:05Z', finished_at = '2025-01-02T03:05:06Z' WHERE status = 'complete'`);
    const running = await store.runs.begin({ ...ids, parameters: { method: 'clip-dissect' } });
    expect(running).toBeGreaterThan(0);
    await store.close();
    const out = await atlas(['db', '--data-dir', source, 'export-seed', seed]);
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/wrote .*seed\.jsonl\.gz: 1 models, 1 runs, 2 layer results/);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const expected = {
    neurons: {
      totalCount: 3,
      edges: [
        { node: { unit: 0, label: 'red', topImages: [{ uri: 'toy:1/0' }] } },
        { node: { unit: 1, label: 'green', topImages: [{ uri: 'toy:1/1' }] } },
        { node: { unit: 2, label: 'blue', topImages: [{ uri: 'toy:1/2' }] } },
      ],
      run: { method: 'clip-dissect', timings: { total: 1.25, activations: 0.5 }, startedAt: '2025-01-02T03:04:05.000Z', finishedAt: '2025-01-02T03:05:06.000Z' },
    },
  };

  it.each(drivers)('loads the seed into an empty atlas on %s, serves it, and keeps it across restarts', async (driver) => {
    let env: Record<string, string>;
    let drop = async (): Promise<void> => undefined;
    if (driver === 'postgres') {
      const db = await freshPostgresDatabase();
      env = { DATABASE_URL: db.url, ATLAS_SEED: seed };
      drop = db.drop;
    } else {
      await copyTemplateTo(join(dir, 'served'));
      env = { DATABASE_URL: '', ATLAS_DATA_DIR: join(dir, 'served'), ATLAS_SEED: seed };
    }
    try {
      const first = await startServer(env);
      try {
        expect(first.log()).toMatch(/loaded the default atlas from .*: 1 models, 1 runs, 2 layer results/);
        expect(await labelsOf(first.url)).toEqual(expected);
        expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
      } finally {
        first.proc.kill('SIGTERM');
      }
      expect(await first.exited).toBe(0);

      const second = await startServer(env);
      try {
        expect(second.log()).not.toMatch(/loaded the default atlas/);
        expect(await labelsOf(second.url)).toEqual(expected);
      } finally {
        second.proc.kill('SIGTERM');
      }
      expect(await second.exited).toBe(0);
    } finally {
      await drop();
    }
  });

  it('says how to add content when the atlas is empty and there is no seed', async () => {
    await copyTemplateTo(join(dir, 'empty'));
    const server = await startServer({ DATABASE_URL: '', ATLAS_DATA_DIR: join(dir, 'empty'), ATLAS_SEED: join(dir, 'missing.jsonl.gz') });
    try {
      expect(server.log()).toMatch(/the atlas is empty and there is no seed snapshot yet\. Add content with `atlas dissect/);
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ models { name } }' }),
      });
      expect(await res.json()).toEqual({ data: { models: [] } });
    } finally {
      server.proc.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('stops and releases the atlas when the process that started it is killed (SIGKILL)', async () => {
    await copyTemplateTo(join(dir, 'orphan'));
    // A launcher like bin/atlas.js's for `serve`: the server as its child over an IPC channel,
    // sharing its stderr. SIGKILL gives the launcher no chance to pass anything on.
    const launcher = [
      "const { spawn } = require('node:child_process');",
      `spawn(process.execPath, ['--import', 'tsx', ${JSON.stringify(join(repoRoot, 'src/server/main.ts'))}], { cwd: ${JSON.stringify(repoRoot)}, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });`,
    ].join('\n');
    const proc = spawn(process.execPath, ['-e', launcher], {
      env: { ...process.env, PORT: '0', DATABASE_URL: '', ATLAS_DATA_DIR: join(dir, 'orphan'), ATLAS_SEED: join(dir, 'missing.jsonl.gz') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    // The pipe ends once every process holding it has exited: the launcher and the server.
    const closed = new Promise<void>((resolve) => proc.stderr!.on('end', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      proc.stderr!.on('data', (d: Buffer) => {
        log += d.toString();
        if (/listening on http/.test(log)) resolve();
      });
      proc.on('exit', () => reject(new Error(`launcher exited before the server listened; log:\n${log}`)));
    });
    proc.kill('SIGKILL');
    await closed;
    expect(log).toMatch(/launcher exited: shutting down/);
    // The atlas's lock is free again: another process can open it.
    const reopened = await atlas(['db', '--data-dir', join(dir, 'orphan'), 'runs']);
    expect(reopened.code).toBe(0);
  });
});
