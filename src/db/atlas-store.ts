/**
 * The atlas store: the one data-access layer used by the CLI, the services and the GraphQL
 * resolvers. It holds one repository per aggregate (`store.models.upsert(...)`,
 * `store.runs.begin(...)`, `store.embeddings.activations(...)`, ...); SQL lives only in those
 * repositories. Writes take the record types of core/types.ts; every logical write is one
 * transaction, and large ones are batched.
 */
import { openConnection, type Connection, type DriverName, type OpenOptions } from './connection.js';
import { runMigrations } from './migrate.js';
import { registerHandle } from './inspect.js';
import { ClipModelsRepository } from './repositories/clip-models.js';
import { DissectionJobsRepository } from './repositories/dissection-jobs.js';
import { JobQueue } from './job-queue.js';
import { ConceptSetsRepository } from './repositories/concept-sets.js';
import { EmbeddingsRepository } from './repositories/embeddings.js';
import { LabelsRepository } from './repositories/labels.js';
import { MetaRepository } from './repositories/meta.js';
import { ModelsRepository } from './repositories/models.js';
import { ProbeSetsRepository } from './repositories/probe-sets.js';
import { RunsRepository } from './repositories/runs.js';
import { SearchRepository } from './repositories/search.js';

export interface StoreOptions extends OpenOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
}

/** A queue was asked of an atlas on the embedded database. */
export class QueueUnavailableError extends Error {}

export class AtlasStore {
  readonly driver: DriverName;
  /** Data folder (PGlite) or the URL without password (Postgres), for messages. */
  readonly location: string;
  /** A PGlite folder this process hosts for others (`atlas serve`), reached through its socket. */
  readonly hosted: boolean;
  /** Target models, their layers and neurons. */
  readonly models: ModelsRepository;
  readonly clipModels: ClipModelsRepository;
  readonly probeSets: ProbeSetsRepository;
  readonly conceptSets: ConceptSetsRepository;
  /** Dissection runs: life cycle, layer results, default runs. */
  readonly runs: RunsRepository;
  /** Labels and top images of runs, neuron pages. */
  readonly labels: LabelsRepository;
  /** Image, concept and query embeddings, activations. */
  readonly embeddings: EmbeddingsRepository;
  /** Semantic search tables and nearest-neighbour queries. */
  readonly search: SearchRepository;
  /** Facts about the atlas itself (seed loaded, caches restored). */
  readonly meta: MetaRepository;
  /** Queued dissections: their shards, job ids and progress (Postgres only in practice). */
  readonly dissectionJobs: DissectionJobsRepository;
  private closed = false;

  constructor(private readonly conn: Connection) {
    const { db } = conn;
    this.driver = conn.driver;
    this.location = conn.location;
    this.hosted = conn.hosted ?? false;
    this.models = new ModelsRepository(db);
    this.clipModels = new ClipModelsRepository(db);
    this.probeSets = new ProbeSetsRepository(db);
    this.conceptSets = new ConceptSetsRepository(db);
    this.runs = new RunsRepository(db, conn.owners);
    this.labels = new LabelsRepository(db);
    this.embeddings = new EmbeddingsRepository(db, conn.driver, this.clipModels, this.probeSets);
    this.search = new SearchRepository(db);
    this.meta = new MetaRepository(db);
    this.dissectionJobs = new DissectionJobsRepository(db);
    registerHandle(this, db);
  }

  /**
   * The job queue on this atlas's Postgres server (not started). On PGlite there is none: the
   * embedded database belongs to one process, and workers on other machines cannot reach it.
   */
  jobQueue(options: { supervise?: boolean; maintenanceSeconds?: number } = {}): JobQueue {
    if (this.conn.driver !== 'postgres' || !this.conn.connectionString) {
      throw new QueueUnavailableError(
        'queued dissections need a Postgres server that every worker reaches (DATABASE_URL or --database-url); ' +
          'the embedded database belongs to one process: run `atlas dissect` without --queue',
      );
    }
    return new JobQueue(this.conn.connectionString, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.conn.close();
  }
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
