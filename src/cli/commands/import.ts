/**
 * `atlas import --format clip-dissect|milan|netdissect FILE --model NAME --version V [--layer L]`:
 * stores an atlas made by another tool as a complete run of that method.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openAtlas } from '../../services/atlas.js';
import { IMPORT_FORMATS, ImportService } from '../../services/import.js';
import { TextEncoders } from '../../services/text-encoders.js';
import { cliIo } from '../io.js';
import { storeLocation, type StoreFlags } from '../options.js';

interface ImportOptions extends StoreFlags {
  format: string;
  model: string;
  version: string;
  layer?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('import')
    .description('import neuron labels made by another tool (CSV) as a complete run of that method')
    .argument('<file>', 'CSV file')
    .requiredOption('--format <format>', `one of ${IMPORT_FORMATS.join(', ')}`)
    .requiredOption('--model <name>', 'target model name (created when absent)')
    .requiredOption('--version <version>', 'target model version (created when absent)')
    .option('--layer <layer>', 'layer name (Network Dissection: default from a file name ending in _<layer>.csv; others: import only this layer)')
    .option('--json', 'print the outcome as JSON')
    .option('--data-dir <dir>', 'PGlite data folder (default: ATLAS_DATA_DIR or .atlas); shared with `atlas serve` while it serves it')
    .option('--database-url <url>', 'Postgres server (default: DATABASE_URL)')
    .action(async (file: string, options: ImportOptions) => {
      if (!existsSync(file)) throw new Error(`${file}: file not found`);
      const csv = readFileSync(file, 'utf8');
      const store = await openAtlas(storeLocation(options));
      const encoders = new TextEncoders(store);
      try {
        const imports = new ImportService(store, encoders);
        const result = await imports.importAtlas({
          format: options.format,
          csv,
          file,
          model: options.model,
          version: options.version,
          ...(options.layer ? { layer: options.layer } : {}),
        });
        const embedded = await imports.embedLabelsIfConfigured((line) => cliIo().stderr.write(`atlas: ${line}\n`));
        if (options.json) {
          cliIo().stdout.write(`${JSON.stringify({ ...result, embedded })}\n`);
          return;
        }
        const layers = result.layers.map((l) => `${l.name} (${l.labelled}/${l.units} units${l.created ? ', new' : ''})`).join(', ');
        cliIo().stdout.write(
          `imported ${result.labels} ${result.format} labels into ${options.model}@${options.version} as run ${result.runId}: ${layers}\n`,
        );
      } finally {
        await encoders.release();
        await store.close();
      }
    });
}
