// `npm run bench -- pipeline [--only tiny|real] [--images N] [--batch B] [--real-images N]`
//
// Images per second through the whole image pass of `atlas dissect` (JPEG decode and
// preprocessing in worker threads, CLIP image tower, target network, checkpoint writes) against
// raw onnxruntime-node throughput of the same two models on ready-made tensors at the same batch
// size. Goal: ratio >= 0.9, i.e. decoding hides behind inference.
//
// Real scale: torchvision resnet50() and a CLIP ViT-B/16-sized image tower (random weights),
// exported by tools/benchmodels/build.py into $ATLAS_CACHE_DIR/benchmodels (built on first use
// when a Python with torch is found: $PYTHON, python3, /usr/bin/python3).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { ClipModel } from '../src/compute/clip/index.js';
import { TargetModel } from '../src/compute/onnx/index.js';
import { atlasCacheDir } from '../src/compute/pipeline/cache-dir.js';
import { dissect } from '../src/services/dissect.js';
import { loadPreprocessSpec } from '../src/compute/preprocess/index.js';
import { openStore } from '../src/db/index.js';
import { generateScene, renderScene } from '../src/toyworld/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const only = flag('only', 'all');
const batch = Number(flag('batch', '32'));
const tinyImages = Number(flag('images', '1024'));
const realImages = Number(flag('real-images', '256'));

interface Case {
  name: string;
  model: string;
  layers: string[];
  clip: string;
  images: number;
  /** Probe set: JPEG files (decoded like photos) or the toy world's generated images. */
  probe: 'jpeg' | 'toy';
  /** Batches timed for the raw baseline (each of two measurements). */
  rawBatches: number;
}

interface Figures {
  case: string;
  probe: Case['probe'];
  images: number;
  batch: number;
  raw_img_s: number;
  pipeline_img_s: number;
  ratio: number;
  dissect_s: number;
}

/** JPEG probe images, 500 x 375 like a typical ImageNet photo (toy scenes, upscaled). */
async function makeJpegs(dir: string, count: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const img = renderScene(generateScene(11, i), 128);
    await sharp(img.rgb, { raw: { width: 128, height: 128, channels: 3 } })
      .resize(500, 375, { fit: 'fill' })
      .jpeg({ quality: 90 })
      .toFile(join(dir, `${String(i).padStart(5, '0')}.jpg`));
  }
}

/** Raw onnxruntime: the same two models, same batch size, tensors prepared in advance. */
async function rawThroughput(c: Case, threads: number | undefined): Promise<number> {
  const { spec } = await loadPreprocessSpec(c.model);
  const target = await TargetModel.load(c.model, { layers: c.layers, inputSize: spec.crop, ...(threads ? { threads } : {}) });
  const clip = await ClipModel.load(c.clip, threads ? { threads } : {});
  const tIn = Float32Array.from({ length: batch * target.imageSize }, (_, i) => Math.sin(i) * 0.5);
  const cIn = Float32Array.from({ length: batch * 3 * clip.preprocess.crop ** 2 }, (_, i) => Math.cos(i) * 0.5);
  try {
    await target.runRaw(tIn, batch); // warm-up
    await clip.encodeImages(cIn, batch);
    const batches = c.rawBatches;
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) {
      await clip.encodeImages(cIn, batch);
      await target.runRaw(tIn, batch);
    }
    return (batches * batch) / ((performance.now() - t0) / 1000);
  } finally {
    await target.release();
    await clip.release();
  }
}

async function pipelineThroughput(c: Case, probe: string): Promise<{ imgS: number; total: number }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'bench-pipeline-'));
  const store = await openStore({ dataDir: 'memory://' });
  try {
    const t0 = performance.now();
    const result = await dissect(async () => store, {
      model: c.model,
      layers: c.layers,
      clip: c.clip,
      probe,
      concepts: 'builtin:toy',
      batch,
      cacheDir,
      quiet: true,
      log: () => undefined,
      params: { top_k: Math.min(100, c.images) },
    });
    const total = (performance.now() - t0) / 1000;
    const stages = Object.entries(result.timings).map(([k, v]) => `${k} ${v.toFixed(1)}s`).join(', ');
    process.stderr.write(`  ${c.name}: dissect stages: ${stages}\n`);
    return { imgS: result.stats.imagesComputed / result.timings.image_pass!, total };
  } finally {
    await store.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

function findTorchPython(): string | undefined {
  for (const py of [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean) as string[]) {
    if (spawnSync(py, ['-c', 'import torch, torchvision, onnx'], { stdio: 'ignore' }).status === 0) return py;
  }
  return undefined;
}

function ensureRealModels(dir: string): boolean {
  const resnet = join(dir, 'resnet50.onnx');
  const vit = join(dir, 'vit-b16-clip');
  const builds: [string, string][] = [];
  if (!existsSync(resnet)) builds.push(['resnet50', resnet]);
  if (!existsSync(join(vit, 'onnx', 'vision_model.onnx'))) builds.push(['vit-clip', vit]);
  if (builds.length === 0) return true;
  const py = findTorchPython();
  if (!py) {
    process.stderr.write(`real-scale models missing in ${dir} and no Python with torch found; skipping (set PYTHON)\n`);
    return false;
  }
  for (const [what, out] of builds) {
    process.stderr.write(`building ${what} -> ${out} ...\n`);
    const r = spawnSync(py, [join(root, 'tools/benchmodels/build.py'), what, out], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`tools/benchmodels/build.py ${what} failed`);
  }
  return true;
}

const cases: Case[] = [];
if (only === 'all' || only === 'tiny') {
  cases.push({
    name: 'tiny (test fixtures)',
    model: join(root, 'test/pipeline/fixtures/tiny-target.onnx'),
    layers: ['conv1', 'layer1', 'layer2', 'fc'],
    clip: join(root, 'test/pipeline/fixtures/tiny-clip'),
    images: tinyImages,
    probe: 'jpeg',
    rawBatches: Math.max(4, Math.ceil(tinyImages / batch)),
  });
  cases.push({ ...cases[cases.length - 1]!, name: 'tiny, toy-world probe', probe: 'toy' });
  const toyModel = join(root, 'models/toy/resnet-v1.onnx');
  const toyClip = join(root, 'models/toy/clip');
  if (existsSync(toyModel) && existsSync(join(toyClip, 'onnx/vision_model.onnx'))) {
    cases.push({
      name: 'toy resnet-v1 + toy CLIP',
      model: toyModel,
      layers: ['conv1', 'layer1', 'layer2', 'layer3', 'layer4', 'fc'],
      clip: toyClip,
      images: tinyImages,
      probe: 'toy',
      rawBatches: Math.max(4, Math.ceil(tinyImages / batch)),
    });
  }
}
const realDir = join(atlasCacheDir(), 'benchmodels');
if ((only === 'all' || only === 'real') && ensureRealModels(realDir)) {
  cases.push({
    name: 'resnet50 + ViT-B/16-sized CLIP',
    model: join(realDir, 'resnet50.onnx'),
    layers: ['conv1', 'layer1', 'layer2', 'layer3', 'layer4'],
    clip: join(realDir, 'vit-b16-clip'),
    images: realImages,
    probe: 'jpeg',
    // Two batches give a steady rate at this size and keep the run short.
    rawBatches: 2,
  });
}

process.stdout.write(`pipeline benchmark: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), batch ${batch}\n`);
const figures: Figures[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'bench-probes-'));
try {
  for (const c of cases) {
    let probe = `toy:${c.images}:11`;
    if (c.probe === 'jpeg') {
      probe = join(scratch, `${c.images}`);
      if (!existsSync(probe)) await makeJpegs(probe, c.images);
    }
    // Raw throughput before and after the pipeline run, averaged: the cores are shared, and the
    // load from other processes drifts.
    const rawBefore = await rawThroughput(c, undefined);
    const pipe = await pipelineThroughput(c, probe);
    const rawAfter = await rawThroughput(c, undefined);
    const raw = (rawBefore + rawAfter) / 2;
    process.stderr.write(`  ${c.name}: raw onnxruntime ${rawBefore.toFixed(2)} img/s before, ${rawAfter.toFixed(2)} after\n`);
    const f: Figures = {
      case: c.name,
      probe: c.probe,
      images: c.images,
      batch,
      raw_img_s: Number(raw.toFixed(2)),
      pipeline_img_s: Number(pipe.imgS.toFixed(2)),
      ratio: Number((pipe.imgS / raw).toFixed(3)),
      dissect_s: Number(pipe.total.toFixed(2)),
    };
    figures.push(f);
    process.stdout.write(
      `${c.name.padEnd(32)} ${String(c.images).padStart(5)} ${c.probe === 'jpeg' ? 'JPEGs' : 'toys '}  raw onnxruntime ${f.raw_img_s.toFixed(1).padStart(8)} img/s  ` +
        `pipeline ${f.pipeline_img_s.toFixed(1).padStart(8)} img/s  ratio ${f.ratio.toFixed(2)}  (whole dissect ${f.dissect_s.toFixed(1)} s)\n`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify({ bench: 'pipeline', cores: cpus().length, batch, results: figures })}\n`);
