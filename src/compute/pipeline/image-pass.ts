/**
 * The image pass: every probe image through the CLIP image tower and the target network.
 * Decoding happens in worker threads a few batches ahead of inference, and on this thread while
 * it would otherwise wait for them; each finished batch is appended to an on-disk checkpoint, so
 * a killed run continues where it stopped.
 */
import { join } from 'node:path';
import type { Matrix } from '../../core/types.js';
import type { ClipModel } from '../clip/index.js';
import type { TargetModel } from '../onnx/index.js';
import type { PreprocessSpec } from '../preprocess/index.js';
import type { ProbeSet } from '../probes/index.js';
import { Checkpoint, type StreamSpec } from './checkpoint.js';
import { startProgress } from './progress.js';
import type { DecodeJob, DecodePool } from './worker-pool.js';

export interface ImagePassInput {
  probes: ProbeSet;
  clip: ClipModel | undefined;
  target: TargetModel | undefined;
  targetSpec: PreprocessSpec;
  batchSize: number;
  decoder: DecodePool;
  checkpointDir: string;
  checkpointKey: string;
  quiet: boolean;
  log: (line: string) => void;
  afterBatch?: AfterBatchHook;
}

/**
 * Called after each batch is appended to the checkpoint, before the next one. `done` counts the
 * images appended so far; `commit()` makes them durable now (commits otherwise happen at most
 * once a second). Tests use it to stop a run at a known point instead of timing a kill.
 */
export type AfterBatchHook = (batch: { done: number; total: number; commit: () => number }) => void | Promise<void>;

export interface ImagePassResult {
  imageEmbeddings: Matrix | undefined;
  activations: Map<string, Matrix>;
  computed: number;
  fromCheckpoint: number;
  checkpoint: Checkpoint;
}

/**
 * Decode in worker threads (a few batches ahead) while the main thread runs the networks, and
 * append every finished batch to the checkpoint.
 */
export async function imagePass(input: ImagePassInput): Promise<ImagePassResult> {
  const { probes, clip, target, batchSize } = input;
  const streams: StreamSpec[] = [];
  if (clip) streams.push({ name: 'clip', cols: clip.dim });
  target?.layers.forEach((l, i) => streams.push({ name: `layer-${i}`, cols: l.units }));
  const total = probes.items.length;
  const checkpoint = Checkpoint.open(join(input.checkpointDir, input.checkpointKey.slice(0, 32)), input.checkpointKey, total, streams);
  const start = checkpoint.done;
  const what = [clip ? 'CLIP image embeddings' : '', target ? `activations of ${target.layers.length} layer(s)` : ''].filter(Boolean).join(' + ');
  if (start > 0) input.log(`image pass: continuing from checkpoint, ${start} of ${total} images already done`);
  input.log(`image pass: computing ${what} for ${total - start} images (batch ${batchSize}, ${input.decoder.size} decode worker(s))`);

  const specs = [...(clip ? [clip.preprocess] : []), ...(target ? [input.targetSpec] : [])];
  const decoder = input.decoder;
  const bar = startProgress('image pass', total, 'img', { quiet: input.quiet, start });
  const batches: number[] = [];
  for (let b = start; b < total; b += batchSize) batches.push(b);
  // Keep a few batches queued ahead of inference: one per worker, and two more that this thread
  // decodes itself while it would otherwise wait (see DecodePool.take).
  const ahead = decoder.size + 2;
  const inflight: DecodeJob[] = [];
  const enqueue = (k: number) => {
    const b = batches[k];
    if (b === undefined) return;
    inflight.push(decoder.decode(probes.items.slice(b, Math.min(total, b + batchSize)).map((i) => i.source), specs));
  };
  let computed = 0;
  try {
    for (let k = 0; k < Math.min(ahead, batches.length); k++) enqueue(k);
    for (let k = 0; k < batches.length; k++) {
      const tensors = await decoder.take(inflight.shift()!);
      enqueue(k + ahead);
      const n = Math.min(batchSize, total - batches[k]!);
      const rows = new Map<string, Float32Array>();
      let s = 0;
      if (clip) rows.set('clip', (await clip.encodeImages(tensors[s++]!, n)).data);
      if (target) {
        const acts = await target.run(tensors[s++]!, n);
        target.layers.forEach((l, i) => rows.set(`layer-${i}`, Float32Array.from(acts.get(l.name)!.data)));
      }
      checkpoint.append(n, rows);
      computed += n;
      bar.increment(n);
      await input.afterBatch?.({
        done: start + computed,
        total,
        commit: () => {
          checkpoint.commit();
          return checkpoint.done;
        },
      });
    }
  } catch (error) {
    // Keep every finished batch for the next attempt.
    checkpoint.close();
    throw error;
  } finally {
    bar.stop();
  }
  const activations = new Map<string, Matrix>();
  target?.layers.forEach((l, i) => activations.set(l.name, checkpoint.read(`layer-${i}`)));
  return {
    imageEmbeddings: clip ? checkpoint.read('clip') : undefined,
    activations,
    computed,
    fromCheckpoint: start,
    checkpoint,
  };
}
