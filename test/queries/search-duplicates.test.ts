/**
 * Search when many labels share one embedding. An HNSW graph over hundreds of identical vectors
 * keeps its walk inside them: with ef_search 32 the index returned only those (or nothing in a
 * filtered scope) although "star" itself was a label at similarity 1.
 */
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/core/types.js';
import type { AtlasStore } from '../../src/db/atlas-store.js';
import { clipRegistrationName } from '../../src/services/text-encoders.js';
import { drivers } from '../store/helpers.js';
import { ok, servedAtlas, tinyClip, tinyClipDir } from './helpers.js';

/** Labels sharing one embedding: a few hundred are enough to trap the index at ef_search 32. */
const DUPLICATES = 600;

async function writeDuplicateAtlas(store: AtlasStore): Promise<void> {
  const clip = await tinyClip();
  const dim = clip.dim;
  const [star, other] = [await clip.encodeTexts(['star']), await clip.encodeTexts(['tree'])];
  const concepts = ['star', ...Array.from({ length: DUPLICATES }, (_, i) => `twin-${i}`)];
  const emb: Matrix = { rows: concepts.length, cols: dim, data: new Float32Array(concepts.length * dim) };
  emb.data.set(star.data, 0);
  for (let i = 1; i < concepts.length; i++) emb.data.set(other.data, i * dim);
  const units = concepts.length;
  const modelId = await store.models.upsert({ name: 'twins', version: '1', fileHash: 'h', inputSpec: {} });
  await store.models.upsertLayers(modelId, [{ name: 'l1', kind: 'dense', units }]);
  const clipModelId = await store.clipModels.upsert({ name: clipRegistrationName(clip), dim, source: tinyClipDir });
  const probeSetId = await store.probeSets.upsert({ name: 'probe', recipe: { test: true }, contentHash: 'probe-1', images: [{ ordinal: 0, uri: 'img/0.png' }] });
  await store.embeddings.putConcepts(clipModelId, concepts, emb);
  const { id: conceptSetId } = await store.conceptSets.upsert({ name: 'twins', concepts });
  const runId = await store.runs.begin({ modelId, clipModelId, probeSetId, conceptSetId, parameters: { method: 'clip-dissect', similarity: 'soft_wpmi' } });
  // The twins first, "star" on the last unit.
  await store.runs.writeLayer(runId, {
    layer: { name: 'l1', kind: 'dense', units },
    labels: Array.from({ length: units }, (_, u) => [{ concept: (u + 1) % units, score: 0.5 }]),
    topImages: Array.from({ length: units }, () => []),
  });
  await store.runs.complete(runId);
}

const SEARCH = `query($q: String!, $first: Int, $model: String) {
  searchNeurons(query: $q, first: $first, model: $model) { similarity neuron { unit label } } }`;

describe.each(drivers)('search among many labels sharing one embedding on %s', (driver) => {
  const served = servedAtlas(driver, writeDuplicateAtlas);

  it('finds the one label that matches, unfiltered and within a model', async () => {
    for (const variables of [{ q: 'star', first: 3 }, { q: 'star', first: 3, model: 'twins' }]) {
      const hits = ok(await served.client.gql(SEARCH, variables)).searchNeurons as { similarity: number; neuron: { unit: number; label: string } }[];
      expect(hits, JSON.stringify(variables)).toHaveLength(3);
      expect(hits[0]!.neuron).toEqual({ unit: DUPLICATES, label: 'star' });
      expect(hits[0]!.similarity).toBeCloseTo(1, 5);
      expect(hits[1]!.neuron.label).toMatch(/^twin-/);
    }
  });
});
