import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ModelParent, LayerParent, NeuronParent, NeuronConnectionParent, DissectionParent, ClipModelParent, ProbeSetParent, ConceptSetParent } from '../resolvers/parents.js';
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
  similarity?: Maybe<Scalars['String']['output']>;
  startedAt: Scalars['DateTime']['output'];
  status: RunStatus;
  /** Seconds per phase, as the engine recorded them. */
  timings?: Maybe<Scalars['JSON']['output']>;
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

export type Neuron = {
  __typename?: 'Neuron';
  /** `model@version/layer/unit` */
  id: Scalars['ID']['output'];
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


export type NeuronLabelsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type NeuronTopImagesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
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

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
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
  /** One complete run by id. */
  dissection?: Maybe<Dissection>;
  /** Dissection runs, newest first (complete ones unless `status` says otherwise; running ones are never shown). */
  dissections: Array<Dissection>;
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

export enum RunStatus {
  Complete = 'complete',
  Failed = 'failed',
  Running = 'running'
}

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
  ClipModel: ResolverTypeWrapper<ClipModelParent>;
  ConceptSet: ResolverTypeWrapper<ConceptSetParent>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Dissection: ResolverTypeWrapper<DissectionParent>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  LabelScore: ResolverTypeWrapper<LabelScore>;
  Layer: ResolverTypeWrapper<LayerParent>;
  LayerKind: null;
  Model: ResolverTypeWrapper<ModelParent>;
  Neuron: ResolverTypeWrapper<NeuronParent>;
  NeuronConnection: ResolverTypeWrapper<NeuronConnectionParent>;
  NeuronEdge: ResolverTypeWrapper<Omit<NeuronEdge, 'node'> & { node: ResolversTypes['Neuron'] }>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  ProbeSet: ResolverTypeWrapper<ProbeSetParent>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RunStatus: null;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  TopImage: ResolverTypeWrapper<TopImage>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Boolean: Scalars['Boolean']['output'];
  ClipModel: ClipModelParent;
  ConceptSet: ConceptSetParent;
  DateTime: Scalars['DateTime']['output'];
  Dissection: DissectionParent;
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  JSON: Scalars['JSON']['output'];
  LabelScore: LabelScore;
  Layer: LayerParent;
  Model: ModelParent;
  Neuron: NeuronParent;
  NeuronConnection: NeuronConnectionParent;
  NeuronEdge: Omit<NeuronEdge, 'node'> & { node: ResolversParentTypes['Neuron'] };
  PageInfo: PageInfo;
  ProbeSet: ProbeSetParent;
  Query: Record<PropertyKey, never>;
  String: Scalars['String']['output'];
  TopImage: TopImage;
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
  similarity?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  startedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RunStatus'], ParentType, ContextType>;
  timings?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
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

export type NeuronResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Neuron'] = ResolversParentTypes['Neuron']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  label?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['LabelScore']>, ParentType, ContextType, RequireFields<NeuronLabelsArgs, 'first'>>;
  layer?: Resolver<ResolversTypes['Layer'], ParentType, ContextType>;
  model?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
  run?: Resolver<Maybe<ResolversTypes['Dissection']>, ParentType, ContextType>;
  score?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  topImages?: Resolver<Array<ResolversTypes['TopImage']>, ParentType, ContextType, RequireFields<NeuronTopImagesArgs, 'first'>>;
  unit?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
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

export type PageInfoResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type ProbeSetResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['ProbeSet'] = ResolversParentTypes['ProbeSet']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  recipe?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  dissection?: Resolver<Maybe<ResolversTypes['Dissection']>, ParentType, ContextType, RequireFields<QueryDissectionArgs, 'id'>>;
  dissections?: Resolver<Array<ResolversTypes['Dissection']>, ParentType, ContextType, RequireFields<QueryDissectionsArgs, 'first' | 'status'>>;
  model?: Resolver<Maybe<ResolversTypes['Model']>, ParentType, ContextType, RequireFields<QueryModelArgs, 'name'>>;
  models?: Resolver<Array<ResolversTypes['Model']>, ParentType, ContextType>;
  neuron?: Resolver<Maybe<ResolversTypes['Neuron']>, ParentType, ContextType, RequireFields<QueryNeuronArgs, 'layer' | 'model' | 'unit'>>;
  neurons?: Resolver<ResolversTypes['NeuronConnection'], ParentType, ContextType, RequireFields<QueryNeuronsArgs, 'first' | 'layer' | 'model'>>;
}>;

export type RunStatusResolvers = { COMPLETE: 'complete', FAILED: 'failed', RUNNING: 'running' };

export type TopImageResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['TopImage'] = ResolversParentTypes['TopImage']> = ResolversObject<{
  activation?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  ordinal?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rank?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  uri?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type Resolvers<ContextType = AtlasContext> = ResolversObject<{
  ClipModel?: ClipModelResolvers<ContextType>;
  ConceptSet?: ConceptSetResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Dissection?: DissectionResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  LabelScore?: LabelScoreResolvers<ContextType>;
  Layer?: LayerResolvers<ContextType>;
  LayerKind?: LayerKindResolvers;
  Model?: ModelResolvers<ContextType>;
  Neuron?: NeuronResolvers<ContextType>;
  NeuronConnection?: NeuronConnectionResolvers<ContextType>;
  NeuronEdge?: NeuronEdgeResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  ProbeSet?: ProbeSetResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RunStatus?: RunStatusResolvers;
  TopImage?: TopImageResolvers<ContextType>;
}>;

