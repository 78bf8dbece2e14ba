/**
 * What a dissection needs before its image pass, shared by the one-process `atlas dissect`, the
 * submission of a queued one and the queue's workers: the inputs checked and loaded (probe set,
 * concepts, similarity parameters, CLIP and the target network) and their rows in the atlas.
 */
import { basename, join, resolve } from 'node:path';
import { ModelGoneError, type AtlasStore } from '../db/index.js';
import type { RunParameters } from '../core/types.js';
import { ClipModel, hashText, resolveClip, type Device } from '../compute/clip/index.js';
import { loadConceptSet, type ConceptSet } from '../compute/concepts/index.js';
import { TargetModel, type PoolMode } from '../compute/onnx/index.js';
import { activationKeyOf } from '../compute/pipeline/index.js';
import { probeSetRecord, resolveProbeSet, type ProbeSet } from '../compute/probes/index.js';
import { resolveParams, type SimilarityName } from '../compute/similarity/params.js';
import { applyPreset, type PresetName } from '../compute/similarity/presets.js';
import { loadPreprocessSpec, sidecarPath, type PreprocessSpec } from '../compute/preprocess/index.js';
import { fetchToCache, isUrl, mirrorProbeList } from './remote-files.js';
import '../toyworld/register.js';

export interface InputSpec {
  /** A path or an http(s) URL (downloaded into `cacheDir`, with its `.json` preprocessing beside it if served). */
  model: string;
  /** SHA-256 the model file must have (a queued run's workers): a URL's cached copy is used, another served file refused. */
  modelHash?: string;
  layers: string[];
  clip: string;
  probe: string;
  concepts: string;
  fn?: string;
  params?: Record<string, unknown>;
  /** Named configuration (compute/similarity/presets): sets fn and params, recorded on the run. */
  preset?: PresetName;
  /** Stop at a probe image that cannot be read or decoded instead of skipping it (with a warning). */
  strict?: boolean;
  pool?: PoolMode;
  device?: Device;
  threads?: number;
  /** Whether the models' idle compute threads spin-wait (compute/onnx/session.ts); default yes. */
  spinning?: boolean;
  cacheDir: string;
  quiet: boolean;
  log: (line: string) => void;
}

/** The checked inputs that need no model: what fails fast on bad input. */
export interface CheckedInputs {
  probes: ProbeSet;
  fn: SimilarityName;
  /** The similarity parameters scored with (the preset's or the reference's defaults completed). */
  params: Record<string, unknown>;
  /** The parameters recorded on the run: `params` plus the preset asked for, if any. */
  storedParams: Record<string, unknown>;
  /** Probe images left out because they cannot be read or decoded (none with `strict`). */
  skipped: NonNullable<ProbeSet['skipped']>;
  /** The concepts to score: without those the CLIP tokenizer cannot read, once `loadModels` has run. */
  conceptSet: ConceptSet;
  /** Concepts dropped because the CLIP tokenizer knows none of their words (set by `loadModels`). */
  unknownConcepts: string[];
  clipSource: Awaited<ReturnType<typeof resolveClip>>;
}

export async function checkInputs(spec: InputSpec): Promise<CheckedInputs> {
  const chosen = applyPreset(spec.preset, spec.fn, spec.params);
  const fn = chosen.fn;
  // A probe list served over http(s) is mirrored here first (its images by the same relative paths).
  const probeLocation = isUrl(spec.probe) ? await mirrorProbeList(spec.probe, spec.cacheDir) : spec.probe;
  const probes = await resolveProbeSet(probeLocation, { strict: spec.strict ?? false });
  const skipped = probes.skipped ?? [];
  for (const s of skipped) spec.log(`warning: skipped probe image ${s.path}: ${s.reason}`);
  if (skipped.length > 0) spec.log(`warning: ${skipped.length} probe image(s) skipped; the probe set holds the other ${probes.items.length} (--strict stops instead)`);
  // Checked (and completed with the reference defaults) before any expensive work.
  const params = resolveParams(fn, chosen.params, probes.items.length) as unknown as Record<string, unknown>;
  // The preset is recorded with the parameters (runs without one used the reference's defaults).
  const storedParams = spec.preset === undefined ? params : { ...params, preset: spec.preset };
  const conceptSet = await loadConceptSet(spec.concepts);
  for (const note of conceptSet.notes) spec.log(`note: ${note}`);
  const clipSource = await resolveClip(spec.clip, { cacheDir: join(spec.cacheDir, 'hf'), quiet: spec.quiet });
  return { probes, fn, params, storedParams, skipped, conceptSet, unknownConcepts: [], clipSource };
}

export interface LoadedModels {
  clip: ClipModel;
  target: TargetModel;
  targetSpec: PreprocessSpec;
  /** The local file (a URL's copy in the cache folder). */
  modelPath: string;
  /** Where the model was given: its URL, or the absolute path. */
  modelSource: string;
  release(): Promise<void>;
}

/**
 * Loads CLIP and the target network (with the named layers exposed) and checks their preprocessing.
 * Drops from `inputs.conceptSet` the concepts CLIP's tokenizer cannot read (listed in
 * `inputs.unknownConcepts`, with a warning).
 */
export async function loadModels(spec: InputSpec, inputs: CheckedInputs): Promise<LoadedModels> {
  const clipSource = inputs.clipSource;
  const device: Device = spec.device ?? 'cpu';
  let clip: ClipModel | undefined;
  let target: TargetModel | undefined;
  try {
    clip = await ClipModel.load(clipSource.folder, {
      device,
      ...(spec.threads ? { threads: spec.threads } : {}),
      ...(spec.spinning !== undefined ? { spinning: spec.spinning } : {}),
      ...(clipSource.name ? { name: clipSource.name } : {}),
      source: clipSource.source,
    });
    dropUnreadableConcepts(inputs, clip, spec);
    const modelPath = await localModelFile(spec);
    const modelSource = isUrl(spec.model) ? spec.model : modelPath;
    const { spec: targetSpec, source: specSource } = await loadPreprocessSpec(modelPath);
    target = await TargetModel.load(modelPath, {
      layers: spec.layers,
      pool: spec.pool ?? 'avg',
      device,
      inputSize: targetSpec.crop,
      ...(spec.threads ? { threads: spec.threads } : {}),
      ...(spec.spinning !== undefined ? { spinning: spec.spinning } : {}),
    });
    if (target.input.height !== targetSpec.crop || target.input.width !== targetSpec.crop) {
      throw new Error(
        `${modelSource} takes ${target.input.height}x${target.input.width} images but its preprocessing (${specSource}) crops to ` +
          `${targetSpec.crop}x${targetSpec.crop}; put the right crop in ${sidecarPath(modelSource)}`,
      );
    }
    const loaded = { clip, target };
    return {
      clip,
      target,
      targetSpec,
      modelPath,
      modelSource,
      release: async () => {
        await loaded.clip.release().catch(() => undefined);
        await loaded.target.release().catch(() => undefined);
      },
    };
  } catch (error) {
    await clip?.release().catch(() => undefined);
    await target?.release().catch(() => undefined);
    throw error;
  }
}

/** The model file on this machine: the path given, or a URL's download (its cached copy when the hash is known). */
async function localModelFile(spec: InputSpec): Promise<string> {
  if (!isUrl(spec.model)) return resolve(spec.model);
  const fetched = await fetchToCache(spec.model, {
    cacheDir: spec.cacheDir,
    what: 'model file',
    ...(spec.modelHash ? { expectedSha256: spec.modelHash } : {}),
    companions: (name) => [basename(sidecarPath(name))],
  });
  return fetched.path;
}

/**
 * A concept whose words are all unknown to the tokenizer embeds as the unknown token: every such
 * concept would share one vector, so none of them can be told apart. They are dropped.
 */
function dropUnreadableConcepts(inputs: CheckedInputs, clip: ClipModel, spec: InputSpec): void {
  const conceptSet = inputs.conceptSet;
  const unknownConcepts = conceptSet.concepts.filter((c) => clip.tokenizer.unreadable(c));
  if (unknownConcepts.length === conceptSet.concepts.length) {
    throw new Error(`--concepts ${spec.concepts}: the CLIP tokenizer knows none of the words of any concept (e.g. ${unknownConcepts.slice(0, 3).join(', ')})`);
  }
  inputs.unknownConcepts = unknownConcepts;
  if (unknownConcepts.length > 0) {
    const shown = unknownConcepts.slice(0, 20).join(', ');
    spec.log(`warning: ${unknownConcepts.length} concept(s) dropped, the CLIP tokenizer knows none of their words: ${shown}${unknownConcepts.length > 20 ? ', ...' : ''}`);
    const dropped = new Set(unknownConcepts);
    inputs.conceptSet = { ...conceptSet, concepts: conceptSet.concepts.filter((c) => !dropped.has(c)) };
  }
}

/** What identifies the CLIP encoders (part of the CLIP model's name in the atlas). */
export function clipIdentity(clip: ClipModel): string {
  return hashText(clip.imageKey, clip.textKey).slice(0, 8);
}

export interface RegisteredInputs {
  modelId: number;
  clipId: number;
  probeSetId: number;
  conceptSetId: number;
  activationKey: string;
  /** Stores the model and its layers again (a cleanup may delete a model without runs meanwhile); its new id. */
  storeModel(): Promise<number>;
  runInput: { modelId: number; clipModelId: number; probeSetId: number; conceptSetId: number; parameters: RunParameters };
}

/** Upserts the model, its layers, the CLIP model, probe set and concept set; returns their ids and the run's identity. */
export async function registerInputs(
  store: AtlasStore,
  inputs: CheckedInputs,
  models: LoadedModels,
  opts: { name?: string; version?: string; pool?: PoolMode; device?: Device },
): Promise<RegisteredInputs> {
  const { clip, target, targetSpec, modelSource } = models;
  const pool: PoolMode = opts.pool ?? 'avg';
  const storeModel = async (): Promise<number> => {
    const id = await store.models.upsert({
      name: opts.name ?? basename(isUrl(modelSource) ? new URL(modelSource).pathname : modelSource).replace(/\.onnx$/i, ''),
      version: opts.version ?? target.fileHash.slice(0, 12),
      fileHash: target.fileHash,
      inputSpec: { input: target.input.name, size: [target.input.channels, target.input.height, target.input.width], preprocess: targetSpec },
      source: modelSource,
    });
    await store.models.upsertLayers(
      id,
      target.layers.map((l) => ({ name: l.name, kind: l.kind, units: l.units })),
    );
    return id;
  };
  const modelId = await storeModel();
  // The name carries a hash of the encoders, so a changed folder never reuses stale embeddings.
  const clipId = await store.clipModels.upsert({ name: `${clip.name}@${clipIdentity(clip)}`, dim: clip.dim, source: clip.source });
  const probeSetId = await store.probeSets.upsert(probeSetRecord(inputs.probes));
  const { id: conceptSetId } = await store.conceptSets.upsert({ name: inputs.conceptSet.name, concepts: inputs.conceptSet.concepts });
  // What activations depend on besides the probe set: stored with them, so that another pool
  // mode, preprocessing or network file recomputes instead of reusing.
  const activationKey = activationKeyOf(target.fileHash, targetSpec, pool);
  return {
    modelId,
    clipId,
    probeSetId,
    conceptSetId,
    activationKey,
    storeModel,
    runInput: {
      modelId,
      clipModelId: clipId,
      probeSetId,
      conceptSetId,
      parameters: { method: 'clip-dissect', similarity: inputs.fn, params: inputs.storedParams, pool, activationKey, device: opts.device ?? 'cpu' },
    },
  };
}

/**
 * Creates a run of registered inputs with `begin`. A model without runs may be deleted
 * (`atlas db cleanup`, `db delete-model`) between its registration and the run: it is stored
 * again then, and the run created with its new id (returned as `modelId`).
 */
export async function beginWithModel<T>(
  reg: RegisteredInputs,
  begin: (runInput: RegisteredInputs['runInput']) => Promise<T>,
): Promise<{ begun: T; modelId: number }> {
  try {
    return { begun: await begin(reg.runInput), modelId: reg.modelId };
  } catch (error) {
    if (!(error instanceof ModelGoneError)) throw error;
    const modelId = await reg.storeModel();
    return { begun: await begin({ ...reg.runInput, modelId }), modelId };
  }
}
