import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ModelParent, LayerParent, NeuronParent, NeuronConnectionParent, DissectionParent, ClipModelParent, ProbeSetParent, ConceptSetParent, NeuronStatsParent } from '../resolvers/parents.js';
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
  /** An ISO 8601 date and time with time zone, e.g. `2026-01-31T12:00:00.000Z`. */
  DateTime: { input: Date; output: Date; }
  /** Any JSON value (object, array, string, number, boolean or null). */
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

/** A CLIP model (image and text encoders) used to embed probe images, concepts and search queries. */
export type ClipModel = {
  __typename?: 'ClipModel';
  /** Embedding dimension. */
  dim: Scalars['Int']['output'];
  /** Database id. */
  id: Scalars['ID']['output'];
  /** Its name, e.g. `toy-clip` or `ViT-B/16`. */
  name: Scalars['String']['output'];
};

/** A list of concepts (words or phrases) labels are chosen from. */
export type ConceptSet = {
  __typename?: 'ConceptSet';
  /** Database id. */
  id: Scalars['ID']['output'];
  /** Its name, e.g. `toy` or a file's name. */
  name: Scalars['String']['output'];
  /** The first concepts of the set, in the set's order. */
  sample: Array<Scalars['String']['output']>;
  /** Number of concepts. */
  size: Scalars['Int']['output'];
};


/** A list of concepts (words or phrases) labels are chosen from. */
export type ConceptSetSampleArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A concept and its similarity to an image. */
export type ConceptSimilarity = {
  __typename?: 'ConceptSimilarity';
  /** Cosine similarity of the CLIP embeddings of the image and the concept. */
  similarity: Scalars['Float']['output'];
  /** The concept's text. */
  text: Scalars['String']['output'];
};

/** A model version that `deleteModel` removed. */
export type DeletedModel = {
  __typename?: 'DeletedModel';
  /** How many layers went with it. */
  layers: Scalars['Int']['output'];
  /** The model's name. */
  name: Scalars['String']['output'];
  /** The version removed. */
  version: Scalars['String']['output'];
};

/** The run `deleteRun` removed. */
export type DeletedRun = {
  __typename?: 'DeletedRun';
  /** The removed run's id. */
  id: Scalars['ID']['output'];
  /** Its method. */
  method: Scalars['String']['output'];
  /** Its status when removed (COMPLETE or FAILED). */
  status: RunStatus;
};

/** One labelling of a model's layers: a CLIP-Dissect run, or an atlas imported from another tool. */
export type Dissection = {
  __typename?: 'Dissection';
  /** The CLIP model that embedded the probe images and concepts; null for imports. */
  clipModel?: Maybe<ClipModel>;
  /** The concepts the labels were chosen from. */
  conceptSet?: Maybe<ConceptSet>;
  /** Where the target model ran (`cpu`, ...); null for imports. */
  device?: Maybe<Scalars['String']['output']>;
  /** Why a FAILED run stopped; null otherwise. */
  error?: Maybe<Scalars['String']['output']>;
  /** When the run completed or failed; null while running. */
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The run's id (pass it as `run` to `neurons` and `neuron`). */
  id: Scalars['ID']['output'];
  /** Names of the layers this run labelled. */
  layers: Array<Scalars['String']['output']>;
  /** How the labels were made: `clip-dissect`, or the imported tool (`netdissect`, `milan`, ...). */
  method: Scalars['String']['output'];
  /** The model the run labelled. */
  model: Model;
  /** The similarity function's parameters as used, defaults included (soft_wpmi's defaults: top_k 100, a 10, lam 1, min_prob 1e-7, p_start 0.998, p_end 0.97). */
  params: Scalars['JSON']['output'];
  /** How conv layers' spatial maps were reduced to one value per unit: `avg` or `max`; null for imports. */
  pool?: Maybe<Scalars['String']['output']>;
  /** The named configuration the run was scored with; REFERENCE for runs that asked for none. */
  preset: Preset;
  /** The probe images the activations were computed on; null for imports without images. */
  probeSet?: Maybe<ProbeSet>;
  /** Progress of a queued dissection; null for runs made in one process. */
  progress?: Maybe<DissectionProgress>;
  /** The similarity function of a clip-dissect run (`soft_wpmi`, `wpmi`, `cos_similarity`, `cos_similarity_cubed`, `rank_reorder`); null for imports. */
  similarity?: Maybe<Scalars['String']['output']>;
  /** When the run started. */
  startedAt: Scalars['DateTime']['output'];
  /** COMPLETE or FAILED (RUNNING runs are never shown). */
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

/** Formats `exportAtlas` writes. */
export enum ExportFormat {
  /** CSV `layer,unit,description,similarity,confidence`, every layer. */
  ClipDissect = 'clip-dissect',
  /** Per layer its run and per neuron its top `topN` labels with scores and confidences (and `topImages` images). */
  Json = 'json',
  /** CSV `layer,unit,description,confidence`, every layer. */
  Milan = 'milan',
  /** CSV `unit,category,label,score,confidence` of one layer (units from 1). */
  Netdissect = 'netdissect'
}

/** One bin of a histogram of a neuron's activations. */
export type HistogramBin = {
  __typename?: 'HistogramBin';
  /** Probe images whose activation falls in the bin. */
  count: Scalars['Int']['output'];
  /** Upper edge (exclusive, except for the last bin). */
  hi: Scalars['Float']['output'];
  /** Lower edge (inclusive). */
  lo: Scalars['Float']['output'];
};

/** A stored model's response to one image. */
export type ImageActivations = {
  __typename?: 'ImageActivations';
  /** The CLIP model that embedded the image for `concepts`. */
  clipModel?: Maybe<ClipModel>;
  /** The concepts nearest to the image's CLIP embedding, most similar first (null without a CLIP model at hand: see `conceptsUnavailable`). */
  concepts?: Maybe<Array<ConceptSimilarity>>;
  /** Why `concepts` is null (no CLIP-Dissect run covers the layers, or its CLIP folder is not on the server). */
  conceptsUnavailable?: Maybe<Scalars['String']['output']>;
  /** Per asked layer (in the order asked), its most active units. */
  layers: Array<LayerActivations>;
  /** The model version that ran. */
  model: Model;
};

/** A probe image found by nearness to a text. */
export type ImageHit = {
  __typename?: 'ImageHit';
  /** The image. */
  image: ProbeImage;
  /** Cosine similarity between the text's CLIP embedding and the image's (-1 to 1; CLIP rarely goes past 0.4). */
  similarity: Scalars['Float']['output'];
};

/** CSV formats `importAtlas` reads. */
export enum ImportFormat {
  /** CLIP-Dissect's `layer,unit,description,similarity` (units from 0). */
  ClipDissect = 'clip-dissect',
  /** MILAN's `layer,unit,description` (units from 0, no score). */
  Milan = 'milan',
  /** Network Dissection's `unit,category,label,score,...` for one layer (units from 1; score is the IoU). */
  Netdissect = 'netdissect'
}

/** What `importAtlas` stored. */
export type ImportResult = {
  __typename?: 'ImportResult';
  /** Neurons searchable (label with a text embedding) under the configured CLIP model (ATLAS_CLIP) after the import; 0 when none is configured. */
  embeddedLabels: Scalars['Int']['output'];
  /** Number of labels stored (one per unit of the file). */
  labels: Scalars['Int']['output'];
  /** The layers of the file. */
  layers: Array<ImportedLayer>;
  /** The model labelled (created when absent). */
  model: Model;
  /** The new complete run, of the file's method. */
  run: Dissection;
};

/** One layer of an imported file. */
export type ImportedLayer = {
  __typename?: 'ImportedLayer';
  /** True when the import created the layer. */
  created: Scalars['Boolean']['output'];
  /** Units the file labels. */
  labelled: Scalars['Int']['output'];
  /** The layer's name. */
  name: Scalars['String']['output'];
  /** Its number of units (as stored, or as the file implies when created). */
  units: Scalars['Int']['output'];
};

/** A concept and how well it describes a neuron, in one run. */
export type LabelScore = {
  __typename?: 'LabelScore';
  /** Database id of the concept (the same text has the same id in every run). */
  conceptId: Scalars['ID']['output'];
  /**
   * Estimated probability (0 to 1) that this label is right, computed without ground truth from how far
   * its score stands out of the unit's scores over all concepts (its margin over the runner-up and
   * its z-score in that row), by a calibrator per similarity function fitted on planted units with
   * known truth: on held-out planted units, labels at 0.8 or more were right at least 95% of the time
   * (docs/truth.md). Null for labels stored without a score row: runs imported from other tools
   * (unless their file gave a confidence), and runs stored before confidences were computed.
   */
  confidence?: Maybe<Scalars['Float']['output']>;
  /** 0 for the best label, then 1, 2, ... */
  rank: Scalars['Int']['output'];
  /** The concept's score for this neuron, as `Neuron.score` describes (higher is better; comparable only within one run). */
  score: Scalars['Float']['output'];
  /** The concept's text. */
  text: Scalars['String']['output'];
};

/** One layer of a model: a module whose output units the atlas labels. */
export type Layer = {
  __typename?: 'Layer';
  /** How activations were reduced per unit (conv, token, dense). */
  kind: LayerKind;
  /** The module path as the model names it (`layer4`, `fc`, `encoder.layers.encoder_layer_5`). */
  name: Scalars['String']['output'];
  /** Position in the model's layer order (0 = nearest the input among stored layers). */
  position: Scalars['Int']['output'];
  /** Number of units (channels or features) of the layer: neurons are numbered 0 to units - 1. */
  units: Scalars['Int']['output'];
};

/** One layer's most active units for the image. */
export type LayerActivations = {
  __typename?: 'LayerActivations';
  /** The layer's name. */
  layer: Scalars['String']['output'];
  /** How conv feature maps were reduced to one value per unit: avg or max (the run's pool mode). */
  pool: Scalars['String']['output'];
  /** The run whose labels (and pool mode) the units show; null when no complete run covers the layer. */
  run?: Maybe<Dissection>;
  /** Most active units first (ties by unit). */
  units: Array<UnitActivation>;
};

/** How a layer's output was reduced to one activation per unit and image. */
export enum LayerKind {
  /** A 4-D (batch x channels x height x width) convolutional output: each channel is a unit, its spatial map averaged (or max-pooled) per image. */
  Conv = 'conv',
  /** A 2-D (batch x features) output, used as is: each feature is a unit. */
  Dense = 'dense',
  /** A transformer's token sequence: each unit is a feature of the class (CLS) token. */
  Token = 'token'
}

/** A target network (one version of it) whose neurons the atlas describes. */
export type Model = {
  __typename?: 'Model';
  /** When the model was first stored. */
  createdAt: Scalars['DateTime']['output'];
  /** Complete runs on this model, newest first. */
  dissections: Array<Dissection>;
  /** sha256 (hex) of the ONNX file the model was dissected from; empty for models known only from imports. */
  fileHash: Scalars['String']['output'];
  /** Database id of this model version. */
  id: Scalars['ID']['output'];
  /** The network's input tensor and preprocessing: `input` (tensor name), `size` ([channels, height, width]), `preprocess` (resize, crop, mean, std). */
  inputSpec: Scalars['JSON']['output'];
  /** One layer by its module path; null when the model has no such layer. */
  layer?: Maybe<Layer>;
  /** The model's layers that the atlas holds, in the model's order. */
  layers: Array<Layer>;
  /** The model's name, e.g. `resnet-v1`. */
  name: Scalars['String']['output'];
  /** Where the model file was loaded from (a path or URI), when known. */
  source?: Maybe<Scalars['String']['output']>;
  /** The version, e.g. `toy`; name and version together identify a model. */
  version: Scalars['String']['output'];
};


/** A target network (one version of it) whose neurons the atlas describes. */
export type ModelLayerArgs = {
  name: Scalars['String']['input'];
};

/** How two models' neurons of one layer match, and whether their labels agree. */
export type ModelComparison = {
  __typename?: 'ModelComparison';
  /** The first model. */
  a: Model;
  /** The run whose labels side `a` shows (null when no complete run covers the layer). */
  aRun?: Maybe<Dissection>;
  /** Share of matched neurons of `a` whose match in `b` has the same label, 0 to 1. */
  agreement: Scalars['Float']['output'];
  /** The second model. */
  b: Model;
  /** The run whose labels side `b` shows. */
  bRun?: Maybe<Dissection>;
  /** Matches whose labels differ. */
  changed: Array<NeuronMatch>;
  /** The layer compared. */
  layer: Scalars['String']['output'];
  /** How neurons were matched: ACTIVATION_CORRELATION, SAME_LAYER (both sides are one layer: each neuron is its own match) or UNIT_INDEX. */
  matchedBy: Scalars['String']['output'];
  /** Every neuron of `a` with its match in `b`, by unit. */
  matches: Array<NeuronMatch>;
  /** Mean cosine similarity of matched labels' CLIP text embeddings (null without embeddings). */
  meanLabelSimilarity?: Maybe<Scalars['Float']['output']>;
  /**
   * Share of matched neurons, both labelled, whose labels agree once normalised: lower case, a
   * Broden category suffix (`-s` scene, `-c` colour) dropped, underscores, hyphens and punctuation
   * read as spaces, each word made singular (English rules), spaces collapsed. So "Dogs", "dog"
   * and "dog-s" agree; `agreement` counts only labels equal ignoring case.
   */
  normalisedAgreement: Scalars['Float']['output'];
  /** The probe set the correlations are over (null when matched by unit). */
  probeSet?: Maybe<ProbeSet>;
};

/** A model by name and, optionally, version. */
export type ModelRef = {
  /** The method whose latest complete run this side shows (clip-dissect, milan, netdissect, ...). */
  method?: InputMaybe<Scalars['String']['input']>;
  /** The model's name. */
  name: Scalars['String']['input'];
  /**
   * The run whose labels this side shows (an id of a complete run of this model covering the
   * layer); without it, the latest complete run of `method`, else the layer's default run (as
   * `neurons` chooses).
   */
  run?: InputMaybe<Scalars['ID']['input']>;
  /** The version; omitted: the most recently added version of `name`. */
  version?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to the atlas; each needs `Authorization: Bearer <ATLAS_API_KEY>`. */
export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Cancels a queued dissection that is not complete: its jobs stop and its partial rows are removed.
   * NOT_FOUND when no queued run has that id.
   */
  cancelDissection: CancelledDissection;
  /**
   * Deletes a model version with its layers, neurons and stored activations. Refused
   * (BAD_USER_INPUT) while any run of it exists: delete them first (`deleteRun`). Without
   * `version`, the model's only version (BAD_USER_INPUT naming the versions when it has several).
   */
  deleteModel: DeletedModel;
  /**
   * Deletes a complete or failed run with its labels and top images; its layers then show their next
   * run (and search follows). NOT_FOUND for an unknown id; a run still being written is refused.
   */
  deleteRun: DeletedRun;
  /**
   * Stores an atlas made by another tool (CSV text) as a complete run of that method. The model and
   * layers are created when absent. Network Dissection files hold one layer: `layer` is required.
   * An optional `confidence` column (0 to 1, as `exportAtlas` writes) is stored with each label;
   * without one the labels' confidence is null: a file holds each unit's best label, not its scores
   * over every concept, which a confidence is computed from.
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


/** Changes to the atlas; each needs `Authorization: Bearer <ATLAS_API_KEY>`. */
export type MutationCancelDissectionArgs = {
  id: Scalars['ID']['input'];
};


/** Changes to the atlas; each needs `Authorization: Bearer <ATLAS_API_KEY>`. */
export type MutationDeleteModelArgs = {
  name: Scalars['String']['input'];
  version?: InputMaybe<Scalars['String']['input']>;
};


/** Changes to the atlas; each needs `Authorization: Bearer <ATLAS_API_KEY>`. */
export type MutationDeleteRunArgs = {
  id: Scalars['ID']['input'];
};


/** Changes to the atlas; each needs `Authorization: Bearer <ATLAS_API_KEY>`. */
export type MutationImportAtlasArgs = {
  csv: Scalars['String']['input'];
  format: ImportFormat;
  layer?: InputMaybe<Scalars['String']['input']>;
  model: Scalars['String']['input'];
  version: Scalars['String']['input'];
};


/** Changes to the atlas; each needs `Authorization: Bearer <ATLAS_API_KEY>`. */
export type MutationSaveRescoreArgs = {
  conceptSetName?: InputMaybe<Scalars['String']['input']>;
  concepts: Array<Scalars['String']['input']>;
  function?: InputMaybe<SimilarityFunction>;
  layer: Scalars['String']['input'];
  model: Scalars['String']['input'];
  params?: InputMaybe<Scalars['JSON']['input']>;
  preset?: InputMaybe<Preset>;
  version?: InputMaybe<Scalars['String']['input']>;
};


/** Changes to the atlas; each needs `Authorization: Bearer <ATLAS_API_KEY>`. */
export type MutationStartDissectionArgs = {
  input: StartDissectionInput;
};

/** One unit of a layer, with what the selected run says it responds to. */
export type Neuron = {
  __typename?: 'Neuron';
  /**
   * Estimated probability (0 to 1) that `label` is right, computed without ground truth from how far
   * its score stands out of the unit's scores over all concepts (its margin over the runner-up and
   * its z-score in that row), by a calibrator per similarity function fitted on planted units with
   * known truth: on held-out planted units, labels at 0.8 or more were right at least 95% of the time
   * (docs/truth.md). Null for labels stored without a score row: runs imported from other tools
   * (unless their file gave a confidence), and runs stored before confidences were computed.
   */
  confidence?: Maybe<Scalars['Float']['output']>;
  /** `model@version/layer/unit` */
  id: Scalars['ID']['output'];
  /** Probe images whose CLIP embedding is nearest to this neuron's label embedding. */
  imagesNear: Array<ImageHit>;
  /** The best label (rank 0) of the selected run; null when no run covers the layer. */
  label?: Maybe<Scalars['String']['output']>;
  /** Best labels first, with scores (rank 0 is `label`). */
  labels: Array<LabelScore>;
  /** The layer the neuron belongs to. */
  layer: Layer;
  /** The model the neuron belongs to. */
  model: Model;
  /** The run that produced these labels. */
  run?: Maybe<Dissection>;
  /**
   * The score of `label` (null when no run covers the layer); higher is better, and scores compare
   * only within one run. Its meaning depends on the run: for clip-dissect, the value of the run's
   * similarity function (`run.similarity`): soft_wpmi and wpmi are weighted pointwise mutual
   * information (log-probability differences, unbounded, can be negative); cos_similarity and
   * cos_similarity_cubed are cosines, -1 to 1; rank_reorder is a negative rank-order error, at most 0.
   * Imported runs carry their tool's score: netdissect its IoU (0 to 1), milan 0 (MILAN gives none).
   */
  score?: Maybe<Scalars['Float']['output']>;
  /**
   * The distribution of this neuron's activations over a probe set: the probe set of the run whose
   * labels it shows (activations as that run computed them: network file, preprocessing, pool
   * mode), else the newest probe set holding activations of every image for the layer. Null when
   * none does (atlases imported from other tools carry no activations).
   */
  stats?: Maybe<NeuronStats>;
  /** Most activating probe images first (empty for runs imported without images). */
  topImages: Array<TopImage>;
  /** The unit (channel or feature) index in its layer, from 0. */
  unit: Scalars['Int']['output'];
  /**
   * Why the neuron has no label in its run (null when it has one): a dead unit (every probe image
   * activates it equally), a degenerate one (fewer probe images than the similarity function's
   * `top_k` activate it above its lowest value, so its top images would be chosen by the order of
   * ties), or an imported atlas without a label for it.
   */
  unlabelledReason?: Maybe<Scalars['String']['output']>;
};


/** One unit of a layer, with what the selected run says it responds to. */
export type NeuronImagesNearArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** One unit of a layer, with what the selected run says it responds to. */
export type NeuronLabelsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** One unit of a layer, with what the selected run says it responds to. */
export type NeuronTopImagesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A neuron and its activation on one image. */
export type NeuronActivation = {
  __typename?: 'NeuronActivation';
  /** The stored activation, in the layer's raw units (spatially pooled for conv layers). */
  activation: Scalars['Float']['output'];
  /** The neuron. */
  neuron: Neuron;
};

/** One page of a layer's neurons (Relay connection). */
export type NeuronConnection = {
  __typename?: 'NeuronConnection';
  /** The neurons of this page, by unit. */
  edges: Array<NeuronEdge>;
  /** The layer the neurons are of. */
  layer: Layer;
  /** The model version the neurons are of (the one chosen when the query named no version). */
  model: Model;
  /** Whether more pages follow, and the cursors to fetch them. */
  pageInfo: PageInfo;
  /** The run the labels come from (null when no complete run covers the layer). */
  run?: Maybe<Dissection>;
  /** Neurons matching the filter (all pages). */
  totalCount: Scalars['Int']['output'];
};

/** A neuron of a page, with its cursor. */
export type NeuronEdge = {
  __typename?: 'NeuronEdge';
  /** Opaque cursor: pass it as `after` to continue after this neuron. */
  cursor: Scalars['String']['output'];
  /** The neuron. */
  node: Neuron;
};

/** A neuron found by `searchNeurons`. */
export type NeuronHit = {
  __typename?: 'NeuronHit';
  /** The neuron, with its label. */
  neuron: Neuron;
  /** Cosine similarity between the query and the neuron's label (1 = same direction). */
  similarity: Scalars['Float']['output'];
};

/** A neuron of `a` and its best match in `b`. */
export type NeuronMatch = {
  __typename?: 'NeuronMatch';
  /** Pearson correlation of the two neurons' activations over the probe set (1 for SAME_LAYER; null when matched by unit index). */
  correlation?: Maybe<Scalars['Float']['output']>;
  /** Its label in `a`. */
  label?: Maybe<Scalars['String']['output']>;
  /** Cosine similarity of the two labels' CLIP text embeddings, -1 to 1 (null without embeddings). */
  labelSimilarity?: Maybe<Scalars['Float']['output']>;
  /** Its label in `b`. */
  matchLabel?: Maybe<Scalars['String']['output']>;
  /** The matched unit in `b`. */
  matchUnit: Scalars['Int']['output'];
  /** True when both labels are the same text. */
  sameLabel: Scalars['Boolean']['output'];
  /** The two labels agree once normalised (see `ModelComparison.normalisedAgreement`). */
  sameNormalisedLabel: Scalars['Boolean']['output'];
  /** The unit in `a`. */
  unit: Scalars['Int']['output'];
};

/** How `neurons` orders a layer's neurons. */
export enum NeuronOrder {
  /** By the label's score, worst first (ties by unit). */
  ScoreAsc = 'score_asc',
  /** By the label's score, best first (ties by unit). */
  ScoreDesc = 'score_desc',
  /** By unit number. */
  Unit = 'unit'
}

/** Statistics of one neuron's (pooled) activations, one value per probe image. */
export type NeuronStats = {
  __typename?: 'NeuronStats';
  /** Number of probe images (values) the statistics are over. */
  count: Scalars['Int']['output'];
  /**
   * `bins` (1 to 200) equal-width bins from `min` to `max`; a bin holds the activations v with
   * lo <= v < hi, the last one also v = hi (numpy.histogram's rule). All values fall in the first
   * bin when `min` = `max`.
   */
  histogram: Array<HistogramBin>;
  /** Largest activation. */
  max: Scalars['Float']['output'];
  /** Arithmetic mean of the activations. */
  mean: Scalars['Float']['output'];
  /** Smallest activation. */
  min: Scalars['Float']['output'];
  /** The probe set the statistics are over. */
  probeSet: ProbeSet;
  /**
   * Activation quantiles at the probabilities `p` (each in [0, 1]; at most 101 of them), computed
   * like numpy.quantile's default: for ascending values v[0..n-1], the p-quantile is
   * v[floor(h)] + (h - floor(h)) * (v[floor(h)+1] - v[floor(h)]) with h = (n - 1) * p, so p = 0 is
   * `min`, p = 0.5 the median and p = 1 `max`.
   */
  quantiles: Array<Quantile>;
  /**
   * Share of probe images on which the neuron does not fire: the number of images whose activation
   * is at most 0, divided by `count` (0 = fires on every image, 1 = never fires). One minus this is
   * what Neuronpedia calls activation density.
   */
  sparsity: Scalars['Float']['output'];
  /** Population standard deviation (the square root of the mean squared deviation from `mean`). */
  std: Scalars['Float']['output'];
};


/** Statistics of one neuron's (pooled) activations, one value per probe image. */
export type NeuronStatsHistogramArgs = {
  bins?: InputMaybe<Scalars['Int']['input']>;
};


/** Statistics of one neuron's (pooled) activations, one value per probe image. */
export type NeuronStatsQuantilesArgs = {
  p?: InputMaybe<Array<Scalars['Float']['input']>>;
};

/** Relay page information. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last neuron of this page: pass it as `after` for the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when more neurons follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
  /** True when this page started after a cursor. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first neuron of this page (null on an empty page). */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/**
 * A named scoring configuration. REFERENCE: the reference implementation's defaults for the chosen
 * function; HIDDEN: the configuration recommended for hidden layers (cos_similarity); FINAL: the one
 * recommended for final layers (soft_wpmi with a = 2, lambda = 0.6, top 28 images).
 */
export enum Preset {
  /** Recommended for final layers: the paper's final-layer setting of soft_wpmi. */
  Final = 'FINAL',
  /** Recommended for hidden layers: cos_similarity (best on planted units, seeds 1-3; checked on 4-6). */
  Hidden = 'HIDDEN',
  /** The reference implementation's defaults for the chosen function. */
  Reference = 'REFERENCE'
}

/** One image of a probe set. */
export type ProbeImage = {
  __typename?: 'ProbeImage';
  /** The image's position in its set, from 0. */
  ordinal: Scalars['Int']['output'];
  /** The set the image belongs to. */
  probeSet: ProbeSet;
  /** The image with its longest side 128 px (`url` plus `?size=128`; any `size` from 16 to 1024 works). */
  thumbnailUrl: Scalars['String']['output'];
  /** Neurons with the highest stored activation for this image (raw values; per model when given). */
  topNeurons: Array<NeuronActivation>;
  /** File path, URL, or `toy:SEED/INDEX`. */
  uri: Scalars['String']['output'];
  /**
   * The image at full size, a path on this server (`/images/<probeSetId>/<ordinal>`): PNG (toy-world
   * scenes, PNG files) or WebP, with an ETag and a year's Cache-Control. A remote (http) image is its
   * own URL (the server does not fetch it).
   */
  url: Scalars['String']['output'];
};


/** One image of a probe set. */
export type ProbeImageTopNeuronsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  layer?: InputMaybe<Scalars['String']['input']>;
  model?: InputMaybe<Scalars['String']['input']>;
  version?: InputMaybe<Scalars['String']['input']>;
};

/** A set of probe images, numbered from 0: a folder, a list file, or images generated by the toy world. */
export type ProbeSet = {
  __typename?: 'ProbeSet';
  /** Database id. */
  id: Scalars['ID']['output'];
  /** Its name (a folder's name, or `toy`). */
  name: Scalars['String']['output'];
  /** How the set was made: `{folder}`, `{list}`, or the toy world's generator settings (`{seed, count, ...}`). */
  recipe: Scalars['JSON']['output'];
  /** Number of images. */
  size: Scalars['Int']['output'];
};

/** One quantile of a neuron's activations. */
export type Quantile = {
  __typename?: 'Quantile';
  /** The probability, in [0, 1]. */
  p: Scalars['Float']['output'];
  /** The activation below which a share `p` of the probe images lie (interpolated). */
  value: Scalars['Float']['output'];
};

/**
 * The neuron atlas: what every neuron of a vision network responds to, as labelled by dissection
 * runs (CLIP-Dissect or imported tools). Only complete runs are visible.
 */
export type Query = {
  __typename?: 'Query';
  /**
   * Matches every neuron of `a`'s layer to a neuron of `b`'s by activation correlation over a probe
   * set both have (Pearson over images; each neuron to itself when both sides are the same model
   * version's layer; by unit when they share none), and compares their labels. Each side shows the
   * run its `run` or `method` names, else the layer's default run, so two versions, two runs, or two
   * methods on one model (CLIP-Dissect against imported MILAN or Network Dissection) compare.
   */
  compareModels: ModelComparison;
  /** Concept sets of the atlas (what runs labelled with), by name, with their size and a few members. */
  conceptSets: Array<ConceptSet>;
  /**
   * One complete run by id; also a queued run (`startDissection`, `atlas dissect --queue`) while it
   * runs or after it failed, with its `progress` and `workers` (its labels appear when it completes).
   */
  dissection?: Maybe<Dissection>;
  /**
   * Dissection runs, newest first (complete ones unless `status` says otherwise; running ones are
   * never shown). `model` keeps runs of that model (every version of it, or `version` only),
   * `method` runs of that method; each run names its `model`.
   */
  dissections: Array<Dissection>;
  /**
   * A model's labels, as a file other tools read (the same as `atlas export`): per layer the run
   * `neurons` shows (latest complete clip-dissect run, else the latest complete run), or `method`'s
   * latest, or one `run`. CLIP_DISSECT (`layer,unit,description,similarity,confidence`) and MILAN
   * (`layer,unit,description,confidence`) hold every layer, NETDISSECT one (name it in `layers`;
   * units from 1); each reads back through `importAtlas`; they come as one JSON string (the file's
   * text). `confidence` is each label's `Neuron.confidence`, empty where the run stored none. JSON
   * comes as a JSON object (`model`, `version`, `layers`), not a string: each neuron's top `topN`
   * labels with scores and confidences, its `topImages` most activating probe images when asked, and
   * each layer's run.
   */
  exportAtlas: Scalars['JSON']['output'];
  /**
   * Which neurons fire for an image: runs the stored model (the ONNX file it was dissected from, on
   * the server's machine) on `image`, preprocessed as its dissections were, and returns per layer
   * the `first` (0 to 100) most active units with the labels of the layer's run (the run `neurons`
   * shows; its pool mode reduces conv maps) and, when that run's CLIP model is at hand, the concepts
   * of its concept set nearest to the image. `image` is a PNG, JPEG or WebP file as base64 (a
   * `data:image/...;base64,` prefix is accepted), at most 4 MiB once decoded and 25 million pixels;
   * mind the server's request body limit (ATLAS_BODY_LIMIT). `layers` defaults to every layer of the
   * model in the atlas. Errors: MODEL_UNAVAILABLE (503) when the model's file is not on the server
   * or has changed; SERVICE_UNAVAILABLE (503) when the server already runs as many images as it
   * runs at once (retry).
   */
  imageActivations: ImageActivations;
  /**
   * One model; without a version, the most recently added version of that name that has a complete
   * run (else the most recently added one). NOT_FOUND when absent.
   */
  model?: Maybe<Model>;
  /** Every target model in the atlas, every version of each. */
  models: Array<Model>;
  /** One neuron with its label, alternatives and top images (same version and run selection as `neurons`). */
  neuron?: Maybe<Neuron>;
  /**
   * A layer's neurons, as a Relay connection. Without `version`, the most recently added version of
   * the model that has a complete run covering `layer` (of `method`; the version of `run` when one
   * is named); the answer's `model` and `run` say which. Labels come from `run` (an id), else the
   * latest complete run of `method`, else the latest complete clip-dissect run, else the latest
   * complete run. `labelContains` keeps neurons whose label contains the text (case-insensitive),
   * `minScore` those whose label scores at least that; `orderBy` sorts by unit (default) or by the
   * label's score (ties by unit). Ordering by score, `minScore` and `labelContains` list labelled
   * neurons only.
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
export type QueryConceptSetsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
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
export type QueryImageActivationsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  image: Scalars['String']['input'];
  layers?: InputMaybe<Array<Scalars['String']['input']>>;
  model: Scalars['String']['input'];
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
  minScore?: InputMaybe<Scalars['Float']['input']>;
  model: Scalars['String']['input'];
  orderBy?: InputMaybe<NeuronOrder>;
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
  preset?: InputMaybe<Preset>;
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

/** New labels for a layer, computed from stored data with new concepts. */
export type Rescore = {
  __typename?: 'Rescore';
  /** The run whose probe set, CLIP model and labels (`previousLabel`) were used. */
  baseRun: Dissection;
  /** How many concepts were new and text-encoded now (the rest came from the cache). */
  encodedConcepts: Scalars['Int']['output'];
  /** The similarity function used. */
  function: SimilarityFunction;
  /** The layer rescored. */
  layer: Layer;
  /** The model rescored. */
  model: Model;
  /** Its parameters as used, defaults included. */
  params: Scalars['JSON']['output'];
  /** Seconds: load, encode, score. */
  timings: Scalars['JSON']['output'];
  /** Every unit of the layer with its new label, by unit. */
  units: Array<RescoredUnit>;
  /**
   * Concepts left out because the CLIP tokenizer knows none of their words: each would embed as the
   * unknown token, the same vector for all of them, so none can be a label.
   */
  unknownConcepts: Array<Scalars['String']['output']>;
};

/** One unit's new label. */
export type RescoredUnit = {
  __typename?: 'RescoredUnit';
  /** Estimated probability (0 to 1) that `label` is right, as `Neuron.confidence` describes; null when unlabelled. */
  confidence?: Maybe<Scalars['Float']['output']>;
  /** The best of the new concepts for this unit; null for a dead or degenerate unit (`unlabelledReason` says which). */
  label?: Maybe<Scalars['String']['output']>;
  /** The unit's label in the base run, to compare with. */
  previousLabel?: Maybe<Scalars['String']['output']>;
  /** Its score under `function` (see SimilarityFunction for the range); null when unlabelled. */
  score?: Maybe<Scalars['Float']['output']>;
  /** The unit index, from 0. */
  unit: Scalars['Int']['output'];
  /** Why the unit has no label (null when it has one). */
  unlabelledReason?: Maybe<Scalars['String']['output']>;
};

/** The state of a dissection run. */
export enum RunStatus {
  /** Finished; its labels are what the atlas shows. */
  Complete = 'complete',
  /** Stopped by an error (see `error`); nothing of it is shown. */
  Failed = 'failed',
  /** Being written; its labels are not visible yet. */
  Running = 'running'
}

/** A rescore stored as a run. */
export type SavedRescore = {
  __typename?: 'SavedRescore';
  /** The rescore that was stored. */
  rescore: Rescore;
  /** The new complete clip-dissect run (its labels now show by default). */
  run: Dissection;
};

/** CLIP-Dissect's similarity functions between a neuron's activations and a concept's CLIP similarities over the probe images. */
export enum SimilarityFunction {
  /** Cosine between the activation column and the concept's column over all images: -1 to 1. No parameters. */
  CosSimilarity = 'cos_similarity',
  /** Cosine of the cubed, standardised columns: -1 to 1. Parameter: min_norm (1e-3). */
  CosSimilarityCubed = 'cos_similarity_cubed',
  /** How well the concept reorders the neuron's top images by activation: negative error, at most 0. Parameters: top_fraction (0.05), p (3), scale_p (0.5). */
  RankReorder = 'rank_reorder',
  /** Soft weighted pointwise mutual information (CLIP-Dissect's default and best): unbounded, higher is better. Parameters: top_k (100), a (10), lam (1), min_prob (1e-7), p_start (0.998), p_end (0.97). */
  SoftWpmi = 'soft_wpmi',
  /** Weighted pointwise mutual information over the top_k images: unbounded. Parameters: top_k (28), a (2), lam (0.6), min_prob (1e-7). */
  Wpmi = 'wpmi'
}

/** What `startDissection` runs (the options of `atlas dissect`). */
export type StartDissectionInput = {
  /** Images per inference batch (shards are whole batches). */
  batch?: InputMaybe<Scalars['Int']['input']>;
  /** CLIP in the Hugging Face ONNX layout: a folder or hf:ORG/NAME. */
  clip: Scalars['String']['input'];
  /** Concept file or builtin:NAME. */
  concepts: Scalars['String']['input'];
  /** Similarity function. */
  function?: InputMaybe<SimilarityFunction>;
  /** Module paths of the layers to label. */
  layers: Array<Scalars['String']['input']>;
  /** Target network (.onnx): a path every worker reaches, or an http(s) URL (workers download it and check its content hash). */
  model: Scalars['String']['input'];
  /** Model name in the atlas (default: the file name). */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Similarity parameters. */
  params?: InputMaybe<Scalars['JSON']['input']>;
  /** Spatial pooling of conv layers: `avg` or `max`. */
  pool?: InputMaybe<Scalars['String']['input']>;
  /** A named configuration, as for `atlas dissect --preset`: sets the function and parameters (`params` still override them); recorded on the run. */
  preset?: InputMaybe<Preset>;
  /** Probe images: a folder, a list file or toy:N:SEED. */
  probe: Scalars['String']['input'];
  /** Retries of a failed or expired job before the run fails. */
  retries?: InputMaybe<Scalars['Int']['input']>;
  /** Images per shard job (rounded up to whole batches). */
  shardSize?: InputMaybe<Scalars['Int']['input']>;
  /** Seconds a worker may hold a job before another one retries it. */
  shardTimeout?: InputMaybe<Scalars['Int']['input']>;
  /** Stop at a probe image that cannot be read or decoded instead of leaving it out of the probe set. */
  strict?: InputMaybe<Scalars['Boolean']['input']>;
  /** Most activating images stored per unit. */
  topImages?: InputMaybe<Scalars['Int']['input']>;
  /** Labels stored per unit. */
  topN?: InputMaybe<Scalars['Int']['input']>;
  /** Model version in the atlas (default: the start of the file hash). */
  version?: InputMaybe<Scalars['String']['input']>;
};

/** A probe image among those that activate a neuron most, in one run. */
export type TopImage = {
  __typename?: 'TopImage';
  /** The neuron's activation on this image, in the layer's raw units (for conv layers the spatially pooled value; see the run's `pool`). */
  activation: Scalars['Float']['output'];
  /**
   * The neuron's spatial activation map on this image, drawn over it (PNG, 256 px; `?size=N` for 16
   * to 1024), as Network Dissection shows its detectors: a path on this server
   * (`/heatmaps/<layerId>/<unit>/<probeSetId>/<ordinal>`), computed on demand with the model's ONNX
   * file and cached. The map is the unit's output before pooling, scaled to its own maximum, over
   * the centre crop the model saw. Null where there is no map to draw: the layer is not a conv
   * layer (dense and token layers have no spatial map), the model's file is not on the server (an
   * imported atlas, or the file moved or changed since it was dissected: its sha256 must equal
   * `Model.fileHash`), or the image is remote or unknown.
   */
  heatmapUrl?: Maybe<Scalars['String']['output']>;
  /** The image's position in the run's probe set, from 0. */
  ordinal: Scalars['Int']['output'];
  /** 0 for the most activating image, then 1, 2, ... */
  rank: Scalars['Int']['output'];
  /** The image with its longest side 128 px (`url` plus `?size=128`; any `size` from 16 to 1024 works). */
  thumbnailUrl?: Maybe<Scalars['String']['output']>;
  /** File path, URL, or `toy:SEED/INDEX` for generated images. */
  uri?: Maybe<Scalars['String']['output']>;
  /**
   * The image at full size, a path on this server (`/images/<probeSetId>/<ordinal>`): PNG (toy-world
   * scenes, PNG files) or WebP, with an ETag and a year's Cache-Control. A remote (http) image is its
   * own URL (the server does not fetch it). Null when the run has no probe set.
   */
  url?: Maybe<Scalars['String']['output']>;
};

/** One unit's activation for the image. */
export type UnitActivation = {
  __typename?: 'UnitActivation';
  /** The unit's pooled activation for the image (raw value, comparable with `topImages` activations of the same run). */
  activation: Scalars['Float']['output'];
  /** The unit's best label in the layer's run (null when unlabelled). */
  label?: Maybe<Scalars['String']['output']>;
  /** That label's score. */
  score?: Maybe<Scalars['Float']['output']>;
  /** The unit index in its layer, from 0. */
  unit: Scalars['Int']['output'];
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
  ConceptSimilarity: ResolverTypeWrapper<ConceptSimilarity>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DeletedModel: ResolverTypeWrapper<DeletedModel>;
  DeletedRun: ResolverTypeWrapper<DeletedRun>;
  Dissection: ResolverTypeWrapper<DissectionParent>;
  DissectionProgress: ResolverTypeWrapper<DissectionProgress>;
  DissectionWorker: ResolverTypeWrapper<DissectionWorker>;
  ExportFormat: null;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  HistogramBin: ResolverTypeWrapper<HistogramBin>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  ImageActivations: ResolverTypeWrapper<Omit<ImageActivations, 'clipModel' | 'layers' | 'model'> & { clipModel?: Maybe<ResolversTypes['ClipModel']>, layers: Array<ResolversTypes['LayerActivations']>, model: ResolversTypes['Model'] }>;
  ImageHit: ResolverTypeWrapper<Omit<ImageHit, 'image'> & { image: ResolversTypes['ProbeImage'] }>;
  ImportFormat: null;
  ImportResult: ResolverTypeWrapper<Omit<ImportResult, 'model' | 'run'> & { model: ResolversTypes['Model'], run: ResolversTypes['Dissection'] }>;
  ImportedLayer: ResolverTypeWrapper<ImportedLayer>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  LabelScore: ResolverTypeWrapper<LabelScore>;
  Layer: ResolverTypeWrapper<LayerParent>;
  LayerActivations: ResolverTypeWrapper<Omit<LayerActivations, 'run'> & { run?: Maybe<ResolversTypes['Dissection']> }>;
  LayerKind: null;
  Model: ResolverTypeWrapper<ModelParent>;
  ModelComparison: ResolverTypeWrapper<Omit<ModelComparison, 'a' | 'aRun' | 'b' | 'bRun' | 'probeSet'> & { a: ResolversTypes['Model'], aRun?: Maybe<ResolversTypes['Dissection']>, b: ResolversTypes['Model'], bRun?: Maybe<ResolversTypes['Dissection']>, probeSet?: Maybe<ResolversTypes['ProbeSet']> }>;
  ModelRef: ModelRef;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Neuron: ResolverTypeWrapper<NeuronParent>;
  NeuronActivation: ResolverTypeWrapper<Omit<NeuronActivation, 'neuron'> & { neuron: ResolversTypes['Neuron'] }>;
  NeuronConnection: ResolverTypeWrapper<NeuronConnectionParent>;
  NeuronEdge: ResolverTypeWrapper<Omit<NeuronEdge, 'node'> & { node: ResolversTypes['Neuron'] }>;
  NeuronHit: ResolverTypeWrapper<Omit<NeuronHit, 'neuron'> & { neuron: ResolversTypes['Neuron'] }>;
  NeuronMatch: ResolverTypeWrapper<NeuronMatch>;
  NeuronOrder: null;
  NeuronStats: ResolverTypeWrapper<NeuronStatsParent>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Preset: Preset;
  ProbeImage: ResolverTypeWrapper<ProbeImageParent>;
  ProbeSet: ResolverTypeWrapper<ProbeSetParent>;
  Quantile: ResolverTypeWrapper<Quantile>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Rescore: ResolverTypeWrapper<Omit<Rescore, 'baseRun' | 'layer' | 'model'> & { baseRun: ResolversTypes['Dissection'], layer: ResolversTypes['Layer'], model: ResolversTypes['Model'] }>;
  RescoredUnit: ResolverTypeWrapper<RescoredUnit>;
  RunStatus: null;
  SavedRescore: ResolverTypeWrapper<Omit<SavedRescore, 'rescore' | 'run'> & { rescore: ResolversTypes['Rescore'], run: ResolversTypes['Dissection'] }>;
  SimilarityFunction: null;
  StartDissectionInput: StartDissectionInput;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  TopImage: ResolverTypeWrapper<TopImage>;
  UnitActivation: ResolverTypeWrapper<UnitActivation>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Boolean: Scalars['Boolean']['output'];
  CancelledDissection: CancelledDissection;
  ClipModel: ClipModelParent;
  ConceptSet: ConceptSetParent;
  ConceptSimilarity: ConceptSimilarity;
  DateTime: Scalars['DateTime']['output'];
  DeletedModel: DeletedModel;
  DeletedRun: DeletedRun;
  Dissection: DissectionParent;
  DissectionProgress: DissectionProgress;
  DissectionWorker: DissectionWorker;
  Float: Scalars['Float']['output'];
  HistogramBin: HistogramBin;
  ID: Scalars['ID']['output'];
  ImageActivations: Omit<ImageActivations, 'clipModel' | 'layers' | 'model'> & { clipModel?: Maybe<ResolversParentTypes['ClipModel']>, layers: Array<ResolversParentTypes['LayerActivations']>, model: ResolversParentTypes['Model'] };
  ImageHit: Omit<ImageHit, 'image'> & { image: ResolversParentTypes['ProbeImage'] };
  ImportResult: Omit<ImportResult, 'model' | 'run'> & { model: ResolversParentTypes['Model'], run: ResolversParentTypes['Dissection'] };
  ImportedLayer: ImportedLayer;
  Int: Scalars['Int']['output'];
  JSON: Scalars['JSON']['output'];
  LabelScore: LabelScore;
  Layer: LayerParent;
  LayerActivations: Omit<LayerActivations, 'run'> & { run?: Maybe<ResolversParentTypes['Dissection']> };
  Model: ModelParent;
  ModelComparison: Omit<ModelComparison, 'a' | 'aRun' | 'b' | 'bRun' | 'probeSet'> & { a: ResolversParentTypes['Model'], aRun?: Maybe<ResolversParentTypes['Dissection']>, b: ResolversParentTypes['Model'], bRun?: Maybe<ResolversParentTypes['Dissection']>, probeSet?: Maybe<ResolversParentTypes['ProbeSet']> };
  ModelRef: ModelRef;
  Mutation: Record<PropertyKey, never>;
  Neuron: NeuronParent;
  NeuronActivation: Omit<NeuronActivation, 'neuron'> & { neuron: ResolversParentTypes['Neuron'] };
  NeuronConnection: NeuronConnectionParent;
  NeuronEdge: Omit<NeuronEdge, 'node'> & { node: ResolversParentTypes['Neuron'] };
  NeuronHit: Omit<NeuronHit, 'neuron'> & { neuron: ResolversParentTypes['Neuron'] };
  NeuronMatch: NeuronMatch;
  NeuronStats: NeuronStatsParent;
  PageInfo: PageInfo;
  ProbeImage: ProbeImageParent;
  ProbeSet: ProbeSetParent;
  Quantile: Quantile;
  Query: Record<PropertyKey, never>;
  Rescore: Omit<Rescore, 'baseRun' | 'layer' | 'model'> & { baseRun: ResolversParentTypes['Dissection'], layer: ResolversParentTypes['Layer'], model: ResolversParentTypes['Model'] };
  RescoredUnit: RescoredUnit;
  SavedRescore: Omit<SavedRescore, 'rescore' | 'run'> & { rescore: ResolversParentTypes['Rescore'], run: ResolversParentTypes['Dissection'] };
  StartDissectionInput: StartDissectionInput;
  String: Scalars['String']['output'];
  TopImage: TopImage;
  UnitActivation: UnitActivation;
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
  sample?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType, RequireFields<ConceptSetSampleArgs, 'first'>>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ConceptSimilarityResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['ConceptSimilarity'] = ResolversParentTypes['ConceptSimilarity']> = ResolversObject<{
  similarity?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeletedModelResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['DeletedModel'] = ResolversParentTypes['DeletedModel']> = ResolversObject<{
  layers?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

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
  preset?: Resolver<ResolversTypes['Preset'], ParentType, ContextType>;
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

export type HistogramBinResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['HistogramBin'] = ResolversParentTypes['HistogramBin']> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  hi?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  lo?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type ImageActivationsResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['ImageActivations'] = ResolversParentTypes['ImageActivations']> = ResolversObject<{
  clipModel?: Resolver<Maybe<ResolversTypes['ClipModel']>, ParentType, ContextType>;
  concepts?: Resolver<Maybe<Array<ResolversTypes['ConceptSimilarity']>>, ParentType, ContextType>;
  conceptsUnavailable?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  layers?: Resolver<Array<ResolversTypes['LayerActivations']>, ParentType, ContextType>;
  model?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
}>;

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
  confidence?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
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

export type LayerActivationsResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['LayerActivations'] = ResolversParentTypes['LayerActivations']> = ResolversObject<{
  layer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  pool?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  run?: Resolver<Maybe<ResolversTypes['Dissection']>, ParentType, ContextType>;
  units?: Resolver<Array<ResolversTypes['UnitActivation']>, ParentType, ContextType>;
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
  aRun?: Resolver<Maybe<ResolversTypes['Dissection']>, ParentType, ContextType>;
  agreement?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  b?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
  bRun?: Resolver<Maybe<ResolversTypes['Dissection']>, ParentType, ContextType>;
  changed?: Resolver<Array<ResolversTypes['NeuronMatch']>, ParentType, ContextType>;
  layer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  matchedBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  matches?: Resolver<Array<ResolversTypes['NeuronMatch']>, ParentType, ContextType>;
  meanLabelSimilarity?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  normalisedAgreement?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  probeSet?: Resolver<Maybe<ResolversTypes['ProbeSet']>, ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  cancelDissection?: Resolver<ResolversTypes['CancelledDissection'], ParentType, ContextType, RequireFields<MutationCancelDissectionArgs, 'id'>>;
  deleteModel?: Resolver<ResolversTypes['DeletedModel'], ParentType, ContextType, RequireFields<MutationDeleteModelArgs, 'name'>>;
  deleteRun?: Resolver<ResolversTypes['DeletedRun'], ParentType, ContextType, RequireFields<MutationDeleteRunArgs, 'id'>>;
  importAtlas?: Resolver<ResolversTypes['ImportResult'], ParentType, ContextType, RequireFields<MutationImportAtlasArgs, 'csv' | 'format' | 'model' | 'version'>>;
  saveRescore?: Resolver<ResolversTypes['SavedRescore'], ParentType, ContextType, RequireFields<MutationSaveRescoreArgs, 'concepts' | 'function' | 'layer' | 'model'>>;
  startDissection?: Resolver<ResolversTypes['Dissection'], ParentType, ContextType, RequireFields<MutationStartDissectionArgs, 'input'>>;
}>;

export type NeuronResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Neuron'] = ResolversParentTypes['Neuron']> = ResolversObject<{
  confidence?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  imagesNear?: Resolver<Array<ResolversTypes['ImageHit']>, ParentType, ContextType, RequireFields<NeuronImagesNearArgs, 'first'>>;
  label?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['LabelScore']>, ParentType, ContextType, RequireFields<NeuronLabelsArgs, 'first'>>;
  layer?: Resolver<ResolversTypes['Layer'], ParentType, ContextType>;
  model?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
  run?: Resolver<Maybe<ResolversTypes['Dissection']>, ParentType, ContextType>;
  score?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  stats?: Resolver<Maybe<ResolversTypes['NeuronStats']>, ParentType, ContextType>;
  topImages?: Resolver<Array<ResolversTypes['TopImage']>, ParentType, ContextType, RequireFields<NeuronTopImagesArgs, 'first'>>;
  unit?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unlabelledReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type NeuronActivationResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['NeuronActivation'] = ResolversParentTypes['NeuronActivation']> = ResolversObject<{
  activation?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  neuron?: Resolver<ResolversTypes['Neuron'], ParentType, ContextType>;
}>;

export type NeuronConnectionResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['NeuronConnection'] = ResolversParentTypes['NeuronConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['NeuronEdge']>, ParentType, ContextType>;
  layer?: Resolver<ResolversTypes['Layer'], ParentType, ContextType>;
  model?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
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
  sameNormalisedLabel?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  unit?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type NeuronOrderResolvers = { SCORE_ASC: 'score_asc', SCORE_DESC: 'score_desc', UNIT: 'unit' };

export type NeuronStatsResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['NeuronStats'] = ResolversParentTypes['NeuronStats']> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  histogram?: Resolver<Array<ResolversTypes['HistogramBin']>, ParentType, ContextType, RequireFields<NeuronStatsHistogramArgs, 'bins'>>;
  max?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  mean?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  min?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  probeSet?: Resolver<ResolversTypes['ProbeSet'], ParentType, ContextType>;
  quantiles?: Resolver<Array<ResolversTypes['Quantile']>, ParentType, ContextType, RequireFields<NeuronStatsQuantilesArgs, 'p'>>;
  sparsity?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  std?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
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
  thumbnailUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  topNeurons?: Resolver<Array<ResolversTypes['NeuronActivation']>, ParentType, ContextType, RequireFields<ProbeImageTopNeuronsArgs, 'first'>>;
  uri?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type ProbeSetResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['ProbeSet'] = ResolversParentTypes['ProbeSet']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  recipe?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type QuantileResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Quantile'] = ResolversParentTypes['Quantile']> = ResolversObject<{
  p?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  compareModels?: Resolver<ResolversTypes['ModelComparison'], ParentType, ContextType, RequireFields<QueryCompareModelsArgs, 'a' | 'b' | 'layer'>>;
  conceptSets?: Resolver<Array<ResolversTypes['ConceptSet']>, ParentType, ContextType, RequireFields<QueryConceptSetsArgs, 'first'>>;
  dissection?: Resolver<Maybe<ResolversTypes['Dissection']>, ParentType, ContextType, RequireFields<QueryDissectionArgs, 'id'>>;
  dissections?: Resolver<Array<ResolversTypes['Dissection']>, ParentType, ContextType, RequireFields<QueryDissectionsArgs, 'first' | 'status'>>;
  exportAtlas?: Resolver<ResolversTypes['JSON'], ParentType, ContextType, RequireFields<QueryExportAtlasArgs, 'format' | 'model' | 'topImages' | 'topN'>>;
  imageActivations?: Resolver<ResolversTypes['ImageActivations'], ParentType, ContextType, RequireFields<QueryImageActivationsArgs, 'first' | 'image' | 'model'>>;
  model?: Resolver<Maybe<ResolversTypes['Model']>, ParentType, ContextType, RequireFields<QueryModelArgs, 'name'>>;
  models?: Resolver<Array<ResolversTypes['Model']>, ParentType, ContextType>;
  neuron?: Resolver<Maybe<ResolversTypes['Neuron']>, ParentType, ContextType, RequireFields<QueryNeuronArgs, 'layer' | 'model' | 'unit'>>;
  neurons?: Resolver<ResolversTypes['NeuronConnection'], ParentType, ContextType, RequireFields<QueryNeuronsArgs, 'first' | 'layer' | 'model' | 'orderBy'>>;
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
  unknownConcepts?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type RescoredUnitResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['RescoredUnit'] = ResolversParentTypes['RescoredUnit']> = ResolversObject<{
  confidence?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  label?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  previousLabel?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  score?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  unit?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unlabelledReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type RunStatusResolvers = { COMPLETE: 'complete', FAILED: 'failed', RUNNING: 'running' };

export type SavedRescoreResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['SavedRescore'] = ResolversParentTypes['SavedRescore']> = ResolversObject<{
  rescore?: Resolver<ResolversTypes['Rescore'], ParentType, ContextType>;
  run?: Resolver<ResolversTypes['Dissection'], ParentType, ContextType>;
}>;

export type SimilarityFunctionResolvers = { COS_SIMILARITY: 'cos_similarity', COS_SIMILARITY_CUBED: 'cos_similarity_cubed', RANK_REORDER: 'rank_reorder', SOFT_WPMI: 'soft_wpmi', WPMI: 'wpmi' };

export type TopImageResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['TopImage'] = ResolversParentTypes['TopImage']> = ResolversObject<{
  activation?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  heatmapUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  ordinal?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rank?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  thumbnailUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  uri?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type UnitActivationResolvers<ContextType = AtlasContext, ParentType extends ResolversParentTypes['UnitActivation'] = ResolversParentTypes['UnitActivation']> = ResolversObject<{
  activation?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  label?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  score?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  unit?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = AtlasContext> = ResolversObject<{
  CancelledDissection?: CancelledDissectionResolvers<ContextType>;
  ClipModel?: ClipModelResolvers<ContextType>;
  ConceptSet?: ConceptSetResolvers<ContextType>;
  ConceptSimilarity?: ConceptSimilarityResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DeletedModel?: DeletedModelResolvers<ContextType>;
  DeletedRun?: DeletedRunResolvers<ContextType>;
  Dissection?: DissectionResolvers<ContextType>;
  DissectionProgress?: DissectionProgressResolvers<ContextType>;
  DissectionWorker?: DissectionWorkerResolvers<ContextType>;
  ExportFormat?: ExportFormatResolvers;
  HistogramBin?: HistogramBinResolvers<ContextType>;
  ImageActivations?: ImageActivationsResolvers<ContextType>;
  ImageHit?: ImageHitResolvers<ContextType>;
  ImportFormat?: ImportFormatResolvers;
  ImportResult?: ImportResultResolvers<ContextType>;
  ImportedLayer?: ImportedLayerResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  LabelScore?: LabelScoreResolvers<ContextType>;
  Layer?: LayerResolvers<ContextType>;
  LayerActivations?: LayerActivationsResolvers<ContextType>;
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
  NeuronOrder?: NeuronOrderResolvers;
  NeuronStats?: NeuronStatsResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  ProbeImage?: ProbeImageResolvers<ContextType>;
  ProbeSet?: ProbeSetResolvers<ContextType>;
  Quantile?: QuantileResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Rescore?: RescoreResolvers<ContextType>;
  RescoredUnit?: RescoredUnitResolvers<ContextType>;
  RunStatus?: RunStatusResolvers;
  SavedRescore?: SavedRescoreResolvers<ContextType>;
  SimilarityFunction?: SimilarityFunctionResolvers;
  TopImage?: TopImageResolvers<ContextType>;
  UnitActivation?: UnitActivationResolvers<ContextType>;
}>;

