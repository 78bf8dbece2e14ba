/** After an import: give the new labels text embeddings when a CLIP model is configured (ATLAS_CLIP), so they are searchable. */
import type { AtlasStore } from '../../db/atlas-store.js';
import { textEncoders } from '../../compute/rescore/text-encoder.js';

/** Returns how many neurons are searchable under the configured CLIP model (0 when none is configured). */
export async function embedLabelsIfConfigured(store: AtlasStore, log?: (line: string) => void): Promise<number> {
  const encoders = textEncoders(store);
  const clip = await encoders.configured().catch((error: unknown) => {
    log?.(`labels not embedded: ${(error as Error).message}`);
    return undefined;
  });
  if (!clip) return 0;
  await store.search.refresh(clip.id, clip.dim, {
    embedConcepts: async (texts) => void (await encoders.concepts(clip.id, texts, clip.dim)),
    ...(log ? { log } : {}),
  });
  return store.search.searchableNeurons(clip.id);
}
