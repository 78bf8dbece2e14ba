/**
 * The records every layer shares: the compute engine produces them, the store (src/db) persists
 * them, services pass them between the two. Nothing here imports anything.
 */

/** Row-major float32 matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export interface TargetModelRecord {
  name: string;
  version: string;
  /** sha256 of the ONNX file. */
  fileHash: string;
  /** Preprocessing and input tensor description, stored as JSON. */
  inputSpec: Record<string, unknown>;
  /** Where the file was loaded from (path or URI). */
  source?: string;
}

export interface LayerRecord {
  /** Module path as the user names it (`layer4`, `encoder.layers.encoder_layer_5`). */
  name: string;
  /** How activations were reduced: 'conv' (spatial pool), 'token' (CLS), 'dense' (as is). */
  kind: 'conv' | 'token' | 'dense';
  units: number;
}

export interface ClipModelRecord {
  name: string;
  dim: number;
  source?: string;
}

export interface ProbeImageRecord {
  ordinal: number;
  /** file path, URL, or `toy:SEED/INDEX` for generated images. */
  uri: string;
}

export interface ProbeSetRecord {
  name: string;
  /** How to regenerate or find the set: a folder, a list file, or a generator recipe. */
  recipe: Record<string, unknown>;
  /** Content hash of the set (image bytes or recipe). */
  contentHash: string;
  images: ProbeImageRecord[];
}

export interface ConceptSetRecord {
  name: string;
  concepts: string[];
}

export interface LabelScore {
  /** Index into the run's concept set. */
  concept: number;
  score: number;
  /** Estimated probability in [0, 1] that the label is right (compute/similarity/confidence.ts); absent where no score row was seen. */
  confidence?: number;
}

export interface TopImage {
  /** Ordinal of the image in the probe set. */
  ordinal: number;
  activation: number;
}

export interface RunParameters {
  method: string; // 'clip-dissect', 'netdissect', 'milan', ...
  similarity?: string; // 'soft_wpmi', ...
  params?: Record<string, unknown>;
  pool?: 'avg' | 'max';
  /** Hash of what the activations were computed with (network file, preprocessing, pool mode). */
  activationKey?: string;
  device?: string;
}

export interface LayerResult {
  layer: LayerRecord;
  /** Per unit, best first; rank 0 is the label. */
  labels: LabelScore[][];
  /** Per unit, most activating first. */
  topImages: TopImage[][];
  /** Units left without a label (their `labels` entry is empty), with the reason. */
  unlabelled?: Map<number, string>;
}
