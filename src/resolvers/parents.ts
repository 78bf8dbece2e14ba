/** What each GraphQL object type's resolvers receive as their parent (codegen mappers). */
import type { ClipModelRow, ConceptSetRow, LayerInfo, ModelRow, ProbeSetRow, RunRow } from '../services/records.js';

export type ModelParent = ModelRow;
export type LayerParent = LayerInfo;
export type DissectionParent = RunRow;
export type ClipModelParent = ClipModelRow;
export type ProbeSetParent = ProbeSetRow;
export type ConceptSetParent = ConceptSetRow;

export interface NeuronParent {
  neuronId: number;
  unit: number;
  layer: LayerInfo;
  model: ModelRow;
  /** The run the labels come from, or null when no complete run covers the layer. */
  run: RunRow | null;
  /** Rank-0 label and score when already known (listing); otherwise loaded on demand. */
  label?: string | null;
  score?: number | null;
}

export interface NeuronConnectionParent {
  items: NeuronParent[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  run: RunRow | null;
  /** Counted only when the query asks for totalCount. */
  totalCount: () => Promise<number>;
}
