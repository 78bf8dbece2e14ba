/**
 * Semantic search: neurons by label, probe images by text or by a neuron's label, and the neurons
 * a probe image drives hardest. What a search needs besides the statement itself (the CLIP model
 * of a scope, the rows its hits point at, query embeddings) is kept here between requests, valid
 * while the runs fingerprint the search statement returns stays the same.
 */
import { LRUCache } from 'lru-cache';
import { EncoderUnavailableError, NotFoundError } from '../core/errors.js';
import type { AtlasStore } from '../db/atlas-store.js';
import type { ImageHit, LayerInfo, ModelRow, NeuronHit, NeuronSearchFilter, RunRow } from './records.js';
import type { ClipRow, TextEncoders } from './text-encoders.js';

/** A neuron search hit with the rows it shows. */
export interface NeuronSearchHit {
  similarity: number;
  neuronId: number;
  unit: number;
  layer: LayerInfo;
  model: ModelRow;
  runId: number;
  /** The run its label comes from; null once that run is no longer complete. */
  run: RunRow | null;
  label: string;
  score: number;
}

/** One of the neurons a probe image activates most. */
export interface ImageNeuron {
  activation: number;
  neuronId: number;
  unit: number;
  layerId: number;
  modelId: number;
  /** The layer's default run, if any. */
  run: RunRow | null;
}

/** Scope -> CLIP model entries kept (each a few bytes). */
const MAX_SCOPES = 1000;
/** Past this many rows per table (an atlas of very many layers) the least used go. */
const MAX_ROWS = 10_000;

/** lru-cache keeps no undefined values; a row that is gone is remembered as such. */
interface Kept<T> {
  row: T | undefined;
}

/**
 * The layer, model and run rows search hits point at. A search answer shows a few fields of
 * each; fetching them with every search cost about a tenth of a search. They only change when
 * the set of complete runs does (models and layers are written once; a run is visible once
 * complete), so they are kept for one runs fingerprint and fetched in one batch per table when
 * missing.
 */
class HitRows {
  readonly layers = new LRUCache<number, Kept<LayerInfo>>({ max: MAX_ROWS });
  readonly models = new LRUCache<number, Kept<ModelRow>>({ max: MAX_ROWS });
  /** row undefined: the run is no longer complete. */
  readonly runs = new LRUCache<number, Kept<RunRow>>({ max: MAX_ROWS });
  constructor(readonly fingerprint: string) {}
}

async function fill<T extends { id: number }>(cache: LRUCache<number, Kept<T>>, ids: number[], load: (ids: number[]) => Promise<T[]>): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !cache.has(id));
  if (missing.length === 0) return;
  const rows = new Map((await load(missing)).map((r) => [r.id, r]));
  for (const id of missing) cache.set(id, { row: rows.get(id) });
}

export class SearchService {
  /** The runs fingerprint the latest search statement returned. */
  private lastFingerprint: string | undefined;
  /** `${fingerprint}|${scope}` -> the CLIP model a scope searches with. */
  private readonly clipOfScope = new LRUCache<string, ClipRow>({ max: MAX_SCOPES });
  private hitRows: HitRows | undefined;

  constructor(
    private readonly store: AtlasStore,
    private readonly encoders: TextEncoders,
  ) {}

  /**
   * The CLIP model for a scope: that of its runs, else ATLAS_CLIP's, else (a scope whose runs are
   * all imported) the atlas's, as for the images near an imported label.
   */
  private async clipOf(scope: NeuronSearchFilter & { probeSetId?: number }, fingerprint?: string): Promise<ClipRow> {
    const key = fingerprint === undefined ? undefined : `${fingerprint}|${JSON.stringify(scope)}`;
    const hit = key === undefined ? undefined : this.clipOfScope.get(key);
    if (hit) return hit;
    const id = await this.store.search.clipModelOfScope(scope);
    let row = id !== undefined ? await this.encoders.clipRow(id) : await this.encoders.configured();
    if (!row && id === undefined && Object.values(scope).some((v) => v !== undefined)) {
      const atlasClip = await this.store.search.clipModelOfScope({});
      if (atlasClip !== undefined) row = await this.encoders.clipRow(atlasClip);
    }
    if (!row) throw new EncoderUnavailableError('no CLIP model to search with: no CLIP-Dissect run covers this scope and ATLAS_CLIP is not set');
    if (key !== undefined) this.clipOfScope.set(key, row);
    return row;
  }

  /** The `first` neurons whose label is nearest to `query` (best first), optionally at least `minScore` similar. */
  async neurons(query: string, first: number, filter: NeuronSearchFilter, minScore?: number): Promise<NeuronSearchHit[]> {
    // The runs fingerprint the last search of this service saw: the search statement returns
    // the current one, and only when it moved (a run completed or was deleted, here or in
    // another process) is the index refreshed and the search repeated. Steady state: one statement.
    const known = this.lastFingerprint;
    let fingerprint = known ?? (await this.store.runs.fingerprint());
    for (let attempt = 0; ; attempt++) {
      let clip: ClipRow;
      try {
        clip = await this.clipOf(filter, fingerprint);
      } catch (error) {
        // A remembered fingerprint may predate the run that would give this scope a CLIP model.
        if (attempt > 0 || known === undefined) throw error;
        fingerprint = await this.store.runs.fingerprint();
        this.lastFingerprint = fingerprint;
        attempt++;
        clip = await this.clipOf(filter, fingerprint);
      }
      await this.store.search.refresh(clip.id, clip.dim, {
        fingerprint,
        embedConcepts: async (texts) => void (await this.encoders.concepts(clip.id, texts, clip.dim)),
      });
      const vector = await this.encoders.query(clip.id, query);
      const result = await this.store.search.nearestNeuronsWithFingerprint(clip.id, clip.dim, vector, first, filter);
      this.lastFingerprint = result.fingerprint;
      if (result.fingerprint !== fingerprint && attempt < 2) {
        fingerprint = result.fingerprint;
        continue;
      }
      const found = minScore === undefined ? result.hits : result.hits.filter((h) => h.similarity >= minScore);
      return this.withRows(result.fingerprint, found);
    }
  }

  /** Each hit with its rows as of `fingerprint` (the runs fingerprint the search statement saw). */
  private async withRows(fingerprint: string, hits: NeuronHit[]): Promise<NeuronSearchHit[]> {
    // A fresh set when runs changed; a request in flight keeps the one it holds.
    if (this.hitRows?.fingerprint !== fingerprint) this.hitRows = new HitRows(fingerprint);
    const { layers, models, runs } = this.hitRows;
    // Steady state: every row is known and nothing is awaited.
    if (!hits.every((h) => layers.has(h.layerId) && models.has(h.modelId) && runs.has(h.runId))) {
      const store = this.store;
      await Promise.all([
        fill(layers, hits.map((h) => h.layerId), (ids) => store.models.layersByIds(ids)),
        fill(models, hits.map((h) => h.modelId), (ids) => store.models.byIds(ids)),
        fill(runs, hits.map((h) => h.runId), (ids) => store.runs.byIds(ids)),
      ]);
    }
    return hits.map((h) => {
      const layer = layers.get(h.layerId)?.row;
      const model = models.get(h.modelId)?.row;
      // Both are written before any run that labels them, and deleted only with it.
      if (!layer || !model) throw new Error(`search hit ${h.neuronId} points at a missing layer ${h.layerId} or model ${h.modelId}`);
      const run = runs.get(h.runId)?.row ?? null;
      return { similarity: h.similarity, neuronId: h.neuronId, unit: h.unit, layer, model, runId: h.runId, run, label: h.label, score: h.score };
    });
  }

  /** The `first` probe images nearest to `query`, in the probe set named `probeSet` (its latest) or any. */
  async images(query: string, first: number, probeSet?: string): Promise<ImageHit[]> {
    let probeSetId: number | undefined;
    if (probeSet) {
      probeSetId = await this.store.probeSets.latestIdByName(probeSet);
      if (probeSetId === undefined) throw new NotFoundError(`probe set ${probeSet} is not in the atlas`);
    }
    if (first === 0) return [];
    const clip = await this.clipOf(probeSetId === undefined ? {} : { probeSetId });
    const vector = await this.encoders.query(clip.id, query);
    return this.store.search.nearestImages(clip.id, clip.dim, vector, first, probeSetId);
  }

  /** The `first` probe images nearest to a label of a run (with `clipModelId`, else the default CLIP model). */
  async imagesNearLabel(label: string, clipModelId: number | null, first: number, probeSetId?: number): Promise<ImageHit[]> {
    const clip = clipModelId !== null ? await this.encoders.clipRow(clipModelId) : await this.clipOf({});
    if (!clip) return [];
    const { matrix } = await this.encoders.concepts(clip.id, [label], clip.dim);
    return this.store.search.nearestImages(clip.id, clip.dim, matrix.data, first, probeSetId);
  }

  /**
   * The `first` neurons a probe image activates most (raw activations), over the given models or
   * all, optionally only in layers named `layer`.
   */
  async neuronsOfImage(probeSetId: number, ordinal: number, first: number, modelIds?: number[], layer?: string): Promise<ImageNeuron[]> {
    const rows = await this.store.embeddings.ofImage(probeSetId, ordinal, modelIds);
    const names = layer ? new Map((await this.store.models.layersByIds([...new Set(rows.map((r) => r.layerId))])).map((l) => [l.id, l.name])) : undefined;
    const best: { layerId: number; modelId: number; unit: number; value: number }[] = [];
    for (const r of rows) {
      if (names && names.get(r.layerId) !== layer) continue;
      r.values.forEach((value, unit) => best.push({ layerId: r.layerId, modelId: r.modelId, unit, value }));
    }
    best.sort((x, y) => y.value - x.value || x.layerId - y.layerId || x.unit - y.unit);
    const top = best.slice(0, first);
    if (top.length === 0) return [];
    const idOf = await this.store.models.neuronIds(top);
    const runs = new Map<number, RunRow | null>();
    for (const layerId of new Set(top.map((t) => t.layerId))) runs.set(layerId, (await this.store.runs.defaultForLayer(layerId)) ?? null);
    return top.map((t) => ({
      activation: t.value,
      neuronId: idOf.get(`${t.layerId}:${t.unit}`)!,
      unit: t.unit,
      layerId: t.layerId,
      modelId: t.modelId,
      run: runs.get(t.layerId)!,
    }));
  }
}
