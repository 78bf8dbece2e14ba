// `atlas toyworld export` through the command line, in process.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { generateScene, renderScene } from '../../src/toyworld/index.js';
import { atlas } from '../support/cli.js';

const out = mkdtempSync(join(tmpdir(), 'toy-export-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('atlas toyworld export', () => {
  it('writes PNGs identical to renderScene plus annotations.json, with progress on stderr', async () => {
    const { code, stderr } = await atlas(['toyworld', 'export', '--n', '12', '--seed', '7', '--size', '48', '--out', out]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/wrote 12 images and annotations\.json/);
    expect(stderr).toMatch(/toyworld export \|=+\| 12\/12 images/);
    const pngs = readdirSync(out).filter((f) => f.endsWith('.png')).sort();
    expect(pngs).toHaveLength(12);

    const doc = JSON.parse(readFileSync(join(out, 'annotations.json'), 'utf8')) as {
      spec: string;
      size: number;
      classes: string[];
      images: Array<{ file: string; uri: string; caption: string; label: number }>;
    };
    expect(doc.spec).toBe('toy:12:7');
    expect(doc.images).toHaveLength(12);
    const fifth = doc.images[5]!;
    expect(fifth.uri).toBe('toy:7/5');
    expect(fifth.caption).toBe(generateScene(7, 5).caption);
    expect(doc.classes[fifth.label]).toBe(generateScene(7, 5).objects[0]!.shape);

    // The PNG decodes to exactly the rendered pixels (lossless).
    const { data, info } = await sharp(join(out, fifth.file)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([48, 48, 3]);
    expect(Buffer.compare(data, Buffer.from(renderScene(generateScene(7, 5), 48).rgb))).toBe(0);
  });

  it('rejects a bad --n with a clear error', async () => {
    await expect(atlas(['toyworld', 'export', '--n', 'many', '--out', out])).resolves.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--n must be an integer >= 1 \(got "many"\)/),
    });
  });
});
