import { hashText } from '../clip/hash.js';

/**
 * What a layer's activations over a probe set depend on besides the images: the network file,
 * its preprocessing and the pool mode. Stored with the activations and on each run, so that a
 * run never reads activations computed another way (see the embeddings repository's activations()).
 */
export function activationKeyOf(fileHash: string, preprocess: unknown, pool: string): string {
  return hashText(fileHash, JSON.stringify(preprocess), pool);
}
