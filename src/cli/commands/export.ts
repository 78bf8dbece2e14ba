/**
 * `atlas export --model NAME [--version V] [--run ID] [--method M] [--layer L,...]
 *  [--format clip-dissect|milan|netdissect|json] [--top-n N] [--top-images N] [--out FILE]`: a model's labels as
 * the API shows them, in the formats `atlas import` reads, or as JSON.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXPORT_FORMATS, assertExportFormat, exportAtlas } from '../../services/export.js';
import { positiveInt, withStore, type StoreFlags } from '../options.js';
import { cliIo } from '../io.js';

interface ExportOptions extends StoreFlags {
  model?: string;
  version?: string;
  run?: string;
  method?: string;
  layer?: string;
  format: string;
  topN?: string;
  topImages?: string;
  out?: string;
}

export function register(program: Command): void {
  program
    .command('export')
    .description("write a model's neuron labels (as the API shows them) as CSV for other tools, or as JSON")
    .option('--model <name>', 'target model name')
    .option('--version <version>', 'model version (default: the most recently added)')
    .option('--run <id>', 'one run (default per layer: the latest complete clip-dissect run, else the latest complete run)')
    .option('--method <method>', 'only runs of this method (clip-dissect, netdissect, milan, ...)')
    .option('--layer <names>', 'only these layers, comma-separated (netdissect: exactly one)')
    .option('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`, 'clip-dissect')
    .option('--top-n <n>', 'json: labels per neuron (default 5; the CSV formats hold the best one)')
    .option('--top-images <n>', 'json: also the n most activating probe images per neuron (URI, activation)')
    .option('--out <file>', 'output file (default: standard output)')
    .option('--data-dir <dir>', 'PGlite data folder (default: ATLAS_DATA_DIR or .atlas)')
    .option('--database-url <url>', 'Postgres server (default: DATABASE_URL)')
    .action(async (options: ExportOptions) => {
      const format = assertExportFormat(options.format);
      const run = positiveInt('--run', options.run);
      const topN = format === 'json' ? (positiveInt('--top-n', options.topN) ?? 5) : 1;
      const topImages = positiveInt('--top-images', options.topImages);
      if (topImages !== undefined && format !== 'json') throw new Error('--top-images needs --format json (the CSV formats hold labels only)');
      const layers = options.layer?.split(',').map((l) => l.trim()).filter(Boolean);
      // Everything is checked and formatted before the file is touched.
      const text = await withStore(options, (store) =>
        exportAtlas(store, format, {
          ...(options.model ? { model: options.model } : {}),
          ...(options.version ? { version: options.version } : {}),
          ...(run !== undefined ? { run } : {}),
          ...(options.method ? { method: options.method } : {}),
          ...(layers?.length ? { layers } : {}),
          topN,
          ...(topImages !== undefined ? { topImages } : {}),
        }),
      );
      if (!options.out) {
        cliIo().stdout.write(text);
        return;
      }
      // Written whole or not at all: a reader never sees half a file.
      const partial = `${options.out}.partial`;
      writeFileSync(partial, text);
      renameSync(partial, options.out);
      cliIo().stderr.write(`atlas: wrote ${options.out}\n`);
    });
}
