/**
 * The query page's example queries answer, without errors and with data, on the default atlas:
 * the real seed snapshot, cut down to the runs of the one model the examples name (resnet-v1) so
 * that the import stays quick.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSeed } from '../../src/db/seed.js';
import { restoreCaches } from '../../src/services/default-atlas/caches.js';
import { EXAMPLES } from '../../src/server/ide.js';
import { openTestAtlas, type TestAtlas } from '../store/helpers.js';
import { startClient, type Client } from '../queries/helpers.js';
import { seedOfModels } from '../support/seed-subset.js';

const MODEL = 'resnet-v1';

/** Fails with the path of every null or empty value among the answer's top-level fields. */
function emptyParts(data: Record<string, unknown>): string[] {
  return Object.entries(data).flatMap(([field, value]) => {
    if (value === null || (Array.isArray(value) && value.length === 0)) return [field];
    const edges = (value as { edges?: unknown[] }).edges;
    return Array.isArray(edges) && edges.length === 0 ? [`${field}.edges`] : [];
  });
}

describe('the query page examples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-ide-examples-'));
  let atlas: TestAtlas;
  let client: Client;

  beforeAll(async () => {
    const seed = join(dir, 'seed.jsonl.gz');
    await seedOfModels(seed, [MODEL]);
    atlas = await openTestAtlas('pglite');
    const summary = await importSeed(atlas.store, seed);
    expect(summary.models).toBeGreaterThanOrEqual(3);
    expect(summary.runs).toBeGreaterThan(0);
    // As `npm start` does: image and concept embeddings, and the kept model's activations.
    const restored = await restoreCaches(atlas.store, { quiet: true, log: () => undefined });
    expect(restored.restored).toBe(true);
    client = await startClient(atlas.store);
  });
  afterAll(async () => {
    await client?.server.stop();
    await atlas?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.entries(EXAMPLES))('%s answers with data on the default atlas', async (_name, example) => {
    const variables = JSON.parse(example.variables) as Record<string, unknown>;
    if ('model' in variables) expect(variables.model).toBe(MODEL);
    const res = await client.gql(example.query, variables);
    expect(res.body.errors).toBeUndefined();
    expect(res.status).toBe(200);
    expect(emptyParts(res.body.data!)).toEqual([]);
  });
});
