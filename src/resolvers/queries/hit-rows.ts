/**
 * The layer, model and run rows that search hits point at, kept per process.
 *
 * A search answer shows a few fields of each hit's layer, model and run; fetching those rows with
 * every search (as JSON from Postgres, parsed again here) cost about a tenth of a search. The rows
 * only change when the set of complete runs does (models and layers are written once; a run is
 * visible once complete), so they are kept as long as the runs fingerprint that the search
 * statement returns stays the same, and fetched in one batch per table when missing.
 */
import type { LayerInfo, ModelRow, RunRow } from '../../db/index.js';
import type { NeuronHit } from '../../db/repositories/search.js';
import type { AtlasContext } from '../context.js';
import type { NeuronParent } from '../parents.js';

interface RowsOfFingerprint {
  fingerprint: string;
  layers: Map<number, LayerInfo | undefined>;
  models: Map<number, ModelRow | undefined>;
  /** Undefined: the run is no longer complete. */
  runs: Map<number, RunRow | undefined>;
}

/** Past this many rows (an atlas of very many layers) the kept rows start afresh. */
const MAX_ROWS = 10_000;

const perStore = new WeakMap<object, RowsOfFingerprint>();

async function fill<T>(cache: Map<number, T | undefined>, ids: number[], load: (ids: number[]) => Promise<(T | undefined | Error)[]>): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !cache.has(id));
  if (missing.length === 0) return;
  const rows = await load(missing);
  rows.forEach((row, i) => {
    if (row instanceof Error) throw row;
    cache.set(missing[i]!, row);
  });
}

/**
 * Each hit as the Neuron it shows, with its rows as of `fingerprint` (the runs fingerprint the
 * search statement saw). Rows are also primed into the request's loaders for later resolvers.
 */
export async function hitNeurons(ctx: AtlasContext, store: object, fingerprint: string, hits: NeuronHit[]): Promise<{ similarity: number; neuron: NeuronParent }[]> {
  let rows = perStore.get(store);
  // A fresh set when runs changed or it grew large; a request in flight keeps the one it holds.
  if (!rows || rows.fingerprint !== fingerprint || rows.layers.size + rows.models.size + rows.runs.size > MAX_ROWS) {
    rows = { fingerprint, layers: new Map(), models: new Map(), runs: new Map() };
    perStore.set(store, rows);
  }
  const { layers, models, runs } = rows;
  // Steady state: every row is known and nothing is awaited.
  if (!hits.every((h) => layers.has(h.layerId) && models.has(h.modelId) && runs.has(h.runId))) {
    await Promise.all([
      fill(layers, hits.map((h) => h.layerId), (ids) => ctx.loaders.layer.loadMany(ids)),
      fill(models, hits.map((h) => h.modelId), (ids) => ctx.loaders.model.loadMany(ids)),
      fill(runs, hits.map((h) => h.runId), (ids) => ctx.loaders.run.loadMany(ids)),
    ]);
  }
  return hits.map((h) => {
    const layer = layers.get(h.layerId);
    const model = models.get(h.modelId);
    // Both are written before any run that labels them, and deleted only with it.
    if (!layer || !model) throw new Error(`search hit ${h.neuronId} points at a missing layer ${h.layerId} or model ${h.modelId}`);
    const run = runs.get(h.runId) ?? null;
    ctx.loaders.layer.prime(h.layerId, layer);
    ctx.loaders.model.prime(h.modelId, model);
    ctx.loaders.run.prime(h.runId, run ?? undefined);
    return { similarity: h.similarity, neuron: { neuronId: h.neuronId, unit: h.unit, layer, model, run, label: h.label, score: h.score } };
  });
}
