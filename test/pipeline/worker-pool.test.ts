import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DecodePool } from '../../src/compute/pipeline/worker-pool.js';
import { OPENAI_CLIP, TORCHVISION_IMAGENET, preprocessImage } from '../../src/compute/preprocess/index.js';
import { generateScene, renderScene } from '../../src/toyworld/index.js';

// A generated source as the toy world's probe sets make them (toyworld/probe-set.ts).
const renderer = new URL('../../src/toyworld/probe-renderer.ts', import.meta.url).href;
const toySource = (seed: number, index: number) => ({ kind: 'generated' as const, scheme: 'toy', renderer, seed, index });

const clipSpec = { ...OPENAI_CLIP, resize: 32, crop: 32 };
const targetSpec = { ...TORCHVISION_IMAGENET, resize: 40, crop: 32 };

describe('decode worker pool', () => {
  const pool = new DecodePool(2);
  afterAll(() => pool.close());

  it('preprocesses files and toy scenes for every spec, exactly as the main thread would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pool-'));
    const file = join(dir, 'a.png');
    await sharp({ create: { width: 50, height: 30, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toFile(file);
    const [clipT, targetT] = await pool.take(
      pool.decode([{ kind: 'file', path: file }, toySource(5, 3)], [clipSpec, targetSpec]),
    );
    expect(clipT).toHaveLength(2 * 3 * 32 * 32);
    expect(targetT).toHaveLength(2 * 3 * 32 * 32);
    expect(Array.from(clipT!.subarray(0, 3 * 32 * 32))).toEqual(Array.from(await preprocessImage(file, clipSpec)));
    // Toy scenes are rendered at each spec's resize size, then preprocessed.
    const toy = await preprocessImage(renderScene(generateScene(5, 3), targetSpec.resize), targetSpec);
    expect(Array.from(targetT!.subarray(3 * 32 * 32))).toEqual(Array.from(toy));
  });

  it('rejects with the name of a file it cannot read', async () => {
    await expect(pool.take(pool.decode([{ kind: 'file', path: '/nonexistent/x.jpg' }], [clipSpec]))).rejects.toThrow(
      /cannot read probe image \/nonexistent\/x\.jpg/,
    );
  });

  it('gives the same tensors whether a worker or the waiting thread decodes, in the order asked', async () => {
    const chunk = (k: number) => [0, 1, 2].map((i) => toySource(9, 3 * k + i));
    const expected = await Promise.all(
      [0, 1, 2, 3, 4].map(async (k) => {
        const tensors = await Promise.all(chunk(k).map((s) => preprocessImage(renderScene(generateScene(s.seed, s.index), targetSpec.resize), targetSpec)));
        return tensors.flatMap((t) => Array.from(t));
      }),
    );
    // A fresh pool: its workers are still starting, so the calling thread decodes.
    const fresh = new DecodePool(1, { preload: [renderer] });
    try {
      expect(fresh.started).toBe(0);
      expect(Array.from((await fresh.take(fresh.decode(chunk(0), [targetSpec])))[0]!)).toEqual(expected[0]);
      await fresh.whenStarted(1);
      // One job for the worker, the rest queued: waiting for the first, this thread decodes the
      // newest queued ones; every job still gets its own images.
      const jobs = [1, 2, 3, 4].map((k) => fresh.decode(chunk(k), [targetSpec]));
      for (let j = 0; j < jobs.length; j++) {
        expect(Array.from((await fresh.take(jobs[j]!))[0]!)).toEqual(expected[j + 1]);
      }
    } finally {
      await fresh.close();
    }
  });
});
