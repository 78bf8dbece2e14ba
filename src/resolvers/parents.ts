/** What each GraphQL object type's resolvers receive as their parent (codegen mappers). */
import type { NeuronView } from '../services/browse.js';
import type { NeuronStats } from '../services/neuron-stats.js';
import type { ClipModelRow, ConceptSetRow, LayerInfo, ModelRow, ProbeSetRow, RunRow } from '../services/records.js';

export type ModelParent = ModelRow;
export type LayerParent = LayerInfo;
export type DissectionParent = RunRow;
export type ClipModelParent = ClipModelRow;
export type ProbeSetParent = ProbeSetRow;
export type ConceptSetParent = ConceptSetRow;

/** A neuron with its rows and the run its labels come from (as the browse and search services give it). */
export type NeuronParent = NeuronView;

export interface NeuronConnectionParent {
  model: ModelRow;
  layer: LayerInfo;
  /** Cursors of a page ordered by score carry the score. */
  byScore: boolean;
  items: NeuronParent[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  run: RunRow | null;
  /** Counted only when the query asks for totalCount. */
  totalCount: () => Promise<number>;
}

/** A neuron's activation statistics (the sorted values along, for quantiles and histograms). */
export type NeuronStatsParent = NeuronStats;
