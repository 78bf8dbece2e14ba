/**
 * The CLI beside a running server on the embedded database: `atlas serve` hosts its PGlite folder
 * behind a Unix socket, and commands given the same folder go through it instead of stopping
 * with "open in another process". A dissect while the server serves, then GraphQL over HTTP sees
 * the new run (browse and search); read-only and export commands work meanwhile too.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyClip, tinyTarget } from '../pipeline/helpers.js';
import { atlas, spawnAtlas, type SpawnedCli } from '../support/cli.js';
import { copyTemplateTo } from '../store/helpers.js';

interface GraphQLAnswer {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions: { code: string } }[];
}

describe('atlas commands beside `atlas serve` on one PGlite folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-beside-'));
  const dataDir = join(dir, 'atlas');
  const env = { ATLAS_CACHE_DIR: join(dir, 'cache'), ATLAS_DATA_DIR: '' };
  let server: SpawnedCli;
  let endpoint: string;

  beforeAll(async () => {
    await copyTemplateTo(dataDir);
    server = spawnAtlas(['serve', '--port', '0', '--no-seed', '--data-dir', dataDir], env);
    const line = await server.stderrLine(/listening on (\S+)\/graphql/);
    endpoint = `${/listening on (\S+)\/graphql/.exec(line)![1]}/graphql`;
  }, 120_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.done;
    rmSync(dir, { recursive: true, force: true });
  });

  async function graphql(query: string): Promise<GraphQLAnswer> {
    const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return (await res.json()) as GraphQLAnswer;
  }

  it('records the socket next to the lock, and read-only commands go through it', async () => {
    expect(JSON.parse(readFileSync(join(dataDir, 'atlas.socket'), 'utf8'))).toMatchObject({ pid: server.child.pid });
    const runs = await atlas(['db', 'runs', '--data-dir', dataDir], env);
    expect(runs.stderr).not.toMatch(/open in another process/);
    expect(runs.code, runs.stderr).toBe(0);
  });

  it('dissects while the server serves, and the server sees the new run at once', async () => {
    // The server has answered (and cached what search keeps) before the run exists.
    const before = await graphql('{ dissections(model: "tiny") { id } searchNeurons(query: "red", model: "tiny") { similarity } }');
    expect(before.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const health = fetch(endpoint.replace('/graphql', '/healthz'));

    const dissect = await atlas(
      [
        'dissect', '--data-dir', dataDir, '--model', tinyTarget, '--layers', 'conv1,fc', '--clip', tinyClip, '--probe', 'toy:48:5',
        '--concepts', 'builtin:toy', '--params', '{"top_k":20}', '--name', 'tiny', '--version', 'v1', '--batch', '8', '--quiet', '--json',
      ],
      env,
    );
    expect(dissect.code, dissect.stderr).toBe(0);
    const runId = String((JSON.parse(dissect.stdout) as { runId: number }).runId);
    expect((await health).status).toBe(200);

    const after = await graphql(
      '{ dissections(model: "tiny") { id status } model(name: "tiny") { layers { name } } searchNeurons(query: "red", model: "tiny", first: 3) { neuron { unit } } }',
    );
    expect(after.errors).toBeUndefined();
    expect(after.data!.dissections).toEqual([{ id: runId, status: 'COMPLETE' }]);
    expect((after.data!.model as { layers: { name: string }[] }).layers.map((l) => l.name)).toEqual(['conv1', 'fc']);
    expect((after.data!.searchNeurons as unknown[]).length).toBe(3);

    // Export and cleanup beside the server too.
    const out = join(dir, 'tiny.csv');
    const exported = await atlas(['export', '--data-dir', dataDir, '--model', 'tiny', '--out', out], env);
    expect(exported.code, exported.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const cleanup = await atlas(['db', 'cleanup', '--data-dir', dataDir], env);
    expect(cleanup.code, cleanup.stderr).toBe(0);
  });
});
