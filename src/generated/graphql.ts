import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ModelParent, LayerParent, NeuronParent, NeuronConnectionParent, DissectionParent, ClipModelParent, ProbeSetParent, ConceptSetParent } from '../resolvers/parents.js';
import type { ProbeImageParent } from '../resolvers/queries/parents.js';
import type { AtlasContext } from '../resolvers/context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  DateTime: { input: Date; output: Date; }
  JSON: { input: unknown; output: unknown; }
};

/** A cancelled queued dissection. */
export type CancelledDissection = {
  __typename?: 'CancelledDissection';
  /** The run's id. */
  id: Scalars['ID']['output'];
  /** Its status when cancelled. */
  status: RunStatus;
};

export type ClipModel = {
  __typename?: 'ClipModel';
  dim: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

export type ConceptSet = {
  __typename?: 'ConceptSet';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  size: Scalars['Int']['output'];
};

export type DeletedRun = {
  __typename?: 'DeletedRun';
  id: Scalars['ID']['output'];
  method: Scalars['String']['output'];
  status: RunStatus;
};

export type Dissection = {
  __typename?: 'Dissection';
  clipModel?: Maybe<ClipModel>;
  conceptSet?: Maybe<ConceptSet>;
  device?: Maybe<Scalars['String']['output']>;
  error?: Maybe<Scalars['String']['output']>;
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /** Names of the layers this run labelled. */
  layers: Array<Scalars['String']['output']>;
  method: Scalars['String']['output'];
  model: Model;
  params: Scalars['JSON']['output'];
  pool?: Maybe<Scalars['String']['output']>;
  probeSet?: Maybe<ProbeSet>;
  /** Progress of a queued dissection; null for runs made in one process. */
  progress?: Maybe<DissectionProgress>;
  similarity?: Maybe<Scalars['String']['output']>;
  startedAt: Scalars['DateTime']['output'];
  status: RunStatus;
  /** Seconds per phase, as the engine recorded them. */
  timings?: Maybe<Scalars['JSON']['output']>;
  /** Workers that took shards of a queued dissection (empty for runs made in one process). */
  workers: Array<DissectionWorker>;
};

/** How far a queued dissection has come. */
export type DissectionProgress = {
  __typename?: 'DissectionProgress';
  /** Probe images of the run. */
  images: Scalars['Int']['output'];
  /** Probe images in the written shards. */
  imagesDone: Scalars['Int']['output'];
  /** Images per second over the shards so far (all workers together). */
  imagesPerSecond: Scalars['Float']['output'];
  /** Layers scored. */
  layersDone: Scalars['Int']['output'];
  /** Layers of the run. */
  layersTotal: Scalars['Int']['output'];
  /** Shards written. */
  shardsDone: Scalars['Int']['output'];
  /** Shards of the run (0 when every embedding and activation was cached already). */
  shardsTotal: Scalars['Int']['output'];
  /** Where the run is: QUEUED (no shard taken yet), RUNNING (shards), SCORING, COMPLETE or FAILED. */
  stage: Scalars['String']['output'];
};

/** A worker that took shards of a queued dissection. */
export type DissectionWorker = {
  __typename?: 'DissectionWorker';
  /** Whether it holds a shard not yet written (a worker that died shows until its shard expires). */
  active: Scalars['Boolean']['output'];
  /** Which process: pid, host and device. */
  name: Scalars['String']['output'];
  /** Shards it wrote. */
  shardsDone: Scalars['Int']['output'];
};

export enum ExportFormat {
  ClipDissect = 'clip-dissect',
  Json = 'json',
  Milan = 'milan',
  Netdissect = 'netdissect'
}

export type ImageHit = {
  __typename?: 'ImageHit';
  image: ProbeImage;
  similarity: Scalars['Float']['output'];
};

export enum ImportFormat {
  ClipDissect = 'clip-dissect',
  Milan = 'milan',
  Netdissect = 'netdissect'
}

export type ImportResult = {
  __typename?: 'ImportResult';
  /** Neurons searchable (label with a text embedding) under the configured CLIP model (ATLAS_CLIP) after the import; 0 when none is configured. */
  embeddedLabels: Scalars['Int']['output'];
  labels: Scalars['Int']['output'];
  layers: Array<ImportedLayer>;
  model: Model;
  run: Dissection;
};

export type ImportedLayer = {
  __typename?: 'ImportedLayer';
  created: Scalars['Boolean']['output'];
  labelled: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  units: Scalars['Int']['output'];
};

export type LabelScore = {
  __typename?: 'LabelScore';
  conceptId: Scalars['ID']['output'];
  rank: Scalars['Int']['output'];
  score: Scalars['Float']['output'];
  text: Scalars['String']['output'];
};

export type Layer = {
  __typename?: 'Layer';
  kind: LayerKind;
  name: Scalars['String']['output'];
  /** Position in the model's layer order. */
  position: Scalars['Int']['output'];
  units: Scalars['Int']['output'];
};

export enum LayerKind {
  Conv = 'conv',
  Dense = 'dense',
  Token = 'token'
}

export type Model = {
  __typename?: 'Model';
  createdAt: Scalars['DateTime']['output'];
  /** Complete runs on this model, newest first. */
  dissections: Array<Dissection>;
  fileHash: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  inputSpec: Scalars['JSON']['output'];
  layer?: Maybe<Layer>;
  layers: Array<Layer>;
  name: Scalars['String']['output'];
  source?: Maybe<Scalars['String']['output']>;
  version: Scalars['String']['output'];
};


export type ModelLayerArgs = {
  name: Scalars['String']['input'];
};

export type ModelComparison = {
  __typename?: 'ModelComparison';
  a: Model;
  /** Share of matched neurons of `a` whose match in `b` has the same label. */
  agreement: Scalars['Float']['output'];
  b: Model;
  /** Matches whose labels differ. */
  changed: Array<NeuronMatch>;
  layer: Scalars['String']['output'];
  /** How neurons were matched: ACTIVATION_CORRELATION or UNIT_INDEX. */
  matchedBy: Scalars['String']['output'];
  matches: Array<NeuronMatch>;
  /** Mean cosine similarity of matched labels' CLIP text embeddings (null without embeddings). */
  meanLabelSimilarity?: Maybe<Scalars['Float']['output']>;
  /** The probe set the correlations are over (null when matched by unit). */
  probeSet?: Maybe<ProbeSet>;
};

export type ModelRef = {
  name: Scalars['String']['input'];
  version?: InputMaybe<Scalars['String']['input']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Cancels a queued dissection that is not complete: its jobs stop and its partial rows are removed.
   * NOT_FOUND when no queued run has that id.
   */
  cancelDissection: CancelledDissection;
  /**
   * Deletes a complete or failed run with its labels and top images; its layers then show their next
   * run (and search follows). NOT_FOUND for an unknown id; a run still being written is refused.
   */
  deleteRun: DeletedRun;
  /**
   * Stores an atlas made by another tool (CSV text) as a complete run of that method. The model and
   * layers are created when absent. Network Dissection files hold one layer: `layer` is required.
   */
  importAtlas: ImportResult;
  /** Runs `rescore` and stores it as a new complete clip-dissect run. */
  saveRescore: SavedRescore;
  /**
   * Submits a dissection to the job queue instead of running it: the probe set is split into shards,
   * which `atlas worker` processes compute; once every shard is in, each layer is scored and the run
   * completes. Needs a Postgres server (BAD_USER_INPUT on the embedded database), the API key, and the
   * files at these locations on the server as on every worker (content hashes are checked).
   */
  startDissection: Dissection;
};


export type MutationCancelDissectionArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteRunArgs = {
  id: Scalars['ID']['input'];
};


export type MutationImportAtlasArgs = {
  csv: Scalars['String']['input'];
  format: ImportFormat;
  layer?: InputMaybe<Scalars['String']['input']>;
  model: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


export type MutationSaveRescoreArgs = {
  conceptSetName?: InputMaybe<Scalars['String']['input']>;
  concepts: Array<Scalars['String']['input']>;
  function?: InputMaybe<SimilarityFunction>;
  layer: Scalars['String']['input'];
  model: Scalars['String']['input'];
  params?: InputMaybe<Scalars['JSON']['input']>;
  version?: InputMaybe<Scalars['String']['input']>;
};


export type MutationStartDissectionArgs = {
  input: StartDissectionInput;
};

export type Neuron = {
  __typename?: 'Neuron';
  /** `model@version/layer/unit` */
  id: Scalars['ID']['output'];
  /** Probe images whose CLIP embedding is nearest to this neuron's label embedding. */
  imagesNear: Array<ImageHit>;
  /** The best label (rank 0) of the selected run; null when no run covers the layer. */
  label?: Maybe<Scalars['String']['output']>;
  /** Best labels first, with scores (rank 0 is `label`). */
  labels: Array<LabelScore>;
  layer: Layer;
  model: Model;
  /** The run that produced these labels. */
  run?: Maybe<Dissection>;
  score?: Maybe<Scalars['Float']['output']>;
  /** Most activating probe images first. */
  topImages: Array<TopImage>;
  unit: Scalars['Int']['output'];
};


export type NeuronImagesNearArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type NeuronLabelsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type NeuronTopImagesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type NeuronActivation = {
  __typename?: 'NeuronActivation';
  activation: Scalars['Float']['output'];
  neuron: Neuron;
};

export type NeuronConnection = {
  __typename?: 'NeuronConnection';
  edges: Array<NeuronEdge>;
  pageInfo: PageInfo;
  /** The run the labels come from (null when no complete run covers the layer). */
  run?: Maybe<Dissection>;
  /** Neurons matching the filter (all pages). */
  totalCount: Scalars['Int']['output'];
};

export type NeuronEdge = {
  __typename?: 'NeuronEdge';
  cursor: Scalars['String']['output'];
  node: Neuron;
};

export type NeuronHit = {
  __typename?: 'NeuronHit';
  neuron: Neuron;
  /** Cosine similarity between the query and the neuron's label (1 = same direction). */
  similarity: Scalars['Float']['output'];
};

export type NeuronMatch = {
  __typename?: 'NeuronMatch';
  /** Pearson correlation of the two neurons' activations (null when matched by unit). */
  correlation?: Maybe<Scalars['Float']['output']>;
  label?: Maybe<Scalars['String']['output']>;
  /** Cosine similarity of the two labels' CLIP text embeddings (null without embeddings). */
  labelSimilarity?: Maybe<Scalars['Float']['output']>;
  matchLabel?: Maybe<Scalars['String']['output']>;
  matchUnit: Scalars['Int']['output'];
  sameLabel: Scalars['Boolean']['output'];
  unit: Scalars['Int']['output'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type ProbeImage = {
  __typename?: 'ProbeImage';
  ordinal: Scalars['Int']['output'];
  probeSet: ProbeSet;
  /** Neurons with the highest stored activation for this image (raw values; per model when given). */
  topNeurons: Array<NeuronActivation>;
  /** File path, URL, or `toy:SEED/INDEX`. */
  uri: Scalars['String']['output'];
};


export type ProbeImageTopNeuronsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  layer?: InputMaybe<Scalars['String']['input']>;
  model?: InputMaybe<Scalars['String']['input']>;
  version?: InputMaybe<Scalars['String']['input']>;
};

export type ProbeSet = {
  __typename?: 'ProbeSet';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  recipe: Scalars['JSON']['output'];
  size: Scalars['Int']['output'];
};

/**
 * The neuron atlas: what every neuron of a vision network responds to, as labelled by dissection
 * runs (CLIP-Dissect or imported tools). Only complete runs are visible.
 */
export type Query = {
  __typename?: 'Query';
  /**
   * Matches every neuron of `a`'s layer to a neuron of `b`'s by activation correlation over a probe
   * set both have (Pearson over images; by unit when they share none), and compares their labels.
   */
  compareModels: ModelComparison;
  /**
   * One complete run by id; also a queued run (`startDissection`, `atlas dissect --queue`) while it
   * runs or after it failed, with its `progress` and `workers` (its labels appear when it completes).
   */
  dissection?: Maybe<Dissection>;
  /** Dissection runs, newest first (complete ones unless `status` says otherwise; running ones are never shown). */
  dissections: Array<Dissection>;
  /**
   * A model's labels, as a file other tools read (the same as `atlas export`): per layer the run
   * `neurons` shows (latest complete clip-dissect run, else the latest complete run), or `method`'s
   * latest, or one `run`. CLIP_DISSECT (`layer,unit,description,similarity`) and MILAN
   * (`layer,unit,description`) hold every layer, NETDISSECT one (name it in `layers`; units from 1);
   * each reads back through `importAtlas`. JSON gives each neuron's top `topN` labels with scores,
   * its `topImages` most activating probe images when asked, and each layer's run.
   */
  exportAtlas: Scalars['String']['output'];
  /** One model; without a version, the most recently added version of that name. NOT_FOUND when absent. */
  model?: Maybe<Model>;
  /** Every target model in the atlas. */
  models: Array<Model>;
  /** One neuron with its label, alternatives and top images (same run selection as `neurons`). */
  neuron?: Maybe<Neuron>;
  /**
   * A layer's neurons by unit, as a Relay connection. Labels come from `run` (an id), else the latest
   * complete run of `method`, else the latest complete clip-dissect run, else the latest complete run.
   * `labelContains` keeps neurons whose label contains the text (case-insensitive).
   */
  neurons: NeuronConnection;
  /**
   * New labels for a whole layer from the stored image embeddings and activations, with new
   * concepts (text-encoded once, then cached) and any similarity function. Nothing is stored.
   */
  rescore: Rescore;
  /** Probe images whose CLIP embedding is nearest to `query`'s text embedding. */
  searchImages: Array<ImageHit>;
  /**
   * Neurons whose label means something close to `query`: the query is embedded with the CLIP text
   * encoder of the runs searched (cached) and compared with each neuron's label embedding (cosine,
   * HNSW index). Labels are those each layer shows by default. `minScore` drops hits whose
   * similarity is below it.
   */
  searchNeurons: Array<NeuronHit>;
};


/**
 * The neuron atlas: what every neuron of a vision network responds to, as labelled by dissection
 * runs (CLIP-Dissect or imported tools). Only complete runs are visible.
 */
export type QueryCompareModelsArgs = {
  a: ModelRef;
  b: ModelRef;
  layer: Scalars['String']['input'];
};


/**
 * The neuron atlas: what every neuron of a vision network responds to, as labelled by dissection
 * runs (CLIP-Dissect or imported tools). Only complete runs are visible.
 */
export type QueryDissectionArgs = {
  id: Scalars['ID']['input'];
};


/**
 * The neuron atlas: what every neuron of a vision network responds to, as labelled by dissection
 * runs (CLIP-Dissect or imported tools). Only complete runs are visible.
 */
export type QueryDissectionsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  method?: InputMaybe<Scalars['String']['input']>;
  model?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<RunStatus>;
  version?: InputMaybe<Scalars['String']['input']>;
};


/**
 * The neuron atlas: what every neuron of a vision network responds to, as labelled by dissection
 * runs (CLIP-Dissect or imported tools). Only complete runs are visible.
 */
export type QueryExportAtlasArgs = {
  format?: InputMaybe<ExportFormat>;
  layers?: InputMaybe<Array<Scalars['String']['input']>>;
  method?: InputMaybe<Scalars['String']['input']>;
  model: Scalars['String']['input'];
  run?: InputMaybe<Scalars['ID']['input']>;
  topImages?: InputMaybe<Scalars['Int']['input']>;
  topN?: InputMaybe<Scalars['Int']['input']>;
  version?: InputMaybe<Scalars['String']['input']>;
};


/**
 * The neuron atlas: what every neuron of a vision network responds to, as labelled by dissection
 * runs (CLIP-Dissect or imported tools). Only complete runs are visible.
 */
export type QueryModelArgs = {
  name: Scalars['String']['input'];
  version?: InputMaybe<Scalars['String']['input']>;
};


/**
 * The neuron atlas: what every neuron of a vision network responds to, as labelled by dissection
 * runs (CLIP-Dissect or imported tools). Only complete runs are visible.
 */
export type QueryNeuronArgs = {
  layer: Scalars['String']['input'];
  method?: InputMaybe<Scalars['String']['input']>;
  model: Scalars['String']['input'];
  run?: InputMaybe<Scalars['ID']['input']>;
  unit: Scalars['Int']['input'];
  version?: InputMaybe<Scalars['String']['input']>;
};


/**
 * The neuron atlas: what every neuron of a vision network responds to, as labelled by dissection
 * runs (CLIP-Dissect or imported tools). Only complete runs are visible.
 */
export type QueryNeuronsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  labelContains?: InputMaybe<Scalars['String']['input']>;
  layer: Scalars['String']['input'];
  method?: InputMaybe<Scalars['String']['input']>;
  model: Scalars['String']['input'];
  run?: InputMaybe<Scalars['ID']['input']>;
  version?: InputMaybe<Scalars['String']['input']>;
};


/**
 * The neuron atlas: what every neuron of a vision network responds to, as labelled by dissection
 * runs (CLIP-Dissect or imported tools). Only complete runs are visible.
 */
export type QueryRescoreArgs = {
  concepts: Array<Scalars['String']['input']>;
  function?: InputMaybe<SimilarityFunction>;
  layer: Scalars['String']['input'];
  model: Scalars['String']['input'];
  params?: InputMaybe<Scalars['JSON']['input']>;
  version?: InputMaybe<Scalars['String']['input']>;
};


/**
 * The neuron atlas: what every neuron of a vision network responds to, as labelled by dissection
 * runs (CLIP-Dissect or imported tools). Only complete runs are visible.
 */
export type QuerySearchImagesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  probeSet?: InputMaybe<Scalars['String']['input']>;
  query: Scalars['String']['input'];
};


/**
 * The neuron atlas: what every neuron of a vision network responds to, as labelled by dissection
 * runs (CLIP-Dissect or imported tools). Only complete runs are visible.
 */
export type QuerySearchNeuronsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  layer?: InputMaybe<Scalars['String']['input']>;
  minScore?: InputMaybe<Scalars['Float']['input']>;
  model?: InputMaybe<Scalars['String']['input']>;
  query: Scalars['String']['input'];
  version?: InputMaybe<Scalars['String']['input']>;
};

export type Rescore = {
  __typename?: 'Rescore';
  /** The run whose probe set, CLIP model and labels (`previousLabel`) were used. */
  baseRun: Dissection;
  /** How many concepts were new and text-encoded now (the rest came from the cache). */
  encodedConcepts: Scalars['Int']['output'];
  function: SimilarityFunction;
  layer: Layer;
  model: Model;
  params: Scalars['JSON']['output'];
  /** Seconds: load, encode, score. */
  timings: Scalars['JSON']['output'];
  units: Array<RescoredUnit>;
};

export type RescoredUnit = {
  __typename?: 'RescoredUnit';
  label: Scalars['String']['output'];
  previousLabel?: Maybe<Scalars['String']['output']>;
  score: Scalars['Float']['output'];
  unit: Scalars['Int']['output'];
};

export enum RunStatus {
  Complete = 'complete',
  Failed = 'failed',
  Running = 'running'
}

export type SavedRescore = {
  __typename?: 'SavedRescore';
  rescore: Rescore;
  run: Dissection;
};

export enum SimilarityFunction {
  CosSimilarity = 'cos_similarity',
  CosSimilarityCubed = 'cos_similarity_cubed',
  RankReorder = 'rank_reorder',
  SoftWpmi = 'soft_wpmi',
  Wpmi = 'wpmi'
}

/** What `startDissection` runs (the options of `atlas dissect`). */
export type StartDissectionInput = {
  /** CLIP in the Hugging Face ONNX layout: a folder or hf:ORG/NAME. */
  clip: Scalars['String']['input'];
  /** Concept file or builtin:NAME. */
  concepts: Scalars['String']['input'];
  /** Similarity function. */
  function?: InputMaybe<SimilarityFunction>;
  /** Module paths of the layers to label. */
  layers: Array<Scalars['String']['input']>;
  /** Target network (.onnx), as a path every worker reaches. */
  model: Scalars['String']['input'];
  /** Model name in the atlas (default: the file name). */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Similarity parameters. */
  params?: InputMaybe<Scalars['JSON']['input']>;
  /** Probe images: a folder, a list file or toy:N:SEED. */
  probe: Scalars['String']['input'];
  /** Images per shard job (rounded up to whole batches of 32). */
  shardSize?: InputMaybe<Scalars['Int']['input']>;
  /** Seconds a worker may hold a job before another one retries it. */
  shardTimeout?: InputMaybe<Scalars['Int']['input']>;
  /** Model version in the atlas (default: the start of the file hash). */
  version?: InputMaybe<Scalars['String']['input']>;
};

export type TopImage = {
  __typename?: 'TopImage';
  activation: Scalars['Float']['output'];
  ordinal: Scalars['Int']['output'];
  rank: Scalars['Int']['output'];
  /** File path, URL, or `toy:SEED/INDEX` for generated images. */
  uri?: Maybe<Scalars['String']['output']>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CancelledDissection: ResolverTypeWrapper<CancelledDissection>;
  ClipModel: ResolverTypeWrapper<ClipModelParent>;
  ConceptSet: ResolverTypeWrapper<ConceptSetParent>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DeletedRun: ResolverTypeWrapper<DeletedRun>;
  Dissection: ResolverTypeWrapper<DissectionParent>;
  DissectionProgress: ResolverTypeWrapper<DissectionProgress>;
  DissectionWorker: ResolverTypeWrapper<DissectionWorker>;
  ExportFormat: null;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  ImageHit: ResolverTypeWrapper<Omit<ImageHit, 'image'> & { image: ResolversTypes['ProbeImage'] }>;
  ImportFormat: null;
  ImportResult: ResolverTypeWrapper<Omit<ImportResult, 'model' | 'run'> & { model: ResolversTypes['Model'], run: ResolversTypes['Dissection'] }>;
  ImportedLayer: ResolverTypeWrapper<ImportedLayer>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  LabelScore: ResolverTypeWrapper<LabelScore>;
  Layer: ResolverTypeWrapper<LayerParent>;
  LayerKind: null;
  Model: ResolverTypeWrapper<ModelParent>;
  ModelComparison: ResolverTypeWrapper<Omit<ModelComparison, 'a' | 'b' | 'probeSet'> & { a: ResolversTypes['Model'], b: ResolversTypes['Model'], probeSet?: Maybe<ResolversTypes['ProbeSet']> }>;
  ModelRef: ModelRef;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Neuron: ResolverTypeWrapper<NeuronParent>;
  NeuronActivation: ResolverTypeWrapper<Omit<NeuronActivation, 'neuron'> & { neuron: ResolversTypes['Neuron'] }>;
  NeuronConnection: ResolverTypeWrapper<NeuronConnectionParent>;
  NeuronEdge: ResolverTypeWrapper<Omit<NeuronEdge, 'node'> & { node: ResolversTypes['Neuron'] }>;
  NeuronHit: ResolverTypeWrapper<Omit<NeuronHit, 'neuron'> & { neuron: ResolversTypes['Neuron'] }>;
  NeuronMatch: ResolverTypeWrapper<NeuronMatch>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  ProbeImage: ResolverTypeWrapper<ProbeImageParent>;
  ProbeSet: ResolverTypeWrapper<ProbeSetParent>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Rescore: ResolverTypeWrapper<Omit<Rescore, 'baseRun' | 'layer' | 'model'> & { baseRun: ResolversTypes['Dissection'], layer: ResolversTypes['Layer'], model: ResolversTypes['Model'] }>;
  RescoredUnit: ResolverTypeWrapper<RescoredUnit>;
  RunStatus: null;
  SavedRescore: ResolverTypeWrapper<Omit<SavedRescore, 'rescore' | 'run'> & { rescore: ResolversTypes['Rescore'], run: ResolversTypes['Dissection'] }>;
  SimilarityFunction: null;
  StartDissectionInput: StartDissectionInput;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  TopImage: ResolverTypeWrapper<TopImage>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Boolean: Scalars['Boolean']['output'];
  CancelledDissection: CancelledDissection;
  ClipModel: ClipModelParent;
  ConceptSet: ConceptSetParent;
  DateTime: Scalars['DateTime']['output'];
  DeletedRun: DeletedRun;
  Dissection: DissectionParent;
  DissectionProgress: DissectionProgress;
  DissectionWorker: DissectionWorker;
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  ImageHit: Omit<ImageHit, 'image'> & { image: ResolversParentTypes['ProbeImage'] };
  ImportResult: Omit<ImportResult, 'model' | 'run'> & { model: ResolversParentTypes['Model'], run: ResolversParentTypes['Dissection'] };
  ImportedLayer: ImportedLayer;
  Int: Scalars['Int']['output'];
  JSON: Scalars['JSON']['output'];
  LabelScore: LabelScore;
  Layer: LayerParent;
  Model: ModelParent;
  ModelComparison: Omit<ModelComparison, 'a' | 'b' | 'probeSet'> & { a: ResolversParentTypes['Model'], b: ResolversParentTypes['Model'], probeSet?: Maybe<ResolversParentTypes['ProbeSet']> };
  ModelRef: ModelRef;
  Mutation: Record<PropertyKey, never>;
  Neuron: NeuronParent;
  NeuronActivation: Omit<NeuronActivation, 'neuron'> & { neuron: ResolversParentTypes['Neuron'] };
  NeuronConnection: NeuronConnectionParent;
  NeuronEdge: Omit<NeuronEdge, 'node'> & { node: ResolversParentTypes['Neuron'] };
  NeuronHit: Omit<NeuronHit, 'neuron'> & { neuron: ResolversParentTypes['Neuron'] };
  NeuronMatch: NeuronMatch;
  PageInfo: PageInfo;
  ProbeImage: ProbeImageParent;
  ProbeSet: ProbeSetParent;
  Query: Record<PropertyKey, never>;
  Rescore: Omit<Rescore, 'baseRun' | 'layer' | 'model'> & { baseRun: ResolversParentTypes['Dissection'], layer: ResolversParentTypes['Layer'], model: ResolversParentTypes['Model'] };
  RescoredUnit: RescoredUnit;
  SavedRescore: Omit<SavedRescore, 'rescore' | 'run'> & { rescore: ResolversParentTypes['Rescore'], run: ResolversParentTypes['Dissection'] };
  StartDissectionInput: StartDissectionInput;
  String: Scalars['String']['output'];
  TopImage: TopImage;
}>;

export type CancelledDissectionResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['CancelledDissection'] = ResolversParentTypes['CancelledDissection']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RunStatus'], ParentType, ContextType>;
}>;

export type ClipModelResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['ClipModel'] = ResolversParentTypes['ClipModel']> = ResolversObject<{
  dim?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type ConceptSetResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['ConceptSet'] = ResolversParentTypes['ConceptSet']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeletedRunResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['DeletedRun'] = ResolversParentTypes['DeletedRun']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  method?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RunStatus'], ParentType, ContextType>;
}>;

export type DissectionResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Dissection'] = ResolversParentTypes['Dissection']> = ResolversObject<{
  clipModel?: Resolver<Maybe<ResolversTypes['ClipModel']>, ParentType, ContextType>;
  conceptSet?: Resolver<Maybe<ResolversTypes['ConceptSet']>, ParentType, ContextType>;
  device?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  finishedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  layers?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  method?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  model?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
  params?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  pool?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  probeSet?: Resolver<Maybe<ResolversTypes['ProbeSet']>, ParentType, ContextType>;
  progress?: Resolver<Maybe<ResolversTypes['DissectionProgress']>, ParentType, ContextType>;
  similarity?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  startedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RunStatus'], ParentType, ContextType>;
  timings?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  workers?: Resolver<Array<ResolversTypes['DissectionWorker']>, ParentType, ContextType>;
}>;

export type DissectionProgressResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['DissectionProgress'] = ResolversParentTypes['DissectionProgress']> = ResolversObject<{
  images?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  imagesDone?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  imagesPerSecond?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  layersDone?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  layersTotal?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  shardsDone?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  shardsTotal?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  stage?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type DissectionWorkerResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['DissectionWorker'] = ResolversParentTypes['DissectionWorker']> = ResolversObject<{
  active?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  shardsDone?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ExportFormatResolvers = { CLIP_DISSECT: 'clip-dissect', JSON: 'json', MILAN: 'milan', NETDISSECT: 'netdissect' };

export type ImageHitResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['ImageHit'] = ResolversParentTypes['ImageHit']> = ResolversObject<{
  image?: Resolver<ResolversTypes['ProbeImage'], ParentType, ContextType>;
  similarity?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type ImportFormatResolvers = { CLIP_DISSECT: 'clip-dissect', MILAN: 'milan', NETDISSECT: 'netdissect' };

export type ImportResultResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['ImportResult'] = ResolversParentTypes['ImportResult']> = ResolversObject<{
  embeddedLabels?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  labels?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  layers?: Resolver<Array<ResolversTypes['ImportedLayer']>, ParentType, ContextType>;
  model?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
  run?: Resolver<ResolversTypes['Dissection'], ParentType, ContextType>;
}>;

export type ImportedLayerResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['ImportedLayer'] = ResolversParentTypes['ImportedLayer']> = ResolversObject<{
  created?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  labelled?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  units?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type LabelScoreResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['LabelScore'] = ResolversParentTypes['LabelScore']> = ResolversObject<{
  conceptId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  rank?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type LayerResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Layer'] = ResolversParentTypes['Layer']> = ResolversObject<{
  kind?: Resolver<ResolversTypes['LayerKind'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  units?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type LayerKindResolvers = { conv: 'conv', dense: 'dense', token: 'token' };

export type ModelResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Model'] = ResolversParentTypes['Model']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  dissections?: Resolver<Array<ResolversTypes['Dissection']>, ParentType, ContextType>;
  fileHash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  inputSpec?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  layer?: Resolver<Maybe<ResolversTypes['Layer']>, ParentType, ContextType, RequireFields<ModelLayerArgs, 'name'>>;
  layers?: Resolver<Array<ResolversTypes['Layer']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  source?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type ModelComparisonResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['ModelComparison'] = ResolversParentTypes['ModelComparison']> = ResolversObject<{
  a?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
  agreement?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  b?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
  changed?: Resolver<Array<ResolversTypes['NeuronMatch']>, ParentType, ContextType>;
  layer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  matchedBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  matches?: Resolver<Array<ResolversTypes['NeuronMatch']>, ParentType, ContextType>;
  meanLabelSimilarity?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  probeSet?: Resolver<Maybe<ResolversTypes['ProbeSet']>, ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  cancelDissection?: Resolver<ResolversTypes['CancelledDissection'], ParentType, ContextType, RequireFields<MutationCancelDissectionArgs, 'id'>>;
  deleteRun?: Resolver<ResolversTypes['DeletedRun'], ParentType, ContextType, RequireFields<MutationDeleteRunArgs, 'id'>>;
  importAtlas?: Resolver<ResolversTypes['ImportResult'], ParentType, ContextType, RequireFields<MutationImportAtlasArgs, 'csv' | 'format' | 'model' | 'version'>>;
  saveRescore?: Resolver<ResolversTypes['SavedRescore'], ParentType, ContextType, RequireFields<MutationSaveRescoreArgs, 'concepts' | 'function' | 'layer' | 'model'>>;
  startDissection?: Resolver<ResolversTypes['Dissection'], ParentType, ContextType, RequireFields<MutationStartDissectionArgs, 'input'>>;
}>;

export type NeuronResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Neuron'] = ResolversParentTypes['Neuron']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  imagesNear?: Resolver<Array<ResolversTypes['ImageHit']>, ParentType, ContextType, RequireFields<NeuronImagesNearArgs, 'first'>>;
  label?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['LabelScore']>, ParentType, ContextType, RequireFields<NeuronLabelsArgs, 'first'>>;
  layer?: Resolver<ResolversTypes['Layer'], ParentType, ContextType>;
  model?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
  run?: Resolver<Maybe<ResolversTypes['Dissection']>, ParentType, ContextType>;
  score?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  topImages?: Resolver<Array<ResolversTypes['TopImage']>, ParentType, ContextType, RequireFields<NeuronTopImagesArgs, 'first'>>;
  unit?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type NeuronActivationResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['NeuronActivation'] = ResolversParentTypes['NeuronActivation']> = ResolversObject<{
  activation?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  neuron?: Resolver<ResolversTypes['Neuron'], ParentType, ContextType>;
}>;

export type NeuronConnectionResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['NeuronConnection'] = ResolversParentTypes['NeuronConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['NeuronEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  run?: Resolver<Maybe<ResolversTypes['Dissection']>, ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type NeuronEdgeResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['NeuronEdge'] = ResolversParentTypes['NeuronEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Neuron'], ParentType, ContextType>;
}>;

export type NeuronHitResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['NeuronHit'] = ResolversParentTypes['NeuronHit']> = ResolversObject<{
  neuron?: Resolver<ResolversTypes['Neuron'], ParentType, ContextType>;
  similarity?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type NeuronMatchResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['NeuronMatch'] = ResolversParentTypes['NeuronMatch']> = ResolversObject<{
  correlation?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  label?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  labelSimilarity?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  matchLabel?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  matchUnit?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sameLabel?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  unit?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type PageInfoResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type ProbeImageResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['ProbeImage'] = ResolversParentTypes['ProbeImage']> = ResolversObject<{
  ordinal?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  probeSet?: Resolver<ResolversTypes['ProbeSet'], ParentType, ContextType>;
  topNeurons?: Resolver<Array<ResolversTypes['NeuronActivation']>, ParentType, ContextType, RequireFields<ProbeImageTopNeuronsArgs, 'first'>>;
  uri?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type ProbeSetResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['ProbeSet'] = ResolversParentTypes['ProbeSet']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  recipe?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  compareModels?: Resolver<ResolversTypes['ModelComparison'], ParentType, ContextType, RequireFields<QueryCompareModelsArgs, 'a' | 'b' | 'layer'>>;
  dissection?: Resolver<Maybe<ResolversTypes['Dissection']>, ParentType, ContextType, RequireFields<QueryDissectionArgs, 'id'>>;
  dissections?: Resolver<Array<ResolversTypes['Dissection']>, ParentType, ContextType, RequireFields<QueryDissectionsArgs, 'first' | 'status'>>;
  exportAtlas?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<QueryExportAtlasArgs, 'format' | 'model' | 'topImages' | 'topN'>>;
  model?: Resolver<Maybe<ResolversTypes['Model']>, ParentType, ContextType, RequireFields<QueryModelArgs, 'name'>>;
  models?: Resolver<Array<ResolversTypes['Model']>, ParentType, ContextType>;
  neuron?: Resolver<Maybe<ResolversTypes['Neuron']>, ParentType, ContextType, RequireFields<QueryNeuronArgs, 'layer' | 'model' | 'unit'>>;
  neurons?: Resolver<ResolversTypes['NeuronConnection'], ParentType, ContextType, RequireFields<QueryNeuronsArgs, 'first' | 'layer' | 'model'>>;
  rescore?: Resolver<ResolversTypes['Rescore'], ParentType, ContextType, RequireFields<QueryRescoreArgs, 'concepts' | 'function' | 'layer' | 'model'>>;
  searchImages?: Resolver<Array<ResolversTypes['ImageHit']>, ParentType, ContextType, RequireFields<QuerySearchImagesArgs, 'first' | 'query'>>;
  searchNeurons?: Resolver<Array<ResolversTypes['NeuronHit']>, ParentType, ContextType, RequireFields<QuerySearchNeuronsArgs, 'first' | 'query'>>;
}>;

export type RescoreResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Rescore'] = ResolversParentTypes['Rescore']> = ResolversObject<{
  baseRun?: Resolver<ResolversTypes['Dissection'], ParentType, ContextType>;
  encodedConcepts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  function?: Resolver<ResolversTypes['SimilarityFunction'], ParentType, ContextType>;
  layer?: Resolver<ResolversTypes['Layer'], ParentType, ContextType>;
  model?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
  params?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  timings?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  units?: Resolver<Array<ResolversTypes['RescoredUnit']>, ParentType, ContextType>;
}>;

export type RescoredUnitResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['RescoredUnit'] = ResolversParentTypes['RescoredUnit']> = ResolversObject<{
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  previousLabel?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  unit?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type RunStatusResolvers = { COMPLETE: 'complete', FAILED: 'failed', RUNNING: 'running' };

export type SavedRescoreResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['SavedRescore'] = ResolversParentTypes['SavedRescore']> = ResolversObject<{
  rescore?: Resolver<ResolversTypes['Rescore'], ParentType, ContextType>;
  run?: Resolver<ResolversTypes['Dissection'], ParentType, ContextType>;
}>;

export type SimilarityFunctionResolvers = { COS_SIMILARITY: 'cos_similarity', COS_SIMILARITY_CUBED: 'cos_similarity_cubed', RANK_REORDER: 'rank_reorder', SOFT_WPMI: 'soft_wpmi', WPMI: 'wpmi' };

export type TopImageResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['TopImage'] = ResolversParentTypes['TopImage']> = ResolversObject<{
  activation?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  ordinal?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rank?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  uri?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type Resolvers<ContextType = AtlasContext> = ResolversObject<{
  CancelledDissection?: CancelledDissectionResolvers<ContextType>;
  ClipModel?: ClipModelResolvers<ContextType>;
  ConceptSet?: ConceptSetResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DeletedRun?: DeletedRunResolvers<ContextType>;
  Dissection?: DissectionResolvers<ContextType>;
  DissectionProgress?: DissectionProgressResolvers<ContextType>;
  DissectionWorker?: DissectionWorkerResolvers<ContextType>;
  ExportFormat?: ExportFormatResolvers;
  ImageHit?: ImageHitResolvers<ContextType>;
  ImportFormat?: ImportFormatResolvers;
  ImportResult?: ImportResultResolvers<ContextType>;
  ImportedLayer?: ImportedLayerResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  LabelScore?: LabelScoreResolvers<ContextType>;
  Layer?: LayerResolvers<ContextType>;
  LayerKind?: LayerKindResolvers;
  Model?: ModelResolvers<ContextType>;
  ModelComparison?: ModelComparisonResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Neuron?: NeuronResolvers<ContextType>;
  NeuronActivation?: NeuronActivationResolvers<ContextType>;
  NeuronConnection?: NeuronConnectionResolvers<ContextType>;
  NeuronEdge?: NeuronEdgeResolvers<ContextType>;
  NeuronHit?: NeuronHitResolvers<ContextType>;
  NeuronMatch?: NeuronMatchResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  ProbeImage?: ProbeImageResolvers<ContextType>;
  ProbeSet?: ProbeSetResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Rescore?: RescoreResolvers<ContextType>;
  RescoredUnit?: RescoredUnitResolvers<ContextType>;
  RunStatus?: RunStatusResolvers;
  SavedRescore?: SavedRescoreResolvers<ContextType>;
  SimilarityFunction?: SimilarityFunctionResolvers;
  TopImage?: TopImageResolvers<ContextType>;
}>;

