import { existsSync, readFileSync } from 'node:fs';
import { loadPreprocessSpec, sidecarPath, type PreprocessSpec } from '../preprocess/index.js';

/**
 * The target network's preprocessing: its sidecar JSON (`{"preprocess": {...}}`) or torchvision's
 * ImageNet recipe. The toy-world models' sidecars spell the key `preprocessing`; read those
 * fields as overrides so both spellings work.
 */
export async function targetPreprocessSpec(modelPath: string): Promise<{ spec: PreprocessSpec; source: string }> {
  const sidecar = sidecarPath(modelPath);
  let overrides: Partial<PreprocessSpec> = {};
  if (existsSync(sidecar)) {
    try {
      const json = JSON.parse(readFileSync(sidecar, 'utf8')) as Record<string, unknown>;
      const alt = json.preprocessing as Record<string, unknown> | undefined;
      if (json.preprocess === undefined && alt && typeof alt === 'object') {
        const pick = <K extends keyof PreprocessSpec>(key: K, from: unknown) => (from === undefined ? {} : { [key]: from });
        overrides = {
          ...pick('resize', alt.resize ?? alt.size),
          ...pick('crop', alt.crop ?? alt.size),
          ...pick('mean', alt.mean),
          ...pick('std', alt.std),
          ...pick('interpolation', alt.interpolation),
        } as Partial<PreprocessSpec>;
      }
    } catch {
      // unreadable or invalid JSON: loadPreprocessSpec reports it with the file name
    }
  }
  const loaded = await loadPreprocessSpec(modelPath, overrides);
  return Object.keys(overrides).length > 0 ? { ...loaded, source: `${sidecar} ("preprocessing")` } : loaded;
}
