// Worker thread: reads or renders probe images and preprocesses each for every model that needs
// it, so that decoding overlaps with inference on the main thread.
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import type { ProbeSource } from '../probes/index.js';
import { decodeRgb, preprocessImage, type PreprocessSpec, type RawImage } from '../preprocess/index.js';

export interface DecodeRequest {
  id: number;
  sources: ProbeSource[];
  specs: PreprocessSpec[];
}

export type DecodeReply = { id: number; tensors: Float32Array[] } | { id: number; error: string };

// Parallelism comes from the pool of workers; one libvips thread each avoids oversubscription.
sharp.concurrency(1);
sharp.cache(false);

type ToyRender = (seed: number, index: number, size: number) => RawImage;
let toyRender: ToyRender | undefined;

async function loadToy(): Promise<ToyRender> {
  if (toyRender) return toyRender;
  const toy = await import('../../toyworld/index.js');
  toyRender = (seed, index, size) => toy.renderScene(toy.generateScene(seed, index), size);
  return toyRender;
}

function describe(source: ProbeSource): string {
  return source.kind === 'file' ? source.path : `toy:${source.seed}/${source.index}`;
}

async function decodeFile(path: string): Promise<RawImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`cannot read probe image ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return await decodeRgb(bytes);
  } catch (error) {
    // libvips repeats its complaint over several lines; the first says it.
    const why = (error as Error).message.replace(/^cannot decode image [^:]*: /, '').split('\n')[0];
    throw new Error(`cannot decode probe image ${path}: ${why}`, { cause: error });
  }
}

/** Preprocess one image for every spec. Toy scenes are vector drawings, so each model gets a
 *  rendering at its own resize size (crisp, no resampling) instead of a resampled one. */
async function handleOne(source: ProbeSource, specs: PreprocessSpec[], tensors: Float32Array[], i: number): Promise<void> {
  const decoded = source.kind === 'file' ? await decodeFile(source.path) : undefined;
  const toy = source.kind === 'toy' ? await loadToy() : undefined;
  const renders = new Map<number, RawImage>();
  for (let s = 0; s < specs.length; s++) {
    const spec = specs[s]!;
    let image = decoded;
    if (source.kind === 'toy') {
      image = renders.get(spec.resize);
      if (!image) renders.set(spec.resize, (image = toy!(source.seed, source.index, spec.resize)));
    }
    try {
      await preprocessImage(image!, spec, tensors[s]!, i * 3 * spec.crop * spec.crop);
    } catch (error) {
      throw new Error(`cannot preprocess probe image ${describe(source)}: ${(error as Error).message}`, { cause: error });
    }
  }
}

async function handle(req: DecodeRequest): Promise<DecodeReply> {
  const tensors = req.specs.map((spec) => new Float32Array(req.sources.length * 3 * spec.crop * spec.crop));
  for (let i = 0; i < req.sources.length; i++) await handleOne(req.sources[i]!, req.specs, tensors, i);
  return { id: req.id, tensors };
}

parentPort!.on('message', (req: DecodeRequest) => {
  handle(req).then(
    (reply) => {
      const transfer = 'tensors' in reply ? reply.tensors.map((t) => t.buffer as ArrayBuffer) : [];
      parentPort!.postMessage(reply, transfer);
    },
    (error: unknown) => parentPort!.postMessage({ id: req.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
