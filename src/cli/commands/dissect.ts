/** `atlas dissect`: label every unit of the chosen layers with CLIP-Dissect and store the run. */
import type { Command } from 'commander';
import { openAtlas, type AtlasStore } from '../../services/atlas.js';
import { dissect, type DissectResult } from '../../services/dissect.js';
import { config } from '../../core/config.js';
import { jsonObject, nonNegativeInt, positiveInt, storeLocation, type StoreFlags } from '../options.js';
import { assertPresetName, PRESET_NAMES } from '../../services/similarity-names.js';
import { cliIo } from '../io.js';
import { haltForTests } from './test-hooks.js';
import { submitAndWatch } from './dissect-queue.js';

interface DissectFlags extends StoreFlags {
  model: string;
  layers: string;
  clip: string;
  probe: string;
  concepts: string;
  name?: string;
  version?: string;
  fn?: string;
  params?: string;
  preset?: string;
  pool: string;
  batch: string;
  device: string;
  topN: string;
  topImages: string;
  workers?: string;
  threads?: string;
  quiet?: boolean;
  json?: boolean;
  strict?: boolean;
  queue?: boolean;
  wait: boolean;
  shardSize?: string;
  shardTimeout?: string;
  retries?: string;
}



function summary(result: DissectResult): string {
  const lines = [`run ${result.runId} complete: ${result.layers.reduce((s, l) => s + l.units, 0)} units in ${result.layers.length} layer(s)`];
  const { images, imagesSkipped } = result.stats;
  lines.push(`  probe images: ${images}${imagesSkipped > 0 ? `, ${imagesSkipped} unreadable skipped (see the warnings above)` : ''}`);
  for (const l of result.layers) {
    const labels = l.firstLabels.length > 0 ? l.firstLabels.map((x, i) => `${i}:${x}`).join(', ') : '(written by an earlier attempt)';
    lines.push(`  ${l.name} (${l.kind}, ${l.units} units): ${labels}${l.units > l.firstLabels.length && l.firstLabels.length > 0 ? ', ...' : ''}`);
  }
  const t = Object.entries(result.timings)
    .map(([k, v]) => `${k} ${v.toFixed(1)}s`)
    .join(', ');
  lines.push(`  timings: ${t}`);
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('dissect')
    .description('describe every unit of the chosen layers of an ONNX model with CLIP-Dissect and store the run in the atlas')
    .requiredOption('--model <file>', 'target network (.onnx); preprocessing from a sidecar MODEL.json, else torchvision ImageNet')
    .requiredOption('--layers <names>', 'comma-separated module paths, e.g. conv1,layer1,layer2 (see `atlas layers MODEL`)')
    .requiredOption('--clip <model>', 'CLIP in the Hugging Face ONNX layout: ./folder or hf:ORG/NAME (downloaded and cached)')
    .requiredOption('--probe <images>', 'probe images: a folder (recursive), a list file (one path per line) or toy:N:SEED')
    .requiredOption('--concepts <set>', 'concept file (one per line) or builtin:common-10k|imagenet|toy|toy+common-10k')
    .option('--data-dir <dir>', 'PGlite data folder (default: ATLAS_DATA_DIR or .atlas); shared with `atlas serve` while it serves it')
    .option('--database-url <url>', 'Postgres server (default: DATABASE_URL)')
    .option('--name <name>', 'model name in the atlas (default: file name)')
    .option('--version <version>', 'model version in the atlas (default: start of the file hash)')
    .option('--fn <name>', 'similarity: soft_wpmi (default), wpmi, cos_similarity, cos_similarity_cubed, rank_reorder')
    .option('--params <json>', 'similarity parameters as JSON, e.g. \'{"top_k":28,"a":2,"lam":0.6}\'')
    .option('--preset <name>', `named configuration: ${PRESET_NAMES.join(', ')} (hidden: for hidden layers, final: for final layers; default: the reference's defaults)`)
    .option('--pool <mode>', 'spatial pooling of conv layers: avg or max', 'avg')
    .option('--batch <n>', 'images per inference batch', '32')
    .option('--device <device>', 'cpu or cuda', 'cpu')
    .option('--top-n <n>', 'labels stored per unit', '5')
    .option('--top-images <n>', 'most activating images stored per unit', '10')
    .option('--workers <n>', 'image decode worker threads (default: half the cores, 1-4)')
    .option('--threads <n>', 'onnxruntime threads per model (default: all cores)')
    .option('--strict', 'stop at a probe image that cannot be read or decoded (default: skip it with a warning)')
    .option('--quiet', 'no progress bars')
    .option('--json', 'print the result as JSON on stdout')
    .option('--queue', 'submit the run to the job queue for `atlas worker` processes instead of running it here (Postgres only)')
    .option('--no-wait', 'with --queue: print the run id and return at once instead of showing its progress')
    .option('--shard-size <n>', 'with --queue: images per shard job (rounded up to whole batches)', '1000')
    .option('--shard-timeout <seconds>', 'with --queue: seconds a worker may hold a job before another one retries it', '900')
    .option('--retries <n>', 'with --queue: retries of a failed or expired job', '3')
    .action(async (flags: DissectFlags) => {
      if (flags.pool !== 'avg' && flags.pool !== 'max') throw new Error(`--pool must be avg or max, got ${flags.pool}`);
      if (flags.device !== 'cpu' && flags.device !== 'cuda') throw new Error(`--device must be cpu or cuda, got ${flags.device}`);
      const layers = flags.layers.split(',').map((l) => l.trim()).filter(Boolean);
      if (layers.length === 0) throw new Error('--layers needs at least one layer name');
      const workers = positiveInt('--workers', flags.workers);
      const threads = positiveInt('--threads', flags.threads);
      const options = {
        model: flags.model,
        layers,
        clip: flags.clip,
        probe: flags.probe,
        concepts: flags.concepts,
        ...(flags.fn !== undefined ? { fn: flags.fn } : {}),
        ...(flags.preset !== undefined ? { preset: assertPresetName(flags.preset) } : {}),
        params: jsonObject('--params', flags.params),
        pool: flags.pool as 'avg' | 'max',
        device: flags.device as 'cpu' | 'cuda',
        batch: positiveInt('--batch', flags.batch)!,
        topN: positiveInt('--top-n', flags.topN)!,
        topImages: positiveInt('--top-images', flags.topImages)!,
        quiet: flags.quiet ?? false,
        strict: flags.strict ?? false,
        ...(flags.name ? { name: flags.name } : {}),
        ...(flags.version ? { version: flags.version } : {}),
        ...(workers ? { workers } : {}),
        ...(threads ? { threads } : {}),
        ...haltForTests(config().testHaltAfterImages),
      };
      if (flags.queue) {
        await submitAndWatch(options, storeLocation(flags), {
          shardSize: positiveInt('--shard-size', flags.shardSize)!,
          shardTimeout: positiveInt('--shard-timeout', flags.shardTimeout)!,
          retries: nonNegativeInt('--retries', flags.retries ?? '3'),
          wait: flags.wait,
          json: flags.json ?? false,
        });
        return;
      }
      if (!flags.wait) throw new Error('--no-wait goes with --queue');
      let store: AtlasStore | undefined;
      try {
        const result = await dissect(async () => (store = await openAtlas(storeLocation(flags))), options);
        cliIo().stdout.write(flags.json ? `${JSON.stringify(result)}\n` : summary(result));
      } finally {
        await store?.close();
      }
    });
}
