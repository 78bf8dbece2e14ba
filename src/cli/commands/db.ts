import type { Command } from 'commander';
import { positiveInt, withStore, type StoreFlags as DbOptions } from '../options.js';
import { defaultSeedPath, exportSeed, importSeed, missingForQueries } from '../../services/seed.js';
import { ModelsService } from '../../services/models.js';
import { RunsService } from '../../services/runs.js';
import { cliIo } from '../io.js';



function say(text: string): void {
  cliIo().stdout.write(`${text}\n`);
}

/** ", with N image embedding, ... matrices" for a seed summary that has any. */
function matrices(s: { imageEmbeddings?: number; conceptEmbeddings?: number; activations?: number }): string {
  const parts = [
    s.imageEmbeddings ? `${s.imageEmbeddings} image-embedding matrices` : '',
    s.conceptEmbeddings ? `${s.conceptEmbeddings} text-embedding blocks` : '',
    s.activations ? `${s.activations} activation matrices` : '',
  ].filter(Boolean);
  return parts.length ? `, ${parts.join(', ')}` : '';
}

/** `atlas db ...`: migrations, seed snapshots, run and model housekeeping. */
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
    .description('write models, sets and complete runs, with the embeddings and activations rescoring, search and comparison read, to a gzipped JSON-lines snapshot')
    .argument('[file]', 'output file', defaultSeedPath)
    .option('--labels-only', 'leave out embeddings and activations (a smaller file; rescoring and comparison then need `atlas dissect` again)')
    .action(async (file: string, opts: { labelsOnly?: boolean }) => {
      const s = await withStore(common(), (store) => exportSeed(store, file, { labelsOnly: opts.labelsOnly ?? false }));
      say(`wrote ${file}: ${s.models} models, ${s.runs} runs, ${s.layerResults} layer results${matrices(s)}`);
    });

  db.command('import-seed')
    .description('load a snapshot written by export-seed (upserts; existing content stays)')
    .argument('[file]', 'snapshot file', defaultSeedPath)
    .action(async (file: string) => {
      const { s, missing } = await withStore(common(), async (store) => ({ s: await importSeed(store, file), missing: await missingForQueries(store) }));
      say(`imported ${file}: ${s.models} models, ${s.runs} runs, ${s.layerResults} layer results${matrices(s)}`);
      if (missing.length) cliIo().stderr.write(`the atlas lacks what some queries read:\n${missing.map((l) => `  ${l}`).join('\n')}\n`);
    });

  db.command('runs')
    .description('list every run with its status (the API shows complete ones only)')
    .action(async () => {
      await withStore(common(), async (store) => {
        for (const r of await new RunsService(store).listAll()) {
          say(`${r.id}\t${r.status}\t${r.method}\t${r.similarity ?? '-'}\t${r.modelName}@${r.modelVersion}\tstarted ${new Date(r.startedAt).toISOString()}`);
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

  db.command('delete-model')
    .description('delete a model version with its layers, neurons and activations, once all its runs are deleted')
    .argument('<name>', 'model name (atlas db runs lists them)')
    .option('--version <version>', 'the version to delete (needed when the model has several)')
    .action(async (name: string, opts: { version?: string }) => {
      const m = await withStore(common(), (store) => new ModelsService(store).delete(name, opts.version, 'cli'));
      say(`deleted model ${m.name}@${m.version} (${m.layers} layer(s))`);
    });

  db.command('cleanup')
    .description('delete runs that never completed (left by a killed process), with their partial results, then models without any run')
    .option('--include-failed', 'also delete failed runs')
    .action(async (opts: { includeFailed?: boolean }) => {
      const { n, models } = await withStore(common(), async (store) => {
        const n = await new RunsService(store).cleanup({ includeFailed: opts.includeFailed });
        return { n, models: await new ModelsService(store).deleteModelsWithoutRuns() };
      });
      say(`deleted ${n} incomplete run(s)`);
      say(models.length ? `deleted ${models.length} model(s) without runs: ${models.join(', ')}` : 'no model without runs');
    });
}
