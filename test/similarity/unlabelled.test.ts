/** Which units get no label (issue 14 item 7): dead units, and units whose top images would be chosen among ties. */
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/core/types.js';
import { unlabelledUnits, withoutUnlabelled } from '../../src/compute/similarity/unlabelled.js';

/** images x units, from columns. */
function matrix(columns: number[][]): Matrix {
  const rows = columns[0]!.length;
  const m: Matrix = { rows, cols: columns.length, data: new Float32Array(rows * columns.length) };
  columns.forEach((col, u) => col.forEach((v, i) => (m.data[i * columns.length + u] = v)));
  return m;
}

describe('unlabelledUnits', () => {
  const n = 8;
  const acts = matrix([
    [1, 2, 3, 4, 5, 6, 7, 8], // ranks every image
    Array(n).fill(0), // dead (ReLU, never fires)
    Array(n).fill(0.25), // dead (constant)
    [0, 0, 0, 0, 0, 0, 2, 3], // fires for 2 images
    [-5, -4, -3, -2, -6, -7, -8, -1], // a logit that is never positive, but ranks every image
  ]);

  it('leaves out dead units and units with fewer activations above their lowest than top_k', () => {
    const soft = unlabelledUnits(acts, 'soft_wpmi', { top_k: 3 });
    expect([...soft.keys()]).toEqual([1, 2, 3]);
    expect(soft.get(1)).toBe('dead unit: all 8 probe images activate it equally (0), so no concept can be told from another');
    expect(soft.get(3)).toMatch(/^degenerate unit: only 2 of 8 probe images activate it above its lowest value \(0\), fewer than the 3 top images soft_wpmi reads/);
    // two images above zero are enough for top_k 2
    expect([...unlabelledUnits(acts, 'wpmi', { top_k: 2 }).keys()]).toEqual([1, 2]);
    // rank_reorder reads floor(N x top_fraction) images
    expect([...unlabelledUnits(acts, 'rank_reorder', { top_fraction: 0.5 }).keys()]).toEqual([1, 2, 3]);
    // cosine reads every image: only dead units
    expect([...unlabelledUnits(acts, 'cos_similarity', {}).keys()]).toEqual([1, 2]);
  });

  it('empties their labels and keeps only top images above the lowest value', () => {
    const reasons = unlabelledUnits(acts, 'soft_wpmi', { top_k: 3 });
    const labels = [0, 1, 2, 3, 4].map((u) => [{ concept: u, score: 1 }]);
    const top = [0, 1, 2, 3, 4].map((u) => [7, 6, 5].map((i) => ({ ordinal: i, activation: acts.data[i * 5 + u]! })));
    const kept = withoutUnlabelled(labels, top, acts, reasons);
    expect(kept.labels.map((l) => l.length)).toEqual([1, 0, 0, 0, 1]);
    expect(kept.topImages[3]!.map((t) => t.activation)).toEqual([3, 2]);
    expect(kept.topImages[1]).toEqual([]);
    expect(kept.topImages[0]).toEqual(top[0]);
  });
});
