/**
 * Rescoring: new labels for a whole layer from what the atlas already stores (the probe images'
 * CLIP embeddings and the layer's activations), with a new concept list and/or similarity
 * function. No model runs; only new concepts are text-encoded (once: they are kept in memory, not
 * stored, so anonymous rescores cannot grow the database).
 */
import { unlabelledUnits, withoutUnlabelled } from '../compute/similarity/unlabelled.js';
import { BadInputError } from '../core/errors.js';
import type { LabelScore, Matrix } from '../core/types.js';
import { topImagesPerUnit } from '../compute/pipeline/top-images.js';
import { scoreConcepts } from '../compute/rescore/index.js';
import { DEFAULT_SIMILARITY, resolveParams, type SimilarityName } from '../compute/similarity/index.js';
import { applyPreset, type PresetName } from '../compute/similarity/presets.js';
import type { AtlasStore } from '../db/atlas-store.js';
import type { TextEncoders } from './text-encoders.js';

/** Most concepts one rescore takes. */
export const MAX_RESCORE_CONCEPTS = 5000;
export const MAX_CONCEPT_LENGTH = 200;

export interface RescoreInput {
  modelId: number;
  layerId: number;
  layerName: string;
  concepts: string[];
  fn?: string;
  params?: Record<string, unknown>;
  /** Named configuration: its function and parameters (params override); a stored rescore records it. */
  preset?: PresetName;
  /** Labels kept per unit (default 5). */
  topN?: number;
}

export interface RescoredUnit {
  unit: number;
  /** Null for a dead or degenerate unit (see `unlabelledReason`). */
  label: string | null;
  score: number | null;
  /** Calibrated probability that the label is right (compute/similarity/confidence.ts); null when unlabelled. */
  confidence: number | null;
  unlabelledReason: string | null;
  previousLabel: string | null;
}

export interface RescoreResult {
  baseRunId: number;
  /** The base run's activation key (the rescored labels come from the same activations). */
  activationKey: string | null;
  clipModelId: number;
  probeSetId: number;
  fn: SimilarityName;
  params: Record<string, unknown>;
  concepts: string[];
  /** Concepts dropped because the CLIP tokenizer knows none of their words. */
  unknownConcepts: string[];
  units: RescoredUnit[];
  labels: LabelScore[][];
  /** Units left without a label, with the reason (their `labels` entry is empty). */
  unlabelled: Map<number, string>;
  activations: Matrix;
  /** Seconds: load (database reads), encode (new concepts), score. */
  timings: { load: number; encode: number; score: number };
  encoded: number;
}

/** How to get back what rescoring reads, when an atlas came without it. */
export const RESTORE_HINT =
  'an atlas imported from a snapshot without embeddings lacks them: import one exported with them (`atlas db export-seed`), ' +
  'or run `atlas dissect` on the layer again to compute them';

/** A rescore that cannot be done as asked (GraphQL: BAD_USER_INPUT). */
export class RescoreInputError extends BadInputError {}

/** Checks and de-duplicates a concept list (order of first appearance kept). */
export function checkConcepts(concepts: string[]): string[] {
  if (concepts.length === 0) throw new RescoreInputError('`concepts` is empty');
  if (concepts.length > MAX_RESCORE_CONCEPTS) {
    throw new RescoreInputError(`\`concepts\` has ${concepts.length} entries, at most ${MAX_RESCORE_CONCEPTS} are allowed`);
  }
  const out: string[] = [];
  const seen = new Set<string>();
  concepts.forEach((raw, i) => {
    const c = raw.trim();
    if (!c) throw new RescoreInputError(`concept ${i} is empty`);
    if (c.length > MAX_CONCEPT_LENGTH) throw new RescoreInputError(`concept ${i} is ${c.length} characters long, at most ${MAX_CONCEPT_LENGTH} are allowed`);
    if (!seen.has(c)) {
      seen.add(c);
      out.push(c);
    }
  });
  return out;
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/** Rescoring over one atlas; the text encoders (and the matrices the store keeps) are shared by every call. */
export class RescoreService {
  constructor(
    private readonly store: AtlasStore,
    private readonly encoders: TextEncoders,
  ) {}

  /** `name@version` of a model, for messages. */
  private async modelName(modelId: number): Promise<string> {
    const m = await this.store.models.get(modelId);
    return m ? `${m.name}@${m.version}` : 'its model';
  }

  async rescoreLayer(input: RescoreInput): Promise<RescoreResult> {
    const store = this.store;
    const chosen = (() => {
      try {
        // The API's function argument defaults to soft_wpmi: with a preset, that default gives way.
        const explicitFn = input.preset && input.fn === DEFAULT_SIMILARITY ? undefined : input.fn;
        return applyPreset(input.preset, explicitFn, input.params);
      } catch (error) {
        throw new RescoreInputError((error as Error).message);
      }
    })();
    const fn = chosen.fn;
    const readable = checkConcepts(input.concepts);
    let t0 = performance.now();
    const base = await store.runs.latestWithClip(input.layerId);
    if (!base) {
      throw new RescoreInputError(
        `layer ${input.layerName} has no complete CLIP-Dissect run with stored probe images; rescoring needs one (imported atlases have no activations)`,
      );
    }
    const clip = await store.clipModels.get(base.clipModelId);
    if (!clip) throw new RescoreInputError(`the CLIP model of the run behind layer ${input.layerName} of ${await this.modelName(input.modelId)} is not in the atlas`);
    // Repeated rescoring of a layer (trying concept lists) reads the stored matrices once.
    const [images, activations, previous] = await Promise.all([
      store.embeddings.cachedImages(base.probeSetId, base.clipModelId, clip.dim),
      store.embeddings.cachedActivations({ id: input.layerId, modelId: input.modelId, name: input.layerName }, base.probeSetId, base.activationKey),
      store.labels.topLabels(base.id, input.layerId),
    ]);
    if (!images || !activations) {
      // Named as a person knows them: model, layer, probe set, CLIP model (never internal ids).
      const where = `layer ${input.layerName} of ${await this.modelName(input.modelId)}`;
      const probe = `probe set ${(await store.probeSets.byIds([base.probeSetId]))[0]?.name ?? '(unnamed)'}`;
      const restore = `; ${RESTORE_HINT}`;
      if (!images) throw new RescoreInputError(`the atlas holds no ${clip.name} image embeddings of ${probe}, which rescoring ${where} needs${restore}`);
      const stored = await store.embeddings.activations(input.modelId, input.layerName, base.probeSetId);
      throw new RescoreInputError(
        stored
          ? `the stored activations of ${where} over ${probe} were computed otherwise than those its latest CLIP-Dissect run labelled ` +
              `(another pool mode, preprocessing or network file: a later dissect of the layer, or one stopped part-way); ` +
              `run \`atlas dissect\` again with that run's settings to store its activations`
          : `the atlas holds no activations of ${where} over ${probe}, which rescoring needs${restore}`,
      );
    }
    let params: Record<string, unknown>;
    try {
      params = resolveParams(fn, chosen.params, images.rows) as unknown as Record<string, unknown>;
    } catch (error) {
      throw new RescoreInputError((error as Error).message, { argumentName: 'params' });
    }
    const load = seconds(t0);

    // Concepts whose words the CLIP tokenizer does not know all embed alike: dropped, never a label.
    const unknownConcepts = await this.encoders.unreadable(base.clipModelId, readable);
    if (unknownConcepts.length === readable.length) {
      throw new RescoreInputError(`the CLIP tokenizer knows none of the words of any concept (e.g. ${unknownConcepts.slice(0, 3).join(', ')})`, {
        argumentName: 'concepts',
      });
    }
    const dropped = new Set(unknownConcepts);
    const concepts = readable.filter((c) => !dropped.has(c));

    t0 = performance.now();
    // A rescore is a read anyone may make: its new concepts are kept in memory, not stored
    // (saveRescore stores the run's concepts; search embeds them when it indexes the run).
    const text = await this.encoders.concepts(base.clipModelId, concepts, clip.dim, { persist: false });
    const encode = seconds(t0);

    t0 = performance.now();
    const unlabelled = unlabelledUnits(activations, fn, params);
    const labels = (await scoreConcepts(images, text.matrix, activations, fn, params, input.topN ?? 5)).map((ls, u) => (unlabelled.has(u) ? [] : ls));
    const scoreTime = seconds(t0);
    // Parameters in range can still meet data they overflow on; such scores are neither shown nor
    // stored (saveRescore writes only after this).
    const unfit = labels.findIndex((ls) => ls.some((l) => !Number.isFinite(l.score)));
    if (unfit >= 0) {
      throw new RescoreInputError(
        `${fn} with parameters ${JSON.stringify(params)} gives unit ${unfit} of layer ${input.layerName} a score that is not a finite number; choose other parameters`,
        { argumentName: 'params' },
      );
    }
    const units = labels.map((ls, unit) => ({
      unit,
      label: ls[0] ? concepts[ls[0].concept]! : null,
      score: ls[0]?.score ?? null,
      confidence: ls[0]?.confidence ?? null,
      unlabelledReason: unlabelled.get(unit) ?? null,
      previousLabel: previous.get(unit)?.text ?? null,
    }));
    return {
      baseRunId: base.id,
      activationKey: base.activationKey,
      clipModelId: base.clipModelId,
      probeSetId: base.probeSetId,
      fn,
      params,
      concepts,
      unknownConcepts,
      units,
      labels,
      unlabelled,
      activations,
      timings: { load, encode, score: scoreTime },
      encoded: text.encoded,
    };
  }

  /** Stores a rescore as a new complete clip-dissect run (visible only once complete). */
  async saveRescore(
    input: RescoreInput & { conceptSetName?: string },
    rescored?: RescoreResult,
  ): Promise<{ runId: number; result: RescoreResult }> {
    const store = this.store;
    const result = rescored ?? (await this.rescoreLayer(input));
    const layer = (await store.models.layers(input.modelId)).find((l) => l.id === input.layerId)!;
    const { id: conceptSetId } = await store.conceptSets.upsert({
      name: input.conceptSetName ?? `rescore of ${input.layerName}`,
      concepts: result.concepts,
    });
    const runId = await store.runs.begin({
      modelId: input.modelId,
      clipModelId: result.clipModelId,
      probeSetId: result.probeSetId,
      conceptSetId,
      parameters: {
        method: 'clip-dissect',
        similarity: result.fn,
        params: { ...result.params, rescoredFrom: result.baseRunId, ...(input.preset ? { preset: input.preset } : {}) },
        ...(result.activationKey ? { activationKey: result.activationKey } : {}),
      },
    });
    try {
      const ordinals = await store.probeSets.ordinals(result.probeSetId);
      const kept = withoutUnlabelled(result.labels, topImagesPerUnit(result.activations, 10, ordinals), result.activations, result.unlabelled);
      await store.runs.writeLayer(runId, {
        layer: { name: layer.name, kind: layer.kind, units: layer.units },
        labels: kept.labels,
        topImages: kept.topImages,
        unlabelled: result.unlabelled,
      });
      await store.runs.complete(runId, result.timings);
    } catch (error) {
      await store.runs.fail(runId, (error as Error).message).catch(() => undefined);
      throw error;
    }
    return { runId, result };
  }
}
