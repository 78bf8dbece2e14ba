import type { LabelScore, Matrix } from '../../core/types.js';
import { assertSimilarityName } from '../similarity/params.js';
import { factoredConcepts, score } from '../similarity/index.js';

/**
 * Labels of every unit of one layer. P is passed factored (image x text embeddings), so the
 * N x C matrix is never built; `normalise` also moves the embeddings into shared memory, which
 * lets the similarity code spread soft_wpmi over threads.
 */
export async function scoreLayer(
  fn: string,
  imageEmbeddings: Matrix,
  textEmbeddings: Matrix,
  activations: Matrix,
  params: Record<string, unknown>,
  topN: number,
  onProgress?: (done: number, total: number) => void,
): Promise<LabelScore[][]> {
  const concepts = factoredConcepts(imageEmbeddings, textEmbeddings, { normalise: true });
  const result = await score(assertSimilarityName(fn), concepts, activations, params, { topN, ...(onProgress ? { onProgress } : {}) });
  return result.labels;
}
