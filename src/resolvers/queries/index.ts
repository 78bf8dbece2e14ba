/**
 * Resolvers of src/schema/queries.graphql: semantic search, rescoring, version comparison and
 * imports. Merged into the API's resolver map by src/resolvers/index.ts.
 */
import type { Resolvers, RunStatus, SimilarityFunction } from '../../generated/graphql.js';
import { assertExportFormat } from '../../services/export.js';
import { imageUrl, thumbnailUrl } from '../../services/image-urls.js';
import { MAX_IMPORT_BYTES } from '../../services/import.js';
import type { LayerInfo, ModelRow, NeuronSearchFilter, RunRow } from '../../services/records.js';
import type { RescoreResult } from '../../services/rescore.js';
import type { PresetName } from '../../services/similarity-names.js';
import type { AtlasContext } from '../context.js';
import { badInput, coded, notFound } from '../errors.js';
import { pageSize } from '../lookup.js';
import { requireApiKey } from './auth.js';

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

/** Models in a search scope: one version, or every version of the name. */
async function scopeModels(ctx: AtlasContext, model?: string | null, version?: string | null): Promise<ModelRow[] | undefined> {
  if (!model) {
    if (version) throw badInput('`version` needs `model`', 'version');
    return undefined;
  }
  return ctx.browse.modelVersions(model, version);
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
    unknownConcepts: r.unknownConcepts,
    timings: r.timings,
    units: r.units,
  };
}

function checkParams(params: unknown): Record<string, unknown> | undefined {
  if (params === null || params === undefined) return undefined;
  if (typeof params !== 'object' || Array.isArray(params)) throw badInput('`params` must be a JSON object such as {"top_k": 20}', 'params');
  return params as Record<string, unknown>;
}

async function rescoreArgs(
  ctx: AtlasContext,
  args: { model: string; version?: string | null; layer: string; concepts: string[]; function?: string | null; params?: unknown; preset?: string | null },
) {
  // Without a version: the newest with a complete run covering the layer.
  const model = await ctx.browse.model(args.model, args.version, { layer: args.layer });
  const layer = await ctx.browse.layer(model, args.layer);
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
      ...(args.preset ? { preset: args.preset as PresetName } : {}),
    },
  };
}

async function loadRun(ctx: AtlasContext, id: number): Promise<RunRow> {
  const run = await ctx.browse.run(id);
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
  Preset: { REFERENCE: 'reference', HIDDEN: 'hidden', FINAL: 'final' },
  ImportFormat: { CLIP_DISSECT: 'clip-dissect', MILAN: 'milan', NETDISSECT: 'netdissect' },
  ExportFormat: { CLIP_DISSECT: 'clip-dissect', MILAN: 'milan', NETDISSECT: 'netdissect', JSON: 'json' },

  Query: {
    searchNeurons: (_p, args, ctx) =>
      coded(async () => {
        const services = ctx.services;
        const query = checkQuery(args.query);
        const first = pageSize(args.first, 10, MAX_HITS);
        if (args.minScore != null && !(args.minScore >= -1 && args.minScore <= 1)) throw badInput('`minScore` must lie in [-1, 1]', 'minScore');
        const models = await scopeModels(ctx, args.model, args.version);
        if (args.layer && !models) throw badInput('`layer` needs `model`', 'layer');
        const filter: NeuronSearchFilter = {};
        if (models) filter.modelIds = models.map((m) => m.id);
        if (args.layer) filter.layerId = (await ctx.browse.layerOfVersions(models!, args.layer)).id;
        if (first === 0) return [];
        const hits = await services.search.neurons(query, first, filter, args.minScore ?? undefined);
        return hits.map((h) => ({ similarity: h.similarity, neuron: ctx.browse.hitNeuron(h) }));
      }),

    searchImages: (_p, args, ctx) =>
      coded(async () => {
        const services = ctx.services;
        const query = checkQuery(args.query);
        const first = pageSize(args.first, 10, MAX_HITS);
        const hits = await services.search.images(query, first, args.probeSet ?? undefined);
        return hits.map((h) => ({ similarity: h.similarity, image: { probeSetId: h.probeSetId, ordinal: h.ordinal, uri: h.uri } }));
      }),

    rescore: (_p, args, ctx) =>
      coded(async () => {
        const services = ctx.services;
        const { model, layer, input } = await rescoreArgs(ctx, args);
        const result = await services.rescore.rescoreLayer(input);
        return rescoreParent(model, layer, await loadRun(ctx, result.baseRunId), result);
      }),

    compareModels: (_p, args, ctx) =>
      coded(async () => {
        const services = ctx.services;
        const side = (ref: typeof args.a) =>
          ctx.browse.layerRun({ model: ref.name, version: ref.version, layer: args.layer, run: ref.run, method: ref.method });
        const a = await side(args.a);
        const b = await side(args.b);
        const { probeSetId, ...comparison } = await services.compare.compare(a, b);
        return {
          a: a.model,
          b: b.model,
          aRun: a.run,
          bRun: b.run,
          layer: args.layer,
          ...comparison,
          probeSet: probeSetId === null ? null : ((await ctx.browse.probeSet(probeSetId)) ?? null),
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
        return ctx.services.exportAtlas(format, {
          model: args.model,
          ...(args.version ? { version: args.version } : {}),
          ...(args.run != null ? { run: Number(args.run) } : {}),
          ...(args.method ? { method: args.method } : {}),
          ...(args.layers?.length ? { layers: args.layers } : {}),
          topN: format === 'json' ? topN : 1,
          ...(topImages > 0 ? { topImages } : {}),
          audience: 'api',
        });
      }),
  },

  Mutation: {
    saveRescore: (_p, args, ctx) =>
      coded(async () => {
        requireApiKey(ctx);
        const services = ctx.services;
        const { model, layer, input } = await rescoreArgs(ctx, args);
        if (args.conceptSetName != null && (args.conceptSetName.length === 0 || args.conceptSetName.length > 200)) {
          throw badInput('`conceptSetName` must be 1 to 200 characters', 'conceptSetName');
        }
        const { runId, result } = await services.rescore.saveRescore({ ...input, ...(args.conceptSetName ? { conceptSetName: args.conceptSetName } : {}) });
        const run = await loadRun(ctx, runId);
        return { run, rescore: rescoreParent(model, layer, await loadRun(ctx, result.baseRunId), result) };
      }),

    deleteRun: (_p, args, ctx) =>
      coded(async () => {
        requireApiKey(ctx);
        const services = ctx.services;
        if (!/^\d{1,9}$/.test(args.id)) throw badInput(`\`id\` must be a run id, got ${JSON.stringify(args.id)}`, 'id');
        const run = await services.runs.delete(Number(args.id));
        return { id: String(run.id), method: run.method, status: run.status as RunStatus };
      }),

    importAtlas: (_p, args, ctx) =>
      coded(async () => {
        requireApiKey(ctx);
        const services = ctx.services;
        if (Buffer.byteLength(args.csv, 'utf8') > MAX_IMPORT_BYTES) throw badInput(`\`csv\` is larger than ${MAX_IMPORT_BYTES >> 20} MiB`, 'csv');
        const file = `importAtlas(${args.format})`;
        const result = await services.imports.importAtlas({
          format: args.format,
          csv: args.csv,
          file,
          model: args.model,
          version: args.version,
          ...(args.layer ? { layer: args.layer } : {}),
          audience: 'api',
        });
        const embedded = await services.imports.embedLabelsIfConfigured();
        const model = await ctx.browse.modelById(result.modelId);
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
        const services = ctx.services;
        const first = pageSize(args.first, 10, MAX_HITS);
        if (!n.run || first === 0) return [];
        const label = (await ctx.browse.labels(n.run.id, n.neuronId))[0];
        if (!label) return [];
        const hits = await services.search.imagesNearLabel(label.text, n.run.clipModelId, first, n.run.probeSetId ?? undefined);
        return hits.map((h) => ({ similarity: h.similarity, image: { probeSetId: h.probeSetId, ordinal: h.ordinal, uri: h.uri } }));
      }),
  },

  ProbeImage: {
    url: (p) => imageUrl(p.probeSetId, p.ordinal, p.uri),
    thumbnailUrl: (p) => thumbnailUrl(p.probeSetId, p.ordinal, p.uri),
    probeSet: async (p, _a, ctx) => {
      const set = await ctx.browse.probeSet(p.probeSetId);
      if (!set) throw notFound(`probe set ${p.probeSetId} is missing`);
      return set;
    },
    topNeurons: (p, args, ctx) =>
      coded(async () => {
        const services = ctx.services;
        const first = pageSize(args.first, 10, MAX_HITS);
        const models = await scopeModels(ctx, args.model, args.version);
        if (args.layer && !models) throw badInput('`layer` needs `model`', 'layer');
        const top = await services.search.neuronsOfImage(p.probeSetId, p.ordinal, first, models?.map((m) => m.id), args.layer ?? undefined);
        return Promise.all(
          top.map(async (t) => ({
            activation: t.activation,
            neuron: await ctx.browse.neuronOf(t.neuronId, t.unit, t.layerId, t.modelId, t.run),
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
