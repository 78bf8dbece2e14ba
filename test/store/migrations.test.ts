import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openStore } from '../../src/db/atlas-store.js';
import { openTestAtlas, drivers, type TestAtlas } from './helpers.js';

describe.each(drivers)('migrations on %s', (driver) => {
  let atlas: TestAtlas;
  beforeAll(async () => {
    atlas = await openTestAtlas(driver, { storage: 'fresh' });
  });
  afterAll(async () => atlas?.cleanup());

  it('creates every table, pgvector, and records the migrations once', async () => {
    const { db } = atlas.store;
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
    const modelId = await store.upsertTargetModel({ name: 'm', version: '1', fileHash: 'h', inputSpec: {} });
    const count = async (s = store) =>
      Number(((await s.db.execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`)).rows[0] as { n: number }).n);
    const before = await count();
    expect(before).toBeGreaterThanOrEqual(2);
    await store.close();
    // Twice more: each open runs the migrator.
    for (let i = 0; i < 2; i++) {
      const again = await openStore(atlas.openOpts);
      expect(await count(again)).toBe(before);
      expect(await again.findTargetModel('m', '1')).toBe(modelId);
      await again.close();
    }
    atlas.store = await openStore(atlas.openOpts);
  });

  it('gives each CLIP model an HNSW cosine index that its nearest-neighbour queries use', async () => {
    const { store } = atlas;
    const clip = await store.upsertClipModel({ name: 'clip-a', dim: 3 });
    const other = await store.upsertClipModel({ name: 'clip-b', dim: 5 });
    const idx = await store.db.execute(
      sql`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'concept_embeddings' AND indexname LIKE '%hnsw%' ORDER BY 1`,
    );
    const defs = (idx.rows as { indexname: string; indexdef: string }[]).map((r) => r.indexdef);
    expect(defs.some((d) => d.includes('hnsw') && d.includes('vector(3)') && d.includes('vector_cosine_ops') && d.includes(`clip_model_id = ${clip}`))).toBe(true);
    expect(defs.some((d) => d.includes('vector(5)') && d.includes(`clip_model_id = ${other}`))).toBe(true);

    await store.putConceptEmbeddings(clip, ['red', 'green', 'blue'], { rows: 3, cols: 3, data: Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1) });
    await store.putConceptEmbeddings(other, ['red'], { rows: 1, cols: 5, data: Float32Array.of(1, 2, 3, 4, 5) });
    const query = sql`SELECT c.text FROM concept_embeddings ce JOIN concepts c ON c.id = ce.concept_id
      WHERE ce.clip_model_id = ${clip} ORDER BY ce.embedding::vector(3) <=> '[0.1,0.9,0.1]'::vector(3) LIMIT 1`;
    expect((await store.db.execute(query)).rows).toEqual([{ text: 'green' }]);
    const plan = await store.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      return tx.execute(sql`EXPLAIN ${query}`);
    });
    const text = (plan.rows as Record<string, string>[]).map((r) => Object.values(r)[0]).join('\n');
    expect(text).toContain(`concept_embeddings_hnsw_clip_${clip}`);
  });
});
