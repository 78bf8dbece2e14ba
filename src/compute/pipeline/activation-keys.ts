import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashText } from '../clip/hash.js';

/**
 * The store keeps activations per (model, layer, probe set), but what they were computed with
 * (the ONNX file's hash, preprocessing, pool mode) is not part of that key. We record it here,
 * next to the other caches, and trust stored activations only when it matches: a store opened
 * from elsewhere, or a different --pool, simply recomputes.
 */
export class ActivationKeys {
  constructor(
    private readonly dir: string,
    private readonly storeLocation: string,
  ) {}

  private file(modelId: number, layer: string, probeSetId: number): string {
    return join(this.dir, `${hashText(this.storeLocation, String(modelId), layer, String(probeSetId)).slice(0, 40)}.key`);
  }

  matches(modelId: number, layer: string, probeSetId: number, key: string): boolean {
    const file = this.file(modelId, layer, probeSetId);
    return existsSync(file) && readFileSync(file, 'utf8') === key;
  }

  record(modelId: number, layer: string, probeSetId: number, key: string): void {
    mkdirSync(this.dir, { recursive: true });
    const file = this.file(modelId, layer, probeSetId);
    writeFileSync(`${file}.tmp`, key);
    renameSync(`${file}.tmp`, file);
  }
}
