/**
 * `atlas export` / `exportAtlas`: a model's labels as the API shows them (per layer, the latest
 * complete clip-dissect run, else the latest complete run; or runs of one method; or one run),
 * in the formats src/exporters writes.
 */
import { ExportInputError, type ExportedAtlas, type ExportedImage, type ExportedLabel, type ExportedLayer, type ExportSelection } from '../exporters/atlas.js';
import { formatAtlas, type ExportFormat } from '../exporters/formats.js';

export { EXPORT_FORMATS, assertExportFormat, type ExportFormat } from '../exporters/formats.js';
export type { ExportSelection } from '../exporters/atlas.js';
import type { AtlasStore } from '../db/index.js';
import { optionName } from '../core/errors.js';
import type { LayerInfo, RunRow } from './records.js';

/** The selection `sel` as text in `format`; checked and formatted whole before anything is written. */
export async function exportAtlas(store: AtlasStore, format: ExportFormat, sel: ExportSelection): Promise<string> {
  return formatAtlas(format, await collectExport(store, sel), sel.audience);
}

/** The selection as a value: the JSON format as the object it writes, the CSV formats as their text. */
export async function exportValue(store: AtlasStore, format: ExportFormat, sel: ExportSelection): Promise<ExportedAtlas | string> {
  const atlas = await collectExport(store, sel);
  return format === 'json' ? atlas : formatAtlas(format, atlas, sel.audience);
}

/** Reads the labels `sel` names; every name that matches nothing gets an error naming what exists. */
export async function collectExport(store: AtlasStore, sel: ExportSelection): Promise<ExportedAtlas> {
  let fixedRun: RunRow | undefined;
  if (sel.run !== undefined) {
    fixedRun = await store.runs.findComplete(sel.run);
    if (!fixedRun) throw new ExportInputError(`run ${sel.run} does not exist or is not complete (${sel.audience === 'api' ? 'the dissections query' : 'atlas db runs'} lists the runs)`);
  }
  const model = sel.model
    ? await store.models.find(sel.model, sel.version, { method: sel.method ?? null, run: sel.run ?? null, layer: sel.layers?.length === 1 ? sel.layers[0] : null })
    : fixedRun
      ? (await store.models.byIds([fixedRun.modelId]))[0]
      : undefined;
  if (!model) {
    if (!sel.model) throw new ExportInputError(`export needs ${optionName(sel.audience ?? 'cli', 'model', '--model NAME')} (or ${optionName(sel.audience ?? 'cli', 'run', '--run ID')})`);
    const known = (await store.models.list()).map((m) => `${m.name}@${m.version}`);
    const what = sel.version ? `${sel.model}@${sel.version}` : sel.model;
    throw new ExportInputError(`model ${what} is not in the atlas; it holds ${known.length ? known.join(', ') : 'no models'}`);
  }
  if (fixedRun && fixedRun.modelId !== model.id) {
    throw new ExportInputError(`run ${fixedRun.id} belongs to another model than ${model.name}@${model.version}`);
  }
  if (fixedRun && sel.method && fixedRun.method !== sel.method) {
    throw new ExportInputError(`run ${fixedRun.id} is a ${fixedRun.method} run, not ${sel.method}`);
  }

  const all = await store.models.layersByModelIds([model.id]);
  let chosen: LayerInfo[] = all;
  if (sel.layers) {
    chosen = sel.layers.map((name) => {
      const layer = all.find((l) => l.name === name);
      if (!layer) throw new ExportInputError(`${model.name}@${model.version} has no layer ${name}; its layers: ${all.map((l) => l.name).join(', ')}`);
      return layer;
    });
  }

  const layers: ExportedLayer[] = [];
  for (const layer of chosen) {
    const run = fixedRun
      ? (await store.runs.coversLayer(fixedRun.id, layer.id)) ? fixedRun : undefined
      : await store.runs.defaultForLayer(layer.id, sel.method);
    if (!run) {
      // Named layers must have labels; unnamed ones without any are simply left out.
      if (sel.layers) {
        const where = fixedRun ? `run ${fixedRun.id}` : `the atlas (no complete ${sel.method ? `${sel.method} ` : ''}run)`;
        throw new ExportInputError(`layer ${layer.name} of ${model.name}@${model.version} has no labels in ${where}`);
      }
      continue;
    }
    const scored = run.params.scores !== false;
    const neurons = new Map<number, ExportedLabel[]>();
    const unlabelled = new Map<number, string>();
    for (const row of await store.labels.ofLayer(run.id, layer.id, sel.topN)) {
      let labels = neurons.get(row.unit);
      if (!labels) neurons.set(row.unit, (labels = []));
      labels.push({ label: row.text, score: scored ? row.score : null, confidence: row.confidence });
    }
    const images = new Map<number, ExportedImage[]>();
    for (const row of sel.topImages ? await store.labels.topImagesOfLayer(run.id, layer.id, sel.topImages) : []) {
      let list = images.get(row.unit);
      if (!list) images.set(row.unit, (list = []));
      list.push({ ordinal: row.ordinal, uri: row.uri, activation: row.activation });
    }
    for (const [unit, reason] of await store.labels.unlabelledOfLayer(run.id, layer.id)) {
      neurons.set(unit, []);
      unlabelled.set(unit, reason);
    }
    layers.push({
      name: layer.name,
      units: layer.units,
      run: {
        id: run.id,
        method: run.method,
        similarity: run.similarity,
        finishedAt: run.finishedAt ? new Date(run.finishedAt).toISOString() : null,
        params: run.params,
      },
      neurons: [...neurons]
        .sort((x, y) => x[0] - y[0])
        .map(([unit, labels]) => {
          const reason = unlabelled.get(unit);
          return { unit, labels, ...(reason ? { unlabelledReason: reason } : {}), ...(sel.topImages ? { topImages: images.get(unit) ?? [] } : {}) };
        }),
    });
  }
  if (layers.length === 0) {
    const which = fixedRun ? `run ${fixedRun.id}` : sel.method ? `a complete ${sel.method} run` : 'a complete run';
    throw new ExportInputError(`${model.name}@${model.version} has no layer with labels from ${which}`);
  }
  return { model: model.name, version: model.version, layers };
}
