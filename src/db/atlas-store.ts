/**
 * The atlas store: the one data-access layer used by the CLI, the compute engine and the GraphQL
 * resolvers. Writes take the record types of core/types.ts; every logical write is one transaction,
 * and large ones are batched into multi-row INSERTs.
 *
 * Run visibility: `beginRun` creates a run with status 'running'. Readers (atlas-reader.ts) only
 * ever see runs with status 'complete', which `completeRun` sets in one UPDATE, so a run killed
 * half-way is never visible; `findResumableRun` / `cleanupIncompleteRuns` deal with what it left.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type {
  ClipModelRecord,
  ConceptSetRecord,
  LayerRecord,
  LayerResult,
  Matrix,
  ProbeSetRecord,
  RunParameters,
  TargetModelRecord,
} from '../core/types.js';
import { openConnection, type AtlasDb, type Connection, type DriverName, type OpenOptions } from './connection.js';
import { runMigrations } from './migrate.js';
import { AtlasReader } from './atlas-reader.js';
import { assertMatrix, chunks, fromBase64, rowBytes, rowVectorText, setRowFromBytes } from './codec.js';
import { decodeVectorSend, vectorFromSend64 } from './queries/embeddings.js';
import * as t from './schema.js';
import { EmbeddingsRepository } from './repositories/embeddings.js';
import { LabelsRepository } from './repositories/labels.js';
import { MetaRepository } from './repositories/meta.js';
import { ModelsRepository } from './repositories/models.js';
import { ProbeSetsRepository } from './repositories/probe-sets.js';
import { RunsRepository } from './repositories/runs.js';
import { SearchRepository } from './repositories/search.js';
import { registerHandle } from './inspect.js';

type Tx = Parameters<Parameters<AtlasDb['transaction']>[0]>[0];
type Q = AtlasDb | Tx;

export interface StoreOptions extends OpenOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
}

export interface LayerRow {
  id: number;
  modelId: number;
  name: string;
  kind: LayerRecord['kind'];
  units: number;
  position: number;
}

export interface BeginRunInput {
  modelId: number;
  /** Null/absent for imported tools that do not use CLIP. */
  clipModelId?: number | null;
  probeSetId?: number | null;
  conceptSetId?: number | null;
  parameters: RunParameters;
}

export interface ResumableRun {
  runId: number;
  /** Layers whose results the run already holds (skip them when resuming). */
  doneLayers: string[];
  startedAt: Date;
}

export interface CleanupOptions {
  /** Also delete failed runs (default false: they are kept for their error message). */
  includeFailed?: boolean;
  /** Only runs started before this time (default: all). */
  startedBefore?: Date;
}

// Bind parameters per statement. Postgres allows 65,535, but PGlite 0.4 mishandles more than
// 32,767 (the transaction silently loses earlier writes), so every batch stays well below that.
const MAX_PARAMS = 30_000;
/** Rows per INSERT ... SELECT FROM unnest(arrays): bounds statement size, not parameters. */
const UNNEST_BATCH = 50_000;
const EMBEDDING_BATCH = 1000;
const ACTIVATION_BATCH_BYTES = 8 << 20;
const ACTIVATION_MAX_ROWS = Math.floor(MAX_PARAMS / 7); // 7 columns a row

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * On PGlite, each row inserted into an HNSW index is a graph insertion in WebAssembly (10,000
 * 512-d image embeddings: 25-65 s); building the index once afterwards costs a fraction. When
 * at least as many rows are coming as the CLIP model's partial index holds, drops that index
 * (inside the caller's transaction) and returns the statement that recreates it. Not on a
 * Postgres server, where the drop would block other sessions' searches until commit.
 */
async function indexToRebuild(tx: Tx, table: 'image_embeddings', clipModelId: number, incoming: number): Promise<string | undefined> {
  const name = `${table}_hnsw_clip_${Math.trunc(clipModelId)}`;
  const def = await tx.execute(sql`SELECT indexdef FROM pg_indexes WHERE tablename = ${table} AND indexname = ${name}`);
  const indexdef = (def.rows[0] as { indexdef: string } | undefined)?.indexdef;
  if (!indexdef) return undefined;
  const held = await tx.execute(sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE clip_model_id = ${Math.trunc(clipModelId)}`);
  if (incoming < Number((held.rows[0] as { n: number }).n) || incoming < 256) return undefined;
  await tx.execute(sql.raw(`DROP INDEX "${name}"`));
  return indexdef;
}

export class AtlasStore {
  /** The Drizzle handle: SQL stays inside src/db, behind the repositories. */
  private readonly db: AtlasDb;
  readonly driver: DriverName;
  readonly location: string;
  readonly reader: AtlasReader;
  readonly models: ModelsRepository;
  readonly probeSets: ProbeSetsRepository;
  readonly runs: RunsRepository;
  readonly labels: LabelsRepository;
  readonly embeddings: EmbeddingsRepository;
  readonly search: SearchRepository;
  readonly meta: MetaRepository;
  private closed = false;

  constructor(private readonly conn: Connection) {
    this.db = conn.db;
    this.driver = conn.driver;
    this.location = conn.location;
    this.reader = new AtlasReader(conn.db);
    this.models = new ModelsRepository(conn.db);
    this.probeSets = new ProbeSetsRepository(conn.db);
    this.runs = new RunsRepository(conn.db);
    this.labels = new LabelsRepository(conn.db);
    this.embeddings = new EmbeddingsRepository(conn.db);
    this.search = new SearchRepository(conn.db);
    this.meta = new MetaRepository(conn.db);
    registerHandle(this, conn.db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.conn.close();
  }

  // ---------------------------------------------------------------- models, layers, neurons

  /** Inserts or updates a target model (unique by name + version); returns its id. */
  async upsertTargetModel(rec: TargetModelRecord): Promise<number> {
    if (!rec.name || !rec.version) throw new Error('target model needs a name and a version');
    const [row] = await this.db
      .insert(t.targetModels)
      .values({ name: rec.name, version: rec.version, fileHash: rec.fileHash, inputSpec: rec.inputSpec, source: rec.source ?? null })
      .onConflictDoUpdate({
        target: [t.targetModels.name, t.targetModels.version],
        set: { fileHash: rec.fileHash, inputSpec: rec.inputSpec, source: rec.source ?? null },
      })
      .returning({ id: t.targetModels.id });
    return row!.id;
  }

  async findTargetModel(name: string, version: string): Promise<number | undefined> {
    const [row] = await this.db
      .select({ id: t.targetModels.id })
      .from(t.targetModels)
      .where(and(eq(t.targetModels.name, name), eq(t.targetModels.version, version)));
    return row?.id;
  }

  /**
   * Inserts or updates the model's layers (position = order in `layers`) and their neurons
   * (one per unit). Returns all layers of the model.
   */
  async upsertLayers(modelId: number, layers: LayerRecord[]): Promise<LayerRow[]> {
    for (const l of layers) validateLayer(l);
    return this.db.transaction(async (tx) => {
      for (const [position, l] of layers.entries()) await upsertLayer(tx, modelId, l, position);
      return listLayers(tx, modelId);
    }).then(async (rows) => {
      await this.db.execute(sql`ANALYZE neurons, layers`);
      return rows;
    });
  }

  async getLayers(modelId: number): Promise<LayerRow[]> {
    return listLayers(this.db, modelId);
  }

  // ---------------------------------------------------------------- CLIP, probe sets, concepts

  /** Registers a CLIP model (unique by name) and its per-model HNSW indexes; returns its id. */
  async upsertClipModel(rec: ClipModelRecord): Promise<number> {
    if (!Number.isInteger(rec.dim) || rec.dim < 1 || rec.dim > 16000) {
      throw new Error(`CLIP model ${rec.name}: invalid embedding dimension ${rec.dim}`);
    }
    const [existing] = await this.db.select().from(t.clipModels).where(eq(t.clipModels.name, rec.name));
    if (existing && existing.dim !== rec.dim) {
      throw new Error(
        `CLIP model ${rec.name} is already in the atlas with dimension ${existing.dim}, not ${rec.dim}; register it under another name`,
      );
    }
    const [row] = await this.db
      .insert(t.clipModels)
      .values({ name: rec.name, dim: rec.dim, source: rec.source ?? null })
      .onConflictDoUpdate({ target: t.clipModels.name, set: { source: rec.source ?? existing?.source ?? null } })
      .returning({ id: t.clipModels.id });
    await this.ensureEmbeddingIndexes(row!.id, rec.dim);
    return row!.id;
  }

  /**
   * Partial expression HNSW index of one CLIP model's image embeddings (see the design note in
   * schema.ts). Concept embeddings get none: they are looked up by key, and label search has
   * its own index (search.ts).
   */
  private async ensureEmbeddingIndexes(clipModelId: number, dim: number): Promise<void> {
    const id = Math.trunc(clipModelId);
    const d = Math.trunc(dim);
    for (const table of ['image_embeddings']) {
      await this.db.execute(
        sql.raw(
          `CREATE INDEX IF NOT EXISTS ${table}_hnsw_clip_${id} ON ${table} ` +
            `USING hnsw ((embedding::vector(${d})) vector_cosine_ops) WHERE clip_model_id = ${id}`,
        ),
      );
    }
  }

  async getClipModel(id: number): Promise<{ id: number; name: string; dim: number } | undefined> {
    const [row] = await this.db.select().from(t.clipModels).where(eq(t.clipModels.id, id));
    return row ? { id: row.id, name: row.name, dim: row.dim } : undefined;
  }

  /**
   * Inserts a probe set with its images (unique by name + content hash; an existing one is reused
   * as is); returns its id.
   */
  async upsertProbeSet(rec: ProbeSetRecord): Promise<number> {
    const seen = new Set<number>();
    for (const img of rec.images) {
      if (!Number.isInteger(img.ordinal) || img.ordinal < 0) throw new Error(`probe set ${rec.name}: invalid ordinal ${img.ordinal}`);
      if (seen.has(img.ordinal)) throw new Error(`probe set ${rec.name}: ordinal ${img.ordinal} appears twice`);
      seen.add(img.ordinal);
    }
    return this.db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ id: t.probeSets.id, size: t.probeSets.size })
        .from(t.probeSets)
        .where(and(eq(t.probeSets.name, rec.name), eq(t.probeSets.contentHash, rec.contentHash)));
      if (existing) {
        if (existing.size !== rec.images.length) {
          throw new Error(
            `probe set ${rec.name} (hash ${rec.contentHash}) is stored with ${existing.size} images, not ${rec.images.length}`,
          );
        }
        return existing.id;
      }
      const [row] = await tx
        .insert(t.probeSets)
        .values({ name: rec.name, recipe: rec.recipe, contentHash: rec.contentHash, size: rec.images.length })
        .returning({ id: t.probeSets.id });
      const id = row!.id;
      for (const part of chunks(rec.images, 10000)) {
        await tx.insert(t.probeImages).values(part.map((img) => ({ probeSetId: id, ordinal: img.ordinal, uri: img.uri })));
      }
      return id;
    });
  }

  async findProbeSet(name: string, contentHash: string): Promise<number | undefined> {
    const [row] = await this.db
      .select({ id: t.probeSets.id })
      .from(t.probeSets)
      .where(and(eq(t.probeSets.name, name), eq(t.probeSets.contentHash, contentHash)));
    return row?.id;
  }

  /** Ordinals of a probe set, ascending: row i of every per-image matrix is ordinals[i]. */
  async probeOrdinals(probeSetId: number): Promise<number[]> {
    const rows = await this.db
      .select({ ordinal: t.probeImages.ordinal })
      .from(t.probeImages)
      .where(eq(t.probeImages.probeSetId, probeSetId))
      .orderBy(asc(t.probeImages.ordinal));
    if (rows.length === 0) {
      const [set] = await this.db.select({ id: t.probeSets.id }).from(t.probeSets).where(eq(t.probeSets.id, probeSetId));
      if (!set) throw new Error(`probe set ${probeSetId} is not in the atlas`);
    }
    return rows.map((r) => r.ordinal);
  }

  /** Stores CLIP image embeddings; row i belongs to the i-th image in ordinal order. */
  async putImageEmbeddings(probeSetId: number, clipModelId: number, m: Matrix): Promise<void> {
    assertMatrix(m, 'image embeddings');
    const clip = await this.requireClip(clipModelId, m.cols, 'image embeddings');
    const ordinals = await this.probeOrdinals(probeSetId);
    if (m.rows !== ordinals.length) {
      throw new Error(`image embeddings: ${m.rows} rows but probe set ${probeSetId} has ${ordinals.length} images`);
    }
    await this.db.transaction(async (tx) => {
      const rebuild = this.driver === 'pglite' ? await indexToRebuild(tx, 'image_embeddings', clip.id, m.rows) : undefined;
      for (let start = 0; start < m.rows; start += EMBEDDING_BATCH) {
        const end = Math.min(m.rows, start + EMBEDDING_BATCH);
        const values = [];
        for (let i = start; i < end; i++) {
          values.push({ clipModelId: clip.id, probeSetId, ordinal: ordinals[i]!, embedding: rowVectorText(m, i) });
        }
        await tx
          .insert(t.imageEmbeddings)
          .values(values)
          .onConflictDoUpdate({
            target: [t.imageEmbeddings.clipModelId, t.imageEmbeddings.probeSetId, t.imageEmbeddings.ordinal],
            set: { embedding: sql`excluded.embedding` },
          });
      }
      if (rebuild) {
        // A graph of 10,000 512-d vectors needs ~30 MB; with less memory pgvector builds it on disk, far slower.
        await tx.execute(sql.raw(`SET LOCAL maintenance_work_mem = '512MB'`));
        await tx.execute(sql.raw(rebuild));
      }
    });
  }

  /** The image embeddings of a probe set for one CLIP model, or undefined unless every image has one. */
  async getImageEmbeddings(probeSetId: number, clipModelId: number): Promise<Matrix | undefined> {
    const clip = await this.getClipModel(clipModelId);
    if (!clip) return undefined;
    const ordinals = await this.probeOrdinals(probeSetId);
    const rows = await this.db.execute(
      sql`SELECT ordinal, encode(vector_send(embedding), 'base64') AS v FROM image_embeddings
          WHERE clip_model_id = ${clipModelId} AND probe_set_id = ${probeSetId} ORDER BY ordinal`,
    );
    const list = rows.rows as { ordinal: number; v: string }[];
    if (list.length !== ordinals.length || ordinals.length === 0) return undefined;
    const out: Matrix = { rows: list.length, cols: clip.dim, data: new Float32Array(list.length * clip.dim) };
    list.forEach((r, i) => decodeVectorSend(fromBase64(r.v), out.data, i * clip.dim, clip.dim));
    return out;
  }

  /**
   * Inserts a concept set (unique by name + content); returns its id and the concept id of every
   * entry of `rec.concepts` (same order).
   */
  async upsertConceptSet(rec: ConceptSetRecord): Promise<{ id: number; conceptIds: number[] }> {
    if (rec.concepts.length === 0) throw new Error(`concept set ${rec.name} is empty`);
    const hash = sha256(rec.concepts.join('\n'));
    return this.db.transaction(async (tx) => {
      const ids = await ensureConcepts(tx, rec.concepts);
      const conceptIds = rec.concepts.map((c) => ids.get(c)!);
      const [existing] = await tx
        .select({ id: t.conceptSets.id })
        .from(t.conceptSets)
        .where(and(eq(t.conceptSets.name, rec.name), eq(t.conceptSets.contentHash, hash)));
      if (existing) return { id: existing.id, conceptIds };
      const [row] = await tx
        .insert(t.conceptSets)
        .values({ name: rec.name, contentHash: hash, size: rec.concepts.length })
        .returning({ id: t.conceptSets.id });
      const id = row!.id;
      for (const part of chunks(
        conceptIds.map((conceptId, position) => ({ conceptSetId: id, position, conceptId })),
        10000,
      )) {
        await tx.insert(t.conceptSetMembers).values(part);
      }
      return { id, conceptIds };
    });
  }

  /** The concepts of a set, in order. */
  async getConceptSet(conceptSetId: number): Promise<{ name: string; concepts: string[]; conceptIds: number[] } | undefined> {
    const [set] = await this.db.select().from(t.conceptSets).where(eq(t.conceptSets.id, conceptSetId));
    if (!set) return undefined;
    const rows = await this.db
      .select({ id: t.concepts.id, text: t.concepts.text })
      .from(t.conceptSetMembers)
      .innerJoin(t.concepts, eq(t.concepts.id, t.conceptSetMembers.conceptId))
      .where(eq(t.conceptSetMembers.conceptSetId, conceptSetId))
      .orderBy(asc(t.conceptSetMembers.position));
    return { name: set.name, concepts: rows.map((r) => r.text), conceptIds: rows.map((r) => r.id) };
  }

  /** Stores CLIP text embeddings; row i belongs to concepts[i]. */
  async putConceptEmbeddings(clipModelId: number, concepts: string[], m: Matrix): Promise<void> {
    assertMatrix(m, 'concept embeddings');
    if (m.rows !== concepts.length) throw new Error(`concept embeddings: ${m.rows} rows for ${concepts.length} concepts`);
    const clip = await this.requireClip(clipModelId, m.cols, 'concept embeddings');
    await this.db.transaction(async (tx) => {
      const ids = await ensureConcepts(tx, concepts);
      // A concept listed twice keeps its last row.
      const byId = new Map<number, number>();
      concepts.forEach((c, i) => byId.set(ids.get(c)!, i));
      const entries = [...byId.entries()];
      for (const part of chunks(entries, EMBEDDING_BATCH)) {
        await tx
          .insert(t.conceptEmbeddings)
          .values(
            part.map(([conceptId, i]) => ({ clipModelId: clip.id, conceptId, embedding: rowVectorText(m, i) })),
          )
          .onConflictDoUpdate({
            target: [t.conceptEmbeddings.clipModelId, t.conceptEmbeddings.conceptId],
            set: { embedding: sql`excluded.embedding` },
          });
      }
    });
  }

  /** Cached CLIP text embeddings of those `texts` that have one. */
  async getConceptEmbeddings(clipModelId: number, texts: string[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    const unique = [...new Set(texts)];
    for (const part of chunks(unique, 5000)) {
      const rows = await this.db.execute(
        sql`SELECT c.text AS text, encode(vector_send(ce.embedding), 'base64') AS v FROM concept_embeddings ce
            JOIN concepts c ON c.id = ce.concept_id
            WHERE ce.clip_model_id = ${clipModelId} AND c.text = ANY(${sql.param(part)}::text[])`,
      );
      for (const r of rows.rows as { text: string; v: string }[]) out.set(r.text, vectorFromSend64(r.v));
    }
    return out;
  }

  private async requireClip(clipModelId: number, cols: number, what: string): Promise<{ id: number; dim: number }> {
    const clip = await this.getClipModel(clipModelId);
    if (!clip) throw new Error(`${what}: CLIP model ${clipModelId} is not in the atlas`);
    if (clip.dim !== cols) throw new Error(`${what}: ${cols} columns but CLIP model ${clip.name} has dimension ${clip.dim}`);
    return clip;
  }

  // ---------------------------------------------------------------- activations

  /**
   * Stores a layer's activations over a probe set (N x K, rows in image ordinal order; replacing
   * what was there), with `key`: what
   * they were computed with (network file hash, preprocessing, pool mode; see getActivations).
   */
  async putActivations(modelId: number, layerName: string, probeSetId: number, m: Matrix, key = ''): Promise<void> {
    assertMatrix(m, `activations of ${layerName}`);
    const layer = await this.requireLayer(this.db, modelId, layerName);
    if (m.cols !== layer.units) {
      throw new Error(`activations of ${layerName}: ${m.cols} columns but the layer has ${layer.units} units`);
    }
    const ordinals = await this.probeOrdinals(probeSetId);
    if (m.rows !== ordinals.length) {
      throw new Error(`activations of ${layerName}: ${m.rows} rows but probe set ${probeSetId} has ${ordinals.length} images`);
    }
    const perBatch = Math.max(1, Math.min(ACTIVATION_MAX_ROWS, Math.floor(ACTIVATION_BATCH_BYTES / Math.max(1, m.cols * 4))));
    await this.db.transaction(async (tx) => {
      await tx
        .delete(t.activations)
        .where(and(eq(t.activations.layerId, layer.id), eq(t.activations.probeSetId, probeSetId)));
      for (let start = 0; start < m.rows; start += perBatch) {
        const end = Math.min(m.rows, start + perBatch);
        const values = [];
        for (let i = start; i < end; i++) {
          // as base64 text, decoded by Postgres (see fromBase64: PGlite encodes bytea parameters byte by byte)
          const bytes = sql`decode(${rowBytes(m, i).toString('base64')}, 'base64')`;
          values.push({ modelId, layerId: layer.id, probeSetId, ordinal: ordinals[i]!, units: m.cols, values: bytes, activationKey: key });
        }
        await tx.insert(t.activations).values(values);
      }
    });
  }

  /**
   * A layer's stored activations (rows in ordinal order), or undefined unless every image has
   * them. With `key` (a run's activation key), only activations computed that way count: a layer
   * dissected since with another pool mode, preprocessing or network file reads as missing. A
   * null or absent key (imported or older runs) takes whatever is stored.
   */
  async getActivations(modelId: number, layerName: string, probeSetId: number, key?: string | null): Promise<Matrix | undefined> {
    const layer = await findLayer(this.db, modelId, layerName);
    if (!layer) return undefined;
    const ordinals = await this.probeOrdinals(probeSetId);
    const conds = [eq(t.activations.layerId, layer.id), eq(t.activations.probeSetId, probeSetId)];
    if (key) conds.push(eq(t.activations.activationKey, key));
    const rows = await this.db
      .select({ ordinal: t.activations.ordinal, values: sql<string>`encode(${t.activations.values}, 'base64')` })
      .from(t.activations)
      .where(and(...conds))
      .orderBy(asc(t.activations.ordinal));
    if (rows.length !== ordinals.length || rows.length === 0) return undefined;
    const out: Matrix = { rows: rows.length, cols: layer.units, data: new Float32Array(rows.length * layer.units) };
    rows.forEach((r, i) => setRowFromBytes(out, i, fromBase64(r.values)));
    return out;
  }

  // ---------------------------------------------------------------- runs

  /** Starts a run (status 'running': invisible to every read API until completeRun). */
  async beginRun(input: BeginRunInput): Promise<number> {
    const p = input.parameters;
    if (!p?.method) throw new Error('beginRun: parameters.method is required');
    const [model] = await this.db.select({ id: t.targetModels.id }).from(t.targetModels).where(eq(t.targetModels.id, input.modelId));
    if (!model) throw new Error(`beginRun: target model ${input.modelId} is not in the atlas`);
    const [row] = await this.db
      .insert(t.dissectionRuns)
      .values({
        modelId: input.modelId,
        clipModelId: input.clipModelId ?? null,
        probeSetId: input.probeSetId ?? null,
        conceptSetId: input.conceptSetId ?? null,
        method: p.method,
        similarity: p.similarity ?? null,
        params: p.params ?? {},
        pool: p.pool ?? null,
        activationKey: p.activationKey ?? null,
        device: p.device ?? null,
        status: 'running',
      })
      .returning({ id: t.dissectionRuns.id });
    return row!.id;
  }

  /**
   * Writes one layer's labels and top images for a running run, in one transaction (re-writing a
   * layer replaces it). `labels[u][r].concept` indexes the run's concept set; `topImages[u][r].ordinal`
   * is a probe-image ordinal.
   */
  async writeLayerResult(runId: number, result: LayerResult): Promise<void> {
    const { layer } = result;
    validateLayer(layer);
    if (result.labels.length !== layer.units) {
      throw new Error(`layer ${layer.name}: labels for ${result.labels.length} units, the layer has ${layer.units}`);
    }
    if (result.topImages.length !== layer.units) {
      throw new Error(`layer ${layer.name}: top images for ${result.topImages.length} units, the layer has ${layer.units}`);
    }
    await this.db.transaction(async (tx) => {
      const [run] = await tx.select().from(t.dissectionRuns).where(eq(t.dissectionRuns.id, runId)).for('update');
      if (!run) throw new Error(`run ${runId} is not in the atlas`);
      if (run.status !== 'running') throw new Error(`run ${runId} is ${run.status}; only running runs take results`);

      let stored = await findLayer(tx, run.modelId, layer.name);
      if (!stored) {
        const [{ next } = { next: 0 }] = (
          await tx.execute(sql`SELECT COALESCE(MAX(position) + 1, 0)::int AS next FROM layers WHERE model_id = ${run.modelId}`)
        ).rows as { next: number }[];
        await upsertLayer(tx, run.modelId, layer, next);
        stored = (await findLayer(tx, run.modelId, layer.name))!;
      } else if (stored.units !== layer.units) {
        throw new Error(`layer ${layer.name}: result has ${layer.units} units but the atlas has ${stored.units}`);
      }

      // Concept index -> (concept id, text) via the run's concept set.
      let members: { id: number; text: string }[] = [];
      if (run.conceptSetId !== null) {
        members = await tx
          .select({ id: t.concepts.id, text: t.concepts.text })
          .from(t.conceptSetMembers)
          .innerJoin(t.concepts, eq(t.concepts.id, t.conceptSetMembers.conceptId))
          .where(eq(t.conceptSetMembers.conceptSetId, run.conceptSetId))
          .orderBy(asc(t.conceptSetMembers.position));
      }
      let probeSize = Infinity;
      if (run.probeSetId !== null) {
        const [ps] = await tx.select({ size: t.probeSets.size }).from(t.probeSets).where(eq(t.probeSets.id, run.probeSetId));
        probeSize = ps?.size ?? 0;
      }

      const neuronRows = await tx
        .select({ id: t.neurons.id, unit: t.neurons.unit })
        .from(t.neurons)
        .where(eq(t.neurons.layerId, stored.id));
      const neuronId = new Map(neuronRows.map((n) => [n.unit, n.id]));
      const ids = neuronRows.map((n) => n.id);

      // Column arrays for INSERT ... SELECT FROM unnest(...): five parameters per statement
      // whatever the layer's size, and the concept text is joined in SQL rather than sent.
      const label = { neuron: [] as number[], rank: [] as number[], concept: [] as number[], score: [] as number[] };
      const image = { neuron: [] as number[], rank: [] as number[], ordinal: [] as number[], activation: [] as number[] };
      for (let unit = 0; unit < layer.units; unit++) {
        const nid = neuronId.get(unit);
        if (nid === undefined) throw new Error(`layer ${layer.name}: neuron ${unit} is missing`);
        result.labels[unit]!.forEach((ls, rank) => {
          const m = members[ls.concept];
          if (!m) {
            throw new Error(
              `layer ${layer.name} unit ${unit}: concept index ${ls.concept} is outside the run's concept set (${members.length} concepts)`,
            );
          }
          if (!Number.isFinite(ls.score)) throw new Error(`layer ${layer.name} unit ${unit}: score ${ls.score} is not finite`);
          label.neuron.push(nid);
          label.rank.push(rank);
          label.concept.push(m.id);
          label.score.push(ls.score);
        });
        result.topImages[unit]!.forEach((img, rank) => {
          if (!Number.isInteger(img.ordinal) || img.ordinal < 0 || img.ordinal >= probeSize) {
            throw new Error(`layer ${layer.name} unit ${unit}: image ordinal ${img.ordinal} is outside the probe set`);
          }
          if (!Number.isFinite(img.activation)) {
            throw new Error(`layer ${layer.name} unit ${unit}: activation ${img.activation} is not finite`);
          }
          image.neuron.push(nid);
          image.rank.push(rank);
          image.ordinal.push(img.ordinal);
          image.activation.push(img.activation);
        });
      }

      if (ids.length > 0) {
        // One array parameter, however wide the layer.
        const idList = sql`ANY(${sql.param(ids)}::int[])`;
        await tx.delete(t.neuronLabels).where(and(eq(t.neuronLabels.runId, runId), sql`${t.neuronLabels.neuronId} = ${idList}`));
        await tx
          .delete(t.neuronTopImages)
          .where(and(eq(t.neuronTopImages.runId, runId), sql`${t.neuronTopImages.neuronId} = ${idList}`));
      }
      for (let start = 0; start < label.neuron.length; start += UNNEST_BATCH) {
        const end = start + UNNEST_BATCH;
        await tx.execute(sql`
          INSERT INTO neuron_labels (run_id, neuron_id, rank, concept_id, text, score)
          SELECT ${runId}, u.neuron_id, u.rank, u.concept_id, c.text, u.score
          FROM unnest(${sql.param(label.neuron.slice(start, end))}::int[], ${sql.param(label.rank.slice(start, end))}::int[],
                      ${sql.param(label.concept.slice(start, end))}::int[], ${sql.param(label.score.slice(start, end))}::float8[])
            AS u(neuron_id, rank, concept_id, score)
          JOIN concepts c ON c.id = u.concept_id`);
      }
      for (let start = 0; start < image.neuron.length; start += UNNEST_BATCH) {
        const end = start + UNNEST_BATCH;
        await tx.execute(sql`
          INSERT INTO neuron_top_images (run_id, neuron_id, rank, ordinal, activation)
          SELECT ${runId}, u.neuron_id, u.rank, u.ordinal, u.activation
          FROM unnest(${sql.param(image.neuron.slice(start, end))}::int[], ${sql.param(image.rank.slice(start, end))}::int[],
                      ${sql.param(image.ordinal.slice(start, end))}::int[], ${sql.param(image.activation.slice(start, end))}::real[])
            AS u(neuron_id, rank, ordinal, activation)`);
      }
      await tx
        .insert(t.runLayers)
        .values({ runId, layerId: stored.id })
        .onConflictDoUpdate({ target: [t.runLayers.runId, t.runLayers.layerId], set: { writtenAt: sql`now()` } });
    });
  }

  /**
   * Marks a running run complete (from now on it is visible) and records its timings (seconds);
   * `clock` keeps the times of a run made elsewhere (a seed), in the same statement: the row of a
   * complete run does not change afterwards (searches keep it while no other run completes).
   */
  async completeRun(runId: number, timings: Record<string, number> = {}, clock?: { startedAt: Date; finishedAt: Date }): Promise<void> {
    const rows = await this.db
      .update(t.dissectionRuns)
      .set({ status: 'complete', timings, finishedAt: clock?.finishedAt ?? sql`now()`, ...(clock ? { startedAt: clock.startedAt } : {}) })
      .where(and(eq(t.dissectionRuns.id, runId), eq(t.dissectionRuns.status, 'running')))
      .returning({ id: t.dissectionRuns.id });
    if (rows.length === 0) throw new Error(`run ${runId} is not a running run`);
    await this.refreshStatistics();
  }

  /**
   * Updates planner statistics after bulk writes. PGlite has no autovacuum, and on a server it
   * lags behind: with stale statistics Postgres joins a page of neurons against every label of
   * the run (seconds instead of milliseconds).
   */
  async refreshStatistics(): Promise<void> {
    await this.db.execute(sql`ANALYZE neurons, neuron_labels, neuron_top_images, run_layers, dissection_runs, layers`);
  }

  /** Marks a running run failed with the error message; its partial results stay invisible. */
  async failRun(runId: number, error: string, timings?: Record<string, number>): Promise<void> {
    await this.db
      .update(t.dissectionRuns)
      .set({ status: 'failed', error, finishedAt: sql`now()`, ...(timings ? { timings } : {}) })
      .where(and(eq(t.dissectionRuns.id, runId), eq(t.dissectionRuns.status, 'running')));
  }

  /**
   * The latest still-running run with the same model, CLIP model, probe set, concept set and
   * parameters (a run whose process died), with the layers it already wrote.
   */
  async findResumableRun(input: BeginRunInput): Promise<ResumableRun | undefined> {
    const p = input.parameters;
    const eqOrNull = (col: ReturnType<typeof sql.raw>, v: number | null | undefined) =>
      v === null || v === undefined ? sql`${col} IS NULL` : sql`${col} = ${v}`;
    const res = await this.db.execute(sql`
      SELECT id, started_at FROM dissection_runs
      WHERE status = 'running' AND model_id = ${input.modelId}
        AND ${eqOrNull(sql.raw('clip_model_id'), input.clipModelId)}
        AND ${eqOrNull(sql.raw('probe_set_id'), input.probeSetId)}
        AND ${eqOrNull(sql.raw('concept_set_id'), input.conceptSetId)}
        AND method = ${p.method}
        AND similarity IS NOT DISTINCT FROM ${p.similarity ?? null}
        AND pool IS NOT DISTINCT FROM ${p.pool ?? null}
        AND activation_key IS NOT DISTINCT FROM ${p.activationKey ?? null}
        AND params = ${JSON.stringify(p.params ?? {})}::jsonb
      ORDER BY started_at DESC, id DESC LIMIT 1`);
    const row = res.rows[0] as { id: number; started_at: string | Date } | undefined;
    if (!row) return undefined;
    const done = await this.db
      .select({ name: t.layers.name })
      .from(t.runLayers)
      .innerJoin(t.layers, eq(t.layers.id, t.runLayers.layerId))
      .where(eq(t.runLayers.runId, row.id))
      .orderBy(asc(t.layers.position));
    return { runId: row.id, doneLayers: done.map((d) => d.name), startedAt: new Date(row.started_at) };
  }

  /** Deletes runs that never completed (their partial results go with them); returns how many. */
  async cleanupIncompleteRuns(opts: CleanupOptions = {}): Promise<number> {
    const statuses = opts.includeFailed ? ['running', 'failed'] : ['running'];
    const conds = [inArray(t.dissectionRuns.status, statuses as t.RunStatus[])];
    if (opts.startedBefore) conds.push(sql`${t.dissectionRuns.startedAt} < ${opts.startedBefore.toISOString()}`);
    const rows = await this.db
      .delete(t.dissectionRuns)
      .where(and(...conds))
      .returning({ id: t.dissectionRuns.id });
    return rows.length;
  }

  /**
   * Deletes a complete or failed run with everything it wrote (labels, top images, layer list,
   * search rows: foreign keys cascade), in one statement; layers then show their next run.
   * A running run is refused: another process may still be writing it.
   */
  async deleteRun(runId: number): Promise<{ id: number; method: string; status: t.RunStatus }> {
    return this.db.transaction(async (tx) => {
      const [run] = await tx
        .select({ id: t.dissectionRuns.id, method: t.dissectionRuns.method, status: t.dissectionRuns.status })
        .from(t.dissectionRuns)
        .where(eq(t.dissectionRuns.id, runId))
        .for('update');
      if (!run) throw new RunNotFoundError(`run ${runId} does not exist`);
      if (run.status === 'running') {
        throw new RunStillRunningError(
          `run ${runId} is still running; if its process was killed, \`atlas db cleanup\` removes it`,
        );
      }
      await tx.delete(t.dissectionRuns).where(eq(t.dissectionRuns.id, runId));
      return run;
    });
  }

  /** Every run with its status (for the CLI; the GraphQL API only shows complete ones). */
  async listAllRuns(): Promise<(typeof t.dissectionRuns.$inferSelect)[]> {
    return this.db.select().from(t.dissectionRuns).orderBy(asc(t.dissectionRuns.id));
  }

  private async requireLayer(q: Q, modelId: number, name: string): Promise<LayerRow> {
    const layer = await findLayer(q, modelId, name);
    if (!layer) {
      const known = (await listLayers(q, modelId)).map((l) => l.name);
      throw new Error(`layer ${name} is not in model ${modelId}; known layers: ${known.join(', ') || '(none)'}`);
    }
    return layer;
  }
}

function validateLayer(l: LayerRecord): void {
  if (!l.name) throw new Error('layer needs a name');
  if (!['conv', 'token', 'dense'].includes(l.kind)) throw new Error(`layer ${l.name}: unknown kind ${String(l.kind)}`);
  if (!Number.isInteger(l.units) || l.units < 1) throw new Error(`layer ${l.name}: invalid unit count ${l.units}`);
}

async function upsertLayer(q: Q, modelId: number, l: LayerRecord, position: number): Promise<void> {
  const [row] = await q
    .insert(t.layers)
    .values({ modelId, name: l.name, kind: l.kind, units: l.units, position })
    .onConflictDoUpdate({ target: [t.layers.modelId, t.layers.name], set: { kind: l.kind, units: l.units, position } })
    .returning({ id: t.layers.id });
  const layerId = row!.id;
  await q.execute(sql`DELETE FROM neurons WHERE layer_id = ${layerId} AND unit >= ${l.units}`);
  await q.execute(sql`INSERT INTO neurons (layer_id, unit)
    SELECT ${layerId}, g FROM generate_series(0, ${l.units - 1}) AS g
    ON CONFLICT (layer_id, unit) DO NOTHING`);
}

async function findLayer(q: Q, modelId: number, name: string): Promise<LayerRow | undefined> {
  const [row] = await q
    .select()
    .from(t.layers)
    .where(and(eq(t.layers.modelId, modelId), eq(t.layers.name, name)));
  return row;
}

async function listLayers(q: Q, modelId: number): Promise<LayerRow[]> {
  return q.select().from(t.layers).where(eq(t.layers.modelId, modelId)).orderBy(asc(t.layers.position));
}

/** Inserts missing concept texts; returns text -> id for all of `texts`. */
async function ensureConcepts(q: Q, texts: string[]): Promise<Map<string, number>> {
  const unique = [...new Set(texts)];
  const ids = new Map<string, number>();
  for (const part of chunks(unique, 10000)) {
    await q
      .insert(t.concepts)
      .values(part.map((text) => ({ text })))
      .onConflictDoNothing();
    const rows = await q
      .select({ id: t.concepts.id, text: t.concepts.text })
      .from(t.concepts)
      .where(inArray(t.concepts.text, part));
    for (const r of rows) ids.set(r.text, r.id);
  }
  return ids;
}

/** Opens the atlas (PGlite by default, Postgres when DATABASE_URL is set) and applies migrations. */
export async function openStore(opts: StoreOptions = {}): Promise<AtlasStore> {
  const conn = await openConnection(opts);
  try {
    if (opts.migrate !== false) await runMigrations(conn);
  } catch (error) {
    await conn.close();
    throw error;
  }
  return new AtlasStore(conn);
}

/** deleteRun: no run has that id. */
export class RunNotFoundError extends Error {}
/** deleteRun: the run is still being written. */
export class RunStillRunningError extends Error {}
