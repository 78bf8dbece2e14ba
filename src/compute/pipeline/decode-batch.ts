/**
 * Reading or rendering probe images and preprocessing each for every model that needs it: one
 * batch at a time, in a decode worker or on the thread waiting for it (DecodePool.take).
 */
import { readFile } from 'node:fs/promises';
import type { ProbeSource } from '../probes/index.js';
import { decodeRgb, preprocessImage, type PreprocessSpec, type RawImage } from '../preprocess/index.js';

export interface DecodeRequest {
  id: number;
  sources: ProbeSource[];
  specs: PreprocessSpec[];
}

export type DecodeReply = { id: number; tensors: Float32Array[] } | { id: number; error: string };

/** What the pool tells a worker when it starts. */
export interface DecodeWorkerData {
  /** The probe set is the toy world's: load its renderer before saying ready. */
  preloadToy?: boolean;
}

/** The worker's first message: its modules are loaded and it takes batches. */
export const READY = 'ready';

type ToyRender = (seed: number, index: number, size: number) => RawImage;
let toyRender: ToyRender | undefined;

/** The toy world's renderer, imported on first use (or ahead, by a worker told the probe set is toy). */
export async function loadToy(): Promise<ToyRender> {
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

/** One batch: a float32 CHW tensor per spec, images back to back. */
export async function decodeBatch(req: DecodeRequest): Promise<DecodeReply> {
  const tensors = req.specs.map((spec) => new Float32Array(req.sources.length * 3 * spec.crop * spec.crop));
  for (let i = 0; i < req.sources.length; i++) await handleOne(req.sources[i]!, req.specs, tensors, i);
  return { id: req.id, tensors };
}
