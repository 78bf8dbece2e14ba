import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/atlas-store.js';
import { startChild } from './child.js';
import { drivers, openTestAtlas, writeCompleteRun, writeFixtureSets, type FixtureIds, type TestAtlas } from './helpers.js';

describe.each(drivers)('a run killed mid-way on %s', (driver) => {
  let atlas: TestAtlas;
  let ids: FixtureIds;
  let completeRun: number;
  beforeAll(async () => {
    atlas = await openTestAtlas(driver);
    ids = await writeFixtureSets(atlas.store);
    completeRun = await writeCompleteRun(atlas.store, ids);
    await atlas.store.close(); // hand the folder to the child (PGlite: one process at a time)
  });
  afterAll(async () => atlas?.cleanup());

  it('leaves no visible trace, and the next start can resume or clean it up', async () => {
    const child = await startChild(
      { ...atlas.env, CHILD_MODE: 'run', CHILD_CLIP_ID: String(ids.clipModelId), CHILD_CONCEPT_SET_ID: String(ids.conceptSetId) },
      /^layer-written \d+$/,
    );
    const killedRun = Number(child.line.split(' ')[1]);
    // Once fc has been written once the child is in its loop of fc transactions: kill it there.
    await child.waitLine(/^fc-written \d+$/);
    child.proc.kill('SIGKILL');
    expect(await child.exited).toBeNull();

    // Reopen (PGlite recovers its folder and takes over the dead process's lock).
    const store = await openStore(atlas.openOpts);
    atlas.store = store;
    const visible = await store.runs.list();
    expect(visible.map((r) => r.id)).toEqual([completeRun]);
    const conv1 = (await store.models.findLayer(ids.modelId, 'conv1'))!;
    expect((await store.runs.defaultForLayer(conv1.id))?.id).toBe(completeRun);
    const page = await store.labels.neuronPage({ layerId: conv1.id, runId: completeRun, first: 3 });
    expect(page.items.map((n) => n.label)).toEqual(['red', 'green', 'blue']);
    expect(await store.runs.findComplete(killedRun)).toBeUndefined();

    const resumable = await store.runs.findResumable({
      ...ids,
      parameters: { method: 'clip-dissect', similarity: 'soft_wpmi', params: { killed: true } },
    });
    expect(resumable?.runId).toBe(killedRun);
    expect(resumable?.doneLayers).toContain('conv1');

    expect(await store.runs.cleanupIncomplete()).toBe(1);
    expect((await store.runs.listAll()).map((r) => r.id)).toEqual([completeRun]);
  });
});
