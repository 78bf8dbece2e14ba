/**
 * Run owners on a PGlite folder: every process sharing the folder (the server and the commands
 * beside it, through its socket) checks one pid file per running run. Here two owners objects
 * stand for two processes; a file naming a dead pid stands for a killed writer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PidFileRunOwners } from '../../src/db/run-owners.js';

describe('PidFileRunOwners', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-owners-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a run to one live owner at a time and takes over a dead one', async () => {
    const a = new PidFileRunOwners(dir);
    const b = new PidFileRunOwners(dir);
    expect(await a.claim(7)).toBe(true);
    expect(await b.claim(7)).toBe(false);
    expect(await b.holder(7)).toMatch(new RegExp(`^pid ${process.pid} on host `));
    await a.release(7);
    expect(await b.holder(7)).toBeUndefined();
    expect(await b.claim(7)).toBe(true);
    await b.releaseAll();

    // A killed writer's file: no holder, and the next claim takes it over.
    writeFileSync(join(dir, 'run-owners', '8'), '2147483646\n');
    expect(await a.holder(8)).toBeUndefined();
    expect(await a.claim(8)).toBe(true);
    expect(await b.claim(8)).toBe(false);
    await a.releaseAll();
  });
});
