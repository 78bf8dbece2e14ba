/** Shared argument handling: page sizes, cursors, and model/layer/run resolution with clear errors. */
import type { LayerInfo, ModelRow, RunRow } from '../services/records.js';
import type { AtlasContext } from './context.js';
import { badInput, notFound } from './errors.js';

/** Largest page `neurons(first:)` serves. */
export const MAX_PAGE_SIZE = 500;
/** Largest `labels(first:)` / `topImages(first:)`. */
export const MAX_LIST_SIZE = 100;

export function pageSize(first: number | null | undefined, fallback: number, max: number, arg = 'first'): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0) throw badInput(`\`${arg}\` must be a non-negative integer, got ${n}`, arg);
  if (n > max) throw badInput(`\`${arg}\` must be at most ${max}, got ${n}`, arg);
  return n;
}

export function encodeCursor(unit: number): string {
  return Buffer.from(`unit:${unit}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^unit:(\d{1,9})$/.exec(text);
  if (!match) throw badInput(`\`after\` is not a cursor from this API: ${JSON.stringify(cursor)}`, 'after');
  return Number(match[1]);
}

export async function requireModel(ctx: AtlasContext, name: string, version?: string | null): Promise<ModelRow> {
  const model = await ctx.store.models.find(name, version);
  if (model) return model;
  const known = (await ctx.store.models.list()).map((m) => `${m.name}@${m.version}`);
  const what = version ? `model ${name} version ${version}` : `model ${name}`;
  throw notFound(`${what} is not in the atlas; known models: ${known.join(', ') || '(none)'}`);
}

export async function requireLayer(ctx: AtlasContext, model: ModelRow, name: string): Promise<LayerInfo> {
  const layer = await ctx.store.models.findLayer(model.id, name);
  if (layer) return layer;
  const known = (await ctx.loaders.layersOfModel.load(model.id)).map((l) => l.name);
  throw notFound(`layer ${name} is not in model ${model.name}@${model.version}; its layers: ${known.join(', ') || '(none)'}`);
}

/** Model, layer (and neuron) of a query in one round trip, with the same errors as the steps. */
export async function requireModelLayer(
  ctx: AtlasContext,
  name: string,
  version: string | null | undefined,
  layerName: string,
  unit?: number,
  defaultRun?: { method?: string | null },
): Promise<{ model: ModelRow; layer: LayerInfo; neuronId?: number; defaultRun?: RunRow | null }> {
  const found = await ctx.store.models.findWithLayerNeuron(name, version, layerName, unit, defaultRun);
  const model = found.model ?? (await requireModel(ctx, name, version));
  const layer = found.layer ?? (await requireLayer(ctx, model, layerName));
  return { model, layer, neuronId: found.neuronId, ...(found.defaultRun !== undefined ? { defaultRun: found.defaultRun } : {}) };
}

/**
 * The run whose labels a layer shows: `run` (must be a complete run of this model covering the
 * layer), else the default for the layer (optionally restricted to `method`).
 */
export async function selectRun(
  ctx: AtlasContext,
  model: ModelRow,
  layer: LayerInfo,
  run: string | null | undefined,
  method: string | null | undefined,
  /** The layer's default run for `method`, when the caller already has it (requireModelLayer). */
  prefetchedDefault?: RunRow | null,
): Promise<RunRow | null> {
  if (run !== null && run !== undefined) {
    const id = Number(run);
    if (!/^\d{1,9}$/.test(run)) throw badInput(`\`run\` must be a run id, got ${JSON.stringify(run)}`, 'run');
    const row = await ctx.loaders.run.load(id);
    if (!row || row.modelId !== model.id) throw notFound(`no complete run ${run} on model ${model.name}@${model.version}`);
    if (method && row.method !== method) throw badInput(`run ${run} used method ${row.method}, not ${method}`, 'method');
    if (!(await ctx.store.runs.coversLayer(id, layer.id))) throw notFound(`run ${run} has no results for layer ${layer.name}`);
    return row;
  }
  const found = prefetchedDefault !== undefined ? prefetchedDefault : await ctx.store.runs.defaultForLayer(layer.id, method);
  if (!found && method) throw notFound(`no complete ${method} run covers layer ${layer.name} of ${model.name}@${model.version}`);
  return found ?? null;
}
