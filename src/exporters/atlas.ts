/**
 * What `atlas export` writes: a model's labels as the API shows them (per layer, the latest
 * complete clip-dissect run, else the latest complete run; or runs of one method; or one run).
 * src/services/export.ts reads it from the atlas; formats.ts writes it.
 */
import type { Audience } from '../core/errors.js';
import { BadInputError } from '../core/errors.js';

/** A selection that names something the atlas lacks, or a format that cannot hold the result. */
export class ExportInputError extends BadInputError {}

export interface ExportedLabel {
  label: string;
  /** null when the run's tool gave no score (MILAN). */
  score: number | null;
  /** Probability that the label is right (0 to 1); null where the run stored none (imports, older runs). */
  confidence: number | null;
}

export interface ExportedImage {
  /** The image's place in its probe set, and its URI there (a file path, or toy:SEED/INDEX). */
  ordinal: number;
  uri: string | null;
  activation: number;
}

export interface ExportedLayer {
  name: string;
  units: number;
  run: { id: number; method: string; similarity: string | null; finishedAt: string | null; params: Record<string, unknown> };
  /**
   * Neurons by unit, each with its labels best first (and, when asked, its top images); a neuron
   * the run left unlabelled (dead or degenerate) has no labels and says why.
   */
  neurons: { unit: number; labels: ExportedLabel[]; unlabelledReason?: string; topImages?: ExportedImage[] }[];
}

export interface ExportedAtlas {
  model: string;
  version: string;
  layers: ExportedLayer[];
}

export interface ExportSelection {
  model?: string;
  version?: string;
  /** One run (its model, unless `model` is given too, which it must then match). */
  run?: number;
  /** Only runs of this method (clip-dissect, netdissect, milan, ...). */
  method?: string;
  /** Only these layers, in this order. */
  layers?: string[];
  /** Labels per neuron (ranks 0 .. topN-1). */
  topN: number;
  /** Most activating probe images per neuron (none when absent or 0). */
  topImages?: number;
  /** Whose words messages use: GraphQL arguments ('api') or command-line flags ('cli', the default). */
  audience?: Audience;
}
