import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/db/atlas-store.js';
import { openTestAtlas, drivers, type TestAtlas } from './helpers.js';
import { databaseOf } from '../../src/db/inspect.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe.each(drivers)('migrations on %s', (driver) => {
  let atlas: TestAtlas;
  beforeAll(async () => {
    atlas = await openTestAtlas(driver, { storage: 'fresh' });
  });
  afterAll(async () => atlas?.cleanup());

  it('creates every table, pgvector, and records the migrations once', async () => {
    const db = databaseOf(atlas.store);
    const tables = (
      await db.execute(sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)
    ).rows.map((r: unknown) => (r as { table_name: string }).table_name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'target_models',
        'layers',
        'neurons',
        'clip_models',
        'probe_sets',
        'probe_images',
        'image_embeddings',
        'concepts',
        'concept_sets',
        'concept_embeddings',
        'dissection_runs',
        'neuron_labels',
        'neuron_top_images',
        'activations',
      ]),
    );
    const ext = await db.execute(sql`SELECT extname FROM pg_extension WHERE extname = 'vector'`);
    expect(ext.rows).toHaveLength(1);
  });

  it('is idempotent: reopening (migrating again) changes nothing and keeps data', async () => {
    const { store } = atlas;
    const modelId = await store.models.upsert({ name: 'm', version: '1', fileHash: 'h', inputSpec: {} });
    const count = async (s = store) =>
      Number(((await databaseOf(s).execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`)).rows[0] as { n: number }).n);
    const before = await count();
    expect(before).toBeGreaterThanOrEqual(2);
    await store.close();
    // Twice more: each open runs the migrator.
    for (let i = 0; i < 2; i++) {
      const again = await openStore(atlas.openOpts);
      expect(await count(again)).toBe(before);
      expect(await again.models.idOf('m', '1')).toBe(modelId);
      await again.close();
    }
    atlas.store = await openStore(atlas.openOpts);
  });

  it('gives each CLIP model an HNSW cosine index that its nearest-neighbour queries use', async () => {
    const { store } = atlas;
    const clip = await store.clipModels.upsert({ name: 'clip-a', dim: 3 });
    const other = await store.clipModels.upsert({ name: 'clip-b', dim: 5 });
    const hnsw = async (table: string) =>
      ((await databaseOf(store).execute(sql`SELECT indexdef FROM pg_indexes WHERE tablename = ${table} AND indexdef ILIKE '%using hnsw%' ORDER BY 1`)).rows as { indexdef: string }[]).map(
        (r) => r.indexdef,
      );
    const defs = await hnsw('image_embeddings');
    expect(defs.some((d) => d.includes('vector(3)') && d.includes('vector_cosine_ops') && d.includes(`clip_model_id = ${clip}`))).toBe(true);
    expect(defs.some((d) => d.includes('vector(5)') && d.includes(`clip_model_id = ${other}`))).toBe(true);
    // concept embeddings are looked up by key only: no index to update on every insert
    expect(await hnsw('concept_embeddings')).toEqual([]);

    const images = [0, 1, 2].map((ordinal) => ({ ordinal, uri: `img-${ordinal}.png` }));
    const probe = await store.probeSets.upsert({ name: 'rgb', recipe: {}, contentHash: 'rgb-3', images });
    await store.embeddings.putImages(probe, clip, { rows: 3, cols: 3, data: Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1) });
    const query = sql`SELECT ordinal FROM image_embeddings
      WHERE clip_model_id = ${clip} ORDER BY embedding::vector(3) <=> '[0.1,0.9,0.1]'::vector(3) LIMIT 1`;
    expect((await databaseOf(store).execute(query)).rows).toEqual([{ ordinal: 1 }]);
    const plan = await databaseOf(store).transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      return tx.execute(sql`EXPLAIN ${query}`);
    });
    const text = (plan.rows as Record<string, string>[]).map((r) => Object.values(r)[0]).join('\n');
    expect(text).toContain(`image_embeddings_hnsw_clip_${clip}`);
  });

  it('drops the concept-embedding indexes of atlases made before they were retired', async () => {
    const { store } = atlas;
    const clip = await store.clipModels.upsert({ name: 'clip-old', dim: 3 });
    await databaseOf(store).execute(
      sql.raw(`CREATE INDEX concept_embeddings_hnsw_clip_${clip} ON concept_embeddings USING hnsw ((embedding::vector(3)) vector_cosine_ops) WHERE clip_model_id = ${clip}`),
    );
    // what opening such an atlas runs once
    await databaseOf(store).execute(sql.raw(readFileSync(join(repoRoot, 'migrations/0004_drop_concept_embedding_indexes.sql'), 'utf8')));
    const left = await databaseOf(store).execute(sql`SELECT indexname FROM pg_indexes WHERE tablename = 'concept_embeddings' AND indexname LIKE '%hnsw%'`);
    expect(left.rows).toEqual([]);
  });
});
