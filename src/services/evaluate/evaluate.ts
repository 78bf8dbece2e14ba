/**
 * Scores a CLIP-Dissect run of a toy-world model against the toy world's ground truth:
 *  - final layer: unit i is the logit of class i (the model's sidecar JSON), so its label should
 *    be that class name. Reported with the run's own concept set (toy vocabulary + distractors),
 *    with the class names alone as concepts (rescored from the stored activations and image
 *    embeddings with the run's similarity function), and as the mean CLIP text cosine between
 *    label and class name;
 *  - hidden layers: share of units whose label agrees with Network Dissection's (IoU against the
 *    generator's masks) for the same model and layer; missing netdissect runs are computed;
 *  - supervised channels (models whose sidecar lists them, e.g. resnet-sup): top-1 / top-5 of
 *    every labelling method on units trained to detect a known concept (supervised.ts).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BadInputError } from '../../core/errors.js';
import type { Matrix } from '../../core/types.js';
import type { AtlasStore } from '../../db/index.js';
import type { RunRow } from '../../db/index.js';
import type { RunLayer } from '../../db/repositories/runs.js';
import { ClipModel } from '../../compute/clip/index.js';
import { dissect } from '../dissect.js';
import { assertSimilarityName, factoredConcepts, score, type ConceptMatrix } from '../../compute/similarity/index.js';
import { PRESETS, similarityParamsOf } from '../../compute/similarity/presets.js';
import { generateScene, parseToySpec } from '../../toyworld/index.js';
import { presenceMatrix } from '../../toyworld/truth.js';
import { layerTruth, type LayerTruth } from './layer-truth.js';
import { canonicalLabel, readToyModelSidecar, TOY_FINAL_LAYER, TOY_VOCABULARY, toyWordOf } from '../../toyworld/index.js';
import { NETDISSECT_METHOD, runNetDissect } from './netdissect-run.js';
import { evaluateSupervised, supervisedChannelsOf, type SupervisedChannel, type SupervisedEval } from './supervised.js';
import { repoRoot, resolveSource } from '../paths.js';

/** The model whose run `atlas eval` scores when no run is named (part of the default atlas). */
export const DEFAULT_EVAL_MODEL = 'resnet-v1';

/** A run `atlas eval` cannot score as asked (a bad input, named in the message). */
export class EvalInputError extends BadInputError {}

export interface FinalUnit {
  unit: number;
  className: string;
  /** Label with the run's concept set. */
  label: string;
  /** Label with the class names as the concept set. */
  labelClassNames: string;
  /** CLIP text cosine between label and class name. */
  cosine: number;
}

export interface HiddenLayerAgreement {
  units: number;
  agree: number;
  share: number;
  /** Units whose CLIP-Dissect label is a toy-world word (the only words Network Dissection can give). */
  toyLabelled: number;
  /** Agreement among those units (0 when there are none). */
  shareOfToyLabelled: number;
  netdissectRunId: number;
}

export interface EvalResult {
  runId: number;
  model: { name: string; version: string };
  probeSet: string;
  conceptSet: { name: string; size: number };
  similarity: string;
  finalLayer: string;
  /** Final-layer accuracy with the run's own concept set. */
  finalLayerAccuracy: number;
  /** Final-layer accuracy with the class names as the concept set. */
  finalLayerAccuracyClassNames: number;
  meanLabelCosine: number;
  /** Layer -> share of units whose label agrees with Network Dissection. */
  hiddenAgreement: Record<string, number>;
  hiddenDetail: Record<string, HiddenLayerAgreement>;
  /**
   * Layer -> truth metrics of the run's labels (`run`) and of the labels the hidden-layer preset
   * gives from the same stored data (`hidden`); absent for layers without stored activations.
   */
  hiddenTruth: Record<string, { run: LayerTruth; hidden: LayerTruth }>;
  finalUnits: FinalUnit[];
  /** Units trained to detect a named concept (from the model's sidecar) and how each method labels them; absent for models without. */
  supervised?: SupervisedEval;
}

export interface EvalOptions {
  /** Probe set for netdissect runs that must be computed when the run's own set is not a toy set. */
  fallbackProbe?: string;
  quiet?: boolean;
  log?: (line: string) => void;
}

/** The latest complete clip-dissect run of a model (by name) with the largest concept set, or undefined. */
export async function latestClipRunOfModel(store: AtlasStore, modelName: string): Promise<number | undefined> {
  return store.runs.latestClipDissectOfModel(modelName);
}

async function describeRuns(store: AtlasStore): Promise<string> {
  const list = await store.runs.completeWithModelNames();
  return list.length === 0 ? '(none)' : list.map((r) => `${r.id} (${r.method} ${r.modelName})`).join(', ');
}

/** Rank-0 label text per unit of one layer in one run. */
async function labelsOf(store: AtlasStore, runId: number, layerId: number): Promise<Map<number, string>> {
  const labels = await store.labels.topLabels(runId, layerId);
  return new Map([...labels].map(([unit, l]) => [unit, l.text]));
}

/** CLIP text embeddings (unit length) of `texts`: cached in the atlas, else encoded and cached. */
async function textEmbeddings(store: AtlasStore, clipModelId: number, texts: string[]): Promise<Map<string, Float32Array>> {
  const found = await store.embeddings.concepts(clipModelId, texts);
  const missing = [...new Set(texts.filter((t) => !found.has(t)))];
  if (missing.length > 0) {
    const clipRow = await store.clipModels.get(clipModelId);
    const source = resolveSource(clipRow?.source);
    if (!clipRow || !source || !existsSync(source)) {
      throw new EvalInputError(
        `the atlas has no text embeddings of ${missing.slice(0, 3).map((m) => JSON.stringify(m)).join(', ')} for CLIP model ${clipRow?.name ?? clipModelId}, and its folder (${source ?? 'unknown'}) is not available to encode them`,
      );
    }
    const clip = await ClipModel.load(source);
    try {
      const m = await clip.encodeTexts(missing);
      await store.embeddings.putConcepts(clipModelId, missing, m);
      missing.forEach((t, i) => found.set(t, m.data.slice(i * m.cols, (i + 1) * m.cols)));
    } finally {
      await clip.release();
    }
  }
  for (const [t, v] of found) found.set(t, unit(v));
  return found;
}

function unit(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const norm = Math.sqrt(s) || 1;
  return v.map((x) => x / norm);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function matrixOf(vectors: Float32Array[]): Matrix {
  const cols = vectors[0]?.length ?? 0;
  const data = new Float32Array(vectors.length * cols);
  vectors.forEach((v, i) => data.set(v, i * cols));
  return { rows: vectors.length, cols, data };
}

/** `toy:N:SEED` of a stored toy probe set, or undefined for an image folder. */
async function toyProbeSpec(store: AtlasStore, probeSetId: number | null): Promise<string | undefined> {
  if (probeSetId === null) return undefined;
  const r = (await store.probeSets.get(probeSetId))?.recipe as { generator?: string; count?: number; seed?: number } | undefined;
  return r?.generator === 'toy' && r.count !== undefined && r.seed !== undefined ? `toy:${r.count}:${r.seed}` : undefined;
}

/** Final-layer labels with the class names as concepts: rescored from stored data, else the pipeline is run. */
async function classNameLabels(
  store: AtlasStore,
  run: RunRow,
  model: { name: string; version: string; source: string | null },
  finalLayer: RunLayer,
  classes: string[],
  opts: EvalOptions,
): Promise<string[]> {
  const fn = assertSimilarityName(run.similarity ?? 'soft_wpmi');
  const params = similarityParamsOf(fn, (run.params ?? {}) as Record<string, unknown>);
  const clipModelId = run.clipModelId!;
  const images = run.probeSetId === null ? undefined : await store.embeddings.images(run.probeSetId, clipModelId);
  const acts = run.probeSetId === null ? undefined : await store.embeddings.activations(run.modelId, finalLayer.name, run.probeSetId, run.activationKey);
  if (images && acts) {
    const text = await textEmbeddings(store, clipModelId, classes);
    const concepts = factoredConcepts(images, matrixOf(classes.map((c) => text.get(c)!)), { normalise: true });
    const result = await score(fn, concepts, acts, params, { topN: 1 });
    return result.labels.map((l) => classes[l[0]!.concept]!);
  }
  // No stored activations or image embeddings (an imported atlas): run the pipeline again.
  const probe = await toyProbeSpec(store, run.probeSetId);
  const clip = await store.clipModels.get(clipModelId);
  const clipSource = resolveSource(clip?.source);
  if (!probe || !model.source || !existsSync(model.source) || !clipSource) {
    throw new EvalInputError(
      `run ${run.id}: the atlas holds no activations of ${finalLayer.name} or image embeddings to rescore with the class names, ` +
        'and the model file, CLIP folder or toy probe set needed to recompute them is not available',
    );
  }
  (opts.log ?? (() => undefined))(`eval: no stored activations for run ${run.id}; running the pipeline with the class names as concepts`);
  const dir = mkdtempSync(join(tmpdir(), 'atlas-eval-'));
  try {
    const file = join(dir, 'class-names.txt');
    writeFileSync(file, `${classes.join('\n')}\n`);
    const result = await dissect(async () => store, {
      model: model.source,
      layers: [finalLayer.name],
      clip: clipSource,
      probe,
      concepts: file,
      name: model.name,
      version: model.version,
      fn,
      params,
      quiet: opts.quiet ?? false,
      ...(opts.log ? { log: opts.log } : {}),
    });
    const labels = await labelsOf(store, result.runId, finalLayer.id);
    return classes.map((_, u) => labels.get(u) ?? '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The latest complete netdissect run of the model covering `layerId`, preferring the same probe set. */
async function netdissectRunFor(store: AtlasStore, layerId: number, probeSetId: number | null): Promise<number | undefined> {
  return store.runs.latestOfMethodForLayer(layerId, NETDISSECT_METHOD, probeSetId);
}

/** Evaluates one complete clip-dissect run of a toy model. */
export async function evaluateRun(store: AtlasStore, runId: number, opts: EvalOptions = {}): Promise<EvalResult> {
  const run = await store.runs.findComplete(runId);
  if (!run) throw new EvalInputError(`run ${runId} is not a complete run in the atlas; complete runs: ${await describeRuns(store)}`);
  if (run.method !== 'clip-dissect' || run.clipModelId === null) {
    throw new EvalInputError(`run ${runId} is a ${run.method} run; atlas eval scores clip-dissect runs (complete runs: ${await describeRuns(store)})`);
  }
  const row = await store.models.get(run.modelId);
  const model = row ? { name: row.name, version: row.version, source: row.source } : undefined;
  if (!model) throw new EvalInputError(`run ${runId}: its model ${run.modelId} is not in the atlas`);
  model.source = resolveSource(model.source) ?? null;
  const onnxPath = model.source && existsSync(model.source) ? model.source : resolve(repoRoot, 'models/toy', `${model.name}.onnx`);
  let classes: string[];
  let supervisedChannels: SupervisedChannel[];
  try {
    const sidecar = readToyModelSidecar(onnxPath);
    classes = sidecar.classes;
    supervisedChannels = supervisedChannelsOf(sidecar);
  } catch (error) {
    throw new EvalInputError(
      `run ${runId} (model ${model.name}): no toy-world ground truth: ${(error as Error).message}. atlas eval scores runs of the toy models in models/toy`,
    );
  }

  const layers = await store.runs.layers(runId);
  const finalName = TOY_FINAL_LAYER[model.name];
  const finalLayer =
    layers.find((l) => l.name === finalName && l.units === classes.length) ??
    [...layers].reverse().find((l) => l.kind === 'dense' && l.units === classes.length);
  if (!finalLayer) {
    throw new EvalInputError(
      `run ${runId} (model ${model.name}) does not cover the final layer (${finalName ?? `a dense layer of ${classes.length} units`}); ` +
        `it covers ${layers.map((l) => l.name).join(', ') || '(no layers)'}`,
    );
  }
  const probe = run.probeSetId === null ? undefined : await store.probeSets.get(run.probeSetId);
  const conceptSet = run.conceptSetId === null ? undefined : await store.conceptSets.get(run.conceptSetId);

  // ---------------------------------------------------------------- final layer
  const finalLabels = await labelsOf(store, runId, finalLayer.id);
  const labels = classes.map((_, u) => finalLabels.get(u) ?? '');
  const byClassNames = await classNameLabels(store, run, model, finalLayer, classes, opts);
  const text = await textEmbeddings(store, run.clipModelId, [...classes, ...labels.filter(Boolean)]);
  const finalUnits: FinalUnit[] = classes.map((className, u) => ({
    unit: u,
    className,
    label: labels[u]!,
    labelClassNames: byClassNames[u]!,
    cosine: labels[u] ? dot(text.get(labels[u])!, text.get(className)!) : 0,
  }));
  // A plural or synonym of a toy word (TOY_SYNONYMS) counts as the word.
  const same = (a: string, b: string) => canonicalLabel(a) === canonicalLabel(b);
  const share = (f: (u: FinalUnit) => boolean) => finalUnits.filter(f).length / finalUnits.length;

  // ---------------------------------------------------------------- hidden layers
  const hidden = layers.filter((l) => l.id !== finalLayer.id && l.kind !== 'dense');
  const ndRuns = new Map<string, number>();
  const missing: RunLayer[] = [];
  for (const l of hidden) {
    const id = await netdissectRunFor(store, l.id, run.probeSetId);
    if (id === undefined) missing.push(l);
    else ndRuns.set(l.name, id);
  }
  if (missing.length > 0) {
    const probeSpec = (await toyProbeSpec(store, run.probeSetId)) ?? opts.fallbackProbe ?? 'toy:2000:0';
    (opts.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(
      `eval: computing Network Dissection of ${missing.map((l) => l.name).join(', ')} over ${probeSpec}`,
    );
    if (!model.source || !existsSync(model.source)) {
      throw new EvalInputError(`run ${runId}: no netdissect run for ${missing.map((l) => l.name).join(', ')} and the model file ${model.source ?? '(unknown)'} is not available`);
    }
    const nd = await runNetDissect(store, {
      model: model.source,
      layers: missing.map((l) => l.name),
      probe: probeSpec,
      name: model.name,
      version: model.version,
      quiet: opts.quiet ?? false,
      ...(opts.log ? { log: opts.log } : {}),
    });
    for (const l of missing) ndRuns.set(l.name, nd.runId);
  }
  const hiddenAgreement: Record<string, number> = {};
  const hiddenDetail: Record<string, HiddenLayerAgreement> = {};
  for (const l of hidden) {
    const ndRunId = ndRuns.get(l.name)!;
    const clipLabels = await labelsOf(store, runId, l.id);
    const ndLabels = await labelsOf(store, ndRunId, l.id);
    let agree = 0;
    let toyLabelled = 0;
    for (let u = 0; u < l.units; u++) {
      const a = clipLabels.get(u);
      const b = ndLabels.get(u);
      if (a !== undefined && toyWordOf(a) !== undefined) toyLabelled++;
      if (a !== undefined && b !== undefined && same(a, b)) agree++;
    }
    hiddenAgreement[l.name] = agree / l.units;
    hiddenDetail[l.name] = {
      units: l.units,
      agree,
      share: agree / l.units,
      toyLabelled,
      shareOfToyLabelled: toyLabelled > 0 ? agree / toyLabelled : 0,
      netdissectRunId: ndRunId,
    };
  }

  const concepts = runConcepts(store, run);
  const hiddenTruth = await truthOfLayers(store, run, hidden, ndRuns, concepts);
  const supervised =
    supervisedChannels.length > 0 ? await evaluateSupervised(supervisedChannels, { store, run, layers, ndRuns, concepts }) : undefined;

  return {
    runId,
    model: { name: model.name, version: model.version },
    probeSet: probe?.name ?? '',
    conceptSet: { name: conceptSet?.name ?? '', size: conceptSet?.concepts.length ?? 0 },
    similarity: run.similarity ?? '',
    finalLayer: finalLayer.name,
    finalLayerAccuracy: share((u) => same(u.label, u.className)),
    finalLayerAccuracyClassNames: share((u) => same(u.labelClassNames, u.className)),
    meanLabelCosine: finalUnits.reduce((s, u) => s + u.cosine, 0) / finalUnits.length,
    hiddenAgreement,
    hiddenDetail,
    hiddenTruth,
    finalUnits,
    ...(supervised ? { supervised } : {}),
  };
}

type RunConcepts = () => Promise<{ names: string[]; matrix: ConceptMatrix } | undefined>;

/** The run's concept names and CLIP concept matrix over its probe images, built once on first use. */
function runConcepts(store: AtlasStore, run: RunRow): RunConcepts {
  let pending: ReturnType<RunConcepts> | undefined;
  return () => {
    pending ??= (async () => {
      if (run.probeSetId === null || run.clipModelId === null || run.conceptSetId === null) return undefined;
      const images = await store.embeddings.images(run.probeSetId, run.clipModelId);
      const conceptSet = await store.conceptSets.get(run.conceptSetId);
      if (!images || !conceptSet) return undefined;
      const names = conceptSet.concepts;
      const text = await textEmbeddings(store, run.clipModelId, names);
      return { names, matrix: factoredConcepts(images, matrixOf(names.map((c) => text.get(c)!)), { normalise: true }) };
    })();
    return pending;
  };
}

/** Truth metrics of every hidden layer with stored activations over a toy probe set. */
async function truthOfLayers(
  store: AtlasStore,
  run: RunRow,
  layers: RunLayer[],
  ndRuns: Map<string, number>,
  runConceptMatrix: RunConcepts,
): Promise<Record<string, { run: LayerTruth; hidden: LayerTruth }>> {
  const out: Record<string, { run: LayerTruth; hidden: LayerTruth }> = {};
  const spec = await toyProbeSpec(store, run.probeSetId);
  if (!spec || run.probeSetId === null || run.clipModelId === null || layers.length === 0) return out;
  const { count, seed } = parseToySpec(spec);
  const scenes = Array.from({ length: count }, (_, i) => generateScene(seed, i));
  const concepts = [...TOY_VOCABULARY];
  const presence = { n: count, concepts, data: presenceMatrix(scenes, concepts) };
  for (const l of layers) {
    const acts = await store.embeddings.activations(run.modelId, l.name, run.probeSetId, run.activationKey);
    if (!acts || acts.rows !== count) continue;
    const own = await labelsOf(store, run.id, l.id);
    const labels = Array.from({ length: l.units }, (_, u) => own.get(u) ?? '');
    const ndRun = ndRuns.get(l.name);
    let nd: { text: string; iou: number }[] | undefined;
    if (ndRun !== undefined) {
      const texts = await labelsOf(store, ndRun, l.id);
      const scores = new Map<number, number>();
      for (const row of (await store.labels.layerResult(ndRun, l.id)).labels) if (!scores.has(row.unit)) scores.set(row.unit, row.score);
      nd = Array.from({ length: l.units }, (_, u) => ({ text: (texts.get(u) ?? '').toLowerCase(), iou: scores.get(u) ?? 0 }));
    }
    // The hidden-layer preset's labels from the same stored embeddings and activations.
    let hiddenLabels = labels;
    const concepts = await runConceptMatrix();
    if (concepts) {
      const hidden = PRESETS.hidden;
      const result = await score(hidden.fn!, concepts.matrix, acts, hidden.params, { topN: 1 });
      hiddenLabels = result.labels.map((r) => concepts.names[r[0]!.concept]!);
    }
    out[l.name] = { run: layerTruth(acts, presence, labels, nd), hidden: layerTruth(acts, presence, hiddenLabels, nd) };
  }
  return out;
}

/** The run `atlas eval` scores without `--run`: the default atlas's run of toy ResNet v1. */
export async function defaultEvalRun(store: AtlasStore): Promise<number> {
  const id = await latestClipRunOfModel(store, DEFAULT_EVAL_MODEL);
  if (id === undefined) {
    throw new EvalInputError(
      `no --run given and the atlas has no complete clip-dissect run of ${DEFAULT_EVAL_MODEL} (the default atlas's); ` +
        `pass --run ID (complete runs: ${await describeRuns(store)})`,
    );
  }
  return id;
}
