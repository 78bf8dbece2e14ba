/**
 * The job queue of queued dissections: pg-boss on the atlas's Postgres server. pg-boss hands each
 * job to one worker (SELECT ... FOR UPDATE SKIP LOCKED), fails a job whose worker stopped
 * answering once its expiry passes and retries it (another worker then takes it), sends jobs that
 * failed for good to a dead-letter queue, and keeps at most one scoring job per (run, layer)
 * waiting or running (its 'stately' policy with a singleton key). None of that is written here.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { RUN_LOCK_SPACE } from './run-owners.js';

/** Second key of the advisory lock that serialises setting up the queue (with RUN_LOCK_SPACE). */
const SETUP_LOCK = -1;

/**
 * The channel on which new jobs are announced (payload: the queue's name). pg-boss 10 only polls;
 * workers listening here fetch at once instead of at their next poll, so a submission or the
 * last shard's scoring jobs start without waiting out an idle worker's poll interval.
 */
const WAKE_CHANNEL = 'atlas_jobs';

export const QUEUES = {
  /** One job per shard: image embeddings and activations of a range of the probe set. */
  shard: 'atlas-dissect-shard',
  /** One job per layer, once every shard is in: labels and top images of the layer. */
  score: 'atlas-dissect-score',
  /** Jobs that failed for good (retries spent): their run is marked failed. */
  failed: 'atlas-dissect-failed',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface ShardJobData {
  runId: number;
  shard: number;
}

export interface ScoreJobData {
  runId: number;
  layer: string;
}

export interface JobSettings {
  /** Seconds a worker may hold a job before the queue takes it back and retries it. */
  expireInSeconds: number;
  /** Retries after the first attempt. */
  retryLimit: number;
}

export interface QueuedJob<T> {
  id: string;
  data: T;
}

export interface WorkOptions {
  /** Jobs of this queue run at once in this process. */
  concurrency: number;
  /** Seconds between polls of an idle worker. */
  pollSeconds: number;
}

export class JobQueue {
  private boss: PgBoss | undefined;
  /** pg-boss worker ids of this process, per queue (woken when jobs arrive). */
  private readonly workers = new Map<QueueName, string[]>();
  /** The session listening for new jobs (workers only). */
  private listener: pg.Client | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly options: {
      /** Run the queue's maintenance (expiring and retrying jobs of dead workers); workers do. */
      supervise?: boolean;
      /** Seconds between maintenance passes (expiry is noticed at most this late). */
      maintenanceSeconds?: number;
    } = {},
  ) {}

  /**
   * Connects, installs or migrates pg-boss's schema (once per database) and creates the queues.
   * Processes starting together take turns (a session advisory lock): pg-boss's own install and
   * queue creation deadlock when two processes run them at once on a fresh database.
   */
  async start(): Promise<void> {
    if (this.boss) return;
    const boss = new PgBoss({
      connectionString: this.connectionString,
      application_name: `atlas queue pid ${process.pid} on host ${hostname()}`.slice(0, 63),
      max: 4,
      supervise: this.options.supervise ?? false,
      schedule: false,
      ...(this.options.maintenanceSeconds ? { maintenanceIntervalSeconds: this.options.maintenanceSeconds } : {}),
    });
    boss.on('error', (error: Error) => process.stderr.write(`atlas: job queue: ${error.message}\n`));
    const setup = new pg.Client({ connectionString: this.connectionString });
    setup.on('error', () => undefined);
    try {
      await setup.connect();
      await setup.query('SELECT pg_advisory_lock($1::int, $2::int)', [RUN_LOCK_SPACE, SETUP_LOCK]);
      await boss.start();
      for (const [name, policy] of [
        [QUEUES.failed, 'standard'],
        [QUEUES.shard, 'standard'],
        [QUEUES.score, 'stately'],
      ] as const) {
        if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, policy, ...(name === QUEUES.failed ? {} : { deadLetter: QUEUES.failed }) });
      }
    } catch (error) {
      await boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
      throw new Error(`cannot start the job queue: ${(error as Error).message}`, { cause: error });
    } finally {
      // Ending the session releases the lock.
      await setup.end().catch(() => undefined);
    }
    this.boss = boss;
  }

  private started(): PgBoss {
    if (!this.boss) throw new Error('the job queue is not started');
    return this.boss;
  }

  /** Queues one job per shard; returns their ids. */
  async sendShards(runId: number, shards: number[], settings: JobSettings): Promise<string[]> {
    const jobs = shards.map((shard) => ({
      id: randomUUID(),
      name: QUEUES.shard,
      data: { runId, shard } satisfies ShardJobData,
      expireInSeconds: settings.expireInSeconds,
      retryLimit: settings.retryLimit,
      deadLetter: QUEUES.failed,
    }));
    await this.started().insert(jobs);
    await this.announce(QUEUES.shard);
    return jobs.map((j) => j.id);
  }

  /** Queues the scoring job of each layer (one waiting per run and layer: repeats are dropped); returns the new ids. */
  async sendScores(runId: number, layers: string[], settings: JobSettings): Promise<string[]> {
    const ids: string[] = [];
    for (const layer of layers) {
      const id = await this.started().send(QUEUES.score, { runId, layer } satisfies ScoreJobData, {
        singletonKey: `${runId}:${layer}`,
        expireInSeconds: settings.expireInSeconds,
        retryLimit: settings.retryLimit,
        deadLetter: QUEUES.failed,
      });
      if (id) ids.push(id);
    }
    if (ids.length > 0) await this.announce(QUEUES.score);
    return ids;
  }

  /** Tells listening workers (this process's at once) that `queue` has new jobs. */
  private async announce(queue: QueueName): Promise<void> {
    this.wake(queue);
    await this.started().getDb().executeSql('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, queue]).catch(() => undefined);
  }

  private wake(queue: string): void {
    for (const id of this.workers.get(queue as QueueName) ?? []) this.boss?.notifyWorker(id);
  }

  /** Listens for jobs other processes queue (a worker's idle polls then only back this up). */
  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('error', () => undefined); // polling goes on without it
    client.on('notification', (msg) => this.wake(msg.payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${WAKE_CHANNEL}`);
      this.listener = client;
    } catch {
      await client.end().catch(() => undefined);
    }
  }

  /** Runs `handler` on the queue's jobs, `concurrency` at a time; a throw fails the attempt (the queue retries it). */
  async work<T extends object>(queue: QueueName, options: WorkOptions, handler: (job: QueuedJob<T>) => Promise<void>): Promise<void> {
    if (!this.listener) await this.listen();
    for (let i = 0; i < options.concurrency; i++) {
      let self = '';
      self = await this.started().work<T>(queue, { batchSize: 1, pollingIntervalSeconds: options.pollSeconds }, async (jobs) => {
        try {
          for (const job of jobs) await handler({ id: job.id, data: job.data });
        } finally {
          // A job was there, so more may be: fetch again at once instead of after the poll interval.
          this.boss?.notifyWorker(self);
        }
      });
      this.workers.set(queue, [...(this.workers.get(queue) ?? []), self]);
    }
  }

  /** Cancels jobs that have not finished (a running handler is not interrupted: it finds its run gone). */
  async cancel(queue: QueueName, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.started().cancel(queue, ids);
  }

  /** Stops polling; running handlers finish first when `graceful` (up to `timeoutMs`). */
  async stop(options: { graceful?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    this.workers.clear();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await boss?.stop({ graceful: options.graceful ?? false, wait: true, close: true, timeout: options.timeoutMs ?? 30_000 });
  }
}
