import { loadPreprocessSpec, type PreprocessSpec } from '../preprocess/index.js';

/** The target network's preprocessing: its sidecar JSON, else torchvision's ImageNet recipe. */
export function targetPreprocessSpec(modelPath: string): Promise<{ spec: PreprocessSpec; source: string }> {
  return loadPreprocessSpec(modelPath);
}
