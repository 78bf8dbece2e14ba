/**
 * `atlas dissect`: CLIP-Dissect from images to a stored atlas.
 *
 *   probe images --(decode workers)--> CLIP image embeddings + target activations  (image pass)
 *   concepts -----------------------> CLIP text embeddings                          (text pass)
 *   per layer: similarity(P = images x texts, A) -> labels, top images -> store     (scoring)
 *
 * Everything expensive is cached by content: image embeddings per (CLIP model, probe set),
 * text embeddings per (CLIP model, concept), activations per (model, layer, probe set); the
 * image pass checkpoints to disk after each batch, and the run stays invisible until complete.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { LayerResult, Matrix } from '../core/types.js';
import type { AtlasStore } from '../db/index.js';
import { hashText, type Device } from '../compute/clip/index.js';
import type { PoolMode } from '../compute/onnx/index.js';
import { beginWithModel, checkInputs, loadModels, registerInputs, type LoadedModels } from './dissect-setup.js';
import { atlasCacheDir, DecodePool, encodeConcepts, imagePass, scoreLayer, startProgress, topImagesPerUnit, type AfterBatchHook } from '../compute/pipeline/index.js';
import type { PresetName } from '../compute/similarity/presets.js';
import { unlabelledUnits, withoutUnlabelled } from '../compute/similarity/unlabelled.js';

export interface DissectOptions {
  model: string;
  layers: string[];
  clip: string;
  probe: string;
  concepts: string;
  name?: string;
  version?: string;
  fn?: string;
  params?: Record<string, unknown>;
  /** Named configuration (compute/similarity/presets): sets fn and params, recorded on the run. */
  preset?: PresetName;
  pool?: PoolMode;
  batch?: number;
  device?: Device;
  topN?: number;
  topImages?: number;
  /** Decode worker threads (default: half the cores, 1 to 4). */
  workers?: number;
  /** onnxruntime intra-op threads per session (default: onnxruntime's choice). */
  threads?: number;
  cacheDir?: string;
  quiet?: boolean;
  /** One line of news per call (stage starts, cache hits); default stderr. */
  log?: (line: string) => void;
  /** Called after each image batch reaches the checkpoint: lets tests stop a run half-way. */
  afterBatch?: AfterBatchHook;
  /** Stop at a probe image that cannot be read or decoded instead of skipping it (with a warning). */
  strict?: boolean;
}

export interface LayerSummary {
  name: string;
  kind: string;
  units: number;
  /** Label of the first few units, in unit order. */
  firstLabels: string[];
}

export interface DissectStats {
  /** Probe images in the set (those that could be read and decoded). */
  images: number;
  /** Files of the probe folder or list left out because they cannot be read or decoded. */
  imagesSkipped: number;
  /** Images run through the networks in this invocation (0 when every cache hit). */
  imagesComputed: number;
  /** Images whose results came from an interrupted run's checkpoint. */
  imagesFromCheckpoint: number;
  imageEmbeddingsCached: boolean;
  layersCached: string[];
  concepts: number;
  conceptsEncoded: number;
  resumedRun: boolean;
}

export interface DissectResult {
  runId: number;
  /** Concepts dropped because the CLIP tokenizer knows none of their words (never a label). */
  unknownConcepts: string[];
  layers: LayerSummary[];
  stats: DissectStats;
  /** Seconds per stage. */
  timings: Record<string, number>;
}

function defaultWorkers(): number {
  return Math.max(1, Math.min(4, Math.floor(availableParallelism() / 2)));
}


/**
 * Run CLIP-Dissect. `openStore` is called once the probe set, concepts and parameters have been
 * checked (bad input fails fast without touching the atlas), in parallel with loading the
 * models; the caller closes the store.
 */
export async function dissect(openStore: () => Promise<AtlasStore>, opts: DissectOptions): Promise<DissectResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const quiet = opts.quiet ?? false;
  const batchSize = opts.batch ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`--batch must be a positive integer, got ${opts.batch}`);
  const pool: PoolMode = opts.pool ?? 'avg';
  const device: Device = opts.device ?? 'cpu';
  const topN = opts.topN ?? 5;
  const topImageCount = opts.topImages ?? 10;
  const cacheDir = opts.cacheDir ?? atlasCacheDir();
  const timings: Record<string, number> = {};
  const clock = (stage: string, since: number) => (timings[stage] = (timings[stage] ?? 0) + (performance.now() - since) / 1000);

  // ------------------------------------------------------------------ inputs
  let t0 = performance.now();
  const spec = { ...opts, pool, device, cacheDir, quiet, log };
  const inputs = await checkInputs(spec);
  const { probes, fn, params, skipped } = inputs;
  // Open the atlas while the models load (both take seconds); a failure surfaces when awaited.
  const storeOpening = openStore();
  storeOpening.catch(() => undefined);
  let models: LoadedModels | undefined;
  let decoder: DecodePool | undefined;
  try {
    // Start the decode workers first: they load their modules (~0.4 s) while the models load.
    const first = probes.items[0]?.source;
    decoder = new DecodePool(opts.workers ?? defaultWorkers(), { preload: first?.kind === 'generated' ? [first.renderer] : [] });
    models = await loadModels(spec, inputs);
    const { clip, target, targetSpec } = models;
    // Without the concepts CLIP cannot read (dropped while loading it).
    const { conceptSet, unknownConcepts } = inputs;
    clock('load', t0);
    // ------------------------------------------------------------------ register in the store
    t0 = performance.now();
    const store = await storeOpening;
    clock('open_store', t0);
    t0 = performance.now();
    const reg = await registerInputs(store, inputs, models, {
      ...(opts.name ? { name: opts.name } : {}),
      ...(opts.version ? { version: opts.version } : {}),
      pool,
      device,
    });
    const { clipId, probeSetId, activationKey } = reg;
    clock('store', t0);

    // ------------------------------------------------------------------ image pass (cached)
    // The run is claimed before the image pass: an identical command started meanwhile is refused
    // at once (RunBusyError: a live process writes that run) instead of doing the same work twice.
    // Only a run whose process died is resumed.
    const { begun, modelId } = await beginWithModel(reg, (runInput) => store.runs.beginOrResume(runInput));
    const { runId, resumed: resumable } = begun;
    const done = new Set(resumable?.doneLayers ?? []);
    if (resumable) log(`resuming run ${runId}: ${done.size} of ${target.layers.length} layer(s) already written`);
    let imageEmbeddings = await store.embeddings.images(probeSetId, clipId);
    const activations = new Map<string, Matrix>();
    for (const layer of target.layers) {
      const cached = await store.embeddings.activations(modelId, layer.name, probeSetId, activationKey);
      if (cached && cached.cols === layer.units) activations.set(layer.name, cached);
    }
    const stats: DissectStats = {
      images: probes.items.length,
      imagesSkipped: skipped.length,
      imagesComputed: 0,
      imagesFromCheckpoint: 0,
      imageEmbeddingsCached: imageEmbeddings !== undefined,
      layersCached: [...activations.keys()],
      concepts: conceptSet.concepts.length,
      conceptsEncoded: 0,
      resumedRun: resumable !== undefined,
    };
    const needClip = imageEmbeddings === undefined;
    const needTarget = target.layers.some((l) => !activations.has(l.name));
    if (!needClip && !needTarget) {
      log(`image pass: reused cached image embeddings and activations of ${target.layers.length} layer(s) for ${probes.items.length} images`);
    } else {
      t0 = performance.now();
      const result = await imagePass({
        probes,
        clip: needClip ? clip : undefined,
        target: needTarget ? target : undefined,
        targetSpec,
        batchSize,
        decoder,
        checkpointDir: join(cacheDir, 'checkpoints'),
        checkpointKey: hashText(needClip ? clip.imageKey : '-', needTarget ? activationKey : '-', probes.contentHash, target.layers.map((l) => l.name).join(',')),
        quiet,
        log,
        ...(opts.afterBatch ? { afterBatch: opts.afterBatch } : {}),
      });
      stats.imagesComputed = result.computed;
      stats.imagesFromCheckpoint = result.fromCheckpoint;
      clock('image_pass', t0);
      t0 = performance.now();
      if (result.imageEmbeddings) {
        imageEmbeddings = result.imageEmbeddings;
        await store.embeddings.putImages(probeSetId, clipId, imageEmbeddings);
      }
      for (const [layer, m] of result.activations) {
        activations.set(layer, m);
        await store.embeddings.putActivations(modelId, layer, probeSetId, m, activationKey);
      }
      result.checkpoint.remove();
      clock('store', t0);
    }

    // ------------------------------------------------------------------ text pass (cached per concept)
    t0 = performance.now();
    const textCache = {
      get: (concepts: string[]) => store.embeddings.concepts(clipId, concepts),
      put: (concepts: string[], m: Matrix) => store.embeddings.putConcepts(clipId, concepts, m),
    };
    const textEmbeddings = await encodeConcepts(textCache, clip, conceptSet.concepts, quiet, log);
    stats.conceptsEncoded = textEmbeddings.encoded;
    clock('text_pass', t0);

    // ------------------------------------------------------------------ scoring, one layer at a time
    const summaries: LayerSummary[] = [];
    const scoreBar = startProgress('scoring layers', target.layers.length, 'layers', { quiet, start: 0 });
    // Stopped on every path: a bar left running keeps its redraw timer, and the process, alive.
    try {
      for (const layer of target.layers) {
        const record = { name: layer.name, kind: layer.kind, units: layer.units };
        const acts = activations.get(layer.name)!;
        t0 = performance.now();
        let labels: LayerResult['labels'];
        if (done.has(layer.name)) {
          labels = [];
        } else {
          // Dead and degenerate units stay unlabelled (the whole layer is still scored: soft_wpmi's prior is over all its units).
          const unlabelled = unlabelledUnits(acts, fn, params);
          const kept = withoutUnlabelled(await scoreLayer(fn, imageEmbeddings!, textEmbeddings.matrix, acts, params, topN), topImagesPerUnit(acts, topImageCount), acts, unlabelled);
          labels = kept.labels;
          clock('similarity', t0);
          t0 = performance.now();
          await store.runs.writeLayer(runId, { layer: record, labels, topImages: kept.topImages, unlabelled });
          clock('store', t0);
        }
        // Layers written by an earlier, interrupted process have no labels at hand here.
        summaries.push({ ...record, firstLabels: labels.slice(0, 5).map((l) => (l[0] ? (conceptSet.concepts[l[0].concept] ?? '?') : '(unlabelled)')) });
        scoreBar.increment();
      }
    } finally {
      scoreBar.stop();
    }
    await store.runs.complete(runId, timings);
    // The run's labels go into the search tables of its CLIP model now, not on the first search
    // after it (on a large run that took seconds, in a request). Every label has its embedding
    // from the text pass; a failure here leaves the work to that first search.
    const loaded = clip;
    try {
      await store.search.refresh(clipId, clip.dim, {
        embedConcepts: async (texts) => void (await encodeConcepts(textCache, loaded, texts, true, log)),
        log,
      });
    } catch (error) {
      log(`search: run ${runId} is stored, but not yet indexed for search (the next search will): ${(error as Error).message}`);
    }
    // On failure the run stays 'running' (invisible) and this process lets go of it when it closes
    // the store; a rerun with the same inputs resumes it.
    return { runId, unknownConcepts, layers: summaries, stats, timings };
  } finally {
    // Settled before returning, so that the caller can close the store it opened.
    await storeOpening.catch(() => undefined);
    await decoder?.close().catch(() => undefined);
    await models?.release();
  }
}
