/**
 * Reading or rendering probe images and preprocessing each for every model that needs it: one
 * batch at a time, in a decode worker or on the thread waiting for it (DecodePool.take).
 */
import { readFile } from 'node:fs/promises';
import type { ProbeRenderer, ProbeSource } from '../probes/types.js';
import { decodeRgb, preprocessImage, type PreprocessSpec, type RawImage } from '../preprocess/index.js';

export interface DecodeRequest {
  id: number;
  sources: ProbeSource[];
  specs: PreprocessSpec[];
}

export type DecodeReply = { id: number; tensors: Float32Array[] } | { id: number; error: string };

/** What the pool tells a worker when it starts. */
export interface DecodeWorkerData {
  /** Renderer modules of generated probe images to load before saying ready (the probe set's). */
  preload?: string[];
}

/** The worker's first message: its modules are loaded and it takes batches. */
export const READY = 'ready';

type Render = ProbeRenderer['renderProbe'];
const renderers = new Map<string, Promise<Render>>();

/** A generated probe image's renderer, its module imported on first use (or ahead, by a worker
 *  told which probe set comes). */
export function loadRenderer(module: string): Promise<Render> {
  let render = renderers.get(module);
  if (!render) {
    render = import(module).then((m: ProbeRenderer) => m.renderProbe);
    renderers.set(module, render);
  }
  return render;
}

function describe(source: ProbeSource): string {
  return source.kind === 'file' ? source.path : `${source.scheme}:${source.seed}/${source.index}`;
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

/** Preprocess one image for every spec. Generated images (toy scenes) are vector drawings, so each
 *  model gets a rendering at its own resize size (crisp, no resampling) instead of a resampled one. */
async function handleOne(source: ProbeSource, specs: PreprocessSpec[], tensors: Float32Array[], i: number): Promise<void> {
  const decoded = source.kind === 'file' ? await decodeFile(source.path) : undefined;
  const render = source.kind === 'generated' ? await loadRenderer(source.renderer) : undefined;
  const renders = new Map<number, RawImage>();
  for (let s = 0; s < specs.length; s++) {
    const spec = specs[s]!;
    let image = decoded;
    if (source.kind === 'generated') {
      image = renders.get(spec.resize);
      if (!image) renders.set(spec.resize, (image = render!(source.seed, source.index, spec.resize)));
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
