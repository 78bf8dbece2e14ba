/** `atlas layers MODEL.onnx`: the layers a user can dissect, named by PyTorch module path. */
import type { Command } from 'commander';
import { listLayers } from '../../services/layers.js';
import { cliIo } from '../io.js';

interface LayersOptions {
  json?: boolean;
  all?: boolean;
  shapes: boolean;
  inputSize: string;
}

export function register(program: Command): void {
  program
    .command('layers')
    .description('list the layers of an ONNX model by module path (top-level modules and their children; --all for every level)')
    .argument('<model>', 'ONNX file')
    .option('--json', 'print JSON instead of a table')
    .option('--all', 'list every module at every depth')
    .option('--no-shapes', 'do not run the model once to infer output shapes')
    .option('--input-size <pixels>', 'input height/width for shape inference when the model does not fix it', '224')
    .action(async (model: string, options: LayersOptions) => {
      const inputSize = Number(options.inputSize);
      if (!Number.isInteger(inputSize) || inputSize < 1) throw new Error(`--input-size must be a positive integer, got ${options.inputSize}`);
      const found = await listLayers(model, { all: options.all ?? false, shapes: options.shapes, inputSize });
      if (found.problem) cliIo().stderr.write(`atlas: ${found.problem}\n`);
      const rows = found.layers;
      if (options.json) {
        cliIo().stdout.write(`${JSON.stringify({ model, input: found.input, layers: rows }, null, 2)}\n`);
        return;
      }
      cliIo().stdout.write(`${model}: input "${found.input.name}" ${formatDims(found.input.dims)}, ${found.modules} modules\n`);
      if (rows.length === 0) {
        cliIo().stdout.write('no module-scoped nodes (not a PyTorch export?); pass a tensor name as the layer instead\n');
        return;
      }
      const table = [
        ['layer', 'op', 'output', 'kind', 'units', 'tensor'],
        ...rows.map((r) => [
          `${'  '.repeat(Math.max(0, r.depth - 1))}${r.name}`,
          r.opType,
          r.shape ? formatDims(r.shape) : '?',
          r.kind ?? '?',
          r.units !== undefined ? String(r.units) : '?',
          r.tensor,
        ]),
      ];
      const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
      for (const row of table) cliIo().stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()}\n`);
      if (!options.all) cliIo().stdout.write('(--all lists every nested module)\n');
    });
}

function formatDims(dims: readonly (number | null)[]): string {
  return dims.map((d, i) => (d === null ? (i === 0 ? 'N' : '?') : String(d))).join('x');
}
