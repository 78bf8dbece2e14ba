/**
 * Semantic search over the atlas (the statements live in ../queries/search.ts): the refresh of
 * the search tables, nearest neurons by label, nearest probe images, and which CLIP model a scope
 * searches with.
 */
import { sql } from 'drizzle-orm';
import type { AtlasDb } from '../connection.js';
import { firstRow } from '../rows.js';
import {
  clipModelOfScope,
  nearestImages,
  nearestNeurons,
  nearestNeuronsWithFingerprint,
  refreshNeuronSearch,
  type ImageHit,
  type NeuronHit,
  type NeuronSearchFilter,
  type NeuronSearchResult,
  type RefreshHooks,
} from '../queries/search.js';

export type { ImageHit, NeuronHit, NeuronSearchFilter, NeuronSearchResult, RefreshHooks };

export class SearchRepository {
  constructor(private readonly db: AtlasDb) {}

  /**
   * Brings the neuron search tables of one CLIP model up to date. Cheap when nothing changed (one
   * small query); concurrent callers in this process share one refresh.
   */
  refresh(clipModelId: number, dim: number, hooks: RefreshHooks): Promise<void> {
    return refreshNeuronSearch(this.db, clipModelId, dim, hooks);
  }

  /** The `first` neurons whose label is nearest to `vector`; `exact` scans without the index (benchmark baseline). */
  nearestNeurons(
    clipModelId: number,
    dim: number,
    vector: ArrayLike<number>,
    first: number,
    filter: NeuronSearchFilter = {},
    opts: { exact?: boolean } = {},
  ): Promise<NeuronHit[]> {
    return nearestNeurons(this.db, clipModelId, dim, vector, first, filter, opts);
  }

  /** nearestNeurons and the runs fingerprint in one (prepared) statement. */
  nearestNeuronsWithFingerprint(
    clipModelId: number,
    dim: number,
    vector: ArrayLike<number>,
    first: number,
    filter: NeuronSearchFilter = {},
  ): Promise<NeuronSearchResult> {
    return nearestNeuronsWithFingerprint(this.db, clipModelId, dim, vector, first, filter);
  }

  /** The `first` probe images whose CLIP embedding is nearest to `vector`. */
  nearestImages(clipModelId: number, dim: number, vector: ArrayLike<number>, first: number, probeSetId?: number): Promise<ImageHit[]> {
    return nearestImages(this.db, clipModelId, dim, vector, first, probeSetId);
  }

  /** The CLIP model of the latest complete clip-dissect run in scope (models, a layer, a probe set), if any. */
  clipModelOfScope(filter: NeuronSearchFilter & { probeSetId?: number } = {}): Promise<number | undefined> {
    return clipModelOfScope(this.db, filter);
  }

  /** How many neurons are searchable under a CLIP model. */
  async searchableNeurons(clipModelId: number): Promise<number> {
    const res = await this.db.execute(sql`SELECT count(*)::int AS n FROM neuron_search WHERE clip_model_id = ${clipModelId}`);
    return firstRow(res, (r) => r.num('n')) ?? 0;
  }
}
