import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/index.js';
import { databaseOf } from '../../src/db/inspect.js';
import { atlas } from '../support/cli.js';
import { tempAtlas } from '../support/temp-atlas.js';
import { drivers, freshPostgresDatabase } from '../store/helpers.js';
import { tinyClip, tinyTarget, writeToyPngs } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function dissectArgs(probe: string, extra: string[] = []): string[] {
  return ['dissect', '--model', tinyTarget, '--layers', 'layer2,fc', '--clip', tinyClip, '--probe', probe, '--concepts', 'builtin:toy', '--name', 'tiny', '--version', 'v1', '--quiet', '--params', '{"top_k":3}', ...extra];
}

describe.each(drivers)('atlas dissect on a probe folder with unreadable images on %s', (driver) => {
  it('skips them with a warning naming each and a count in the summary, and stores a run without them; --strict stops instead', async ({ onTestFinished }) => {
    const temp = await tempAtlas('atlas-probe-skip-');
    const dir = temp.dir;
    dirs.push(dir);
    // The CLI's environment: the PGlite folder, or a fresh database on the Postgres server.
    const server = driver === 'postgres' ? await freshPostgresDatabase() : undefined;
    if (server) onTestFinished(() => server.drop());
    const env: Record<string, string> = server ? { ATLAS_CACHE_DIR: temp.env.ATLAS_CACHE_DIR, DATABASE_URL: server.url } : { ...temp.env, DATABASE_URL: '' };
    const probe = join(dir, 'probe');
    mkdirSync(probe);
    const good = await writeToyPngs(probe, 6, 11);
    // Random bytes with an image name, and a PNG cut in half (its header reads, its pixels do not).
    writeFileSync(join(probe, 'broken.png'), Buffer.from('this is not an image at all'));
    writeFileSync(join(probe, 'scene-03b.png'), readFileSync(good[3]!).subarray(0, 200));

    const strict = await atlas(dissectArgs(probe, ['--strict']), env);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toMatch(/probe image \S*broken\.png: cannot decode it/);
    expect(strict.stderr).not.toMatch(/at .*\.ts:\d+/);

    const res = await atlas(dissectArgs(probe), env);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/warning: skipped probe image \S*broken\.png: cannot decode it/);
    expect(res.stderr).toMatch(/warning: skipped probe image \S*scene-03b\.png: cannot decode it/);
    expect(res.stderr).toMatch(/2 probe image\(s\) skipped; the probe set holds the other 6/);
    expect(res.stdout).toMatch(/probe images: 6, 2 unreadable skipped/);

    // The stored set, embeddings, activations and top images hold only the six good images, in order.
    const store = await openStore(server ? { databaseUrl: server.url } : { dataDir: temp.env.ATLAS_DATA_DIR });
    try {
      const db = databaseOf(store);
      const sets = (await db.execute(`SELECT id, size FROM probe_sets`)).rows as { id: number; size: number }[];
      expect(sets).toHaveLength(1);
      expect(sets[0]!.size).toBe(6);
      const images = (await db.execute(`SELECT ordinal, uri FROM probe_images ORDER BY ordinal`)).rows as { ordinal: number; uri: string }[];
      expect(images.map((i) => [i.ordinal, i.uri])).toEqual(good.map((p, i) => [i, p]));
      const counts = (await db.execute(`SELECT (SELECT count(*)::int FROM image_embeddings) AS e, (SELECT count(*)::int FROM activations) AS a,
        (SELECT max(ordinal)::int FROM activations) AS m`)).rows[0] as { e: number; a: number; m: number };
      expect(counts).toEqual({ e: 6, a: 12, m: 5 });
      const tops = (await db.execute(`SELECT max(ordinal)::int AS m FROM neuron_top_images`)).rows[0] as { m: number };
      expect(tops.m).toBeLessThanOrEqual(5);
      expect((await store.runs.list()).length).toBe(1);
      // Every stored label has its confidence, a probability.
      const conf = (await db.execute(`SELECT count(*)::int AS n, count(confidence)::int AS c, min(confidence) AS lo, max(confidence) AS hi FROM neuron_labels`))
        .rows[0] as { n: number; c: number; lo: number; hi: number };
      expect(conf.n).toBeGreaterThan(0);
      expect(conf.c).toBe(conf.n);
      expect(conf.lo).toBeGreaterThanOrEqual(0);
      expect(conf.hi).toBeLessThanOrEqual(1);
    } finally {
      await store.close();
    }
    // and the exports carry them: JSON per label, the CSV formats as a last column
    const json = await atlas(['export', '--model', 'tiny', '--format', 'json', '--top-n', '2'], env);
    expect(json.code, json.stderr).toBe(0);
    const labels = (JSON.parse(json.stdout) as { layers: { neurons: { labels: { confidence: number }[] }[] }[] }).layers.flatMap((l) => l.neurons.flatMap((n) => n.labels));
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) expect(l.confidence).toBeGreaterThanOrEqual(0);
    const csv = await atlas(['export', '--model', 'tiny'], env);
    expect(csv.stdout.split('\n')[0]).toBe('layer,unit,description,similarity,confidence');
    expect(csv.stdout.split('\n')[1]).toMatch(/^layer2,0,[^,]+,-?[\d.e-]+,(0|1|0\.\d+|\d\.\d+e-\d+)$/);
  });
});
