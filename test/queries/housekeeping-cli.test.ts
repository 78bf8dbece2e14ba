/**
 * Issue 14 item 1 through the command line, on PGlite and Postgres: `atlas db runs` names each
 * run's model, `atlas db delete-model` deletes a model version once its runs are gone (and says
 * which runs are left otherwise), `atlas db cleanup` also removes models without runs.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, freshPostgresDatabase } from '../store/helpers.js';
import { tempAtlas } from '../support/temp-atlas.js';
import { fixturesDir, runCli } from './helpers.js';

describe.each(drivers)('atlas db runs, delete-model and cleanup on %s', (driver) => {
  let env: Record<string, string>;
  let done: () => Promise<void>;
  beforeAll(async () => {
    if (driver === 'postgres') {
      const db = await freshPostgresDatabase();
      env = { DATABASE_URL: db.url };
      done = db.drop;
    } else {
      const t = await tempAtlas('atlas-models-');
      env = t.env;
      done = async () => rmSync(t.dir, { recursive: true, force: true });
    }
  });
  afterAll(async () => done?.());

  const importRun = async (version: string): Promise<number> => {
    const res = await runCli(['import', '--format', 'milan', join(fixturesDir, 'small_milan.csv'), '--model', 'm', '--version', version, '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    return (JSON.parse(res.stdout) as { runId: number }).runId;
  };

  it('lists runs with their model, and deletes a model only once its runs are deleted', async () => {
    const first = await importRun('1');
    const second = await importRun('2');
    const runs = (await runCli(['db', 'runs'], env)).stdout.trim().split('\n');
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatch(new RegExp(`^${first}\\tcomplete\\tmilan\\t-\\tm@1\\tstarted `));
    expect(runs[1]).toMatch(new RegExp(`^${second}\\tcomplete\\tmilan\\t-\\tm@2\\tstarted `));

    const ambiguous = await runCli(['db', 'delete-model', 'm'], env);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('model m has 2 versions (1, 2): name the one to delete (--version)');
    const busy = await runCli(['db', 'delete-model', 'm', '--version', '1'], env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`model m@1 still has 1 run(s): ${first} (milan, complete); delete them first (\`atlas db delete-run ID\`)`);
    expect((await runCli(['db', 'delete-model', 'nope'], env)).stderr).toContain('model nope is not in the atlas; known models: m@1, m@2');

    // a model left without runs goes with cleanup ...
    expect((await runCli(['db', 'delete-run', String(first)], env)).code).toBe(0);
    const cleanup = await runCli(['db', 'cleanup'], env);
    expect(cleanup.stdout).toBe('deleted 0 incomplete run(s)\ndeleted 1 model(s) without runs: m@1\n');
    // ... or with delete-model
    expect((await runCli(['db', 'delete-run', String(second)], env)).code).toBe(0);
    const deleted = await runCli(['db', 'delete-model', 'm'], env);
    expect(deleted.stderr).toBe('');
    expect(deleted.stdout).toBe('deleted model m@2 (2 layer(s))\n');
    expect((await runCli(['db', 'cleanup'], env)).stdout).toBe('deleted 0 incomplete run(s)\nno model without runs\n');
  });
});
