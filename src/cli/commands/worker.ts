/** `atlas worker`: does the jobs of queued dissections (`atlas dissect --queue`) until stopped. */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { openAtlas, type AtlasStore } from '../../services/atlas.js';
import { DissectionWorker } from '../../services/dissection-worker.js';
import { config } from '../../core/config.js';
import { positiveInt } from '../options.js';
import { haltForTests } from './test-hooks.js';

interface WorkerFlags {
  concurrency: string;
  device: string;
  workers?: string;
  threads?: string;
  poll: string;
  expiryCheck: string;
  databaseUrl?: string;
}

function positiveSeconds(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.5) throw new Error(`${flag} must be a number of seconds, at least 0.5, got ${value}`);
  return n;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('do the jobs of queued dissections (atlas dissect --queue) from the Postgres job queue until stopped')
    .option('--concurrency <n>', 'jobs run at once by this process', '1')
    .option('--device <device>', 'cpu or cuda', 'cpu')
    .option('--workers <n>', 'image decode worker threads (default: half the cores, 1-4)')
    .option('--threads <n>', 'onnxruntime threads per model (default: all cores)')
    .option('--poll <seconds>', 'seconds between polls of the queue while idle', '2')
    .option('--expiry-check <seconds>', 'seconds between checks for jobs whose worker died (they are then retried)', '30')
    .option('--database-url <url>', 'Postgres server (default: DATABASE_URL)')
    .action(async (flags: WorkerFlags) => {
      if (flags.device !== 'cpu' && flags.device !== 'cuda') throw new Error(`--device must be cpu or cuda, got ${flags.device}`);
      const concurrency = positiveInt('--concurrency', flags.concurrency)!;
      const decodeWorkers = positiveInt('--workers', flags.workers) ?? Math.max(1, Math.min(4, Math.floor(availableParallelism() / 2)));
      const threads = positiveInt('--threads', flags.threads);
      const pollSeconds = positiveSeconds('--poll', flags.poll);
      const maintenanceSeconds = Math.max(1, Math.round(positiveSeconds('--expiry-check', flags.expiryCheck)));
      const store: AtlasStore = await openAtlas(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {});
      let worker: DissectionWorker | undefined;
      let queue: ReturnType<AtlasStore['jobQueue']> | undefined;
      try {
        queue = store.jobQueue({ supervise: true, maintenanceSeconds });
        await queue.start();
        const log = (line: string) => process.stderr.write(`${line}\n`);
        worker = new DissectionWorker(store, queue, {
          device: flags.device as 'cpu' | 'cuda',
          concurrency,
          decodeWorkers,
          ...(threads ? { threads } : {}),
          pollSeconds,
          log,
          ...haltForTests(config().testHaltAfterImages),
        });
        await worker.start();
        // Runs until a signal: the jobs in hand finish (a second signal ends the process at once,
        // and the queue gives its jobs to another worker once they expire).
        await new Promise<void>((resolve) => {
          const stop = (signal: NodeJS.Signals) => {
            log(`worker: ${signal}: finishing the jobs in hand, then stopping (again to stop now)`);
            for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => process.exit(130));
            resolve();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      } finally {
        if (worker) await worker.stop();
        else await queue?.stop();
        await store.close();
      }
    });
}
