import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/atlas-store.js';
import { AtlasLockedError } from '../../src/db/lock.js';
import { startChild } from './child.js';
import { atlas } from '../support/cli.js';
import { copyTemplateTo } from './helpers.js';

describe('a PGlite atlas folder belongs to one process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-lock-'));
  const dataDir = join(dir, 'atlas');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second process with a message naming the owner pid, then takes over a dead owner', async () => {
    await copyTemplateTo(dataDir);
    const child = await startChild({ ATLAS_DATA_DIR: dataDir, DATABASE_URL: '', CHILD_MODE: 'hold' }, /^ready$/);
    try {
      const error = await openStore({ dataDir }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AtlasLockedError);
      expect((error as Error).message).toMatch(
        new RegExp(`the atlas at .*atlas is open in another process \\(pid ${child.proc.pid}\\), which does not share it`),
      );
      // The CLI reports the same, with a failing exit code.
      const cli = await atlas(['db', '--data-dir', dataDir, 'runs']);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(`is open in another process (pid ${child.proc.pid})`);
    } finally {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    // The lock file still names the dead child: it is stale and taken over.
    const store = await openStore({ dataDir });
    expect(await store.models.isEmpty()).toBe(true);
    await store.close();
  });

  it('takes over a lock file whose pid is not running', async () => {
    writeFileSync(join(dataDir, 'atlas.lock'), '2147483646\n');
    const store = await openStore({ dataDir });
    await store.close();
  });
});
