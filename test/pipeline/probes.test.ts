import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { resolveProbeSet } from '../../src/compute/probes/index.js';
import '../../src/toyworld/register.js';

async function png(path: string, colour: [number, number, number]): Promise<void> {
  await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: colour[0], g: colour[1], b: colour[2] } } })
    .png()
    .toFile(path);
}

describe('probe sets', () => {
  it('lists an image folder recursively in a stable order, ignoring other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probes-'));
    mkdirSync(join(dir, 'b'));
    mkdirSync(join(dir, 'a'));
    await png(join(dir, 'b', 'x.png'), [1, 2, 3]);
    await png(join(dir, 'a', 'z.PNG'), [4, 5, 6]);
    await png(join(dir, 'c.png'), [7, 8, 9]);
    writeFileSync(join(dir, 'notes.txt'), 'not an image');
    const set = await resolveProbeSet(dir);
    expect(set.items.map((i) => i.uri.slice(dir.length + 1))).toEqual(['a/z.PNG', 'b/x.png', 'c.png']);
    expect(set.items.map((i) => i.ordinal)).toEqual([0, 1, 2]);
    // Same bytes, same hash; one changed image changes it.
    expect((await resolveProbeSet(dir)).contentHash).toBe(set.contentHash);
    await png(join(dir, 'c.png'), [9, 9, 9]);
    expect((await resolveProbeSet(dir)).contentHash).not.toBe(set.contentHash);
  });

  it('reads a list file with paths relative to the list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probes-'));
    mkdirSync(join(dir, 'imgs'));
    await png(join(dir, 'imgs', 'one.png'), [1, 1, 1]);
    await png(join(dir, 'imgs', 'two.png'), [2, 2, 2]);
    writeFileSync(join(dir, 'list.txt'), '# probe images\nimgs/two.png\n\nimgs/one.png\n');
    const set = await resolveProbeSet(join(dir, 'list.txt'));
    expect(set.items.map((i) => i.uri)).toEqual([join(dir, 'imgs/two.png'), join(dir, 'imgs/one.png')]);
    writeFileSync(join(dir, 'bad.txt'), 'imgs/missing.png\n');
    await expect(resolveProbeSet(join(dir, 'bad.txt'))).rejects.toThrow(/missing\.png/);
  });

  it('describes toy:N:SEED by its recipe, with uris toy:SEED/INDEX', async () => {
    const set = await resolveProbeSet('toy:5:42');
    expect(set.items.map((i) => i.uri)).toEqual(['toy:42/0', 'toy:42/1', 'toy:42/2', 'toy:42/3', 'toy:42/4']);
    expect(set.recipe).toEqual({ generator: 'toy', count: 5, seed: 42 });
    expect((await resolveProbeSet('toy:5:42')).contentHash).toBe(set.contentHash);
    expect((await resolveProbeSet('toy:5:43')).contentHash).not.toBe(set.contentHash);
    await expect(resolveProbeSet('toy:five:42')).rejects.toThrow(/toy:COUNT:SEED/);
  });

  it('says what is wrong with an empty or missing folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probes-'));
    await expect(resolveProbeSet(dir)).rejects.toThrow(/no images found/);
    await expect(resolveProbeSet(join(dir, 'nope'))).rejects.toThrow(/no such folder or list file/);
  });
});
