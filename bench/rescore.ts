/**
 * Rescoring benchmark: new labels for a whole layer from what the atlas stores.
 *
 *   npm run bench -- rescore [--images 10000] [--neurons 512] [--concepts 1000] [--dim 512] [--runs 3] [--no-baseline]
 *
 * Builds an atlas (PGlite in memory, or DATABASE_URL) with one clip-dissect run over a layer:
 * random unit image embeddings, activations, and the new concepts' text embeddings already
 * cached (text encoding is excluded from the goal). Times `rescoreLayer` (database reads +
 * soft_wpmi): the first run reads the stored matrices (cold), later ones find them in the
 * process's cache (warm: how a server rescoring a layer again with other concepts runs); the
 * headline is the median of the warm runs. Baseline: the reference implementation (PyTorch, per-neuron
 * loop; bench/python/time_similarity.py with /usr/bin/python3, 2 threads) on the same P and
 * activations, side by side with the ratio. Goal: <= 1 s for 1,000 concepts x 512 neurons x 10,000 images.
 * Ends with one JSON line of its figures on stdout.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../src/db/atlas-store.js';
import type { Matrix } from '../src/core/types.js';
import { writeNpyMatrix } from '../src/compute/npy.js';
import { RescoreService } from '../src/services/rescore.js';
import { TextEncoders } from '../src/services/text-encoders.js';
import { rng } from './lib/common.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    images: { type: 'string', default: '10000' },
    neurons: { type: 'string', default: '512' },
    concepts: { type: 'string', default: '1000' },
    dim: { type: 'string', default: '512' },
    runs: { type: 'string', default: '4' },
    'no-baseline': { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const N = Number(opt.images);
const K = Number(opt.neurons);
const C = Number(opt.concepts);
const D = Number(opt.dim);
const RUNS = Number(opt.runs);
const log = (line: string) => process.stderr.write(`${line}\n`);

function gaussianMatrix(rows: number, cols: number, seed: number, normalise: boolean): Matrix {
  const r = rng(seed);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i += 1) data[i] = Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  if (normalise) {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += data[i * cols + j]! ** 2;
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < cols; j++) data[i * cols + j]! *= inv;
    }
  }
  return { rows, cols, data };
}

const images = gaussianMatrix(N, D, 1, true);
const texts = gaussianMatrix(C, D, 2, true);
const acts = gaussianMatrix(N, K, 3, false);
const concepts = Array.from({ length: C }, (_, i) => `bench concept ${i}`);

// PGlite: a data folder under bench/out/ kept between runs (building it takes minutes: every
// image embedding goes into the HNSW index). Postgres (DATABASE_URL): built each time.
const dataDir = join(here, 'out', `rescore-atlas-${N}-${K}-${C}-${D}`);
const store = await openStore(process.env.DATABASE_URL ? {} : { dataDir });
const buildStart = performance.now();
let modelId = await store.models.idOf('bench-rescore', `${N}-${K}-${C}-${D}`);
const reused = modelId !== undefined;
if (modelId === undefined) modelId = await buildAtlas();
const layerId = (await store.models.layers(modelId))[0]!.id;
const rescorer = new RescoreService(store, new TextEncoders(store));
log(`atlas ${reused ? 'reused' : 'built'} in ${((performance.now() - buildStart) / 1000).toFixed(1)} s (${store.driver}): ${N} images x ${D}-d, ${K} neurons, ${C} cached concepts`);

async function buildAtlas(): Promise<number> {
  const id = await store.models.upsert({ name: 'bench-rescore', version: `${N}-${K}-${C}-${D}`, fileHash: 'h', inputSpec: {} });
  await store.models.upsertLayers(id, [{ name: 'layer4', kind: 'conv', units: K }]);
  const clipModelId = await store.clipModels.upsert({ name: `bench-clip-${D}`, dim: D });
  const probeSetId = await store.probeSets.upsert({
    name: 'bench-probe',
    recipe: {},
    contentHash: `bench-${N}-${D}`,
    images: Array.from({ length: N }, (_, i) => ({ ordinal: i, uri: `img/${i}` })),
  });
  await store.embeddings.putImages(probeSetId, clipModelId, images);
  await store.embeddings.putActivations(id, 'layer4', probeSetId, acts);
  await store.embeddings.putConcepts(clipModelId, concepts, texts);
  const { id: conceptSetId } = await store.conceptSets.upsert({ name: 'bench-old', concepts: concepts.slice(0, 10) });
  const runId = await store.runs.begin({ modelId: id, clipModelId, probeSetId, conceptSetId, parameters: { method: 'clip-dissect' } });
  await store.runs.writeLayer(runId, {
    layer: { name: 'layer4', kind: 'conv', units: K },
    labels: Array.from({ length: K }, (_, u) => [{ concept: u % 10, score: 0 }]),
    topImages: Array.from({ length: K }, () => []),
  });
  await store.runs.complete(runId);
  return id;
}

const times: { total: number; load: number; score: number; encode: number }[] = [];
let labels: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  const res = await rescorer.rescoreLayer({ modelId: modelId!, layerId, layerName: 'layer4', concepts });
  const total = (performance.now() - t0) / 1000;
  if (res.encoded !== 0) throw new Error('concepts were encoded: the benchmark expects them cached');
  times.push({ total, ...res.timings });
  labels = res.labels.map((l) => l[0]!.concept);
  log(`run ${r + 1}: total ${total.toFixed(3)} s (load ${res.timings.load.toFixed(3)}, score ${res.timings.score.toFixed(3)})`);
}
await store.close();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const warm = times.length > 1 ? times.slice(1) : times;
const total = median(warm.map((t) => t.total));
const load = median(warm.map((t) => t.load));
const scoreS = median(warm.map((t) => t.score));
const cold = times[0]!;

let baseline: { seconds: number; agreement: number } | null = null;
if (!opt['no-baseline']) {
  // The reference scores a dense P = images x texts^T.
  const dir = mkdtempSync(join(tmpdir(), 'bench-rescore-'));
  try {
    const p: Matrix = { rows: N, cols: C, data: new Float32Array(N * C) };
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < C; j++) {
        let s = 0;
        for (let d = 0; d < D; d++) s += images.data[i * D + d]! * texts.data[j * D + d]!;
        p.data[i * C + j] = s;
      }
    }
    writeNpyMatrix(join(dir, 'P.npy'), p);
    writeNpyMatrix(join(dir, 'A.npy'), acts);
    log('baseline: reference implementation (PyTorch, 2 threads) on the same inputs ...');
    const res = spawnSync(
      opt.python!,
      [resolve(here, 'python/time_similarity.py'), join(dir, 'P.npy'), join(dir, 'A.npy'), join(dir, 'out.json'), '--fn', 'soft_wpmi', '--threads', '2'],
      { encoding: 'utf8' },
    );
    if (res.status !== 0) throw new Error(`baseline failed: ${res.stderr}`);
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { seconds: number; labels: number[] };
    const agree = out.labels.filter((l, i) => l === labels[i]).length / labels.length;
    baseline = { seconds: out.seconds, agreement: agree };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const figures = {
  bench: 'rescore',
  cpus: cpus().length,
  driver: process.env.DATABASE_URL ? 'postgres' : 'pglite',
  images: N,
  neurons: K,
  concepts: C,
  dim: D,
  function: 'soft_wpmi',
  seconds: Number(total.toFixed(4)),
  cold_seconds: Number(cold.total.toFixed(4)),
  cold_load_seconds: Number(cold.load.toFixed(4)),
  load_seconds: Number(load.toFixed(4)),
  score_seconds: Number(scoreS.toFixed(4)),
  goal_seconds: 1,
  meets_goal: total <= 1,
  baseline_reference_seconds: baseline ? Number(baseline.seconds.toFixed(3)) : null,
  speedup_vs_reference: baseline ? Number((baseline.seconds / total).toFixed(2)) : null,
  label_agreement_with_reference: baseline ? Number(baseline.agreement.toFixed(4)) : null,
};
console.log(`rescore ${N} images x ${K} neurons x ${C} concepts: ${total.toFixed(3)} s warm (load ${load.toFixed(3)}, score ${scoreS.toFixed(3)}), ${cold.total.toFixed(3)} s cold` +
  (baseline ? `; reference ${baseline.seconds.toFixed(3)} s, ratio ${(baseline.seconds / total).toFixed(2)}x` : ''));
console.log(JSON.stringify(figures));
