import { createHash } from 'node:crypto';
import type { ProbeSet } from '../compute/probes/index.js';
import { renderScene } from './render.js';
import { generateScene } from './scene.js';
import { parseToySpec, toyImageUri } from './spec.js';

/**
 * The toy probe set a spec `toy:N:SEED` names. Its images are generated on demand (by the module
 * `renderer`), so its hash covers the recipe plus a fingerprint of what the generator currently
 * produces (a few scenes and one rendering): a changed generator means a different set and no
 * stale cached embeddings.
 */
export function toyProbeSet(spec: string, renderer: string): ProbeSet {
  const { count, seed } = parseToySpec(spec);
  const recipe = { generator: 'toy', count, seed };
  const hash = createHash('sha256').update(JSON.stringify(recipe));
  for (let i = 0; i < Math.min(count, 8); i++) hash.update(JSON.stringify(generateScene(seed, i)));
  hash.update(renderScene(generateScene(seed, 0), 32).rgb);
  const items = Array.from({ length: count }, (_, index) => ({
    ordinal: index,
    uri: toyImageUri(seed, index),
    source: { kind: 'generated' as const, scheme: 'toy', renderer, seed, index },
  }));
  return { name: `toy-${count}-${seed}`, recipe, contentHash: hash.digest('hex'), items };
}
