/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** CSV formats `importAtlas` reads. */
export type ImportFormat =
  /** CLIP-Dissect's `layer,unit,description,similarity` (units from 0). */
  | 'CLIP_DISSECT'
  /** MILAN's `layer,unit,description` (units from 0, no score). */
  | 'MILAN'
  /** Network Dissection's `unit,category,label,score,...` for one layer (units from 1; score is the IoU). */
  | 'NETDISSECT';

/** How a layer's output was reduced to one activation per unit and image. */
export type LayerKind =
  /** A 4-D (batch x channels x height x width) convolutional output: each channel is a unit, its spatial map averaged (or max-pooled) per image. */
  | 'conv'
  /** A 2-D (batch x features) output, used as is: each feature is a unit. */
  | 'dense'
  /** A transformer's token sequence: each unit is a feature of the class (CLS) token. */
  | 'token';

/** A model by name and, optionally, version. */
export type ModelRef = {
  /** The method whose latest complete run this side shows (clip-dissect, milan, netdissect, ...). */
  method?: string | null | undefined;
  /** The model's name. */
  name: string;
  /**
   * The run whose labels this side shows (an id of a complete run of this model covering the
   * layer); without it, the latest complete run of `method`, else the layer's default run (as
   * `neurons` chooses).
   */
  run?: string | number | null | undefined;
  /** The version; omitted: the most recently added version of `name`. */
  version?: string | null | undefined;
};

/** How `neurons` orders a layer's neurons. */
export type NeuronOrder =
  /** By the label's score, worst first (ties by unit). */
  | 'SCORE_ASC'
  /** By the label's score, best first (ties by unit). */
  | 'SCORE_DESC'
  /** By unit number. */
  | 'UNIT';

/** CLIP-Dissect's similarity functions between a neuron's activations and a concept's CLIP similarities over the probe images. */
export type SimilarityFunction =
  /** Cosine between the activation column and the concept's column over all images: -1 to 1. No parameters. */
  | 'COS_SIMILARITY'
  /** Cosine of the cubed, standardised columns: -1 to 1. Parameter: min_norm (1e-3). */
  | 'COS_SIMILARITY_CUBED'
  /** How well the concept reorders the neuron's top images by activation: negative error, at most 0. Parameters: top_fraction (0.05), p (3), scale_p (0.5). */
  | 'RANK_REORDER'
  /** Soft weighted pointwise mutual information (CLIP-Dissect's default and best): unbounded, higher is better. Parameters: top_k (100), a (10), lam (1), min_prob (1e-7), p_start (0.998), p_end (0.97). */
  | 'SOFT_WPMI'
  /** Weighted pointwise mutual information over the top_k images: unbounded. Parameters: top_k (28), a (2), lam (0.6), min_prob (1e-7). */
  | 'WPMI';

export type ModelsQueryVariables = Exact<{ [key: string]: never; }>;


export type ModelsQuery = { models: Array<{ name: string, version: string, layers: Array<{ name: string, kind: LayerKind, units: number }> }> };

export type LayerNeuronsQueryVariables = Exact<{
  model: string;
  version?: string | null | undefined;
  layer: string;
  first?: number | null | undefined;
  after?: string | null | undefined;
  labelContains?: string | null | undefined;
  run?: string | number | null | undefined;
  images?: number | null | undefined;
  orderBy?: NeuronOrder | null | undefined;
}>;


export type LayerNeuronsQuery = { neurons: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, run: { id: string, method: string } | null, edges: Array<{ node: { unit: number, label: string | null, score: number | null, confidence: number | null, topImages: Array<{ ordinal: number, uri: string | null, url: string | null, thumbnailUrl: string | null, activation: number }> } }> } };

export type NeuronQueryVariables = Exact<{
  model: string;
  version?: string | null | undefined;
  layer: string;
  unit: number;
  run?: string | number | null | undefined;
  labels?: number | null | undefined;
  images?: number | null | undefined;
}>;


export type NeuronQuery = { neuron: { id: string, unit: number, label: string | null, score: number | null, layer: { name: string, kind: LayerKind, units: number }, model: { name: string, version: string, dissections: Array<{ id: string, method: string, layers: Array<string>, finishedAt: string | null }> }, run: { id: string, method: string, similarity: string | null, finishedAt: string | null } | null, labels: Array<{ rank: number, text: string, score: number, confidence: number | null }>, topImages: Array<{ rank: number, ordinal: number, uri: string | null, url: string | null, thumbnailUrl: string | null, heatmapUrl: string | null, activation: number }> } | null };

export type NeuronNearQueryVariables = Exact<{
  model: string;
  version?: string | null | undefined;
  layer: string;
  unit: number;
  run?: string | number | null | undefined;
}>;


export type NeuronNearQuery = { neuron: { id: string, imagesNear: Array<{ similarity: number, image: { ordinal: number, uri: string, url: string, thumbnailUrl: string } }> } | null };

export type RunLabelQueryVariables = Exact<{
  model: string;
  version?: string | null | undefined;
  layer: string;
  unit: number;
  run: string | number;
}>;


export type RunLabelQuery = { neuron: { id: string, labels: Array<{ rank: number, text: string, score: number }> } | null };

export type SearchNeuronsQueryVariables = Exact<{
  query: string;
  first?: number | null | undefined;
  model?: string | null | undefined;
  version?: string | null | undefined;
  layer?: string | null | undefined;
  minScore?: number | null | undefined;
}>;


export type SearchNeuronsQuery = { searchNeurons: Array<{ similarity: number, neuron: { id: string, unit: number, label: string | null, score: number | null, layer: { name: string }, model: { name: string, version: string }, topImages: Array<{ ordinal: number, uri: string | null, url: string | null, thumbnailUrl: string | null, activation: number }> } }> };

export type SearchImagesQueryVariables = Exact<{
  query: string;
  first?: number | null | undefined;
  model?: string | null | undefined;
  version?: string | null | undefined;
  layer?: string | null | undefined;
}>;


export type SearchImagesQuery = { searchImages: Array<{ similarity: number, image: { ordinal: number, uri: string, url: string, thumbnailUrl: string, probeSet: { name: string }, topNeurons: Array<{ activation: number, neuron: { id: string, unit: number, label: string | null, layer: { name: string }, model: { name: string, version: string } } }> } }> };

export type RescoreQueryVariables = Exact<{
  model: string;
  version?: string | null | undefined;
  layer: string;
  concepts: Array<string> | string;
  function?: SimilarityFunction | null | undefined;
}>;


export type RescoreQuery = { rescore: { encodedConcepts: number, baseRun: { id: string, method: string }, units: Array<{ unit: number, label: string | null, score: number | null, previousLabel: string | null }> } };

export type SaveRescoreMutationVariables = Exact<{
  model: string;
  version?: string | null | undefined;
  layer: string;
  concepts: Array<string> | string;
  function?: SimilarityFunction | null | undefined;
  conceptSetName?: string | null | undefined;
}>;


export type SaveRescoreMutation = { saveRescore: { run: { id: string, method: string } } };

export type CompareQueryVariables = Exact<{
  a: ModelRef;
  b: ModelRef;
  layer: string;
}>;


export type CompareQuery = { compareModels: { matchedBy: string, agreement: number, meanLabelSimilarity: number | null, probeSet: { name: string } | null, a: { name: string, version: string }, b: { name: string, version: string }, matches: Array<{ unit: number, label: string | null, matchUnit: number, matchLabel: string | null, correlation: number | null, labelSimilarity: number | null, sameLabel: boolean }> } };

export type ImportAtlasMutationVariables = Exact<{
  format: ImportFormat;
  csv: string;
  model: string;
  version: string;
  layer?: string | null | undefined;
}>;


export type ImportAtlasMutation = { importAtlas: { labels: number, embeddedLabels: number, run: { id: string, method: string }, layers: Array<{ name: string, units: number, labelled: number, created: boolean }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ModelsDocument = new TypedDocumentString(`
    query Models {
  models {
    name
    version
    layers {
      name
      kind
      units
    }
  }
}
    `) as unknown as TypedDocumentString<ModelsQuery, ModelsQueryVariables>;
export const LayerNeuronsDocument = new TypedDocumentString(`
    query LayerNeurons($model: String!, $version: String, $layer: String!, $first: Int, $after: String, $labelContains: String, $run: ID, $images: Int, $orderBy: NeuronOrder) {
  neurons(
    model: $model
    version: $version
    layer: $layer
    first: $first
    after: $after
    labelContains: $labelContains
    run: $run
    orderBy: $orderBy
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    run {
      id
      method
    }
    edges {
      node {
        unit
        label
        score
        confidence
        topImages(first: $images) {
          ordinal
          uri
          url
          thumbnailUrl
          activation
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<LayerNeuronsQuery, LayerNeuronsQueryVariables>;
export const NeuronDocument = new TypedDocumentString(`
    query Neuron($model: String!, $version: String, $layer: String!, $unit: Int!, $run: ID, $labels: Int, $images: Int) {
  neuron(model: $model, version: $version, layer: $layer, unit: $unit, run: $run) {
    id
    unit
    label
    score
    layer {
      name
      kind
      units
    }
    model {
      name
      version
      dissections {
        id
        method
        layers
        finishedAt
      }
    }
    run {
      id
      method
      similarity
      finishedAt
    }
    labels(first: $labels) {
      rank
      text
      score
      confidence
    }
    topImages(first: $images) {
      rank
      ordinal
      uri
      url
      thumbnailUrl
      heatmapUrl
      activation
    }
  }
}
    `) as unknown as TypedDocumentString<NeuronQuery, NeuronQueryVariables>;
export const NeuronNearDocument = new TypedDocumentString(`
    query NeuronNear($model: String!, $version: String, $layer: String!, $unit: Int!, $run: ID) {
  neuron(model: $model, version: $version, layer: $layer, unit: $unit, run: $run) {
    id
    imagesNear(first: 10) {
      similarity
      image {
        ordinal
        uri
        url
        thumbnailUrl
      }
    }
  }
}
    `) as unknown as TypedDocumentString<NeuronNearQuery, NeuronNearQueryVariables>;
export const RunLabelDocument = new TypedDocumentString(`
    query RunLabel($model: String!, $version: String, $layer: String!, $unit: Int!, $run: ID!) {
  neuron(model: $model, version: $version, layer: $layer, unit: $unit, run: $run) {
    id
    labels(first: 3) {
      rank
      text
      score
    }
  }
}
    `) as unknown as TypedDocumentString<RunLabelQuery, RunLabelQueryVariables>;
export const SearchNeuronsDocument = new TypedDocumentString(`
    query SearchNeurons($query: String!, $first: Int, $model: String, $version: String, $layer: String, $minScore: Float) {
  searchNeurons(
    query: $query
    first: $first
    model: $model
    version: $version
    layer: $layer
    minScore: $minScore
  ) {
    similarity
    neuron {
      id
      unit
      label
      score
      layer {
        name
      }
      model {
        name
        version
      }
      topImages(first: 4) {
        ordinal
        uri
        url
        thumbnailUrl
        activation
      }
    }
  }
}
    `) as unknown as TypedDocumentString<SearchNeuronsQuery, SearchNeuronsQueryVariables>;
export const SearchImagesDocument = new TypedDocumentString(`
    query SearchImages($query: String!, $first: Int, $model: String, $version: String, $layer: String) {
  searchImages(query: $query, first: $first) {
    similarity
    image {
      ordinal
      uri
      url
      thumbnailUrl
      probeSet {
        name
      }
      topNeurons(first: 3, model: $model, version: $version, layer: $layer) {
        activation
        neuron {
          id
          unit
          label
          layer {
            name
          }
          model {
            name
            version
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<SearchImagesQuery, SearchImagesQueryVariables>;
export const RescoreDocument = new TypedDocumentString(`
    query Rescore($model: String!, $version: String, $layer: String!, $concepts: [String!]!, $function: SimilarityFunction) {
  rescore(
    model: $model
    version: $version
    layer: $layer
    concepts: $concepts
    function: $function
  ) {
    encodedConcepts
    baseRun {
      id
      method
    }
    units {
      unit
      label
      score
      previousLabel
    }
  }
}
    `) as unknown as TypedDocumentString<RescoreQuery, RescoreQueryVariables>;
export const SaveRescoreDocument = new TypedDocumentString(`
    mutation SaveRescore($model: String!, $version: String, $layer: String!, $concepts: [String!]!, $function: SimilarityFunction, $conceptSetName: String) {
  saveRescore(
    model: $model
    version: $version
    layer: $layer
    concepts: $concepts
    function: $function
    conceptSetName: $conceptSetName
  ) {
    run {
      id
      method
    }
  }
}
    `) as unknown as TypedDocumentString<SaveRescoreMutation, SaveRescoreMutationVariables>;
export const CompareDocument = new TypedDocumentString(`
    query Compare($a: ModelRef!, $b: ModelRef!, $layer: String!) {
  compareModels(a: $a, b: $b, layer: $layer) {
    matchedBy
    agreement
    meanLabelSimilarity
    probeSet {
      name
    }
    a {
      name
      version
    }
    b {
      name
      version
    }
    matches {
      unit
      label
      matchUnit
      matchLabel
      correlation
      labelSimilarity
      sameLabel
    }
  }
}
    `) as unknown as TypedDocumentString<CompareQuery, CompareQueryVariables>;
export const ImportAtlasDocument = new TypedDocumentString(`
    mutation ImportAtlas($format: ImportFormat!, $csv: String!, $model: String!, $version: String!, $layer: String) {
  importAtlas(
    format: $format
    csv: $csv
    model: $model
    version: $version
    layer: $layer
  ) {
    run {
      id
      method
    }
    labels
    embeddedLabels
    layers {
      name
      units
      labelled
      created
    }
  }
}
    `) as unknown as TypedDocumentString<ImportAtlasMutation, ImportAtlasMutationVariables>;