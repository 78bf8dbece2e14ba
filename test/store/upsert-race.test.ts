import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, openTestAtlas, type TestAtlas } from './helpers.js';

describe.each(drivers)('upserts at once on %s', (driver) => {
  let atlas: TestAtlas;
  beforeAll(async () => {
    atlas = await openTestAtlas(driver);
  });
  afterAll(async () => {
    await atlas?.cleanup();
  });

  it('concept sets and probe sets inserted by several writers at once: one row, every writer gets its id', async () => {
    const concepts = ['red', 'green', 'a new one'];
    const sets = await Promise.all(Array.from({ length: 6 }, () => atlas.store.conceptSets.upsert({ name: 'same', concepts })));
    expect(new Set(sets.map((s) => s.id)).size).toBe(1);
    const images = [0, 1, 2].map((ordinal) => ({ ordinal, uri: `img-${ordinal}` }));
    const probe = { name: 'same', recipe: {}, contentHash: 'h1', images };
    const ids = await Promise.all(Array.from({ length: 6 }, () => atlas.store.probeSets.upsert(probe)));
    expect(new Set(ids).size).toBe(1);
  });
});
