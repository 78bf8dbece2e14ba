/**
 * The default atlas's seed caches: exported embeddings and recomputed activations must give the
 * restored atlas exactly what the engine stored (in process, atlases copied from the migrated
 * template; 40 probe images, enough to compare every stored row).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { config } from '../../src/core/config.js';
import { sql } from 'drizzle-orm';
import type { AtlasStore } from '../../src/db/index.js';
import { exportSeed, importSeed } from '../../src/db/seed.js';
import { dissect } from '../../src/services/dissect.js';
import { exportCaches, restoreCaches } from '../../src/services/default-atlas/caches.js';
import { relativiseSources } from '../../src/services/default-atlas/build.js';
import { openTestAtlas, type TestAtlas } from '../store/helpers.js';
import { smallConceptFile, toyClip, toyModel } from './helpers.js';
import { databaseOf } from '../../src/db/inspect.js';

const dir = mkdtempSync(join(tmpdir(), 'atlas-caches-test-'));
const atlases: TestAtlas[] = [];
afterAll(async () => {
  for (const a of atlases) await a.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function emptyStore(): Promise<AtlasStore> {
  const a = await openTestAtlas('pglite');
  atlases.push(a);
  return a.store;
}

describe('default atlas caches', () => {
  it('restore the embeddings and activations the engine stored, with the vector indexes in place', async () => {
    config().cacheDir = join(dir, 'cache');
    const built = await emptyStore();
    const run = await dissect(async () => built, {
      model: toyModel('resnet-v1'),
      layers: ['layer4', 'fc'],
      clip: toyClip,
      probe: 'toy:40:5',
      params: { top_k: 20 },
      concepts: smallConceptFile(dir),
      name: 'resnet-v1',
      version: 'toy',
      quiet: true,
      log: () => undefined,
    });
    await relativiseSources(built);
    const seed = join(dir, 'atlas.jsonl.gz');
    const caches = join(dir, 'caches.bin.gz');
    await exportSeed(built, seed);
    const written = await exportCaches(built, caches);
    expect(written).toMatchObject({ images: 40 });

    const restored = await emptyStore();
    await importSeed(restored, seed);
    // As if an earlier restore had been killed between dropping and recreating an index.
    const [clipRow] = (await databaseOf(restored).execute(sql`SELECT id FROM clip_models`)).rows as { id: number }[];
    await databaseOf(restored).execute(sql.raw(`DROP INDEX image_embeddings_hnsw_clip_${clipRow!.id}`));
    const outcome = await restoreCaches(restored, { path: caches, quiet: true, log: () => undefined });
    expect(outcome).toMatchObject({ restored: true, layers: 2 });
    // Done once: a second call is a no-op.
    expect(await restoreCaches(restored, { path: caches, log: () => undefined })).toEqual({ restored: false, reason: 'done' });

    const ids = async (s: AtlasStore) => {
      const [r] = (await databaseOf(s).execute(sql`SELECT model_id AS m, probe_set_id AS p, clip_model_id AS c, concept_set_id AS s FROM dissection_runs WHERE method = 'clip-dissect'`)).rows as { m: number; p: number; c: number; s: number }[];
      return r!;
    };
    const a = await ids(built);
    const b = await ids(restored);
    for (const layer of ['layer4', 'fc']) {
      const want = (await built.embeddings.activations(a.m, layer, a.p))!;
      const got = (await restored.embeddings.activations(b.m, layer, b.p))!;
      expect(got.rows).toBe(want.rows);
      expect(Array.from(got.data)).toEqual(Array.from(want.data));
    }
    expect(Array.from((await restored.embeddings.images(b.p, b.c))!.data)).toEqual(Array.from((await built.embeddings.images(a.p, a.c))!.data));
    const concepts = (await built.conceptSets.get(a.s))!.concepts;
    const wantText = await built.embeddings.concepts(a.c, concepts);
    const gotText = await restored.embeddings.concepts(b.c, concepts);
    expect(gotText.size).toBe(concepts.length);
    for (const c of concepts) expect(Array.from(gotText.get(c)!)).toEqual(Array.from(wantText.get(c)!));
    const indexes = (await databaseOf(restored).execute(sql`SELECT indexname FROM pg_indexes WHERE indexdef ILIKE '%using hnsw%' ORDER BY indexname`)).rows as { indexname: string }[];
    expect(indexes.map((i) => i.indexname)).toEqual([`image_embeddings_hnsw_clip_${b.c}`]);
    expect(run.runId).toBeGreaterThan(0);
    // The labels' confidences travel with the snapshot.
    const confidences = async (s: AtlasStore) =>
      (await databaseOf(s).execute(sql`SELECT count(*)::int AS n, count(confidence)::int AS c, sum(confidence)::float8 AS t FROM neuron_labels`)).rows[0] as { n: number; c: number; t: number };
    const before = await confidences(built);
    const after = await confidences(restored);
    expect(before.n).toBeGreaterThan(0);
    expect(before.c).toBe(before.n);
    expect(after.c).toBe(before.c);
    expect(after.t).toBeCloseTo(before.t, 9);
  });

  it('leave an atlas alone that was not built from the file\'s CLIP model and probe set', async () => {
    const other = await emptyStore();
    expect(await restoreCaches(other, { path: join(dir, 'caches.bin.gz'), log: () => undefined })).toEqual({ restored: false, reason: 'not-default-atlas' });
    expect(await restoreCaches(other, { path: join(dir, 'missing.bin.gz'), log: () => undefined })).toEqual({ restored: false, reason: 'no-file' });
  });
});
