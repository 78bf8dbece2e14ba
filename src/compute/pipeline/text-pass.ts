import type { Matrix } from '../../core/types.js';
import type { ClipModel } from '../clip/index.js';
import { startProgress } from './progress.js';

const TEXT_BATCH = 256;

/** Where the text pass keeps embeddings between runs (the atlas, per CLIP model). */
export interface TextEmbeddingCache {
  /** The embeddings held for any of `concepts`. */
  get(concepts: string[]): Promise<Map<string, Float32Array>>;
  /** Keeps the embeddings of `concepts` (row r of `m` is concepts[r]). */
  put(concepts: string[], m: Matrix): Promise<void>;
}

/** Text embeddings of every concept, encoding only those the cache does not hold yet (saved as
 *  they are made, so an interrupted pass loses at most one batch). */
export async function encodeConcepts(
  cache: TextEmbeddingCache,
  clip: ClipModel,
  concepts: string[],
  quiet: boolean,
  log: (line: string) => void,
): Promise<{ matrix: Matrix; encoded: number }> {
  const cached = await cache.get(concepts);
  const missing = concepts.filter((c) => !cached.has(c));
  if (missing.length === 0) log(`text pass: reused cached embeddings of ${concepts.length} concepts`);
  else log(`text pass: encoding ${missing.length} of ${concepts.length} concepts (${concepts.length - missing.length} cached)`);
  const bar = startProgress('text pass', missing.length, 'concepts', { quiet });
  try {
    for (let i = 0; i < missing.length; i += TEXT_BATCH) {
      const part = missing.slice(i, i + TEXT_BATCH);
      const m = await clip.encodeTexts(part);
      await cache.put(part, m);
      part.forEach((c, r) => cached.set(c, m.data.slice(r * m.cols, (r + 1) * m.cols)));
      bar.increment(part.length);
    }
  } finally {
    bar.stop();
  }
  const matrix: Matrix = { rows: concepts.length, cols: clip.dim, data: new Float32Array(concepts.length * clip.dim) };
  concepts.forEach((c, r) => matrix.data.set(cached.get(c)!, r * clip.dim));
  return { matrix, encoded: missing.length };
}
