/**
 * Resolvers of src/schema/queries.graphql: semantic search, rescoring, version comparison and
 * imports. Merged into the API's resolver map by src/resolvers/index.ts.
 */
import { GraphQLError } from 'graphql';
import type { Resolvers, RunStatus, SimilarityFunction } from '../../generated/graphql.js';
import { RunNotFoundError, RunStillRunningError, type AtlasStore, type LayerInfo, type ModelRow, type RunRow } from '../../db/index.js';
import type { NeuronSearchFilter } from '../../db/repositories/search.js';
import type { UnitLabel } from '../../db/repositories/labels.js';
import { EncoderUnavailableError, textEncoders, type ClipRow } from '../../compute/rescore/text-encoder.js';
import { RescoreInputError, rescoreLayer, saveRescore, type RescoreResult } from '../../compute/rescore/index.js';
import { bestCorrelationMatches, cosine, sameLabel } from '../../compute/compare/index.js';
import { ImportInputError, importAtlas, MAX_IMPORT_BYTES } from '../../importers/index.js';
import { ExportInputError, assertExportFormat, collectExport, formatAtlas } from '../../exporters/index.js';
import { ImportConflictError } from '../../db/repositories/runs.js';
import type { AtlasContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { pageSize, requireLayer, requireModel } from '../lookup.js';
import type { NeuronParent } from '../parents.js';
import { requireApiKey } from './auth.js';
import { embedLabelsIfConfigured } from './embed-imports.js';
import { hitNeurons } from './hit-rows.js';

/** Longest search query accepted (CLIP reads at most 77 tokens anyway). */
export const MAX_QUERY_LENGTH = 500;
/** Most hits one search returns. */
export const MAX_HITS = 100;
/** Most labels (and top images) per neuron in a JSON export (runs keep a few; a bound keeps responses sized). */
export const MAX_EXPORT_RANKS = 20;

function checkQuery(query: string): string {
  const q = query.trim();
  if (!q) throw badInput('`query` is empty', 'query');
  if (q.length > MAX_QUERY_LENGTH) throw badInput(`\`query\` is ${q.length} characters long, at most ${MAX_QUERY_LENGTH} are allowed`, 'query');
  return q;
}

/** Turns known failures into GraphQL errors with codes; anything else stays an internal error. */
async function coded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    if (error instanceof EncoderUnavailableError) throw new GraphQLError(error.message, { extensions: { code: 'ENCODER_UNAVAILABLE' } });
    if (error instanceof RescoreInputError || error instanceof ImportInputError || error instanceof ImportConflictError || error instanceof ExportInputError) {
      throw badInput(error.message);
    }
    throw error;
  }
}

/** Models in a search scope: one version, or every version of the name. */
async function scopeModels(ctx: AtlasContext, model?: string | null, version?: string | null): Promise<ModelRow[] | undefined> {
  if (!model) {
    if (version) throw badInput('`version` needs `model`', 'version');
    return undefined;
  }
  if (version) return [await requireModel(ctx, model, version)];
  const all = (await ctx.store.models.list()).filter((m) => m.name === model);
  if (all.length === 0) await requireModel(ctx, model); // throws NOT_FOUND with the known models
  return all;
}

/** Per store: the runs fingerprint the latest search statement returned. */
const lastSearchFingerprint = new WeakMap<object, string>();

/** Scope -> CLIP model, valid while the set of complete runs (its fingerprint) stays the same. */
const clipOfScopeCache = new WeakMap<AtlasStore, Map<string, ClipRow>>();

/** The CLIP model for a scope: that of its runs, else ATLAS_CLIP's. */
async function searchClip(store: AtlasStore, scope: NeuronSearchFilter & { probeSetId?: number }, fingerprint?: string): Promise<ClipRow> {
  const cache = clipOfScopeCache.get(store) ?? new Map<string, ClipRow>();
  clipOfScopeCache.set(store, cache);
  const key = fingerprint === undefined ? undefined : `${fingerprint}|${JSON.stringify(scope)}`;
  const hit = key === undefined ? undefined : cache.get(key);
  if (hit) return hit;
  const encoders = textEncoders(store);
  const id = await store.search.clipModelOfScope(scope);
  const row = id !== undefined ? await encoders.clipRow(id) : await encoders.configured();
  if (row && key !== undefined) {
    if (cache.size >= 1000) cache.clear();
    cache.set(key, row);
  }
  if (!row) {
    throw new GraphQLError('no CLIP model to search with: no CLIP-Dissect run covers this scope and ATLAS_CLIP is not set', {
      extensions: { code: 'ENCODER_UNAVAILABLE' },
    });
  }
  return row;
}

async function neuronParent(
  ctx: AtlasContext,
  neuronId: number,
  unit: number,
  layerId: number,
  modelId: number,
  run: RunRow | null | Promise<RunRow | null | undefined>,
  label?: string,
  score?: number,
): Promise<NeuronParent> {
  // All loads of a request's hits start in the same tick, so each DataLoader makes one query.
  const [layer, model, runRow] = await Promise.all([ctx.loaders.layer.load(layerId), ctx.loaders.model.load(modelId), run]);
  if (!layer || !model) throw notFound(`neuron ${neuronId} has no layer or model`);
  return { neuronId, unit, layer, model, run: runRow ?? null, ...(label !== undefined ? { label } : {}), ...(score !== undefined ? { score } : {}) };
}

function rescoreParent(model: ModelRow, layer: LayerInfo, baseRun: RunRow, r: RescoreResult) {
  return {
    model,
    layer,
    // The enum's internal values are the similarity names (codegen enumValues).
    function: r.fn as SimilarityFunction,
    params: r.params,
    baseRun,
    encodedConcepts: r.encoded,
    timings: r.timings,
    units: r.units,
  };
}

function checkParams(params: unknown): Record<string, unknown> | undefined {
  if (params === null || params === undefined) return undefined;
  if (typeof params !== 'object' || Array.isArray(params)) throw badInput('`params` must be a JSON object such as {"top_k": 20}', 'params');
  return params as Record<string, unknown>;
}

async function rescoreArgs(ctx: AtlasContext, args: { model: string; version?: string | null; layer: string; concepts: string[]; function?: string | null; params?: unknown }) {
  const model = await requireModel(ctx, args.model, args.version);
  const layer = await requireLayer(ctx, model, args.layer);
  return {
    model,
    layer,
    input: {
      modelId: model.id,
      layerId: layer.id,
      layerName: layer.name,
      concepts: args.concepts,
      fn: args.function ?? 'soft_wpmi',
      params: checkParams(args.params),
    },
  };
}

async function loadRun(ctx: AtlasContext, id: number): Promise<RunRow> {
  const run = await ctx.loaders.run.load(id);
  if (!run) throw notFound(`run ${id} is not complete`);
  return run;
}

export const queryResolvers: Resolvers = {
  SimilarityFunction: {
    SOFT_WPMI: 'soft_wpmi',
    WPMI: 'wpmi',
    COS_SIMILARITY: 'cos_similarity',
    COS_SIMILARITY_CUBED: 'cos_similarity_cubed',
    RANK_REORDER: 'rank_reorder',
  },
  ImportFormat: { CLIP_DISSECT: 'clip-dissect', MILAN: 'milan', NETDISSECT: 'netdissect' },
  ExportFormat: { CLIP_DISSECT: 'clip-dissect', MILAN: 'milan', NETDISSECT: 'netdissect', JSON: 'json' },

  Query: {
    searchNeurons: (_p, args, ctx) =>
      coded(async () => {
        const store = ctx.store;
        const query = checkQuery(args.query);
        const first = pageSize(args.first, 10, MAX_HITS);
        if (args.minScore != null && !(args.minScore >= -1 && args.minScore <= 1)) throw badInput('`minScore` must lie in [-1, 1]', 'minScore');
        const models = await scopeModels(ctx, args.model, args.version);
        if (args.layer && !models) throw badInput('`layer` needs `model`', 'layer');
        const filter: NeuronSearchFilter = {};
        if (models) filter.modelIds = models.map((m) => m.id);
        if (args.layer) {
          const layers = (await Promise.all(models!.map((m) => ctx.store.models.findLayer(m.id, args.layer!)))).filter((l) => l !== undefined);
          if (layers.length === 0) await requireLayer(ctx, models![0]!, args.layer); // NOT_FOUND naming the layers
          if (layers.length > 1) throw badInput(`layer ${args.layer} is in ${layers.length} versions of ${args.model}: pass \`version\``, 'version');
          filter.layerId = layers[0]!.id;
        }
        if (first === 0) return [];
        const encoders = textEncoders(store);
        // The runs fingerprint the last search of this process saw: the search statement returns
        // the current one, and only when it moved (a run completed or was deleted, here or in
        // another process) is the index refreshed and the search repeated. Steady state: one statement.
        const known = lastSearchFingerprint.get(store);
        let fingerprint = known ?? (await store.runs.fingerprint());
        for (let attempt = 0; ; attempt++) {
          let clip: ClipRow;
          try {
            clip = await searchClip(store, filter, fingerprint);
          } catch (error) {
            // A remembered fingerprint may predate the run that would give this scope a CLIP model.
            if (attempt > 0 || known === undefined) throw error;
            fingerprint = await store.runs.fingerprint();
            lastSearchFingerprint.set(store, fingerprint);
            attempt++;
            clip = await searchClip(store, filter, fingerprint);
          }
          await store.search.refresh(clip.id, clip.dim, {
            fingerprint,
            embedConcepts: async (texts) => void (await encoders.concepts(clip.id, texts, clip.dim)),
          });
          const vector = await encoders.query(clip.id, query);
          const result = await store.search.nearestNeuronsWithFingerprint(clip.id, clip.dim, vector, first, filter);
          lastSearchFingerprint.set(store, result.fingerprint);
          if (result.fingerprint !== fingerprint && attempt < 2) {
            fingerprint = result.fingerprint;
            continue;
          }
          let found = result.hits;
          if (args.minScore != null) found = found.filter((h) => h.similarity >= args.minScore!);
          return hitNeurons(ctx, store, result.fingerprint, found);
        }
      }),

    searchImages: (_p, args, ctx) =>
      coded(async () => {
        const store = ctx.store;
        const query = checkQuery(args.query);
        const first = pageSize(args.first, 10, MAX_HITS);
        let probeSetId: number | undefined;
        if (args.probeSet) {
          probeSetId = await store.probeSets.latestIdByName(args.probeSet);
          if (probeSetId === undefined) throw notFound(`probe set ${args.probeSet} is not in the atlas`);
        }
        if (first === 0) return [];
        const clip = await searchClip(store, probeSetId === undefined ? {} : { probeSetId });
        const vector = await textEncoders(store).query(clip.id, query);
        const hits = await store.search.nearestImages(clip.id, clip.dim, vector, first, probeSetId);
        return hits.map((h) => ({ similarity: h.similarity, image: { probeSetId: h.probeSetId, ordinal: h.ordinal, uri: h.uri } }));
      }),

    rescore: (_p, args, ctx) =>
      coded(async () => {
        const store = ctx.store;
        const { model, layer, input } = await rescoreArgs(ctx, args);
        const result = await rescoreLayer(store, input);
        return rescoreParent(model, layer, await loadRun(ctx, result.baseRunId), result);
      }),

    compareModels: (_p, args, ctx) =>
      coded(async () => {
        const store = ctx.store;
        const a = await requireModel(ctx, args.a.name, args.a.version);
        const b = await requireModel(ctx, args.b.name, args.b.version);
        const la = await requireLayer(ctx, a, args.layer);
        const lb = await requireLayer(ctx, b, args.layer);
        const [runA, runB] = await Promise.all([ctx.store.runs.defaultForLayer(la.id), ctx.store.runs.defaultForLayer(lb.id)]);
        const [labelsA, labelsB] = await Promise.all([
          runA ? store.labels.topLabels(runA.id, la.id) : new Map<number, UnitLabel>(),
          runB ? store.labels.topLabels(runB.id, lb.id) : new Map<number, UnitLabel>(),
        ]);

        const [psA, psB] = await Promise.all([store.embeddings.probeSetsWithActivations(la.id), store.embeddings.probeSetsWithActivations(lb.id)]);
        const shared = psA.find((p) => psB.includes(p));
        let matchedBy: string;
        let matches: { unit: number; correlation: number | null }[];
        if (shared !== undefined) {
          const [actA, actB] = await Promise.all([store.embeddings.activations(a.id, la.name, shared), store.embeddings.activations(b.id, lb.name, shared)]);
          matchedBy = 'ACTIVATION_CORRELATION';
          matches = bestCorrelationMatches(actA!, actB!);
        } else if (la.units === lb.units) {
          matchedBy = 'UNIT_INDEX';
          matches = Array.from({ length: la.units }, (_, u) => ({ unit: u, correlation: null }));
        } else {
          throw badInput(
            `layer ${args.layer} has ${la.units} units in ${a.name}@${a.version} and ${lb.units} in ${b.name}@${b.version}, and no probe set has activations of both: nothing to match by`,
            'layer',
          );
        }

        // Label embeddings: the CLIP model of either run, else ATLAS_CLIP's; missing ones encoded when possible.
        const clipId = runA?.clipModelId ?? runB?.clipModelId ?? (await textEncoders(store).configured().catch(() => undefined))?.id;
        let emb = new Map<number, Float32Array>();
        if (clipId != null) {
          const ids = [...labelsA.values(), ...labelsB.values()].map((l) => l.conceptId);
          emb = await store.embeddings.conceptsById(clipId, ids);
          const missing = [...labelsA.values(), ...labelsB.values()].filter((l) => !emb.has(l.conceptId));
          if (missing.length > 0) {
            const clip = await textEncoders(store).clipRow(clipId);
            try {
              await textEncoders(store).concepts(clipId, missing.map((m) => m.text), clip!.dim);
              emb = await store.embeddings.conceptsById(clipId, ids);
            } catch {
              // No encoder: those pairs get no label similarity.
            }
          }
        }
        const out = matches.map((m, unit) => {
          const la1 = labelsA.get(unit);
          const lb1 = m.unit >= 0 ? labelsB.get(m.unit) : undefined;
          const ea = la1 ? emb.get(la1.conceptId) : undefined;
          const eb = lb1 ? emb.get(lb1.conceptId) : undefined;
          return {
            unit,
            label: la1?.text ?? null,
            matchUnit: m.unit,
            matchLabel: lb1?.text ?? null,
            correlation: m.correlation,
            labelSimilarity: ea && eb ? cosine(ea, eb) : null,
            sameLabel: sameLabel(la1?.text, lb1?.text),
          };
        });
        const labelled = out.filter((m) => m.label !== null && m.matchLabel !== null);
        const sims = out.map((m) => m.labelSimilarity).filter((s): s is number => s !== null);
        return {
          a,
          b,
          layer: args.layer,
          matchedBy,
          probeSet: shared === undefined ? null : ((await ctx.loaders.probeSet.load(shared)) ?? null),
          agreement: labelled.length ? labelled.filter((m) => m.sameLabel).length / labelled.length : 0,
          meanLabelSimilarity: sims.length ? sims.reduce((s, x) => s + x, 0) / sims.length : null,
          matches: out,
          changed: labelled.filter((m) => !m.sameLabel),
        };
      }),

    exportAtlas: (_p, args, ctx) =>
      coded(async () => {
        const topN = args.topN ?? 5;
        if (!Number.isInteger(topN) || topN < 1 || topN > MAX_EXPORT_RANKS) {
          throw badInput(`\`topN\` must be 1 to ${MAX_EXPORT_RANKS}, got ${topN}`, 'topN');
        }
        const topImages = args.topImages ?? 0;
        if (!Number.isInteger(topImages) || topImages < 0 || topImages > MAX_EXPORT_RANKS) {
          throw badInput(`\`topImages\` must be 0 to ${MAX_EXPORT_RANKS}, got ${topImages}`, 'topImages');
        }
        if (args.run != null && !/^\d{1,9}$/.test(args.run)) throw badInput(`\`run\` must be a run id, got ${JSON.stringify(args.run)}`, 'run');
        const format = assertExportFormat(args.format ?? 'clip-dissect');
        if (topImages > 0 && format !== 'json') throw badInput('`topImages` needs format JSON (the CSV formats hold labels only)', 'topImages');
        const atlas = await collectExport(ctx.store, {
          model: args.model,
          ...(args.version ? { version: args.version } : {}),
          ...(args.run != null ? { run: Number(args.run) } : {}),
          ...(args.method ? { method: args.method } : {}),
          ...(args.layers?.length ? { layers: args.layers } : {}),
          topN: format === 'json' ? topN : 1,
          ...(topImages > 0 ? { topImages } : {}),
        });
        return formatAtlas(format, atlas);
      }),
  },

  Mutation: {
    saveRescore: (_p, args, ctx) =>
      coded(async () => {
        requireApiKey(ctx);
        const store = ctx.store;
        const { model, layer, input } = await rescoreArgs(ctx, args);
        if (args.conceptSetName != null && (args.conceptSetName.length === 0 || args.conceptSetName.length > 200)) {
          throw badInput('`conceptSetName` must be 1 to 200 characters', 'conceptSetName');
        }
        const { runId, result } = await saveRescore(store, { ...input, ...(args.conceptSetName ? { conceptSetName: args.conceptSetName } : {}) });
        const run = await loadRun(ctx, runId);
        return { run, rescore: rescoreParent(model, layer, await loadRun(ctx, result.baseRunId), result) };
      }),

    deleteRun: (_p, args, ctx) =>
      coded(async () => {
        requireApiKey(ctx);
        const store = ctx.store;
        if (!/^\d{1,9}$/.test(args.id)) throw badInput(`\`id\` must be a run id, got ${JSON.stringify(args.id)}`, 'id');
        try {
          const run = await store.runs.delete(Number(args.id));
          return { id: String(run.id), method: run.method, status: run.status as RunStatus };
        } catch (error) {
          if (error instanceof RunNotFoundError) throw notFound(error.message);
          if (error instanceof RunStillRunningError) throw badInput(error.message, 'id');
          throw error;
        }
      }),

    importAtlas: (_p, args, ctx) =>
      coded(async () => {
        requireApiKey(ctx);
        const store = ctx.store;
        if (Buffer.byteLength(args.csv, 'utf8') > MAX_IMPORT_BYTES) throw badInput(`\`csv\` is larger than ${MAX_IMPORT_BYTES >> 20} MiB`, 'csv');
        const file = `importAtlas(${args.format})`;
        const result = await importAtlas(store, {
          format: args.format,
          csv: args.csv,
          file,
          model: args.model,
          version: args.version,
          ...(args.layer ? { layer: args.layer } : {}),
        });
        const embedded = await embedLabelsIfConfigured(store);
        const model = await ctx.loaders.model.load(result.modelId);
        return {
          run: await loadRun(ctx, result.runId),
          model: model!,
          labels: result.labels,
          layers: result.layers,
          embeddedLabels: embedded,
        };
      }),
  },

  Neuron: {
    imagesNear: (n, args, ctx) =>
      coded(async () => {
        const store = ctx.store;
        const first = pageSize(args.first, 10, MAX_HITS);
        if (!n.run || first === 0) return [];
        const label = (await ctx.loaders.labels.load({ runId: n.run.id, neuronId: n.neuronId }))[0];
        if (!label) return [];
        const clip = n.run.clipModelId !== null ? await textEncoders(store).clipRow(n.run.clipModelId) : await searchClip(store, {});
        if (!clip) return [];
        const { matrix } = await textEncoders(store).concepts(clip.id, [label.text], clip.dim);
        const hits = await store.search.nearestImages(clip.id, clip.dim, matrix.data, first, n.run.probeSetId ?? undefined);
        return hits.map((h) => ({ similarity: h.similarity, image: { probeSetId: h.probeSetId, ordinal: h.ordinal, uri: h.uri } }));
      }),
  },

  ProbeImage: {
    probeSet: async (p, _a, ctx) => {
      const set = await ctx.loaders.probeSet.load(p.probeSetId);
      if (!set) throw notFound(`probe set ${p.probeSetId} is missing`);
      return set;
    },
    topNeurons: (p, args, ctx) =>
      coded(async () => {
        const store = ctx.store;
        const first = pageSize(args.first, 10, MAX_HITS);
        const models = await scopeModels(ctx, args.model, args.version);
        if (args.layer && !models) throw badInput('`layer` needs `model`', 'layer');
        const rows = await store.embeddings.ofImage(p.probeSetId, p.ordinal, models?.map((m) => m.id));
        const best: { layerId: number; modelId: number; unit: number; value: number }[] = [];
        for (const r of rows) {
          if (args.layer) {
            const layer = await ctx.loaders.layer.load(r.layerId);
            if (layer?.name !== args.layer) continue;
          }
          r.values.forEach((value, unit) => best.push({ layerId: r.layerId, modelId: r.modelId, unit, value }));
        }
        best.sort((x, y) => y.value - x.value || x.layerId - y.layerId || x.unit - y.unit);
        const top = best.slice(0, first);
        if (top.length === 0) return [];
        const idOf = await store.models.neuronIds(top);
        const runs = new Map<number, RunRow | null>();
        for (const layerId of new Set(top.map((t) => t.layerId))) runs.set(layerId, (await ctx.store.runs.defaultForLayer(layerId)) ?? null);
        return Promise.all(
          top.map(async (t) => ({
            activation: t.value,
            neuron: await neuronParent(ctx, idOf.get(`${t.layerId}:${t.unit}`)!, t.unit, t.layerId, t.modelId, runs.get(t.layerId)!),
          })),
        );
      }),
  },
};

/** Adds `extra`'s resolvers to `target`, type by type (so both can define fields of Query, Neuron, ...). */
export function mergeResolvers(target: Resolvers, extra: Resolvers): Resolvers {
  const t = target as Record<string, unknown>;
  for (const [type, fields] of Object.entries(extra as Record<string, unknown>)) {
    const existing = t[type];
    t[type] = existing && typeof existing === 'object' && typeof fields === 'object' ? { ...existing, ...fields } : fields;
  }
  return target;
}
