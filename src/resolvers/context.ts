/** Per-request context: the store and DataLoaders that batch lookups (no N+1 over a page of neurons). */
import DataLoader from 'dataloader';
import type { AtlasServices } from '../services/atlas-services.js';
import type { AtlasStore, ClipModelRow, ConceptSetRow, LabelRow, LayerInfo, ModelRow, ProbeSetRow, RunRow, TopImageRow } from '../services/records.js';

/** Labels and top images are loaded up to this rank in one batch; `first` slices them. */
export const MAX_RANK = 100;

export interface RunNeuronKey {
  runId: number;
  neuronId: number;
}

export interface AtlasContext {
  /** The atlas, for the API's plain reads (listings and lookups, batched by the loaders). */
  store: AtlasStore;
  loaders: ReturnType<typeof createLoaders>;
  /** The use cases (search, rescoring, comparison, imports, ...), built once at start-up. */
  services: AtlasServices;
  /** The request's Authorization header, for the query features that write. */
  authorization?: string;
}

function byId<T extends { id: number }>(load: (ids: readonly number[]) => Promise<T[]>): DataLoader<number, T | undefined> {
  return new DataLoader<number, T | undefined>(async (ids) => {
    const rows = await load(ids);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id));
  });
}

function groupedBy<K, T>(
  load: (keys: readonly K[]) => Promise<T[]>,
  keyOf: (row: T) => string,
  keyString: (k: K) => string,
): DataLoader<K, T[], string> {
  return new DataLoader<K, T[], string>(
    async (keys) => {
      const rows = await load(keys);
      const groups = new Map<string, T[]>();
      for (const r of rows) {
        const k = keyOf(r);
        const list = groups.get(k) ?? [];
        list.push(r);
        groups.set(k, list);
      }
      return keys.map((k) => groups.get(keyString(k)) ?? []);
    },
    { cacheKeyFn: keyString },
  );
}

const rnKey = (k: RunNeuronKey): string => `${k.runId}:${k.neuronId}`;

export function createLoaders(store: AtlasStore) {
  return {
    model: byId<ModelRow>((ids) => store.models.byIds(ids)),
    layer: byId<LayerInfo>((ids) => store.models.layersByIds(ids)),
    run: byId<RunRow>((ids) => store.runs.byIds(ids)),
    clipModel: byId<ClipModelRow>((ids) => store.clipModels.byIds(ids)),
    probeSet: byId<ProbeSetRow>((ids) => store.probeSets.byIds(ids)),
    conceptSet: byId<ConceptSetRow>((ids) => store.conceptSets.byIds(ids)),
    layersOfModel: groupedBy<number, LayerInfo>(
      (ids) => store.models.layersByModelIds(ids),
      (r) => String(r.modelId),
      String,
    ),
    runLayerNames: groupedBy<number, { runId: number; name: string }>(
      (ids) => store.runs.layerNames(ids),
      (r) => String(r.runId),
      String,
    ),
    labels: groupedBy<RunNeuronKey, LabelRow>((keys) => store.labels.labelsFor(keys, MAX_RANK), rnKey, rnKey),
    topImages: groupedBy<RunNeuronKey, TopImageRow>((keys) => store.labels.topImagesFor(keys, MAX_RANK), rnKey, rnKey),
  };
}

export function createContext(store: AtlasStore, services: AtlasServices, extra: { authorization?: string } = {}): AtlasContext {
  return { store, services, loaders: createLoaders(store), ...extra };
}
