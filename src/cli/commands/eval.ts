/**
 * Toy-world evaluation commands (one module, so the command index stays one line per owner):
 *  - `atlas netdissect`: Network Dissection of a model's layers over a toy probe set, stored as a run;
 *  - `atlas eval`: scores a CLIP-Dissect run against the toy world's ground truth;
 *  - `atlas seed build`: builds the default atlas (and optionally exports it as the seed snapshot).
 */
import type { Command } from 'commander';
import { positiveInt, withStore, type StoreFlags } from '../options.js';
import { defaultSeedPath, exportSeed } from '../../services/seed.js';
import { defaultEvalRun, evaluateRun, latestClipRunOfModel, type EvalResult } from '../../services/evaluate/evaluate.js';
import { runNetDissect } from '../../services/evaluate/netdissect-run.js';
import { buildDefaultAtlas, DEFAULT_MODELS, DEFAULT_PROBE } from '../../services/default-atlas/build.js';
import { exportCaches } from '../../services/default-atlas/caches.js';
import { CACHES_FILE } from '../../services/default-atlas/startup.js';
import { dirname, join } from 'node:path';
import { cliIo } from '../io.js';
import { plantedBenchmark, type PlantedCalibration, type PlantedResult } from '../../services/evaluate/planted.js';




interface EvalFlags {
  run?: string;
  all?: boolean;
  quiet?: boolean;
  json?: boolean;
  planted?: boolean;
  model: string;
  layer: string;
  seed: string;
  seeds: string;
  images: string;
  concepts: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function table(result: EvalResult): string {
  const lines = [
    `run ${result.runId}: ${result.model.name} ${result.model.version}, probe set ${result.probeSet}, ` +
      `concept set ${result.conceptSet.name} (${result.conceptSet.size} concepts), ${result.similarity}`,
    '',
    `final layer ${result.finalLayer}:`,
    `  accuracy (run's concept set)      ${pct(result.finalLayerAccuracy)}`,
    `  accuracy (class names only)       ${pct(result.finalLayerAccuracyClassNames)}`,
    `  mean CLIP cosine label/class      ${result.meanLabelCosine.toFixed(3)}`,
    '',
    `  unit  class         label             class-names label  cosine`,
  ];
  for (const u of result.finalUnits) {
    lines.push(`  ${String(u.unit).padEnd(5)} ${u.className.padEnd(13)} ${u.label.padEnd(17)} ${u.labelClassNames.padEnd(18)} ${u.cosine.toFixed(3)}`);
  }
  const truth = Object.entries(result.hiddenTruth);
  if (truth.length > 0) {
    lines.push(
      '',
      'hidden layers: truth of the labels (AUROC of the label\'s concept over the probe images; a plural or synonym counts as its toy word; 0.5 for labels that name none)',
      `  ${'layer'.padEnd(34)} ${'labels'.padEnd(7)} ${'AUROC'.padStart(6)} ${'lift@100'.padStart(8)} ${'ceiling'.padStart(7)} ${'shuffled'.padStart(8)} ${'toy'.padStart(4)} ${'ND detectors agree'.padStart(19)}`,
    );
    for (const [layer, t] of truth) {
      for (const [which, m] of [['run', t.run], ['hidden', t.hidden]] as const) {
        const nd = m.ndDetectors === undefined ? '-' : `${pct(m.ndAgreement ?? 0)} of ${m.ndDetectors}`;
        lines.push(
          `  ${(which === 'run' ? layer : '').padEnd(34)} ${which.padEnd(7)} ${m.labelAuroc.toFixed(3).padStart(6)} ${m.liftTop100.toFixed(2).padStart(8)} ${m.bestAuroc.toFixed(3).padStart(7)} ${m.shuffledAuroc.toFixed(3).padStart(8)} ${String(m.toyLabelled).padStart(4)} ${nd.padStart(19)}`,
        );
      }
    }
  }
  if (result.supervised) lines.push('', ...supervisedTable(result.supervised));
  lines.push('', 'hidden layers: agreement with Network Dissection over all units (same rank-0 label)');
  for (const [layer, d] of Object.entries(result.hiddenDetail)) {
    lines.push(
      `  ${layer.padEnd(34)} ${pct(d.share).padStart(6)}  (${d.agree}/${d.units}; ${d.toyLabelled} units have a toy-word label, ` +
        `${pct(d.shareOfToyLabelled)} of them agree; netdissect run ${d.netdissectRunId})`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const fixed = (x: number) => x.toFixed(3);

/** Supervised channels: how often each method's label is the concept the unit was trained on. */
function supervisedTable(s: NonNullable<EvalResult['supervised']>): string[] {
  const layers = [...new Set(s.units.map((u) => u.layer))].join(', ');
  const right = s.units.filter((u) => u.right).length;
  const lines = [
    `supervised channels (${s.units.length} in ${layers}, trained to detect a named concept; ${s.concepts} concepts, chance top-1 ${s.chance.toPrecision(2)}):`,
    `  ${'method'.padEnd(22)} ${'preset'.padEnd(10)} ${'labels'.padEnd(9)} ${'units'.padStart(5)} ${'top1'.padStart(6)} ${'top5'.padStart(6)}  ${'>=0.8 conf.'.padStart(11)} ${'right'.padStart(6)}`,
  ];
  for (const m of s.methods) {
    const confident = `${fixed(m.confidentCoverage).padStart(11)} ${(m.confidentRight === null ? '-' : fixed(m.confidentRight)).padStart(6)}`;
    lines.push(`  ${m.method.padEnd(22)} ${m.preset.padEnd(10)} ${(m.stored ? 'stored' : 'rescored').padEnd(9)} ${String(m.units).padStart(5)} ${fixed(m.top1).padStart(6)} ${fixed(m.top5).padStart(6)}  ${confident}`);
  }
  lines.push(`  (>=0.8 conf.: share of units whose label has confidence >= 0.8; right: share of those labels that are right)`);
  if (s.layersNotInRun.length > 0) lines.push(`  (the run does not cover ${s.layersNotInRun.join(', ')}: those units are not scored)`);
  lines.push(`  the run's labels name ${right} of ${s.units.length} units right (a plural or synonym counts as its concept):`);
  const notInRun = new Set(s.layersNotInRun);
  const wrong = s.units.filter((u) => !notInRun.has(u.layer) && !u.right);
  for (const u of wrong) lines.push(`    ${u.layer} ${String(u.channel).padStart(3)} ${u.concept.padEnd(13)} labelled ${u.label || '(none)'}`);
  return lines;
}

function plantedTable(result: PlantedResult): string {
  const lines = [
    `planted units in ${result.model} ${result.layer}: seeds ${result.seeds.join(', ')}, ${result.images} images each, ${result.concepts} concepts (${result.seconds.toFixed(1)} s)`,
    '',
    `  ${'method'.padEnd(22)} ${'preset'.padEnd(10)} ${'kind'.padEnd(8)} ${'noise'.padStart(5)} ${'units'.padStart(5)} ${'top1'.padStart(6)} ${'top5'.padStart(6)} ${'chance'.padStart(8)}`,
  ];
  for (const r of result.rows) {
    lines.push(
      `  ${r.method.padEnd(22)} ${r.preset.padEnd(10)} ${r.kind.padEnd(8)} ${String(r.noise).padStart(5)} ${String(r.units).padStart(5)} ${fixed(r.top1).padStart(6)} ${fixed(r.top5).padStart(6)} ${r.chance.toPrecision(2).padStart(8)}`,
    );
  }
  const rec = result.recommended;
  const at1 = rec.rows.find((r) => r.kind === 'image' && r.noise === 1);
  lines.push('', `recommended for hidden layers (--preset hidden): ${rec.method} ${JSON.stringify(rec.params)}${at1 ? `; image-level units at noise 1: top-1 ${fixed(at1.top1)}` : ''}`);
  lines.push(...calibrationLines(result.calibration));
  return `${lines.join('\n')}\n`;
}

const share = (x: number | null) => (x === null ? '-' : fixed(x));

/** The confidence calibration: headline per method, then the recommended preset's curve. */
function calibrationLines(calibration: PlantedCalibration[]): string[] {
  const rec = calibration.find((c) => c.recommended);
  const threshold = calibration[0]?.threshold ?? 0.8;
  const lines = [
    '',
    `label confidence (top-1 labels, all kinds and noise levels): right among confidence >= ${threshold}, and their coverage`,
    `  ${'method'.padEnd(22)} ${'preset'.padEnd(10)} ${'units'.padStart(5)} ${'right'.padStart(6)} ${'>=' + String(threshold)} ${'right'.padStart(6)} ${'coverage'.padStart(8)}`,
  ];
  for (const c of calibration) {
    lines.push(
      `  ${c.method.padEnd(22)} ${c.preset.padEnd(10)} ${String(c.units).padStart(5)} ${fixed(c.accuracy).padStart(6)} ${String(c.confident).padStart(5)} ${share(c.precision).padStart(6)} ${fixed(c.coverage).padStart(8)}`,
    );
  }
  if (rec) {
    lines.push('', `calibration curve, ${rec.method} (${rec.preset}): confidence bin, labels, predicted (mean confidence), observed (share right)`);
    for (const b of rec.bins) {
      lines.push(`  ${b.from.toFixed(1)}-${b.to.toFixed(1)} ${String(b.count).padStart(6)} ${share(b.predicted).padStart(6)} ${share(b.observed).padStart(6)}`);
    }
  }
  return lines;
}

export function register(program: Command): void {
  program
    .command('netdissect')
    .description('label every unit of the chosen layers by IoU against the toy world\'s concept masks (Network Dissection) and store the run')
    .requiredOption('--model <file>', 'target network (.onnx) with a toy sidecar JSON')
    .requiredOption('--layers <names>', 'comma-separated conv or token layers, e.g. layer1,layer2')
    .requiredOption('--probe <spec>', 'toy probe set toy:N:SEED (the masks come from the generator)')
    .option('--name <name>', 'model name in the atlas (default: file name)')
    .option('--version <version>', 'model version in the atlas (default: start of the file hash)')
    .option('--top-fraction <q>', 'share of the highest activations that count as on', '0.005')
    .option('--mask-size <n>', 'side the maps are upsampled to', '64')
    .option('--batch <n>', 'images per inference batch', '50')
    .option('--data-dir <dir>', 'PGlite data folder (default: ATLAS_DATA_DIR or .atlas)')
    .option('--database-url <url>', 'Postgres server (default: DATABASE_URL)')
    .option('--quiet', 'no progress bars')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (flags: StoreFlags & Record<string, string | boolean | undefined>) => {
      const layers = String(flags.layers).split(',').map((l) => l.trim()).filter(Boolean);
      if (layers.length === 0) throw new Error('--layers needs at least one layer name');
      const topFraction = Number(flags.topFraction);
      if (!(topFraction > 0 && topFraction < 1)) throw new Error(`--top-fraction must be in (0, 1), got ${String(flags.topFraction)}`);
      const result = await withStore(flags, (store) =>
        runNetDissect(store, {
          model: String(flags.model),
          layers,
          probe: String(flags.probe),
          topFraction,
          maskSize: positiveInt('--mask-size', flags.maskSize as string)!,
          batch: positiveInt('--batch', flags.batch as string)!,
          quiet: Boolean(flags.quiet),
          ...(flags.name ? { name: String(flags.name) } : {}),
          ...(flags.version ? { version: String(flags.version) } : {}),
        }),
      );
      if (flags.json) cliIo().stdout.write(`${JSON.stringify(result)}\n`);
      else {
        const lines = [`netdissect run ${result.runId} complete`];
        for (const l of result.layers) {
          lines.push(`  ${l.name} (${l.kind}, ${l.units} units): ${pct(l.interpretable)} of units with IoU > 0.04, mean best IoU ${l.meanIou.toFixed(3)}`);
        }
        cliIo().stdout.write(`${lines.join('\n')}\n`);
      }
    });

  program
    .command('eval')
    .description('score a CLIP-Dissect run of a toy model against the toy world\'s ground truth (default: the default atlas\'s resnet-v1 run)')
    .option('--run <id>', 'run to score (see `atlas db runs`)')
    .option('--all', 'score the latest clip-dissect run of every default-atlas model')
    .option('--planted', 'planted-neuron benchmark: synthetic units with known truth inserted into a real layer, labelled by every method (no atlas needed)')
    .option('--model <name>', 'with --planted: toy model (models/toy/NAME.onnx)', 'resnet-v1')
    .option('--layer <name>', 'with --planted: layer to plant units into', 'layer4')
    .option('--seed <n>', 'with --planted: first of the three seeds (each its own probe set and draws)', '1')
    .option('--seeds <n>', 'with --planted: how many seeds', '3')
    .option('--images <n>', 'with --planted: probe images per seed', '1000')
    .option('--concepts <set>', 'with --planted: concept set', 'builtin:toy+common-10k')
    .option('--data-dir <dir>', 'PGlite data folder (default: ATLAS_DATA_DIR or .atlas)')
    .option('--database-url <url>', 'Postgres server (default: DATABASE_URL)')
    .option('--quiet', 'no progress bars')
    .option('--json', 'print one JSON object (with --all: an array)')
    .action(async (flags: StoreFlags & EvalFlags) => {
      if (flags.run !== undefined && flags.all) throw new Error('--run and --all exclude each other');
      if (flags.planted) {
        if (flags.run !== undefined || flags.all) throw new Error('--planted scores synthetic units; it takes no --run or --all');
        const seed = Number(flags.seed);
        if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got ${flags.seed}`);
        const result = await plantedBenchmark({
          model: flags.model,
          layer: flags.layer,
          seed,
          seeds: positiveInt('--seeds', flags.seeds)!,
          images: positiveInt('--images', flags.images)!,
          concepts: flags.concepts,
          ...(flags.quiet || flags.json ? {} : { log: (line: string) => cliIo().stderr.write(`${line}\n`) }),
        });
        cliIo().stdout.write(flags.json ? `${JSON.stringify(result)}\n` : plantedTable(result));
        return;
      }
      const runId = positiveInt('--run', flags.run);
      const opts = { quiet: flags.quiet ?? Boolean(flags.json) };
      await withStore(flags, async (store) => {
        if (flags.all) {
          const results: EvalResult[] = [];
          for (const m of DEFAULT_MODELS) {
            const id = await latestClipRunOfModel(store, m.name);
            if (id !== undefined) results.push(await evaluateRun(store, id, opts));
          }
          if (results.length === 0) throw new Error(`the atlas has no clip-dissect run of ${DEFAULT_MODELS.map((m) => m.name).join(', ')}`);
          cliIo().stdout.write(flags.json ? `${JSON.stringify(results)}\n` : results.map(table).join('\n'));
          return;
        }
        const result = await evaluateRun(store, runId ?? (await defaultEvalRun(store)), opts);
        cliIo().stdout.write(flags.json ? `${JSON.stringify(result)}\n` : table(result));
      });
    });

  const seed = program.command('seed').description('the default atlas (toy models dissected over a toy probe set)');
  seed
    .command('build')
    .description('build the default atlas with the engine into the atlas database, optionally exporting the seed snapshot')
    .option('--probe <spec>', 'toy probe set', DEFAULT_PROBE)
    .option('--export [file]', `also write the snapshot (default seed/atlas.jsonl.gz) and its embeddings (${CACHES_FILE} next to it)`)
    .option('--data-dir <dir>', 'PGlite data folder (default: ATLAS_DATA_DIR or .atlas)')
    .option('--database-url <url>', 'Postgres server (default: DATABASE_URL)')
    .option('--quiet', 'no progress bars')
    .option('--json', 'print the build summary as JSON')
    .action(async (flags: StoreFlags & { probe: string; export?: string | boolean; quiet?: boolean; json?: boolean }) => {
      await withStore(flags, async (store) => {
        const summary = await buildDefaultAtlas(store, { probe: flags.probe, quiet: flags.quiet ?? false });
        let exported: string | undefined;
        if (flags.export) {
          exported = typeof flags.export === 'string' ? flags.export : defaultSeedPath;
          // The default atlas's embeddings travel in caches.bin.gz (activations are recomputed): the snapshot stays labels only.
          await exportSeed(store, exported, { labelsOnly: true });
          await exportCaches(store, join(dirname(exported), CACHES_FILE));
        }
        cliIo().stdout.write(
          flags.json
            ? `${JSON.stringify({ ...summary, exported })}\n`
            : `default atlas built in ${summary.seconds.toFixed(1)} s (${summary.runs.map((r) => `${r.model} ${r.method} run ${r.runId} ${r.seconds.toFixed(1)} s`).join('; ')})${exported ? `; snapshot written to ${exported}` : ''}\n`,
        );
      });
    });
}
