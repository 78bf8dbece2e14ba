import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Checkpoint } from '../../src/compute/pipeline/checkpoint.js';
import { topImagesPerUnit } from '../../src/compute/pipeline/top-images.js';

const streams = [
  { name: 'clip', cols: 2 },
  { name: 'layer-0', cols: 3 },
];

function batch(start: number, rows: number): Map<string, Float32Array> {
  return new Map([
    ['clip', Float32Array.from({ length: rows * 2 }, (_, i) => start * 2 + i)],
    ['layer-0', Float32Array.from({ length: rows * 3 }, (_, i) => -(start * 3 + i) - 1)],
  ]);
}

describe('image-pass checkpoint', () => {
  it('keeps committed rows, cuts off what was written after the last commit, and restarts on a new key', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ckpt-')), 'run');
    const a = Checkpoint.open(dir, 'key-1', 10, streams);
    a.append(4, batch(0, 4));
    a.commit();
    a.append(3, batch(4, 3)); // not committed: as if killed right after writing
    expect(a.done).toBe(4);
    // A torn write of half a row lands after the uncommitted rows.
    appendFileSync(join(dir, 'layer-0.f32'), Buffer.alloc(6));

    const b = Checkpoint.open(dir, 'key-1', 10, streams);
    expect(b.done).toBe(4);
    expect(statSync(join(dir, 'layer-0.f32')).size).toBe(4 * 3 * 4);
    b.append(6, batch(4, 6));
    const clip = b.read('clip');
    expect(clip.rows).toBe(10);
    expect(Array.from(clip.data)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Array.from(b.read('layer-0').data)).toEqual(Array.from({ length: 30 }, (_, i) => -i - 1));
    expect(JSON.parse(readFileSync(join(dir, 'progress.json'), 'utf8')).done).toBe(10);

    // Other inputs (key) or another layout: start from zero.
    expect(Checkpoint.open(dir, 'key-2', 10, streams).done).toBe(0);
    writeFileSync(join(dir, 'progress.json'), '{ torn');
    expect(Checkpoint.open(dir, 'key-2', 10, streams).done).toBe(0);
  });

  it('rejects a batch whose size does not match its stream', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ckpt-')), 'run');
    const c = Checkpoint.open(dir, 'k', 5, streams);
    expect(() => c.append(2, new Map([['clip', new Float32Array(4)], ['layer-0', new Float32Array(5)]]))).toThrow(
      /stream layer-0 got 5 values for 2 rows of 3/,
    );
  });
});

describe('top images per unit', () => {
  it('lists the most activating images of each unit, highest first', () => {
    // 5 images x 2 units
    const acts = { rows: 5, cols: 2, data: Float32Array.from([0.1, 9, 0.5, 8, 0.3, 7, 0.9, 6, 0.2, 5]) };
    const top = topImagesPerUnit(acts, 3);
    expect(top[0]!.map((t) => t.ordinal)).toEqual([3, 1, 2]);
    expect(top[0]![0]!.activation).toBeCloseTo(0.9);
    expect(top[1]!.map((t) => t.ordinal)).toEqual([0, 1, 2]);
    expect(topImagesPerUnit(acts, 10)[0]).toHaveLength(5);
  });
});
