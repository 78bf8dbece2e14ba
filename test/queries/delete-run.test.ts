import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../../src/core/config.js';
import { drivers, writeCompleteRun, writeFixtureSets } from '../store/helpers.js';
import { tempAtlas } from '../support/temp-atlas.js';
import { errorCode, fixturesDir, ok, runCli, servedAtlas } from './helpers.js';
import { databaseOf } from '../../src/db/inspect.js';

describe.each(drivers)('deleteRun over HTTP on %s', (driver) => {
  const served = servedAtlas(driver);
  const auth = { authorization: 'Bearer del-key' };
  const del = `mutation($id: ID!) { deleteRun(id: $id) { id method status } }`;
  const conv1 = `{ neuron(model: "toy", layer: "conv1", unit: 1) { label run { id } } dissections { id } }`;

  it('deletes a run and all it wrote; its layers then show the run before it', async () => {
    const { store } = served.atlas;
    const ids = await writeFixtureSets(store);
    const older = await writeCompleteRun(store, ids, 'clip-dissect', 0);
    const latest = await writeCompleteRun(store, ids, 'clip-dissect', 2);
    const running = await store.runs.begin({ ...ids, parameters: { method: 'clip-dissect', similarity: 'wpmi' } });
    // layerResult: unit 1 is labelled CONCEPTS[1 + shift]: 'stripes' in the latest run, 'green' in the older.
    expect(ok(await served.client.gql(conv1))).toEqual({ neuron: { label: 'stripes', run: { id: String(latest) } }, dissections: [{ id: String(latest) }, { id: String(older) }] });

    expect(errorCode(await served.client.gql(del, { id: String(latest) }))).toBe('FORBIDDEN');
    config().apiKey = 'del-key';
    expect(errorCode(await served.client.gql(del, { id: String(latest) }))).toBe('UNAUTHENTICATED');

    expect(ok(await served.client.gql(del, { id: String(latest) }, auth)).deleteRun).toEqual({ id: String(latest), method: 'clip-dissect', status: 'COMPLETE' });
    expect(ok(await served.client.gql(conv1))).toEqual({ neuron: { label: 'green', run: { id: String(older) } }, dissections: [{ id: String(older) }] });
    const left = await databaseOf(store).execute(sql`
      SELECT (SELECT count(*) FROM neuron_labels WHERE run_id = ${latest})::int AS labels,
             (SELECT count(*) FROM neuron_top_images WHERE run_id = ${latest})::int AS images,
             (SELECT count(*) FROM run_layers WHERE run_id = ${latest})::int AS layers`);
    expect(left.rows[0]).toEqual({ labels: 0, images: 0, layers: 0 });

    const again = await served.client.gql(del, { id: String(latest) }, auth);
    expect(errorCode(again)).toBe('NOT_FOUND');
    expect(again.body.errors![0]!.message).toBe(`run ${latest} does not exist`);
    const busy = await served.client.gql(del, { id: String(running) }, auth);
    expect(errorCode(busy)).toBe('BAD_USER_INPUT');
    expect(busy.body.errors![0]!.message).toMatch(new RegExp(`run ${running} is still running; if its process was killed, \`atlas db cleanup\` removes it`));
    expect(errorCode(await served.client.gql(del, { id: 'seven' }, auth))).toBe('BAD_USER_INPUT');
  });
});

describe('atlas db delete-run (CLI)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    ({ dir, env } = await tempAtlas('atlas-delete-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('deletes an imported run, then says it is gone', async () => {
    const imported = await runCli(['import', '--format', 'milan', join(fixturesDir, 'small_milan.csv'), '--model', 'm', '--version', '1', '--json'], env);
    const runId = (JSON.parse(imported.stdout) as { runId: number }).runId;
    const first = await runCli(['db', 'delete-run', String(runId)], env);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(`deleted run ${runId} (milan, complete)\n`);
    const second = await runCli(['db', 'delete-run', String(runId)], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`run ${runId} does not exist`);
    expect((await runCli(['db', 'runs'], env)).stdout).toBe('');
    expect((await runCli(['db', 'delete-run', 'x'], env)).stderr).toContain('run id must be a positive integer, got x');
  });
});
