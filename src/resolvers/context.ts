/** Per-request context: the reader and DataLoaders that batch lookups (no N+1 over a page of neurons). */
import DataLoader from 'dataloader';
import type { AtlasStore } from '../db/atlas-store.js';
import type { AtlasReader, ClipModelRow, ConceptSetRow, LabelRow, LayerInfo, ModelRow, ProbeSetRow, RunRow, TopImageRow } from '../db/atlas-reader.js';

/** Labels and top images are loaded up to this rank in one batch; `first` slices them. */
export const MAX_RANK = 100;

export interface RunNeuronKey {
  runId: number;
  neuronId: number;
}

export interface AtlasContext {
  reader: AtlasReader;
  loaders: ReturnType<typeof createLoaders>;
  /** The store (writes, text encoders) and the request's Authorization header, for the query features. */
  store?: AtlasStore;
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

export function createLoaders(reader: AtlasReader) {
  return {
    model: byId<ModelRow>((ids) => reader.modelsByIds(ids)),
    layer: byId<LayerInfo>((ids) => reader.layersByIds(ids)),
    run: byId<RunRow>((ids) => reader.runsByIds(ids)),
    clipModel: byId<ClipModelRow>((ids) => reader.clipModelsByIds(ids)),
    probeSet: byId<ProbeSetRow>((ids) => reader.probeSetsByIds(ids)),
    conceptSet: byId<ConceptSetRow>((ids) => reader.conceptSetsByIds(ids)),
    layersOfModel: groupedBy<number, LayerInfo>(
      (ids) => reader.layersByModelIds(ids),
      (r) => String(r.modelId),
      String,
    ),
    runLayerNames: groupedBy<number, { runId: number; name: string }>(
      (ids) => reader.runLayerNames(ids),
      (r) => String(r.runId),
      String,
    ),
    labels: groupedBy<RunNeuronKey, LabelRow>((keys) => reader.labelsFor(keys, MAX_RANK), rnKey, rnKey),
    topImages: groupedBy<RunNeuronKey, TopImageRow>((keys) => reader.topImagesFor(keys, MAX_RANK), rnKey, rnKey),
  };
}

export function createContext(reader: AtlasReader, extra: { store?: AtlasStore; authorization?: string } = {}): AtlasContext {
  return { reader, loaders: createLoaders(reader), ...extra };
}
