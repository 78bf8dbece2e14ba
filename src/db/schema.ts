/**
 * The atlas schema (Drizzle ORM). `npm run db:generate` turns changes here into SQL migrations in
 * `migrations/`, which both drivers apply at start (see migrate.ts).
 *
 * Embedding dimension design
 * --------------------------
 * pgvector's HNSW index needs a fixed dimension, but the atlas holds several CLIP models (a toy
 * 64-d one, ViT-B/16 at 512-d, ...). Instead of one table per dimension (dynamic DDL in every
 * query path) the embedding columns are declared as dimensionless `vector`, and each CLIP model
 * gets its own *partial expression* HNSW index on the tables searched by nearness (image
 * embeddings, created when the model is registered: `clipModels.upsert` -> `ensureEmbeddingIndexes`;
 * label_search, created by the search refresh); concept embeddings are only looked up by key and
 * have none. For example:
 *
 *   CREATE INDEX image_embeddings_hnsw_clip_7 ON image_embeddings
 *     USING hnsw ((embedding::vector(512)) vector_cosine_ops) WHERE clip_model_id = 7;
 *
 * A nearest-neighbour query uses the same expression and predicate
 * (`WHERE clip_model_id = 7 ORDER BY embedding::vector(512) <=> $1::vector(512)`) and so hits the
 * index of exactly that model; rows of other models (other dimensions) are outside the partial
 * index, so the cast never sees a wrong length. The dimension check on write lives in the store.
 */
import {
  boolean,
  customType,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { vectorFromSql, vectorToSql } from './codec.js';

/** Dimensionless pgvector column; values travel in pgvector's text form `[1,2,3]` (codec.ts). */
export const vectorAnyDim = customType<{ data: number[] | Float32Array | string; driverData: string }>({
  dataType() {
    return 'vector';
  },
  toDriver(value: number[] | Float32Array | string): string {
    return typeof value === 'string' ? value : vectorToSql(value);
  },
  fromDriver(value: string): number[] {
    return Array.from(vectorFromSql(value));
  },
});

/** Raw bytes (float32 little-endian arrays). Buffer is a Uint8Array, so both drivers accept it. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType() {
    return 'bytea';
  },
});

export const targetModels = pgTable(
  'target_models',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    version: text('version').notNull(),
    fileHash: text('file_hash').notNull(),
    inputSpec: jsonb('input_spec').$type<Record<string, unknown>>().notNull(),
    source: text('source'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('target_models_name_version_uq').on(t.name, t.version)],
);

export const layers = pgTable(
  'layers',
  {
    id: serial('id').primaryKey(),
    modelId: integer('model_id')
      .notNull()
      .references(() => targetModels.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind').$type<'conv' | 'token' | 'dense'>().notNull(),
    units: integer('units').notNull(),
    /** Order in which the model lists its layers. */
    position: integer('position').notNull(),
  },
  (t) => [uniqueIndex('layers_model_name_uq').on(t.modelId, t.name)],
);

export const neurons = pgTable(
  'neurons',
  {
    id: serial('id').primaryKey(),
    layerId: integer('layer_id')
      .notNull()
      .references(() => layers.id, { onDelete: 'cascade' }),
    unit: integer('unit').notNull(),
  },
  (t) => [uniqueIndex('neurons_layer_unit_uq').on(t.layerId, t.unit)],
);

export const clipModels = pgTable('clip_models', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique('clip_models_name_uq'),
  dim: integer('dim').notNull(),
  source: text('source'),
});

export const probeSets = pgTable(
  'probe_sets',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    recipe: jsonb('recipe').$type<Record<string, unknown>>().notNull(),
    contentHash: text('content_hash').notNull(),
    size: integer('size').notNull(),
  },
  (t) => [uniqueIndex('probe_sets_name_hash_uq').on(t.name, t.contentHash)],
);

export const probeImages = pgTable(
  'probe_images',
  {
    probeSetId: integer('probe_set_id')
      .notNull()
      .references(() => probeSets.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    /** File path, URL, or `toy:SEED/INDEX` generator recipe. */
    uri: text('uri').notNull(),
  },
  (t) => [primaryKey({ columns: [t.probeSetId, t.ordinal] })],
);

export const imageEmbeddings = pgTable(
  'image_embeddings',
  {
    clipModelId: integer('clip_model_id')
      .notNull()
      .references(() => clipModels.id, { onDelete: 'cascade' }),
    probeSetId: integer('probe_set_id').notNull(),
    ordinal: integer('ordinal').notNull(),
    embedding: vectorAnyDim('embedding').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.clipModelId, t.probeSetId, t.ordinal] }),
    foreignKey({ columns: [t.probeSetId, t.ordinal], foreignColumns: [probeImages.probeSetId, probeImages.ordinal] }).onDelete(
      'cascade',
    ),
  ],
);

export const concepts = pgTable('concepts', {
  id: serial('id').primaryKey(),
  text: text('text').notNull().unique('concepts_text_uq'),
});

export const conceptSets = pgTable(
  'concept_sets',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    /** sha256 of the newline-joined concepts: the same name with other words is another set. */
    contentHash: text('content_hash').notNull(),
    size: integer('size').notNull(),
  },
  (t) => [uniqueIndex('concept_sets_name_hash_uq').on(t.name, t.contentHash)],
);

export const conceptSetMembers = pgTable(
  'concept_set_members',
  {
    conceptSetId: integer('concept_set_id')
      .notNull()
      .references(() => conceptSets.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    conceptId: integer('concept_id')
      .notNull()
      .references(() => concepts.id),
  },
  (t) => [primaryKey({ columns: [t.conceptSetId, t.position] })],
);

export const conceptEmbeddings = pgTable(
  'concept_embeddings',
  {
    clipModelId: integer('clip_model_id')
      .notNull()
      .references(() => clipModels.id, { onDelete: 'cascade' }),
    conceptId: integer('concept_id')
      .notNull()
      .references(() => concepts.id, { onDelete: 'cascade' }),
    embedding: vectorAnyDim('embedding').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clipModelId, t.conceptId] })],
);

export type RunStatus = 'running' | 'complete' | 'failed';

export const dissectionRuns = pgTable(
  'dissection_runs',
  {
    id: serial('id').primaryKey(),
    modelId: integer('model_id')
      .notNull()
      .references(() => targetModels.id, { onDelete: 'cascade' }),
    /** Null for imported tools that do not use CLIP (netdissect, milan). */
    clipModelId: integer('clip_model_id').references(() => clipModels.id),
    probeSetId: integer('probe_set_id').references(() => probeSets.id),
    conceptSetId: integer('concept_set_id').references(() => conceptSets.id),
    method: text('method').notNull(),
    similarity: text('similarity'),
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    pool: text('pool'),
    /** What the run's activations were computed with (hash of the network file, preprocessing
     * and pool mode: see `activations.activationKey`); null for imported runs and older ones. */
    activationKey: text('activation_key'),
    device: text('device'),
    status: text('status').$type<RunStatus>().notNull().default('running'),
    timings: jsonb('timings').$type<Record<string, number>>(),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('dissection_runs_model_status_idx').on(t.modelId, t.status, t.finishedAt),
    index('dissection_runs_status_idx').on(t.status),
  ],
);

/** Layers whose results a run has written (one transaction each): what a resumed run skips. */
export const runLayers = pgTable(
  'run_layers',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => dissectionRuns.id, { onDelete: 'cascade' }),
    layerId: integer('layer_id')
      .notNull()
      .references(() => layers.id, { onDelete: 'cascade' }),
    writtenAt: timestamp('written_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.layerId] }), index('run_layers_layer_idx').on(t.layerId)],
);

/** Top-N labels per neuron per run; rank 0 is the neuron's label. Text is denormalised for reads. */
export const neuronLabels = pgTable(
  'neuron_labels',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => dissectionRuns.id, { onDelete: 'cascade' }),
    neuronId: integer('neuron_id')
      .notNull()
      .references(() => neurons.id, { onDelete: 'cascade' }),
    rank: integer('rank').notNull(),
    conceptId: integer('concept_id')
      .notNull()
      .references(() => concepts.id),
    text: text('text').notNull(),
    score: doublePrecision('score').notNull(),
    /** Calibrated probability that the label is right, from the unit's score row; null where no row was seen (imports, old runs). */
    confidence: doublePrecision('confidence'),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.neuronId, t.rank] }),
    index('neuron_labels_neuron_idx').on(t.neuronId),
  ],
);

/**
 * Neurons a run left without a label, with the reason (a dead unit, one whose top images would be
 * chosen by the order of tied activations, ...): the API shows a null label and this reason.
 */
export const unlabelledNeurons = pgTable(
  'unlabelled_neurons',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => dissectionRuns.id, { onDelete: 'cascade' }),
    neuronId: integer('neuron_id')
      .notNull()
      .references(() => neurons.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.neuronId] })],
);

/** Most activating probe images per neuron per run (ordinal into the run's probe set). */
export const neuronTopImages = pgTable(
  'neuron_top_images',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => dissectionRuns.id, { onDelete: 'cascade' }),
    neuronId: integer('neuron_id')
      .notNull()
      .references(() => neurons.id, { onDelete: 'cascade' }),
    rank: integer('rank').notNull(),
    ordinal: integer('ordinal').notNull(),
    activation: real('activation').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.neuronId, t.rank] })],
);

/**
 * Activations per (layer, probe set, image): ONE row per image holding the layer's K float32 values
 * (little-endian bytes), so 3,904 units x 50,000 images is 50,000 rows, not 195 million.
 */
export const activations = pgTable(
  'activations',
  {
    modelId: integer('model_id')
      .notNull()
      .references(() => targetModels.id, { onDelete: 'cascade' }),
    layerId: integer('layer_id')
      .notNull()
      .references(() => layers.id, { onDelete: 'cascade' }),
    probeSetId: integer('probe_set_id').notNull(),
    ordinal: integer('ordinal').notNull(),
    units: integer('units').notNull(),
    values: bytea('values').notNull(),
    /** What these values were computed with (network file hash, preprocessing, pool mode): a run
     * reads them only when it matches its own key. '' for rows stored before keys were kept. */
    activationKey: text('activation_key').notNull().default(''),
  },
  (t) => [
    primaryKey({ columns: [t.layerId, t.probeSetId, t.ordinal] }),
    foreignKey({ columns: [t.probeSetId, t.ordinal], foreignColumns: [probeImages.probeSetId, probeImages.ordinal] }).onDelete(
      'cascade',
    ),
  ],
);

/** Bookkeeping (e.g. which seed snapshot was loaded). */
export const atlasMeta = pgTable('atlas_meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

// ------------------------------------------------------------------ atlas queries (search)

/** Cached CLIP text embeddings of search queries, per CLIP model. */
export const queryEmbeddings = pgTable(
  'query_embeddings',
  {
    clipModelId: integer('clip_model_id')
      .notNull()
      .references(() => clipModels.id, { onDelete: 'cascade' }),
    query: text('query').notNull(),
    embedding: vectorAnyDim('embedding').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.clipModelId, t.query] })],
);

/**
 * The neuron search index: per CLIP model, every neuron's current label (rank 0 of the run its
 * layer shows by default). The label embeddings live once per distinct label in label_search.
 */
export const neuronSearch = pgTable(
  'neuron_search',
  {
    clipModelId: integer('clip_model_id')
      .notNull()
      .references(() => clipModels.id, { onDelete: 'cascade' }),
    neuronId: integer('neuron_id')
      .notNull()
      .references(() => neurons.id, { onDelete: 'cascade' }),
    runId: integer('run_id')
      .notNull()
      .references(() => dissectionRuns.id, { onDelete: 'cascade' }),
    layerId: integer('layer_id').notNull(),
    modelId: integer('model_id').notNull(),
    conceptId: integer('concept_id').notNull(),
    score: doublePrecision('score').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.clipModelId, t.neuronId] }),
    index('neuron_search_layer_idx').on(t.clipModelId, t.layerId),
    index('neuron_search_model_idx').on(t.clipModelId, t.modelId),
    index('neuron_search_concept_idx').on(t.clipModelId, t.conceptId),
  ],
);

/**
 * The distinct labels in neuron_search with their text embeddings, per CLIP model. Each CLIP
 * model gets a partial expression HNSW index on `embedding::vector(dim)` (as image_embeddings do;
 * see the note at the top). One vector per label, not per neuron: neurons sharing a label would
 * be exact duplicates, which cost HNSW both recall and size.
 */
export const labelSearch = pgTable(
  'label_search',
  {
    clipModelId: integer('clip_model_id')
      .notNull()
      .references(() => clipModels.id, { onDelete: 'cascade' }),
    conceptId: integer('concept_id')
      .notNull()
      .references(() => concepts.id, { onDelete: 'cascade' }),
    embedding: vectorAnyDim('embedding').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clipModelId, t.conceptId] })],
);

/** Which run each layer's rows in neuron_search come from, per CLIP model (what a refresh compares). */
export const neuronSearchLayers = pgTable(
  'neuron_search_layers',
  {
    clipModelId: integer('clip_model_id')
      .notNull()
      .references(() => clipModels.id, { onDelete: 'cascade' }),
    layerId: integer('layer_id')
      .notNull()
      .references(() => layers.id, { onDelete: 'cascade' }),
    runId: integer('run_id')
      .notNull()
      .references(() => dissectionRuns.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.clipModelId, t.layerId] })],
);

/**
 * A dissection submitted to the job queue (`atlas dissect --queue`, `startDissection`): its run
 * stays 'running' (invisible) until the last layer is scored. `spec` holds what workers need to
 * compute it: the file locations and their content hashes, the layers, what the image pass must
 * compute (only what the caches lacked at submission) and the scoring settings.
 */
export const queuedDissections = pgTable('queued_dissections', {
  runId: integer('run_id')
    .primaryKey()
    .references(() => dissectionRuns.id, { onDelete: 'cascade' }),
  spec: jsonb('spec').$type<Record<string, unknown>>().notNull(),
  images: integer('images').notNull(),
  shardsTotal: integer('shards_total').notNull(),
  layersTotal: integer('layers_total').notNull(),
  submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One shard of a queued dissection: a range [start, stop) of the probe set's images. `done`
 * flips in the transaction that writes the shard's embeddings and activations, so a shard killed
 * half-way leaves nothing that counts.
 */
export const dissectionShards = pgTable(
  'dissection_shards',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => queuedDissections.runId, { onDelete: 'cascade' }),
    shard: integer('shard').notNull(),
    start: integer('start').notNull(),
    stop: integer('stop').notNull(),
    /** The worker that last took the shard ("pid N on host H, cpu"). */
    worker: text('worker'),
    attempts: integer('attempts').notNull().default(0),
    done: boolean('done').notNull().default(false),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.shard] })],
);

/** The queue's job ids of a queued dissection, by queue name: what cancelling it cancels. */
export const dissectionJobs = pgTable(
  'dissection_jobs',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => queuedDissections.runId, { onDelete: 'cascade' }),
    queue: text('queue').notNull(),
    jobId: text('job_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.queue, t.jobId] })],
);
