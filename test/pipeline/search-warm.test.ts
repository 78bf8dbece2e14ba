/**
 * A completed dissection leaves the search tables of its CLIP model ready: the first search after
 * it does none of the refresh work (copying the run's labels into the search tables, building the
 * label index), which on a large run took seconds on the first request instead of at completion.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/index.js';
import { databaseOf } from '../../src/db/inspect.js';
import { atlas } from '../support/cli.js';
import { tempAtlas } from '../support/temp-atlas.js';
import { startClient } from '../queries/helpers.js';
import { tinyClip, tinyTarget } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('atlas dissect warms the search of its run', () => {
  it('indexes the run for search when it completes, so the first search does no refresh work', async () => {
    const { dir, env } = await tempAtlas('atlas-warm-');
    dirs.push(dir);
    const res = await atlas(
      ['dissect', '--model', tinyTarget, '--layers', 'conv1,fc', '--clip', tinyClip, '--probe', 'toy:50:1', '--concepts', 'builtin:toy',
        '--params', '{"top_k":10}', '--name', 'tiny', '--version', 'v1', '--quiet', '--json'],
      env,
    );
    expect(res.code, res.stderr).toBe(0);
    const { runId } = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { runId: number };

    const statements: string[] = [];
    const store = await openStore({ dataDir: env.ATLAS_DATA_DIR, onQuery: (q) => statements.push(q) });
    try {
      // Written at completion: both layers point at the run, the label index exists.
      const layers = (await databaseOf(store).execute('SELECT run_id FROM neuron_search_layers')).rows as { run_id: number }[];
      expect(layers.map((l) => Number(l.run_id))).toEqual([runId, runId]);
      const index = (await databaseOf(store).execute(`SELECT count(*)::int AS n FROM pg_indexes WHERE indexname LIKE 'label_search_hnsw_clip_%'`)).rows;
      expect(Number((index[0] as { n: number }).n)).toBe(1);

      const client = await startClient(store);
      try {
        statements.length = 0;
        const { status, body } = await client.gql('{ searchNeurons(query: "circle", first: 3) { similarity neuron { unit label } } }');
        expect(status).toBe(200);
        expect((body.data as { searchNeurons: unknown[] }).searchNeurons).toHaveLength(3);
        const refreshWork = statements.filter((s) => /INSERT INTO (neuron_search|label_search)|CREATE INDEX|ANALYZE/i.test(s));
        expect(refreshWork).toEqual([]);
      } finally {
        await client.server.stop();
      }
    } finally {
      await store.close();
    }
  });
});
