/** `atlas dissect --queue`: submits the run to the job queue, then shows its progress until it completes. */
import cliProgress from 'cli-progress';
import { openAtlas, resolveTarget } from '../../services/atlas.js';
import { QueuedDissections, type DissectionView, type SubmitOptions } from '../../services/queued-dissections.js';
import { cliIo } from '../io.js';
import type { StoreFlags } from '../options.js';

export interface QueueFlags {
  shardSize: number;
  shardTimeout: number;
  retries: number;
  wait: boolean;
  json: boolean;
}

const POLL_MS = 1000;

function line(view: DissectionView): string {
  const p = view.progress;
  return `run ${view.id} ${view.status.toLowerCase()}: ${p.shardsDone}/${p.shardsTotal} shards, ${p.imagesPerSecond.toFixed(1)} img/s, ${p.layersDone}/${p.layersTotal} layers scored, ${view.workers.length} worker(s)`;
}

export async function submitAndWatch(options: SubmitOptions & { quiet?: boolean }, where: StoreFlags, flags: QueueFlags): Promise<void> {
  const out = cliIo().stdout;
  // Refused before opening anything: the embedded database has no queue that workers reach.
  if (resolveTarget(where).driver !== 'postgres') {
    throw new Error(
      'queued dissections need a Postgres server that every worker reaches (DATABASE_URL); the embedded database belongs ' +
        'to one process: run `atlas dissect` without --queue',
    );
  }
  const store = await openAtlas(where);
  const runs = new QueuedDissections(store);
  try {
    const submitted = await runs.submit({
      ...options,
      shardSize: flags.shardSize,
      shardTimeout: flags.shardTimeout,
      retries: flags.retries,
      log: (text) => process.stderr.write(`${text}\n`),
    });
    if (!flags.wait) {
      out.write(flags.json ? `${JSON.stringify(submitted)}\n` : `queued run ${submitted.runId}: ${submitted.shardsTotal} shard(s); \`atlas worker\` processes compute it\n`);
      return;
    }
    const view = await watch(runs, submitted.runId, options.quiet ?? false);
    if (!view) {
      out.write(`stopped watching; run ${submitted.runId} goes on (\`atlas db cancel ${submitted.runId}\` cancels it)\n`);
      return;
    }
    out.write(flags.json ? `${JSON.stringify(view)}\n` : `${line(view)}\n`);
    if (view.status === 'FAILED') throw new Error(`run ${view.id} failed: ${view.error ?? 'no reason recorded'}`);
  } finally {
    await runs.close();
    await store.close();
  }
}

/** Polls the run until it completes or fails; undefined when Ctrl-C stopped the watching (not the run). */
async function watch(runs: QueuedDissections, runId: number, quiet: boolean): Promise<DissectionView | undefined> {
  let interrupted = false;
  let wake: (() => void) | undefined;
  const onSigint = () => {
    interrupted = true;
    wake?.();
  };
  process.once('SIGINT', onSigint);
  const bar = quiet
    ? undefined
    : new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: `run ${runId} [{bar}] {value}/{total} shards | {ips} img/s | {layers} layers scored | {workers} worker(s) | {status}`,
          barsize: 24,
          noTTYOutput: true,
          notTTYSchedule: 5000,
          hideCursor: false,
        },
        cliProgress.Presets.shades_classic,
      );
  try {
    for (;;) {
      const view = await runs.view(runId);
      if (!view) throw new Error(`run ${runId} is no longer queued (cancelled)`);
      const p = view.progress;
      const payload = { ips: p.imagesPerSecond.toFixed(1), layers: `${p.layersDone}/${p.layersTotal}`, workers: view.workers.filter((w) => w.active).length, status: view.status.toLowerCase() };
      if (bar && !bar.isActive) bar.start(Math.max(1, p.shardsTotal), p.shardsDone, payload);
      bar?.update(p.shardsDone, payload);
      if (view.status === 'COMPLETE' || view.status === 'FAILED') return view;
      if (interrupted) return undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, POLL_MS);
      });
      if (interrupted) return undefined;
    }
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}
