/**
 * Rescoring's arithmetic: labels for every unit of a layer from stored matrices (the probe
 * images' CLIP embeddings and the layer's activations) and the text embeddings of a concept
 * list. src/services/rescore.ts reads the matrices from the atlas and stores the result.
 */
import type { LabelScore, Matrix } from '../../core/types.js';
import { denseConcepts, factoredConcepts, normaliseRows, score, type SimilarityName } from '../similarity/index.js';
import { conceptMatrix } from './matmul.js';

/** Largest dense P (images x concepts, float32) built with onnxruntime; above it P stays factored. */
const DENSE_P_MAX_VALUES = 60_000_000;

/** Each unit's `topN` best concepts (indices into the rows of `texts`) by `fn`. */
export async function scoreConcepts(
  images: Matrix,
  texts: Matrix,
  activations: Matrix,
  fn: SimilarityName,
  params: Record<string, unknown>,
  topN: number,
): Promise<LabelScore[][]> {
  // P = cosines between unit image and text embeddings, as CLIP-Dissect defines it.
  const p =
    images.rows * texts.rows <= DENSE_P_MAX_VALUES
      ? denseConcepts(await conceptMatrix(normaliseRows(images), normaliseRows(texts)))
      : factoredConcepts(images, texts, { normalise: true });
  return (await score(fn, p, activations, params, { topN })).labels;
}
