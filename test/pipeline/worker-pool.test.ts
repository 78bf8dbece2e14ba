import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DecodePool } from '../../src/compute/pipeline/worker-pool.js';
import { OPENAI_CLIP, TORCHVISION_IMAGENET, preprocessImage } from '../../src/compute/preprocess/index.js';
import { generateScene, renderScene } from '../../src/toyworld/index.js';

const clipSpec = { ...OPENAI_CLIP, resize: 32, crop: 32 };
const targetSpec = { ...TORCHVISION_IMAGENET, resize: 40, crop: 32 };

describe('decode worker pool', () => {
  const pool = new DecodePool(2);
  afterAll(() => pool.close());

  it('preprocesses files and toy scenes for every spec, exactly as the main thread would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pool-'));
    const file = join(dir, 'a.png');
    await sharp({ create: { width: 50, height: 30, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toFile(file);
    const [clipT, targetT] = await pool.decode(
      [{ kind: 'file', path: file }, { kind: 'toy', seed: 5, index: 3 }],
      [clipSpec, targetSpec],
    );
    expect(clipT).toHaveLength(2 * 3 * 32 * 32);
    expect(targetT).toHaveLength(2 * 3 * 32 * 32);
    expect(Array.from(clipT!.subarray(0, 3 * 32 * 32))).toEqual(Array.from(await preprocessImage(file, clipSpec)));
    // Toy scenes are rendered at each spec's resize size, then preprocessed.
    const toy = await preprocessImage(renderScene(generateScene(5, 3), targetSpec.resize), targetSpec);
    expect(Array.from(targetT!.subarray(3 * 32 * 32))).toEqual(Array.from(toy));
  });

  it('rejects with the name of a file it cannot read', async () => {
    await expect(pool.decode([{ kind: 'file', path: '/nonexistent/x.jpg' }], [clipSpec])).rejects.toThrow(
      /cannot read probe image \/nonexistent\/x\.jpg/,
    );
  });
});
