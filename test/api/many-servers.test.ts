/**
 * Several servers on one Postgres database: a run completed by another process between two
 * queries is seen by every server at once. Each server keeps state between requests (search's
 * scopes and hit rows, the CLIP model of a scope), which it checks against the runs fingerprint
 * the database returns with every search statement; browse reads (default versions and runs)
 * are per request. Two `atlas serve` processes, a dissect of a new version in between.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyClip, tinyTarget } from '../pipeline/helpers.js';
import { atlas, spawnAtlas, type SpawnedCli } from '../support/cli.js';
import { freshPostgresDatabase } from '../store/helpers.js';

const QUERY = '{ model(name: "tiny") { version } dissections(model: "tiny") { id } searchNeurons(query: "red", model: "tiny", first: 6) { neuron { run { id } } } }';

interface Answer {
  data?: { model: { version: string }; dissections: { id: string }[]; searchNeurons: { neuron: { run: { id: string } } }[] };
  errors?: unknown[];
}

describe.skipIf(!process.env.DATABASE_URL)('two servers on one Postgres database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-servers-'));
  let db: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let env: Record<string, string>;
  const servers: SpawnedCli[] = [];
  const endpoints: string[] = [];
  let v1RunId: string;

  const dissect = async (version: string): Promise<string> => {
    const args = [
      'dissect', '--model', tinyTarget, '--layers', 'conv1,fc', '--clip', tinyClip, '--probe', 'toy:24:5', '--concepts', 'builtin:toy',
      '--params', '{"top_k":10}', '--name', 'tiny', '--version', version, '--batch', '8', '--quiet', '--json',
    ];
    const r = await atlas(args, env);
    expect(r.code, r.stderr).toBe(0);
    return String((JSON.parse(r.stdout) as { runId: number }).runId);
  };

  beforeAll(async () => {
    db = await freshPostgresDatabase();
    env = { DATABASE_URL: db.url, ATLAS_CACHE_DIR: join(dir, 'cache') };
    // The first run also migrates the database, before the servers open it.
    v1RunId = await dissect('v1');
    for (let i = 0; i < 2; i++) servers.push(spawnAtlas(['serve', '--port', '0', '--no-seed'], env));
    for (const server of servers) {
      const line = await server.stderrLine(/listening on (\S+)\/graphql/);
      endpoints.push(`${/listening on (\S+)\/graphql/.exec(line)![1]}/graphql`);
    }
  }, 180_000);
  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.done));
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function ask(endpoint: string): Promise<Answer> {
    const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
    return (await res.json()) as Answer;
  }

  it('shows a run completed by another process through both servers at once', async () => {
    const runsOf = (a: Answer) => [...new Set(a.data!.searchNeurons.map((h) => h.neuron.run.id))].sort();
    const v1Run = v1RunId;
    for (const a of await Promise.all(endpoints.map(ask))) {
      expect(a.errors).toBeUndefined();
      expect(a.data!.model.version).toBe('v1');
      expect(a.data!.dissections).toEqual([{ id: v1Run }]);
      expect(runsOf(a)).toEqual([v1Run]);
    }
    const v2Run = await dissect('v2');
    for (const a of await Promise.all(endpoints.map(ask))) {
      expect(a.errors).toBeUndefined();
      expect(a.data!.model.version).toBe('v2');
      // Browse without a version: the newest with a complete run. Search: every version of the
      // model; v2 has the same network, so each of its labels ties with a v1 twin among the hits.
      // dissections(model:) lists the runs of every version, newest first.
      expect(a.data!.dissections).toEqual([{ id: v2Run }, { id: v1Run }]);
      expect(runsOf(a)).toEqual([v1Run, v2Run].sort());
    }
  });
});
