import { config } from '../../core/config.js';

/** Root of the local caches (hub downloads, checkpoints): ATLAS_CACHE_DIR, else `~/.cache/neuron-atlas`. */
export function atlasCacheDir(): string {
  return config().cacheDir;
}
