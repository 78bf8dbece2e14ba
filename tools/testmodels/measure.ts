/**
 * Timings for the target-network path, each next to a baseline (ratio = ours / baseline):
 *  - inference with the chosen layers exposed vs the unmodified model (cost of the extra outputs)
 *  - Pillow-exact preprocessing vs sharp's own resize (cost of matching torchvision exactly)
 *
 *   npx tsx tools/testmodels/measure.ts --model net.onnx --layers layer1,layer4 [--batch 16] [--batches 3] [--threads N]
 *
 * Ends with one JSON line of figures on stdout.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { OnnxGraph } from '../../src/compute/onnx/graph.js';
import { TargetModel } from '../../src/compute/onnx/target-model.js';
import { createSession } from '../../src/compute/onnx/session.js';
import { preprocessBatch, TORCHVISION_IMAGENET } from '../../src/compute/preprocess/index.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    layers: { type: 'string', default: '' },
    batch: { type: 'string', default: '16' },
    batches: { type: 'string', default: '3' },
    threads: { type: 'string' },
    'image-width': { type: 'string', default: '500' },
    'image-height': { type: 'string', default: '375' },
  },
});
if (!values.model || !values.layers) {
  process.stderr.write('usage: measure.ts --model net.onnx --layers a,b [--batch 16] [--batches 3] [--threads N]\n');
  process.exit(2);
}
const batch = Number(values.batch);
const batches = Number(values.batches);
const threads = values.threads ? Number(values.threads) : undefined;
const log = (s: string) => process.stderr.write(`${s}\n`);
log(`cpus: ${os.cpus().length}, model ${values.model}, batch ${batch} x ${batches}`);

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, (performance.now() - t0) / 1000];
}

// Inference: exposed layers vs plain model.
const [model, loadS] = await time(() =>
  TargetModel.load(values.model!, { layers: values.layers!.split(','), ...(threads ? { threads } : {}) }),
);
const input = new Float32Array(batch * model.imageSize).map((_, i) => Math.sin(i));
await model.run(input, batch); // warm-up
const [, oursS] = await time(async () => {
  for (let i = 0; i < batches; i++) await model.run(input, batch);
});
await model.release();
const graph = await OnnxGraph.read(values.model);
const plain = await createSession(graph.bytes, threads ? { threads } : {});
const dims = [batch, model.input.channels, model.input.height, model.input.width];
const feed = { [graph.input.name]: new ort.Tensor('float32', input, dims) };
await plain.run(feed);
const [, plainS] = await time(async () => {
  for (let i = 0; i < batches; i++) await plain.run(feed);
});
await plain.release();
const n = batch * batches;
log(`load ${loadS.toFixed(2)} s; inference ${(n / oursS).toFixed(1)} img/s with ${model.layers.length} layers exposed vs ${(n / plainS).toFixed(1)} img/s plain (ratio ${(oursS / plainS).toFixed(2)})`);

// Preprocessing: Pillow-exact vs sharp resize, on synthetic JPEGs of a typical photo size.
const w = Number(values['image-width']);
const h = Number(values['image-height']);
const noise = Buffer.alloc(w * h * 3);
for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
const jpegs = await Promise.all(
  Array.from({ length: 32 }, (_, k) => sharp(noise, { raw: { width: w, height: h, channels: 3 } }).blur(1 + (k % 3)).jpeg().toBuffer()),
);
const spec = TORCHVISION_IMAGENET;
await preprocessBatch(jpegs.slice(0, 2), spec);
const [, exactS] = await time(() => preprocessBatch(jpegs, spec));
const [, sharpS] = await time(() =>
  Promise.all(
    jpegs.map((j) =>
      sharp(j)
        .resize(spec.resize, spec.resize, { fit: 'outside', kernel: 'linear' })
        .extract({ left: 0, top: 0, width: spec.crop, height: spec.crop })
        .raw()
        .toBuffer(),
    ),
  ),
);
log(`preprocess ${w}x${h} JPEG -> 224: ${(32 / exactS).toFixed(1)} img/s Pillow-exact vs ${(32 / sharpS).toFixed(1)} img/s sharp-only (ratio ${(exactS / sharpS).toFixed(2)})`);

process.stdout.write(
  `${JSON.stringify({
    cpus: os.cpus().length,
    model: values.model,
    layers: model.layers.map((l) => l.name),
    loadSeconds: +loadS.toFixed(3),
    imagesPerSecond: +(n / oursS).toFixed(2),
    plainImagesPerSecond: +(n / plainS).toFixed(2),
    inferenceRatio: +(oursS / plainS).toFixed(3),
    preprocessImagesPerSecond: +(32 / exactS).toFixed(2),
    sharpOnlyImagesPerSecond: +(32 / sharpS).toFixed(2),
    preprocessRatio: +(exactS / sharpS).toFixed(3),
  })}\n`,
);
