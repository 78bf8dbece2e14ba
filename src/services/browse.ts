/**
 * The API's plain reads: models, layers, neuron pages, labels, top images and runs, with the rules
 * that choose what a query shows (a model's newest version, a layer's default run) and the errors
 * that name what is missing. One `BrowseService` per open atlas; each request gets its own
 * `BrowseReads` from `forRequest()`, whose DataLoaders batch the lookups of a page of neurons
 * (labels, top images, layers, runs) into one query each, and cache them for that request only.
 */
import DataLoader from 'dataloader';
import { BadInputError, NotFoundError } from '../core/errors.js';
import type { AtlasStore } from '../db/atlas-store.js';
import type { NeuronOrder, NeuronPage, RunFilter, VersionPreference } from '../db/index.js';
import type { ClipModelRow, ConceptSetRow, LabelRow, LayerInfo, ModelRow, ProbeSetRow, RunRow, TopImageRow } from './records.js';
import type { NeuronSearchHit } from './search.js';

/** Labels and top images are loaded up to this rank in one batch; callers slice what they show. */
export const MAX_RANK = 100;
/** Concepts of a set's sample loaded in one batch; callers slice what they show. */
export const MAX_SAMPLE = 100;

/** A neuron as the API shows it: its rows, and the run its labels come from. */
export interface NeuronView {
  neuronId: number;
  unit: number;
  layer: LayerInfo;
  model: ModelRow;
  /** The run the labels come from, or null when no complete run covers the layer. */
  run: RunRow | null;
  /** Rank-0 label and score when already known (listing, search hit); otherwise loaded on demand. */
  label?: string | null;
  score?: number | null;
  confidence?: number | null;
}

/** Which layer of which model, and whose labels: `run` (an id) or the layer's default run (of `method`). */
export interface LayerQuery {
  model: string;
  version?: string | null;
  layer: string;
  run?: string | null;
  method?: string | null;
}

export interface NeuronsQuery extends LayerQuery {
  first: number;
  /** The previous page's last neuron (its unit, and its score when ordering by score). */
  after?: { unit: number; score?: number };
  labelContains?: string | null;
  /** Keeps neurons whose label scores at least this. */
  minScore?: number | null;
  orderBy?: NeuronOrder;
}

export interface NeuronsPage {
  /** The model version and layer the page is of (the version chosen when the query named none). */
  model: ModelRow;
  layer: LayerInfo;
  items: NeuronView[];
  hasNextPage: boolean;
  run: RunRow | null;
  /** Counts every neuron the query matches; only called when asked for. */
  totalCount: () => Promise<number>;
}

export interface RunsQuery {
  modelId?: number;
  /** Runs of any of these models (the versions of one name). */
  modelIds?: number[];
  method?: string;
  status?: RunFilter['status'];
  first: number;
}

export class BrowseService {
  constructor(private readonly store: AtlasStore) {}

  /** The reads of one request, with its own DataLoaders (a request sees its own snapshot of rows). */
  forRequest(): BrowseReads {
    return new BrowseReads(this.store);
  }
}

const rnKey = (k: { runId: number; neuronId: number }): string => `${k.runId}:${k.neuronId}`;

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

function createLoaders(store: AtlasStore) {
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
    conceptSample: groupedBy<number, { conceptSetId: number; text: string }>(
      (ids) => store.conceptSets.samples(ids, MAX_SAMPLE),
      (r) => String(r.conceptSetId),
      String,
    ),
    unlabelled: groupedBy<{ runId: number; neuronId: number }, { runId: number; neuronId: number; reason: string }>(
      (keys) => store.labels.unlabelledFor(keys),
      rnKey,
      rnKey,
    ),
    labels: groupedBy<{ runId: number; neuronId: number }, LabelRow>((keys) => store.labels.labelsFor(keys, MAX_RANK), rnKey, rnKey),
    topImages: groupedBy<{ runId: number; neuronId: number }, TopImageRow>((keys) => store.labels.topImagesFor(keys, MAX_RANK), rnKey, rnKey),
  };
}

/** One request's reads. Lookups by id go through its DataLoaders; lookups by name throw NotFoundError naming what exists. */
export class BrowseReads {
  readonly #store: AtlasStore;
  readonly #loaders: ReturnType<typeof createLoaders>;

  constructor(store: AtlasStore) {
    this.#store = store;
    this.#loaders = createLoaders(store);
  }

  /** Every model, by name then version. */
  models(): Promise<ModelRow[]> {
    return this.#store.models.list();
  }

  /**
   * A model by name and version; without a version, the most recently added version with a
   * complete run (matching `prefer`: a layer it covers, a method, a run), else the most recently
   * added one of that name.
   */
  async model(name: string, version?: string | null, prefer: VersionPreference = {}): Promise<ModelRow> {
    const model = await this.#store.models.find(name, version, prefer);
    if (model) return model;
    const known = (await this.#store.models.list()).map((m) => `${m.name}@${m.version}`);
    const what = version ? `model ${name} version ${version}` : `model ${name}`;
    throw new NotFoundError(`${what} is not in the atlas; known models: ${known.join(', ') || '(none)'}`);
  }

  /** One version of a model, or every version of the name (NotFoundError when there is none). */
  async modelVersions(name: string, version?: string | null): Promise<ModelRow[]> {
    if (version) return [await this.model(name, version)];
    const all = (await this.#store.models.list()).filter((m) => m.name === name);
    if (all.length === 0) await this.model(name); // throws, naming the known models
    return all;
  }

  /** A layer of a model by name (NotFoundError naming the model's layers). */
  async layer(model: ModelRow, name: string): Promise<LayerInfo> {
    const layer = await this.#store.models.findLayer(model.id, name);
    if (layer) return layer;
    const known = (await this.layersOf(model.id)).map((l) => l.name);
    throw new NotFoundError(`layer ${name} is not in model ${model.name}@${model.version}; its layers: ${known.join(', ') || '(none)'}`);
  }

  /**
   * The layer named `name` among `models` (versions of one model): when several versions have it,
   * the one `model(name)` would choose for that layer (the newest with a complete run covering it).
   */
  async layerOfVersions(models: ModelRow[], name: string): Promise<LayerInfo> {
    const layers = (await Promise.all(models.map((m) => this.#store.models.findLayer(m.id, name)))).filter((l) => l !== undefined);
    if (layers.length === 0) await this.layer(models[0]!, name); // throws, naming the layers
    if (layers.length === 1) return layers[0]!;
    const chosen = await this.model(models[0]!.name, null, { layer: name });
    return layers.find((l) => l.modelId === chosen.id) ?? layers[0]!;
  }

  /** The layers of a model, in model order (batched). */
  layersOf(modelId: number): Promise<LayerInfo[]> {
    return this.#loaders.layersOfModel.load(modelId);
  }

  /** A page of a layer's neurons with their top labels, in unit order, from the run the query names or the layer's default run. */
  async neurons(q: NeuronsQuery): Promise<NeuronsPage> {
    const { model, layer, run } = await this.#modelLayerRun(q);
    const filter = { layerId: layer.id, runId: run?.id ?? null, labelContains: q.labelContains, minScore: q.minScore, orderBy: q.orderBy ?? 'unit' };
    // A label filter or score order without any run matches nothing; listing by unit without one shows unlabelled neurons.
    const page: NeuronPage = await this.#store.labels.neuronPage({ ...filter, first: q.first, ...(q.after ? { after: q.after } : {}) });
    return {
      model,
      layer,
      items: page.items.map((n) => ({ ...n, layer, model, run })),
      hasNextPage: page.hasNextPage,
      run,
      totalCount: () => this.#store.labels.countNeurons(filter),
    };
  }

  /** One neuron, with the run its labels come from (NotFoundError when the unit is out of range or missing). */
  async neuron(q: LayerQuery & { unit: number }): Promise<NeuronView> {
    const { model, layer, neuronId, run } = await this.#modelLayerRun(q);
    return { neuronId: neuronId!, unit: q.unit, layer, model, run };
  }

  /** A model version's layer and the run whose labels it shows (`run`, else `method`'s latest, else the default), errors naming what is missing. */
  layerRun(q: LayerQuery): Promise<{ model: ModelRow; layer: LayerInfo; run: RunRow | null }> {
    return this.#modelLayerRun(q);
  }

  /**
   * Model, layer (and neuron `unit`) in one round trip, the layer's default run along when no run
   * is named, then the run whose labels are shown; errors in that order.
   */
  async #modelLayerRun(q: LayerQuery & { unit?: number }): Promise<{ model: ModelRow; layer: LayerInfo; neuronId?: number; run: RunRow | null }> {
    const wantDefault = q.run === null || q.run === undefined ? { method: q.method } : undefined;
    // Without a version: the newest version with a complete run of the layer (of `method`; `run` itself when named).
    const runId = q.run !== null && q.run !== undefined && /^\d{1,9}$/.test(q.run) ? Number(q.run) : null;
    const found = await this.#store.models.findWithLayerNeuron(q.model, q.version, q.layer, q.unit, wantDefault, { method: q.method, run: runId });
    const model = found.model ?? (await this.model(q.model, q.version));
    const layer = found.layer ?? (await this.layer(model, q.layer));
    if (q.unit !== undefined) {
      if (q.unit >= layer.units) {
        throw new NotFoundError(`layer ${layer.name} of ${model.name}@${model.version} has units 0..${layer.units - 1}, not ${q.unit}`);
      }
      if (found.neuronId === undefined) throw new NotFoundError(`neuron ${q.unit} of layer ${layer.name} is not in the atlas`);
    }
    const run = await this.#selectRun(model, layer, q.run, q.method, found.defaultRun);
    return { model, layer, ...(found.neuronId !== undefined ? { neuronId: found.neuronId } : {}), run };
  }

  /**
   * The run whose labels a layer shows: `run` (must be a complete run of this model covering the
   * layer), else the default for the layer (optionally restricted to `method`).
   */
  async #selectRun(
    model: ModelRow,
    layer: LayerInfo,
    run: string | null | undefined,
    method: string | null | undefined,
    /** The layer's default run for `method`, when the model lookup brought it along. */
    prefetchedDefault?: RunRow | null,
  ): Promise<RunRow | null> {
    if (run !== null && run !== undefined) {
      const id = Number(run);
      if (!/^\d{1,9}$/.test(run)) throw new BadInputError(`\`run\` must be a run id, got ${JSON.stringify(run)}`, { argumentName: 'run' });
      const row = await this.#loaders.run.load(id);
      if (!row || row.modelId !== model.id) throw new NotFoundError(`no complete run ${run} on model ${model.name}@${model.version}`);
      if (method && row.method !== method) throw new BadInputError(`run ${run} used method ${row.method}, not ${method}`, { argumentName: 'method' });
      if (!(await this.#store.runs.coversLayer(id, layer.id))) throw new NotFoundError(`run ${run} has no results for layer ${layer.name}`);
      return row;
    }
    const found = prefetchedDefault !== undefined ? prefetchedDefault : await this.#store.runs.defaultForLayer(layer.id, method);
    if (!found && method) throw new NotFoundError(`no complete ${method} run covers layer ${layer.name} of ${model.name}@${model.version}`);
    return found ?? null;
  }

  /** A neuron from its ids (search and activation answers), its layer and model batched with the others of the request. */
  async neuronOf(
    neuronId: number,
    unit: number,
    layerId: number,
    modelId: number,
    run: RunRow | null | Promise<RunRow | null | undefined>,
  ): Promise<NeuronView> {
    // All loads of a request's hits start in the same tick, so each DataLoader makes one query.
    const [layer, model, runRow] = await Promise.all([this.#loaders.layer.load(layerId), this.#loaders.model.load(modelId), run]);
    if (!layer || !model) throw new NotFoundError(`neuron ${neuronId} has no layer or model`);
    return { neuronId, unit, layer, model, run: runRow ?? null };
  }

  /** A search hit as the neuron it shows; its rows are primed into the request's loaders for later fields. */
  hitNeuron(h: NeuronSearchHit): NeuronView {
    this.#loaders.layer.prime(h.layer.id, h.layer);
    this.#loaders.model.prime(h.model.id, h.model);
    this.#loaders.run.prime(h.runId, h.run ?? undefined);
    return { neuronId: h.neuronId, unit: h.unit, layer: h.layer, model: h.model, run: h.run, label: h.label, score: h.score };
  }

  /** A model by id (batched). */
  modelById(id: number): Promise<ModelRow | undefined> {
    return this.#loaders.model.load(id);
  }

  /** A complete run by id (batched); undefined when missing or not complete. */
  run(id: number): Promise<RunRow | undefined> {
    return this.#loaders.run.load(id);
  }

  /** Complete runs, newest first (of one status, complete by default). */
  runs(q: RunsQuery): Promise<RunRow[]> {
    return this.#store.runs.list(q);
  }

  /** Names of the layers a run covers, in model order (batched). */
  async runLayerNames(runId: number): Promise<string[]> {
    return (await this.#loaders.runLayerNames.load(runId)).map((x) => x.name);
  }

  clipModel(id: number): Promise<ClipModelRow | undefined> {
    return this.#loaders.clipModel.load(id);
  }

  probeSet(id: number): Promise<ProbeSetRow | undefined> {
    return this.#loaders.probeSet.load(id);
  }

  conceptSet(id: number): Promise<ConceptSetRow | undefined> {
    return this.#loaders.conceptSet.load(id);
  }

  /** Concept sets by name, at most `first`. */
  conceptSets(first: number): Promise<ConceptSetRow[]> {
    return this.#store.conceptSets.list(first);
  }

  /** The first concepts of a set, up to MAX_SAMPLE (batched). */
  async conceptSample(conceptSetId: number): Promise<string[]> {
    return (await this.#loaders.conceptSample.load(conceptSetId)).map((r) => r.text);
  }

  /** A neuron's labels in a run, by rank, up to MAX_RANK (batched over the request's neurons). */
  labels(runId: number, neuronId: number): Promise<LabelRow[]> {
    return this.#loaders.labels.load({ runId, neuronId });
  }

  /**
   * Why a neuron has no label in its run: the reason the run recorded (a dead or degenerate
   * unit), or, for a run that recorded none, that it holds no label for the unit. Null when it
   * has a label, or when no run covers its layer.
   */
  async unlabelledReason(n: NeuronView): Promise<string | null> {
    if (!n.run) return null;
    const key = { runId: n.run.id, neuronId: n.neuronId };
    const [labels, reasons] = await Promise.all([this.#loaders.labels.load(key), this.#loaders.unlabelled.load(key)]);
    if (labels.length > 0) return null;
    return reasons[0]?.reason ?? `the ${n.run.method} run holds no label for this unit`;
  }

  /** A neuron's top images in a run, by rank, up to MAX_RANK (batched). */
  topImages(runId: number, neuronId: number): Promise<TopImageRow[]> {
    return this.#loaders.topImages.load({ runId, neuronId });
  }
}
