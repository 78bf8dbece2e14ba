import { homedir } from 'node:os';
import { join } from 'node:path';

/** Root of the local caches (hub downloads, checkpoints): `$ATLAS_CACHE_DIR` or `~/.cache/neuron-atlas`. */
export function atlasCacheDir(): string {
  return process.env.ATLAS_CACHE_DIR || join(homedir(), '.cache', 'neuron-atlas');
}
