/**
 * Crash tests: `atlas dissect`, `atlas import` and `atlas serve` killed (SIGKILL) at seeded random
 * points, over and over on one atlas, then:
 *  - no partial run is visible through the API's reads (services/browse): a run is listed and
 *    readable iff it is complete, and a complete run has every layer it was asked for;
 *  - a rerun of the same command succeeds (resuming where it can), or `atlas db cleanup` succeeds
 *    and leaves no incomplete run behind;
 *  - a run a live process is writing is never touched (Postgres, where two processes share an atlas).
 * A random point is a position in the child's progress, not a time: a preloaded module
 * (test/support/halt-at-write.mjs) stops the child at its N-th write (files, sockets, output) and
 * the test kills it there. N is drawn from a seeded generator over the number of writes the same
 * command made when run whole. ATLAS_TEST_CRASH_SEED=N picks another seed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/atlas-store.js';
import { BrowseService } from '../../src/services/browse.js';
import { tinyClip, tinyTarget } from '../pipeline/helpers.js';
import { fixturesDir } from '../queries/helpers.js';
import { atlas, spawnAtlas, type SpawnedCli } from '../support/cli.js';
import { drivers, endSessionsOf, openTestAtlas, repoRoot, type TestAtlas } from './helpers.js';

const seed = Number(process.env.ATLAS_TEST_CRASH_SEED ?? 17);
/** At least 20 kills per run of the suite, shared by the drivers it runs on (ATLAS_TEST_CRASH_KILLS: per driver). */
const KILLS = Number(process.env.ATLAS_TEST_CRASH_KILLS ?? Math.ceil(20 / drivers.length));
const preload = join(repoRoot, 'test/support/halt-at-write.mjs');

/** mulberry32: a small seeded generator, the same sequence for the same seed everywhere. */
function rng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'dissect' | 'import' | 'serve';

const dissectArgs = (version: string) => [
  'dissect', '--model', tinyTarget, '--layers', 'conv1,fc', '--clip', tinyClip, '--probe', 'toy:64:5', '--concepts', 'builtin:toy',
  '--params', '{"top_k":20}', '--name', 'tiny', '--version', version, '--batch', '8', '--quiet', '--json',
];
const importArgs = (version: string) => [
  'import', '--format', 'clip-dissect', join(fixturesDir, 'small_clipdissect.csv'), '--model', 'imported', '--version', version, '--json',
];
const serveArgs = ['serve', '--port', '0', '--no-seed'];
/** The layers a complete run of each model has. */
const layersOf: Record<string, string[]> = { tiny: ['conv1', 'fc'], imported: ['conv1', 'layer2'] };


const HALTED = /^atlas-test: halted at write \d+$/;

/** Waits for the child to halt at its write, or to exit by itself; 'halted' leaves it stopped. */
async function haltedOrDone(child: SpawnedCli): Promise<'halted' | 'exited'> {
  return Promise.race([child.stderrLine(HALTED).then(() => 'halted' as const, () => 'exited' as const), child.done.then(() => 'exited' as const)]);
}

describe.each(drivers)(`atlas commands killed at random points on %s (seed ${seed})`, (driver) => {
  let test: TestAtlas;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    test = await openTestAtlas(driver);
    await test.store.close(); // children open it (PGlite: one process at a time)
    dir = mkdtempSync(join(tmpdir(), 'atlas-crash-'));
    env = { ...test.env, ATLAS_CACHE_DIR: join(dir, 'cache') };
  });
  afterAll(async () => {
    if (test) {
      test.store = await openStore(test.openOpts);
      await test.cleanup();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Every run is readable iff complete, and a complete run has all its layers. */
  async function expectNoPartialRun(context: string): Promise<{ incomplete: number }> {
    const store = await openStore(test.openOpts);
    try {
      const reads = new BrowseService(store).forRequest();
      const all = await store.runs.listAll();
      const complete = all.filter((r) => r.status === 'complete').map((r) => r.id);
      const visible = (await reads.runs({ first: 1000 })).map((r) => r.id);
      expect(visible.sort((a, b) => a - b), context).toEqual(complete);
      for (const r of all) expect(await reads.run(r.id), `${context}: run ${r.id} (${r.status})`).toEqual(r.status === 'complete' ? expect.anything() : undefined);
      const models = new Map((await reads.models()).map((m) => [m.id, m.name]));
      for (const id of complete) {
        const run = all.find((r) => r.id === id)!;
        expect(await reads.runLayerNames(id), `${context}: run ${id}`).toEqual(layersOf[models.get(run.modelId)!]);
      }
      return { incomplete: all.length - complete.length };
    } finally {
      await store.close();
    }
  }

  /** Writes a whole run of each command makes, with ATLAS_TEST_COUNT_WRITES. */
  async function countWrites(args: string[]): Promise<number> {
    const child = spawnAtlas(args, { ...env, NODE_OPTIONS: `--import ${preload}`, ATLAS_TEST_COUNT_WRITES: '1' });
    const done = await child.done;
    expect(done.code, done.stderr).toBe(0);
    return Number(/atlas-test: (\d+) writes/.exec(done.stderr)![1]);
  }

  // A hang detector, not a time limit: each kill starts a command and recovers from it (about 70 s
  // for 10 kills on a quiet machine, three times that beside the rest of the suite on 2 cores).
  it(`survives ${KILLS} kills and recovers from each`, { timeout: 480_000 }, async ({ onTestFinished }) => {
    const random = rng(seed + (driver === 'postgres' ? 1 : 0));
    // Whole runs first: the atlas has complete runs to keep visible, and each command its write count.
    const writes: Record<Kind, number> = {
      dissect: await countWrites(dissectArgs('base')),
      import: await countWrites(importArgs('base')),
      serve: 0,
    };
    const url = env.DATABASE_URL;
    let kills = 0;
    const killed: Record<Kind, number> = { dissect: 0, import: 0, serve: 0 };
    for (let i = 0; kills < KILLS && i < KILLS * 2; i++) {
      const r = random();
      const kind: Kind = r < 0.5 ? 'dissect' : r < 0.8 ? 'import' : 'serve';
      const version = `v${i}`;
      const args = kind === 'dissect' ? dissectArgs(version) : kind === 'import' ? importArgs(version) : serveArgs;
      // Serve: startup and answering requests; a fresh server makes a couple of dozen writes.
      const haltAt = 1 + Math.floor(random() * (kind === 'serve' ? 40 : writes[kind]));
      const context = `seed ${seed}, step ${i}: ${kind} halted at write ${haltAt}`;
      const child = spawnAtlas(args, { ...env, NODE_OPTIONS: `--import ${preload}`, ATLAS_TEST_HALT_AT_WRITE: String(haltAt) });
      onTestFinished(() => void child.child.kill('SIGKILL'));
      let outcome: 'halted' | 'exited';
      if (kind === 'serve') {
        const first = await Promise.race([
          child.stderrLine(HALTED).then(() => 'halted' as const, () => 'exited' as const),
          child.stderrLine(/listening on (\S+)\/graphql/).catch(() => 'exited' as const),
        ]);
        if (first !== 'halted' && first !== 'exited') {
          const endpoint = /listening on (\S+)/.exec(first)![1]!;
          // Requests until the server halts at its write (each answer is a few); killed there, or after the last.
          for (let q = 0; q < 20; q++) {
            const halted = child.stderrLine(HALTED).then(() => true, () => true);
            const answered = fetch(endpoint, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ query: '{ models { name version } }' }),
            }).then(async (res) => (await res.text(), false), () => true);
            if (await Promise.race([halted, answered])) break;
          }
        }
        outcome = first === 'exited' ? 'exited' : 'halted';
      } else {
        outcome = await haltedOrDone(child);
      }
      if (outcome === 'exited') {
        // The seeded point lay past the end of this run (a rerun reuses cached work): it simply finished.
        const done = await child.done;
        expect(done.code, `${context}: ${done.stderr}`).toBe(0);
        await expectNoPartialRun(context);
        continue;
      }

      if (url && kind === 'dissect') {
        // A live writer's run (the child is stopped, not dead) is never touched by cleanup.
        const store = await openStore(test.openOpts);
        const running = (await store.runs.listAll()).filter((run) => run.status === 'running');
        await store.close();
        const cleanup = await atlas(['db', 'cleanup'], env);
        expect(cleanup.code, cleanup.stderr).toBe(0);
        const after = await openStore(test.openOpts);
        const ids = (await after.runs.listAll()).map((run) => run.id);
        await after.close();
        for (const run of running) expect(ids, `${context}: live run ${run.id} kept`).toContain(run.id);
      }

      child.child.kill('SIGKILL');
      const done = await child.done;
      expect(done.signal, context).toBe('SIGKILL');
      kills++;
      killed[kind]++;
      if (url) await endSessionsOf(url, child.child.pid!);

      await expectNoPartialRun(`${context}, after the kill`);
      // Recover (the next step's check, or the last one below, looks at the result): rerun the command (dissect resumes its run), or clean up.
      if (kind !== 'serve' && random() < 0.6) {
        const rerun = await atlas(args, env);
        expect(rerun.code, `${context}, rerun: ${rerun.stderr}`).toBe(0);
      } else {
        const cleanup = await atlas(['db', 'cleanup'], env);
        expect(cleanup.code, `${context}, cleanup: ${cleanup.stderr}`).toBe(0);
        expect(cleanup.stdout, context).toMatch(/deleted \d+ incomplete run\(s\)/);
        expect((await expectNoPartialRun(`${context}, after cleanup`)).incomplete, context).toBe(0);
      }
    }
    await expectNoPartialRun(`seed ${seed}: at the end`);
    console.log(`crash test on ${driver}, seed ${seed}: ${kills} kills (${JSON.stringify(killed)})`);
    expect(kills).toBeGreaterThanOrEqual(KILLS);
  });
});
