/**
 * `atlas score`: the labelling step alone, on files. Reads the concept-activation matrix P
 * (images x concepts) and a layer's activations A (images x neurons) from .npy files and scores
 * every neuron against every concept. P (often hundreds of MB) is not read whole: the kernels
 * read the rows they need from the file, into buffers they reuse; a float64 P is converted to
 * float32 in memory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { openNpyMatrix, readNpyMatrix, writeNpyMatrix } from '../compute/npy.js';
import { denseConcepts, fileConcepts, resolveParams, score, type SimilarityName } from '../compute/similarity/index.js';

export interface ScoreFilesInput {
  clipFeats: string;
  targetFeats: string;
  /** Concept names, one per line (labels are column indices without it). */
  concepts?: string;
  fn: SimilarityName;
  params: Record<string, unknown>;
  /** Also write the neurons x concepts score matrix here (float32 .npy). */
  matrix?: string;
  /** Called as each step ends: `read`, then the scoring steps. */
  onStep?: (step: string) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface UnitLabel {
  unit: number;
  label: string;
  score: number;
}

/** One concept per line, as the reference reads its concept sets. */
export function readConceptList(path: string): string[] {
  if (!existsSync(path)) throw new Error(`${path}: file not found`);
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Each neuron's best concept, in unit order (units without one left out). */
export async function scoreFiles(input: ScoreFilesInput): Promise<UnitLabel[]> {
  const pFile = openNpyMatrix(input.clipFeats);
  try {
    const a = readNpyMatrix(input.targetFeats);
    if (pFile.rows !== a.rows) {
      throw new Error(
        `${input.clipFeats} has ${pFile.rows} rows (images) but ${input.targetFeats} has ${a.rows}: both must list the same probe images`,
      );
    }
    const names = input.concepts ? readConceptList(input.concepts) : undefined;
    if (names && names.length !== pFile.cols) {
      throw new Error(`${input.concepts} lists ${names.length} concepts but ${input.clipFeats} has ${pFile.cols} columns`);
    }
    resolveParams(input.fn, input.params, pFile.rows); // fail on bad parameters before any work
    const concepts = pFile.dtype === 'float32' ? fileConcepts(pFile) : denseConcepts(readNpyMatrix(input.clipFeats, { shared: true }));
    input.onStep?.('read');

    const result = await score(input.fn, concepts, a, input.params, {
      topN: 1,
      keepMatrix: input.matrix !== undefined,
      ...(input.onStep ? { onStep: input.onStep } : {}),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
    const labels: UnitLabel[] = [];
    result.labels.forEach((ranked, unit) => {
      const best = ranked[0];
      if (best) labels.push({ unit, label: names ? names[best.concept]! : String(best.concept), score: best.score });
    });
    if (input.matrix && result.matrix) writeNpyMatrix(input.matrix, result.matrix);
    return labels;
  } finally {
    pFile.close();
  }
}
