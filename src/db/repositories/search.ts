/**
 * Semantic search over the atlas with pgvector.
 *
 * neuron_search holds, per CLIP model, each neuron's current label (rank 0 of the run its layer
 * shows by default: latest complete clip-dissect run, else latest complete run); label_search
 * holds each distinct label's text embedding once, under a partial expression HNSW index per CLIP
 * model. A search finds the nearest labels, then their neurons. `refresh` brings both up to date
 * layer by layer when the set of complete runs has changed.
 */
import { sql } from 'drizzle-orm';
import { executePrepared } from '../queries/prepared.js';
import { efSearch } from '../hnsw-settings.js';
import { cachedVectorText } from '../codec.js';
import type { AtlasDb, Queryable as Q } from '../connection.js';
import { firstRow, typedRows, type Row } from '../rows.js';
import { runsFingerprint } from './shared.js';

/** Runs `query`, in a transaction that first widens ef_search / turns on iterative scan when it needs them. */
async function withHnswSettings<T>(db: AtlasDb, first: number, iterative: boolean, query: (q: Q) => Promise<T>): Promise<T> {
  // Every session starts at efSearch() (connection.ts): the common search is one statement.
  if (!iterative && first <= efSearch()) return query(db);
  return db.transaction(async (tx) => {
    if (first > efSearch()) await tx.execute(sql.raw(`SET LOCAL hnsw.ef_search = ${Math.trunc(Math.min(first, 1000))}`));
    if (iterative) await tx.execute(sql`SET LOCAL hnsw.iterative_scan = strict_order`);
    return query(tx);
  });
}

const int = (n: number): string => String(Math.trunc(n));

interface DefaultRun {
  layerId: number;
  modelId: number;
  runId: number;
}

/** The run every labelled layer shows by default (as the neuron/neurons queries choose it). */
async function defaultRunsPerLayer(q: Q): Promise<DefaultRun[]> {
  const res = await q.execute(sql`
    SELECT DISTINCT ON (rl.layer_id) rl.layer_id AS "layerId", l.model_id AS "modelId", r.id AS "runId"
    FROM run_layers rl
    JOIN dissection_runs r ON r.id = rl.run_id AND r.status = 'complete'
    JOIN layers l ON l.id = rl.layer_id
    ORDER BY rl.layer_id, (r.method = 'clip-dissect') DESC, r.finished_at DESC NULLS LAST, r.id DESC`);
  return typedRows(res, (r) => ({ layerId: r.num('layerId'), modelId: r.num('modelId'), runId: r.num('runId') }));
}

async function ensureNeuronSearchIndex(db: AtlasDb, clipModelId: number, dim: number): Promise<void> {
  await db.transaction(async (tx) => {
    // A graph of 100,000 512-d vectors needs ~250 MB; with less, pgvector builds it on disk, far slower.
    await tx.execute(sql.raw(`SET LOCAL maintenance_work_mem = '512MB'`));
    await tx.execute(
      sql.raw(
        `CREATE INDEX IF NOT EXISTS label_search_hnsw_clip_${int(clipModelId)} ON label_search ` +
          `USING hnsw ((embedding::vector(${int(dim)})) vector_cosine_ops) WHERE clip_model_id = ${int(clipModelId)}`,
      ),
    );
  });
}

export interface RefreshHooks {
  /** The caller's runsFingerprint, when it already has it (saves a query). */
  fingerprint?: string;
  /** Makes sure these label texts have concept embeddings for the CLIP model (may throw). */
  embedConcepts(texts: string[]): Promise<void>;
  log?: (line: string) => void;
}

/** Returns whether every layer could be indexed. */
async function refreshLayers(db: AtlasDb, clipModelId: number, dim: number, hooks: RefreshHooks): Promise<boolean> {
  const wanted = await defaultRunsPerLayer(db);
  const stateRes = await db.execute(
    sql`SELECT layer_id AS "layerId", run_id AS "runId" FROM neuron_search_layers WHERE clip_model_id = ${clipModelId}`,
  );
  const state = new Map(typedRows(stateRes, (r) => [r.num('layerId'), r.num('runId')] as const));
  const wantedLayers = new Set(wanted.map((w) => w.layerId));
  let complete = true;

  const goneLayers = [...state.keys()].filter((l) => !wantedLayers.has(l));
  for (const gone of goneLayers) {
    await db.transaction(async (tx) => {
      await tx.execute(sql`DELETE FROM neuron_search WHERE clip_model_id = ${clipModelId} AND layer_id = ${gone}`);
      await tx.execute(sql`DELETE FROM neuron_search_layers WHERE clip_model_id = ${clipModelId} AND layer_id = ${gone}`);
    });
  }
  const stale = wanted.filter((w) => state.get(w.layerId) !== w.runId);
  if (stale.length === 0) {
    if (goneLayers.length > 0) await syncLabels(db, clipModelId);
    return true;
  }

  // Labels without an embedding for this CLIP model (imported runs, other CLIP models).
  const runIds = [...new Set(stale.map((s) => s.runId))];
  const missingRes = await db.execute(sql`
    SELECT DISTINCT nl.text FROM neuron_labels nl
    LEFT JOIN concept_embeddings ce ON ce.clip_model_id = ${clipModelId} AND ce.concept_id = nl.concept_id
    WHERE nl.run_id = ANY(${sql.param(runIds)}::int[]) AND nl.rank = 0 AND ce.concept_id IS NULL`);
  const missing = typedRows(missingRes, (r) => r.str('text'));
  if (missing.length > 0) {
    try {
      await hooks.embedConcepts(missing);
    } catch (error) {
      complete = false;
      hooks.log?.(`search: ${missing.length} labels have no text embedding and stay unsearchable: ${(error as Error).message}`);
    }
  }

  for (const s of stale) {
    await db.transaction(async (tx) => {
      // One refresher at a time across processes.
      await tx.execute(sql`SELECT pg_advisory_xact_lock(724001, ${clipModelId})`);
      await tx.execute(sql`DELETE FROM neuron_search WHERE clip_model_id = ${clipModelId} AND layer_id = ${s.layerId}`);
      const inserted = await tx.execute(sql`
        INSERT INTO neuron_search (clip_model_id, neuron_id, run_id, layer_id, model_id, concept_id, score)
        SELECT ${clipModelId}, nl.neuron_id, nl.run_id, ${s.layerId}, ${s.modelId}, nl.concept_id, nl.score
        FROM neuron_labels nl
        JOIN neurons n ON n.id = nl.neuron_id AND n.layer_id = ${s.layerId}
        JOIN concept_embeddings ce ON ce.clip_model_id = ${clipModelId} AND ce.concept_id = nl.concept_id
        WHERE nl.run_id = ${s.runId} AND nl.rank = 0
        RETURNING 1`);
      void inserted;
      if (complete) {
        await tx.execute(sql`INSERT INTO neuron_search_layers (clip_model_id, layer_id, run_id) VALUES (${clipModelId}, ${s.layerId}, ${s.runId})
          ON CONFLICT (clip_model_id, layer_id) DO UPDATE SET run_id = excluded.run_id`);
      }
    });
  }
  await syncLabels(db, clipModelId);
  // Built after the first fill (faster than growing it row by row), kept up to date afterwards.
  await ensureNeuronSearchIndex(db, clipModelId, dim);
  await db.execute(sql`ANALYZE neuron_search, label_search`);
  return complete;
}

/** label_search = the distinct labels of neuron_search, with their embeddings. */
async function syncLabels(db: AtlasDb, clipModelId: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(724001, ${clipModelId})`);
    await tx.execute(sql`DELETE FROM label_search ls WHERE ls.clip_model_id = ${clipModelId}
      AND NOT EXISTS (SELECT 1 FROM neuron_search ns WHERE ns.clip_model_id = ${clipModelId} AND ns.concept_id = ls.concept_id)`);
    await tx.execute(sql`INSERT INTO label_search (clip_model_id, concept_id, embedding)
      SELECT ${clipModelId}, ce.concept_id, ce.embedding FROM concept_embeddings ce
      WHERE ce.clip_model_id = ${clipModelId}
        AND ce.concept_id IN (SELECT DISTINCT concept_id FROM neuron_search WHERE clip_model_id = ${clipModelId})
      ON CONFLICT (clip_model_id, concept_id) DO UPDATE SET embedding = excluded.embedding`);
  });
}

/**
 * Labels sharing one embedding past this many trap an HNSW walk: every neighbour of a duplicate is
 * another duplicate, so the walk (ef_search 32) never leaves them and misses the true nearest
 * label (600 identical vectors: "star" at similarity 1 not found, nothing at all in a filtered scope).
 */
const MAX_DUPLICATE_GROUP = 32;

/**
 * Whether some embedding is shared by more than MAX_DUPLICATE_GROUP labels of the CLIP model.
 * Grouped by the first four components, not the whole vector: sorting 20,000 512-d vectors ran
 * PGlite out of memory, four floats take 0.15 s. Distinct embeddings equal in all four are
 * vanishingly rare, and would only cost exact searches.
 */
async function hasLargeDuplicateGroup(db: AtlasDb, clipModelId: number): Promise<boolean> {
  const res = await db.execute(sql`
    SELECT EXISTS (SELECT 1 FROM label_search WHERE clip_model_id = ${clipModelId}
                   GROUP BY subvector(embedding, 1, 4) HAVING count(*) > ${MAX_DUPLICATE_GROUP})::int AS dup`);
  return (firstRow(res, (r) => r.num('dup')) ?? 0) === 1;
}

export interface NeuronHit {
  neuronId: number;
  runId: number;
  layerId: number;
  modelId: number;
  unit: number;
  label: string;
  score: number;
  similarity: number;
}

export interface NeuronSearchFilter {
  modelIds?: number[];
  layerId?: number;
}

/**
 * The statement both neuron searches share: the `first` nearest labels (through the HNSW index
 * of the CLIP model; with a filter, only labels some neuron in scope carries, pgvector's
 * iterative scan reading on until enough are found), then their neurons, nearest first. Each
 * label has at least one neuron in scope, so the `first` nearest labels hold the `first`
 * nearest neurons. `exact` hides the ordering from the planner (`+ 0`) so that it scans without
 * the index. Limits are literals and the vector one parameter (the ordering names the output
 * column `d`): Postgres then keeps one generic plan for the prepared statement instead of
 * planning each execution (a parameter LIMIT makes the generic plan look costlier).
 */
function nearestHits(clipModelId: number, dim: number, vector: ArrayLike<number>, first: number, filter: NeuronSearchFilter, exact = false) {
  const d = sql.raw(int(dim));
  // A literal, not a parameter: the planner must see it to use the partial index.
  const clip = sql.raw(int(clipModelId));
  const dist = sql`(ls.embedding::vector(${d}) <=> ${cachedVectorText(vector)}::vector(${d}))`;
  const scope = [sql`ns.clip_model_id = ${clip}`];
  if (filter.layerId !== undefined) scope.push(sql`ns.layer_id = ${filter.layerId}`);
  if (filter.modelIds) scope.push(sql`ns.model_id = ANY(${sql.param(filter.modelIds)}::int[])`);
  const filtered = scope.length > 1;
  const inScope = sql.join(scope, sql` AND `);
  const labelInScope = filtered ? sql`AND EXISTS (SELECT 1 FROM neuron_search ns WHERE ns.concept_id = ls.concept_id AND ${inScope})` : sql``;
  const order = exact ? sql`${dist} + 0` : sql`d`;
  const limit = sql.raw(int(first));
  const query = sql`
    SELECT ns.neuron_id AS "neuronId", ns.run_id AS "runId", ns.layer_id AS "layerId", ns.model_id AS "modelId",
           n.unit, c.text AS label, ns.score, 1 - l.d AS similarity, l.d AS dist
    FROM (SELECT ls.concept_id, ${dist} AS d FROM label_search ls
          WHERE ls.clip_model_id = ${clip} ${labelInScope} ORDER BY ${order} LIMIT ${limit}) l
    JOIN neuron_search ns ON ${inScope} AND ns.concept_id = l.concept_id
    JOIN neurons n ON n.id = ns.neuron_id
    JOIN concepts c ON c.id = ns.concept_id
    ORDER BY l.d, ns.neuron_id
    LIMIT ${limit}`;
  return { query, filtered };
}

/** A hit row as the driver returns it (numbers may come back as strings). */
function toHit(r: Row): NeuronHit {
  return {
    neuronId: r.num('neuronId'),
    runId: r.num('runId'),
    layerId: r.num('layerId'),
    modelId: r.num('modelId'),
    unit: r.num('unit'),
    label: r.str('label'),
    score: r.num('score'),
    similarity: r.num('similarity'),
  };
}

export interface NeuronSearchResult {
  /** runsFingerprint as of this statement: when it differs from the caller's, the index may be stale. */
  fingerprint: string;
  hits: NeuronHit[];
}

/**
 * nearestNeurons and the runs fingerprint in ONE statement, so that the caller can check the
 * index was fresh without another round trip.
 */
async function nearestNeuronsWithFingerprint(
  db: AtlasDb,
  clipModelId: number,
  dim: number,
  vector: ArrayLike<number>,
  first: number,
  filter: NeuronSearchFilter = {},
  exact = false,
): Promise<NeuronSearchResult> {
  const { query: nearest, filtered } = nearestHits(clipModelId, dim, vector, first, filter, exact);
  // The fingerprint row always comes back (LEFT JOIN), hits or not.
  const query = sql`
    SELECT fp.n AS "fpN", fp.m AS "fpM", h.*
    FROM (SELECT count(*)::int AS n, coalesce(sum(id), 0)::float8 AS m FROM dissection_runs WHERE status = 'complete') fp
    LEFT JOIN (${nearest}) h ON true
    ORDER BY h.dist, h."neuronId"`;
  // With default settings (unfiltered) there is no transaction: a prepared statement on Postgres.
  const rows = await withHnswSettings(db, first, filtered, async (q) => (q === db ? executePrepared(db, query) : (await q.execute(query)).rows));
  const fingerprint = firstRow(rows, (r) => `${r.num('fpN')}:${r.num('fpM')}`) ?? '0:0';
  // The fingerprint row alone (no hits) has a null neuronId.
  const hits = typedRows(rows, (r) => (r.numOrNull('neuronId') === null ? undefined : toHit(r))).filter((h) => h !== undefined);
  return { fingerprint, hits };
}

export interface ImageHit {
  probeSetId: number;
  ordinal: number;
  uri: string;
  similarity: number;
}

export class SearchRepository {
  /** CLIP model -> the runs fingerprint its search tables were last brought up to date at. */
  private readonly upToDate = new Map<number, string>();
  /** CLIP model -> the refresh in flight. */
  private readonly refreshing = new Map<number, Promise<void>>();
  /** CLIP models whose labels hold a large group of identical embeddings: searched without the index. */
  private readonly exactOnly = new Set<number>();

  constructor(private readonly db: AtlasDb) {}

  /**
   * Brings the neuron search tables of one CLIP model up to date. Cheap when nothing changed (one
   * small query); concurrent callers in this process share one refresh.
   */
  async refresh(clipModelId: number, dim: number, hooks: RefreshHooks): Promise<void> {
    const fingerprint = hooks.fingerprint ?? (await runsFingerprint(this.db));
    if (this.upToDate.get(clipModelId) === fingerprint) return;
    const inFlight = this.refreshing.get(clipModelId);
    if (inFlight) return inFlight;
    const work = (async () => {
      // Layers whose labels could not all be embedded (no encoder) are retried when runs change,
      // not on every search.
      await refreshLayers(this.db, clipModelId, dim, hooks);
      if (await hasLargeDuplicateGroup(this.db, clipModelId)) this.exactOnly.add(clipModelId);
      else this.exactOnly.delete(clipModelId);
      this.upToDate.set(clipModelId, fingerprint);
    })().finally(() => this.refreshing.delete(clipModelId));
    this.refreshing.set(clipModelId, work);
    return work;
  }

  /**
   * The `first` neurons whose label embedding is nearest (cosine) to `vector` (see nearestHits).
   * `exact` scans without the index (the benchmark's baseline).
   */
  async nearestNeurons(
    clipModelId: number,
    dim: number,
    vector: ArrayLike<number>,
    first: number,
    filter: NeuronSearchFilter = {},
    opts: { exact?: boolean } = {},
  ): Promise<NeuronHit[]> {
    const { query, filtered } = nearestHits(clipModelId, dim, vector, first, filter, opts.exact);
    const run = async (q: Q) => (await q.execute(query)).rows;
    const rows = opts.exact ? await run(this.db) : await withHnswSettings(this.db, first, filtered, run);
    return typedRows(rows, toHit);
  }

  /**
   * nearestNeurons and the runs fingerprint in one (prepared) statement; exact when the CLIP
   * model's labels defeat the index (large groups of identical embeddings, as of the last
   * refresh) or when the index gives fewer hits than asked.
   */
  async nearestNeuronsWithFingerprint(
    clipModelId: number,
    dim: number,
    vector: ArrayLike<number>,
    first: number,
    filter: NeuronSearchFilter = {},
  ): Promise<NeuronSearchResult> {
    const exact = this.exactOnly.has(clipModelId);
    const result = await nearestNeuronsWithFingerprint(this.db, clipModelId, dim, vector, first, filter, exact);
    if (exact || result.hits.length >= first) return result;
    // Fewer than asked: the scope holds fewer neurons, or the index walk gave up early (a
    // filtered scan stops after hnsw.max_scan_tuples). An exact scan tells them apart.
    return nearestNeuronsWithFingerprint(this.db, clipModelId, dim, vector, first, filter, true);
  }

  /** The `first` probe images whose CLIP embedding is nearest to `vector` (HNSW index of the CLIP model). */
  async nearestImages(clipModelId: number, dim: number, vector: ArrayLike<number>, first: number, probeSetId?: number): Promise<ImageHit[]> {
    const d = sql.raw(int(dim));
    const dist = sql`(ie.embedding::vector(${d}) <=> ${cachedVectorText(vector)}::vector(${d}))`;
    const probe = probeSetId === undefined ? sql`` : sql`AND ie.probe_set_id = ${probeSetId}`;
    const rows = await withHnswSettings(this.db, first, probeSetId !== undefined, async (tx) => {
      const res = await tx.execute(sql`
        SELECT ie.probe_set_id AS "probeSetId", ie.ordinal, pi.uri, 1 - ie.d AS similarity
        FROM (SELECT probe_set_id, ordinal, ${dist} AS d FROM image_embeddings ie
              WHERE ie.clip_model_id = ${sql.raw(int(clipModelId))} ${probe} ORDER BY d LIMIT ${sql.raw(int(first))}) ie
        JOIN probe_images pi ON pi.probe_set_id = ie.probe_set_id AND pi.ordinal = ie.ordinal
        ORDER BY ie.d, ie.probe_set_id, ie.ordinal`);
      return res.rows;
    });
    return typedRows(rows, (r) => ({ probeSetId: r.num('probeSetId'), ordinal: r.num('ordinal'), uri: r.str('uri'), similarity: r.num('similarity') }));
  }

  /** The CLIP model of the latest complete clip-dissect run in scope (models, a layer, a probe set), if any. */
  async clipModelOfScope(filter: NeuronSearchFilter & { probeSetId?: number } = {}): Promise<number | undefined> {
    const conds = [sql`r.status = 'complete'`, sql`r.clip_model_id IS NOT NULL`];
    if (filter.modelIds) conds.push(sql`r.model_id = ANY(${sql.param(filter.modelIds)}::int[])`);
    if (filter.layerId !== undefined) conds.push(sql`EXISTS (SELECT 1 FROM run_layers rl WHERE rl.run_id = r.id AND rl.layer_id = ${filter.layerId})`);
    if (filter.probeSetId !== undefined) conds.push(sql`r.probe_set_id = ${filter.probeSetId}`);
    const res = await this.db.execute(sql`
      SELECT r.clip_model_id AS id FROM dissection_runs r WHERE ${sql.join(conds, sql` AND `)}
      ORDER BY (r.method = 'clip-dissect') DESC, r.finished_at DESC NULLS LAST, r.id DESC LIMIT 1`);
    return firstRow(res, (r) => r.num('id'));
  }

  /** How many neurons are searchable under a CLIP model. */
  async searchableNeurons(clipModelId: number): Promise<number> {
    const res = await this.db.execute(sql`SELECT count(*)::int AS n FROM neuron_search WHERE clip_model_id = ${clipModelId}`);
    return firstRow(res, (r) => r.num('n')) ?? 0;
  }
}
