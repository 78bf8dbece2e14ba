import type { Matrix, TopImage } from '../../core/types.js';

/** The `count` most activating images of every unit (column of `acts`), highest first. */
export function topImagesPerUnit(acts: Matrix, count: number, ordinals?: number[]): TopImage[][] {
  const k = Math.min(count, acts.rows);
  const out: TopImage[][] = [];
  const idx = new Int32Array(k);
  const val = new Float32Array(k);
  for (let u = 0; u < acts.cols; u++) {
    // Insertion into a small sorted buffer: k is ~10, so this beats a full sort of N rows.
    let filled = 0;
    for (let r = 0; r < acts.rows; r++) {
      const v = acts.data[r * acts.cols + u]!;
      if (filled === k && !(v > val[k - 1]!)) continue;
      let pos = filled < k ? filled++ : k - 1;
      while (pos > 0 && v > val[pos - 1]!) {
        val[pos] = val[pos - 1]!;
        idx[pos] = idx[pos - 1]!;
        pos--;
      }
      val[pos] = v;
      idx[pos] = r;
    }
    const list: TopImage[] = [];
    for (let i = 0; i < filled; i++) list.push({ ordinal: ordinals ? ordinals[idx[i]!]! : idx[i]!, activation: val[i]! });
    out.push(list);
  }
  return out;
}
