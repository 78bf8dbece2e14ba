/**
 * A run that a live process is writing belongs to that process: `atlas db cleanup` keeps it and
 * an identical `atlas dissect` refuses to take it over. Once the writer is dead, both may.
 * Two processes at once are Postgres only: on PGlite the data-folder lock keeps a second process
 * out of the atlas altogether, and a store's own running runs are the live ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DissectResult } from '../../src/services/dissect.js';
import { tinyClip, tinyTarget } from '../pipeline/helpers.js';
import { atlas, spawnAtlas } from '../support/cli.js';
import { startChild } from './child.js';
import { openStore } from '../../src/db/atlas-store.js';
import { RunBusyError } from '../../src/db/index.js';
import { drivers, endSessionsOf, freshPostgresDatabase, openTestAtlas, writeFixtureSets, type FixtureIds, type TestAtlas } from './helpers.js';

async function runIds(url: string): Promise<{ id: number; status: string }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ id: number; status: string }>('SELECT id, status FROM dissection_runs ORDER BY id')).rows;
  } finally {
    await client.end();
  }
}

describe.each(drivers)('run ownership in the store on %s', (driver) => {
  let test: TestAtlas;
  afterAll(async () => test?.cleanup());

  it('a running run is live while its store is open: not cleaned up, not resumed twice', async () => {
    test = await openTestAtlas(driver);
    const ids = await writeFixtureSets(test.store);
    const input = { ...ids, parameters: { method: 'clip-dissect', similarity: 'soft_wpmi', params: { own: 1 } } };
    const { runId, resumed } = await test.store.runs.beginOrResume(input);
    expect(resumed).toBeUndefined();
    expect(await test.store.runs.isLive(runId)).toBe(true);
    expect(await test.store.runs.findResumable(input)).toBeUndefined();
    expect(await test.store.runs.cleanupIncomplete()).toBe(0);
    // The same store asking again (on Postgres, a second store too) is refused, never given a second run.
    const other = driver === 'postgres' ? await openStore(test.openOpts) : test.store;
    try {
      await expect(other.runs.beginOrResume(input)).rejects.toThrow(RunBusyError);
      await expect(other.runs.beginOrResume(input)).rejects.toThrow(
        new RegExp(`^run ${runId} is being written by another process \\(pid ${process.pid} on host [^)]+\\); wait for it`),
      );
    } finally {
      if (other !== test.store) await other.close();
    }
    expect((await test.store.runs.listAll()).map((r) => r.id)).toEqual([runId]);

    // Closing the store lets go of the run: the next store resumes it, and then it is live again.
    await test.store.close();
    test.store = await openStore(test.openOpts);
    expect((await test.store.runs.beginOrResume(input)).resumed?.runId).toBe(runId);
    expect(await test.store.runs.cleanupIncomplete()).toBe(0);
    await test.store.runs.fail(runId, 'stopped');
    expect(await test.store.runs.isLive(runId)).toBe(false);
    expect(await test.store.runs.cleanupIncomplete({ includeFailed: true })).toBe(1);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('runs written by a live process (Postgres)', () => {
  describe('atlas db cleanup', () => {
    let test: TestAtlas;
    let ids: FixtureIds;
    beforeAll(async () => {
      test = await openTestAtlas('postgres');
      ids = await writeFixtureSets(test.store);
      await test.store.close();
    });
    afterAll(async () => test?.cleanup());

    it('keeps a run whose writer is alive, and deletes it once the writer is dead', async ({ onTestFinished }) => {
      const child = await startChild(
        { ...test.env, CHILD_MODE: 'run', CHILD_CLIP_ID: String(ids.clipModelId), CHILD_CONCEPT_SET_ID: String(ids.conceptSetId) },
        /^layer-written \d+$/,
      );
      onTestFinished(() => void child.proc.kill('SIGKILL'));
      const runId = Number(child.line.split(' ')[1]);
      const url = test.env.DATABASE_URL!;

      const live = await atlas(['db', 'cleanup'], test.env);
      expect(live.stderr).toBe('');
      expect(live.stdout).toContain('deleted 0 incomplete run(s)');
      expect(await runIds(url)).toEqual([{ id: runId, status: 'running' }]);
      // The writer goes on writing its run.
      const [, n] = (await child.waitLine(/^fc-written \d+$/)).split(' ');
      await child.waitLine(new RegExp(`^fc-written ${Number(n) + 2}$`));

      child.proc.kill('SIGKILL');
      await child.exited;
      await endSessionsOf(url, child.proc.pid!);
      const dead = await atlas(['db', 'cleanup'], test.env);
      expect(dead.stdout).toContain('deleted 1 incomplete run(s)');
      expect(await runIds(url)).toEqual([]);
    });
  });

  describe('two identical atlas dissect commands', () => {
    let db: Awaited<ReturnType<typeof freshPostgresDatabase>>;
    let dir: string;
    let env: Record<string, string>;
    beforeAll(async () => {
      db = await freshPostgresDatabase();
      dir = mkdtempSync(join(tmpdir(), 'atlas-live-'));
      env = { DATABASE_URL: db.url, ATLAS_CACHE_DIR: join(dir, 'cache') };
    });
    afterAll(async () => {
      await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('give one run: the second is refused while the first lives, and resumes its run once it is dead', async ({ onTestFinished }) => {
      const args = [
        'dissect', '--model', tinyTarget, '--layers', 'conv1,fc', '--clip', tinyClip, '--probe', 'toy:48:5',
        '--concepts', 'builtin:toy', '--params', '{"top_k":20}', '--name', 'tiny', '--version', 'v1', '--batch', '8', '--quiet', '--json',
      ];
      // The first stops itself half-way through its image pass, its run begun.
      const first = spawnAtlas(args, { ...env, ATLAS_TEST_HALT_AFTER_IMAGES: '16' });
      onTestFinished(() => void first.child.kill('SIGKILL'));
      await first.stderrLine(/test halt with \d+ images in the checkpoint/);
      const [running] = await runIds(db.url);
      expect(running).toMatchObject({ status: 'running' });

      const second = await atlas(args, env);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(`^atlas: run ${running!.id} is being written by another process \\(pid ${first.child.pid} on host [^)]+\\); wait for it`),
      );
      expect(await runIds(db.url)).toEqual([running]);

      first.child.kill('SIGKILL');
      await first.done;
      await endSessionsOf(db.url, first.child.pid!);
      const third = await atlas(args, env);
      expect(third.stderr).toContain(`resuming run ${running!.id}: 0 of 2 layer(s) already written`);
      expect(third.code).toBe(0);
      const result = JSON.parse(third.stdout.trim().split('\n').at(-1)!) as DissectResult;
      expect(result).toMatchObject({ runId: running!.id, stats: { resumedRun: true } });
      expect(await runIds(db.url)).toEqual([{ id: running!.id, status: 'complete' }]);
    });
  });
});
