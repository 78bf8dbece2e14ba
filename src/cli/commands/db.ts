import type { Command } from 'commander';
import { positiveInt, withStore, type StoreFlags as DbOptions } from '../options.js';
import { defaultSeedPath, exportSeed, importSeed } from '../../services/seed.js';
import { RunsService } from '../../services/runs.js';
import { cliIo } from '../io.js';



function say(text: string): void {
  cliIo().stdout.write(`${text}\n`);
}

/** `atlas db ...`: migrations, seed snapshots, run housekeeping. */
export function register(program: Command): void {
  const db = program
    .command('db')
    .description('manage the atlas database (PGlite in .atlas/ by default, or DATABASE_URL)')
    .option('--data-dir <dir>', 'PGlite data folder (default: ATLAS_DATA_DIR or .atlas)')
    .option('--database-url <url>', 'Postgres server (default: DATABASE_URL)');
  const common = (): DbOptions => db.opts<DbOptions>();

  db.command('migrate')
    .description('apply pending migrations (also done automatically whenever the atlas is opened)')
    .action(async () => {
      await withStore(common(), async (store) => say(`migrated ${store.driver} atlas at ${store.location}`));
    });

  db.command('export-seed')
    .description('write models, sets and complete runs to a gzipped JSON-lines snapshot')
    .argument('[file]', 'output file', defaultSeedPath)
    .action(async (file: string) => {
      const s = await withStore(common(), (store) => exportSeed(store, file));
      say(`wrote ${file}: ${s.models} models, ${s.runs} runs, ${s.layerResults} layer results`);
    });

  db.command('import-seed')
    .description('load a snapshot written by export-seed (upserts; existing content stays)')
    .argument('[file]', 'snapshot file', defaultSeedPath)
    .action(async (file: string) => {
      const s = await withStore(common(), (store) => importSeed(store, file));
      say(`imported ${file}: ${s.models} models, ${s.runs} runs, ${s.layerResults} layer results`);
    });

  db.command('runs')
    .description('list every run with its status (the API shows complete ones only)')
    .action(async () => {
      await withStore(common(), async (store) => {
        for (const r of await new RunsService(store).listAll()) {
          say(`${r.id}\t${r.status}\t${r.method}\t${r.similarity ?? '-'}\tmodel ${r.modelId}\tstarted ${new Date(r.startedAt).toISOString()}`);
        }
      });
    });

  db.command('delete-run')
    .description('delete a complete or failed run with its labels and top images (its layers then show their next run)')
    .argument('<id>', 'run id (atlas db runs lists them)')
    .action(async (id: string) => {
      const runId = positiveInt('run id', id)!;
      const run = await withStore(common(), (store) => new RunsService(store).delete(runId));
      say(`deleted run ${run.id} (${run.method}, ${run.status})`);
    });

  db.command('cancel')
    .description('cancel a queued dissection (atlas dissect --queue): its jobs stop and its partial rows are removed')
    .argument('<run>', 'run id (atlas db runs lists them)')
    .action(async (id: string) => {
      const runId = positiveInt('run id', id)!;
      const run = await withStore(common(), async (store) => {
        const { QueuedDissections } = await import('../../services/queued-dissections.js');
        const queued = new QueuedDissections(store);
        try {
          return await queued.cancel(runId);
        } finally {
          await queued.close();
        }
      });
      say(`cancelled run ${run.id} (was ${run.status}); its jobs are stopped and its partial rows removed`);
    });

  db.command('cleanup')
    .description('delete runs that never completed (left by a killed process), with their partial results')
    .option('--include-failed', 'also delete failed runs')
    .action(async (opts: { includeFailed?: boolean }) => {
      const n = await withStore(common(), (store) => new RunsService(store).cleanup({ includeFailed: opts.includeFailed }));
      say(`deleted ${n} incomplete run(s)`);
    });
}
