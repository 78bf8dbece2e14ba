/**
 * Resolvers of src/schema/jobs.graphql: queued dissections (submit, progress, cancel). Merged into
 * the API's resolver map by src/resolvers/index.ts.
 */
import type { Resolvers, RunStatus } from '../generated/graphql.js';
import type { PresetName } from '../services/similarity-names.js';
import type { AtlasContext } from './context.js';
import { badInput, coded, notFound } from './errors.js';
import { requireApiKey } from './queries/auth.js';

const MAX_LAYERS = 100;
const MAX_TEXT = 2000;

function runId(id: string): number {
  if (!/^\d{1,9}$/.test(id)) throw badInput(`\`id\` must be a run id, got ${JSON.stringify(id)}`, 'id');
  return Number(id);
}

function checkText(name: string, value: string): string {
  if (value.trim().length === 0 || value.length > MAX_TEXT) throw badInput(`\`${name}\` must be 1 to ${MAX_TEXT} characters`, name);
  return value;
}

async function view(ctx: AtlasContext, id: number) {
  return ctx.services.dissections.view(id);
}

export const jobResolvers: Resolvers = {
  Mutation: {
    startDissection: (_p, { input }, ctx) =>
      coded(async () => {
        requireApiKey(ctx);
        if (input.layers.length === 0 || input.layers.length > MAX_LAYERS) throw badInput(`\`layers\` must name 1 to ${MAX_LAYERS} layers`, 'layers');
        const shardSize = input.shardSize ?? 1000;
        if (!Number.isInteger(shardSize) || shardSize < 1) throw badInput('`shardSize` must be a positive integer', 'shardSize');
        const shardTimeout = input.shardTimeout ?? 900;
        if (!Number.isInteger(shardTimeout) || shardTimeout < 1) throw badInput('`shardTimeout` must be a positive number of seconds', 'shardTimeout');
        const count = (name: 'retries' | 'batch' | 'topN' | 'topImages', fallback: number, min: number, max: number): number => {
          const n = input[name] ?? fallback;
          if (!Number.isInteger(n) || n < min || n > max) throw badInput(`\`${name}\` must be an integer from ${min} to ${max}`, name);
          return n;
        };
        const pool = input.pool ?? 'avg';
        if (pool !== 'avg' && pool !== 'max') throw badInput('`pool` must be avg or max', 'pool');
        if (input.params != null && (typeof input.params !== 'object' || Array.isArray(input.params))) throw badInput('`params` must be a JSON object', 'params');
        const submitted = await ctx.services.dissections.submit({
          model: checkText('model', input.model),
          layers: input.layers.map((l) => checkText('layers', l)),
          clip: checkText('clip', input.clip),
          probe: checkText('probe', input.probe),
          concepts: checkText('concepts', input.concepts),
          ...(input.name ? { name: input.name } : {}),
          ...(input.version ? { version: input.version } : {}),
          // The function argument defaults to soft_wpmi: with a preset, that default gives way (as for rescore).
          ...(input.preset && (input.function ?? 'soft_wpmi') === 'soft_wpmi' ? {} : { fn: input.function ?? 'soft_wpmi' }),
          ...(input.preset ? { preset: input.preset as unknown as PresetName } : {}),
          strict: input.strict ?? false,
          params: (input.params as Record<string, unknown> | null | undefined) ?? {},
          pool,
          batch: count('batch', 32, 1, 1024),
          topN: count('topN', 5, 1, 100),
          topImages: count('topImages', 10, 1, 100),
          shardSize,
          shardTimeout,
          retries: count('retries', 3, 0, 100),
        });
        const run = await ctx.services.dissections.runRow(submitted.runId);
        if (!run) throw notFound(`run ${submitted.runId} was cancelled`);
        return run;
      }),

    cancelDissection: (_p, args, ctx) =>
      coded(async () => {
        requireApiKey(ctx);
        const cancelled = await ctx.services.dissections.cancel(runId(args.id));
        return { id: String(cancelled.id), status: cancelled.status as RunStatus };
      }),
  },

  Dissection: {
    progress: async (r, _a, ctx) => {
      const v = await view(ctx, r.id);
      return v ? { stage: v.status, ...v.progress } : null;
    },
    workers: async (r, _a, ctx) => (await view(ctx, r.id))?.workers ?? [],
  },
};
