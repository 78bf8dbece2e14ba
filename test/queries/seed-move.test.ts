/**
 * Issue 14 item 10: an atlas moved with `atlas db export-seed` / `import-seed` keeps working. The
 * snapshot carries the embeddings and activations rescoring, search and comparison read; one
 * written `--labels-only` imports with a note of what is missing and how to restore it, and a
 * rescore then says the same over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type AtlasStore } from '../../src/db/index.js';
import { drivers, openTestAtlas, type TestAtlas } from '../store/helpers.js';
import { CLASSES, errorCode, ok, runCli, startClient, writeQueryAtlas, type Client } from './helpers.js';

describe.each(drivers)('a moved atlas on %s', (driver) => {
  const atlases: TestAtlas[] = [];
  const reopened: AtlasStore[] = [];
  const clients: Client[] = [];
  let dir: string;
  let full: string;
  let labelsOnly: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atlas-seed-move-'));
    full = join(dir, 'full.jsonl.gz');
    labelsOnly = join(dir, 'labels.jsonl.gz');
    const source = await openTestAtlas(driver);
    atlases.push(source);
    await writeQueryAtlas(source.store);
    await source.store.close(); // PGlite: one process at a time
    const a = await runCli(['db', 'export-seed', full], source.env);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/1 models, 1 runs, 2 layer results, 1 image-embedding matrices, 1 text-embedding blocks, 2 activation matrices\n$/);
    const b = await runCli(['db', 'export-seed', labelsOnly, '--labels-only'], source.env);
    expect(b.stdout).toMatch(/1 models, 1 runs, 2 layer results\n$/);
  });
  afterAll(async () => {
    for (const c of clients) await c.server.stop();
    for (const s of reopened) await s.close();
    for (const a of atlases) await a.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh atlas holding `file`, served over HTTP, with what import-seed printed. */
  async function moved(file: string): Promise<{ client: Client; stdout: string; stderr: string }> {
    const target = await openTestAtlas(driver);
    atlases.push(target);
    await target.store.close();
    const res = await runCli(['db', 'import-seed', file], target.env);
    expect(res.code, res.stderr).toBe(0);
    const store = await openStore(target.openOpts);
    reopened.push(store);
    const client = await startClient(store);
    clients.push(client);
    return { client, stdout: res.stdout, stderr: res.stderr };
  }

  const rescore = `{ rescore(model: "net", layer: "l1", concepts: ${JSON.stringify(CLASSES)}, params: { top_k: 5 }) { units { unit label } } }`;

  it('carries embeddings and activations: rescoring and search work after the move', async () => {
    const { client, stdout, stderr } = await moved(full);
    expect(stdout).toMatch(/imported .*: 1 models, 1 runs, 2 layer results, 1 image-embedding matrices, 1 text-embedding blocks, 2 activation matrices/);
    expect(stderr).toBe('');
    const units = (ok(await client.gql(rescore)).rescore as { units: { unit: number; label: string }[] }).units;
    // writeQueryAtlas: unit u of l1 fires for class unitClass[u] = [2, 0, 1, 4, 3, 5][u]
    expect(units.map((u) => u.label)).toEqual(['blue', 'red', 'green', 'cat', 'dog', 'tree']);
    const hits = ok(await client.gql('{ searchNeurons(query: "dog", first: 1) { neuron { label } } }')).searchNeurons;
    expect(hits).toEqual([{ neuron: { label: 'dog' } }]);
  });

  it('imports a labels-only snapshot saying what is missing and how to restore it', async () => {
    const { client, stderr } = await moved(labelsOnly);
    expect(stderr).toMatch(/the atlas lacks what some queries read:\n {2}net@1, run \d+: no the .* image embeddings of probe set probe \(rescoring, image search\); no activations of l1, l2 over probe set probe/);
    expect(stderr).toMatch(/to restore them, import a snapshot exported with its embeddings \(`atlas db export-seed` writes them unless --labels-only\)/);
    const refused = await client.gql(rescore);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    const message = refused.body.errors![0]!.message;
    expect(message).toMatch(/image embeddings of probe set probe, which rescoring layer l1 of net@1 needs; .*`atlas db export-seed`/);
    expect(message).not.toMatch(/run \d|probe set \d|--/);
  });
});
