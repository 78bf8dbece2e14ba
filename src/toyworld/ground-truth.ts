/**
 * Ground truth for the toy target networks (models/toy): the final layer's unit i is the logit
 * of class TOY_SHAPES[i], so its correct label is that class name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { canonicalLabel, TOY_SHAPES } from './vocabulary.js';

/** The sidecar JSON written next to each toy model (models/toy/NAME.json). */
export interface ToyModelSidecar {
  name: string;
  architecture: string;
  preprocessing: { size: number; resize: number; crop: number; mean: number[]; std: number[] };
  classes: string[];
  trainingSeed: number;
  heldOutAccuracy: number;
  [key: string]: unknown;
}

/** Module path of the final (classifier) layer of each toy model, as the layer listing names it. */
export const TOY_FINAL_LAYER: Readonly<Record<string, string>> = { 'resnet-v1': 'fc', 'resnet-v2': 'fc', 'resnet-sup': 'fc', vit: 'heads' };

/** Class names of the toy networks' final layer, in output order. */
export function toyFinalLayerClasses(): string[] {
  return [...TOY_SHAPES];
}

/** Read `NAME.json` next to `NAME.onnx`; throws naming the file if it is missing or malformed. */
export function readToyModelSidecar(onnxPath: string): ToyModelSidecar {
  const path = onnxPath.replace(/\.onnx$/, '.json');
  if (!existsSync(path)) throw new Error(`toy model sidecar not found: ${path}`);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as ToyModelSidecar;
  if (!Array.isArray(doc.classes) || typeof doc.preprocessing?.size !== 'number') {
    throw new Error(`toy model sidecar ${path} lacks "classes" or "preprocessing.size"`);
  }
  return doc;
}

/**
 * Share of final-layer units whose predicted label is their class name (the paper's final-layer
 * accuracy). `labels[i]` is the label given to unit i.
 */
export function finalLayerAccuracy(labels: readonly string[], classes: readonly string[] = TOY_SHAPES): { correct: number; total: number; accuracy: number } {
  if (labels.length !== classes.length) {
    throw new Error(`final layer has ${classes.length} classes but ${labels.length} unit labels were given`);
  }
  // A plural or synonym of the class name ("circles", "round") counts as it.
  const correct = labels.filter((label, i) => canonicalLabel(label) === canonicalLabel(classes[i]!)).length;
  return { correct, total: classes.length, accuracy: correct / classes.length };
}
