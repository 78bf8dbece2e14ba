/** After an import: give the new labels text embeddings when a CLIP model is configured (ATLAS_CLIP), so they are searchable. */
import { sql } from 'drizzle-orm';
import type { AtlasStore } from '../../db/atlas-store.js';
import { refreshNeuronSearch } from '../../db/queries/search.js';
import { textEncoders } from '../../compute/rescore/text-encoder.js';

/** Returns how many neurons are searchable under the configured CLIP model (0 when none is configured). */
export async function embedLabelsIfConfigured(store: AtlasStore, log?: (line: string) => void): Promise<number> {
  const encoders = textEncoders(store);
  const clip = await encoders.configured().catch((error: unknown) => {
    log?.(`labels not embedded: ${(error as Error).message}`);
    return undefined;
  });
  if (!clip) return 0;
  await refreshNeuronSearch(store.db, clip.id, clip.dim, {
    embedConcepts: async (texts) => void (await encoders.concepts(clip.id, texts, clip.dim)),
    ...(log ? { log } : {}),
  });
  const res = await store.db.execute(sql`SELECT count(*)::int AS n FROM neuron_search WHERE clip_model_id = ${clip.id}`);
  return Number((res.rows[0] as { n: number }).n);
}
