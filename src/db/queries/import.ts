/**
 * Writes an imported atlas (labels from another tool) as one complete run, in ONE transaction:
 * the model and layers are created when absent, and a failure anywhere leaves nothing behind.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { AtlasDb } from '../connection.js';
import { ensureConcepts } from '../repositories/shared.js';
import { chunks } from '../codec.js';
import * as t from '../schema.js';

// Below PGlite's bind-parameter limit (see repositories/embeddings.ts).
const ROWS_PER_INSERT = 4000;

/** Labels made by another tool, as the importers read them (a plain record: the store knows no file format). */
export interface ImportedRun {
  /** The format name, recorded in the run's params. */
  format: string;
  /** The method stored with the run. */
  method: string;
  /** File name used in messages. */
  file: string;
  layers: {
    name: string;
    /** One more than the largest unit labelled. */
    units: number;
    /** `score` null: the tool gives none (stored as 0); `line`: where the label is in the file, for messages. */
    labels: { unit: number; label: string; score: number | null; confidence: number | null; line: number }[];
  }[];
}

export interface ImportTarget {
  model: string;
  version: string;
  /** Recorded in the run's params (file name, not contents). */
  source: string;
}

export interface ImportOutcome {
  runId: number;
  modelId: number;
  createdModel: boolean;
  layers: { name: string; units: number; labelled: number; created: boolean }[];
}

/** Layer kind for a layer the import creates (the file does not say): `fc`-like names are dense. */
function guessKind(name: string): 'conv' | 'dense' {
  return /(^|\.)(fc|classifier|head|linear|logits)\d*$/i.test(name) ? 'dense' : 'conv';
}

export class ImportConflictError extends Error {}

export async function writeImportedAtlas(db: AtlasDb, atlas: ImportedRun, target: ImportTarget): Promise<ImportOutcome> {
  if (!target.model.trim()) throw new Error('import needs a model name');
  if (!target.version.trim()) throw new Error('import needs a model version');
  return db.transaction(async (tx) => {
    // Race-safe: two imports into one new model both insert it; the second (waiting for the first
    // to commit) inserts nothing and reads the row the first wrote.
    const [inserted] = await tx
      .insert(t.targetModels)
      .values({
        name: target.model,
        version: target.version,
        fileHash: 'unknown (imported)',
        inputSpec: {},
        source: `imported from ${target.source}`,
      })
      .onConflictDoNothing({ target: [t.targetModels.name, t.targetModels.version] })
      .returning({ id: t.targetModels.id });
    const createdModel = inserted !== undefined;
    const [model] = inserted
      ? [inserted]
      : await tx
          .select({ id: t.targetModels.id })
          .from(t.targetModels)
          .where(and(eq(t.targetModels.name, target.model), eq(t.targetModels.version, target.version)));
    if (!model) throw new Error(`model ${target.model}@${target.version} was neither inserted nor found`);
    const modelId = model!.id;

    const existing = await tx.select().from(t.layers).where(eq(t.layers.modelId, modelId));
    const byName = new Map(existing.map((l) => [l.name, l]));
    let nextPosition = existing.reduce((m, l) => Math.max(m, l.position + 1), 0);
    const layerIds = new Map<string, number>();
    const layersOut: ImportOutcome['layers'] = [];
    const checkStored = (layer: ImportedRun['layers'][number], stored: { id: number; units: number }) => {
      const outside = layer.labels.find((l) => l.unit >= stored.units);
      if (outside) {
        throw new ImportConflictError(
          `${atlas.file}: line ${outside.line}: unit ${outside.unit} is outside layer ${layer.name} of ${target.model}@${target.version}, which has ${stored.units} units`,
        );
      }
      layerIds.set(layer.name, stored.id);
      layersOut.push({ name: layer.name, units: stored.units, labelled: layer.labels.length, created: false });
    };
    for (const layer of atlas.layers) {
      const stored = byName.get(layer.name);
      if (stored) {
        checkStored(layer, stored);
        continue;
      }
      // Race-safe as the model: a layer another import created meanwhile is used as stored.
      const [row] = await tx
        .insert(t.layers)
        .values({ modelId, name: layer.name, kind: guessKind(layer.name), units: layer.units, position: nextPosition })
        .onConflictDoNothing({ target: [t.layers.modelId, t.layers.name] })
        .returning({ id: t.layers.id });
      if (!row) {
        const [other] = await tx.select().from(t.layers).where(and(eq(t.layers.modelId, modelId), eq(t.layers.name, layer.name)));
        if (!other) throw new Error(`layer ${layer.name} was neither inserted nor found`);
        checkStored(layer, other);
        continue;
      }
      nextPosition++;
      await tx.execute(sql`INSERT INTO neurons (layer_id, unit) SELECT ${row.id}, g FROM generate_series(0, ${layer.units - 1}) AS g`);
      layerIds.set(layer.name, row.id);
      layersOut.push({ name: layer.name, units: layer.units, labelled: layer.labels.length, created: true });
    }

    const conceptIds = await ensureConcepts(tx, atlas.layers.flatMap((l) => l.labels.map((x) => x.label)), 5000);
    const [run] = await tx
      .insert(t.dissectionRuns)
      .values({
        modelId,
        method: atlas.method,
        params: { imported: true, format: atlas.format, source: target.source },
        status: 'running',
      })
      .returning({ id: t.dissectionRuns.id });
    const runId = run!.id;

    for (const layer of atlas.layers) {
      const layerId = layerIds.get(layer.name)!;
      const neuronRows = await tx.select({ id: t.neurons.id, unit: t.neurons.unit }).from(t.neurons).where(eq(t.neurons.layerId, layerId));
      const neuronId = new Map(neuronRows.map((n) => [n.unit, n.id]));
      const rows = layer.labels.map((l) => {
        const nid = neuronId.get(l.unit);
        if (nid === undefined) throw new ImportConflictError(`${atlas.file}: line ${l.line}: neuron ${l.unit} of layer ${layer.name} is missing`);
        // MILAN gives no score: stored as 0 (the run's params say `scores: false`).
        return { runId, neuronId: nid, rank: 0, conceptId: conceptIds.get(l.label)!, text: l.label, score: l.score ?? 0, confidence: l.confidence };
      });
      for (const part of chunks(rows, ROWS_PER_INSERT)) await tx.insert(t.neuronLabels).values(part);
      await tx.insert(t.runLayers).values({ runId, layerId });
    }
    const hasScores = atlas.layers.every((l) => l.labels.every((x) => x.score !== null));
    await tx
      .update(t.dissectionRuns)
      .set({
        status: 'complete',
        finishedAt: sql`now()`,
        timings: {},
        params: { imported: true, format: atlas.format, source: target.source, scores: hasScores },
      })
      .where(eq(t.dissectionRuns.id, runId));
    return { runId, modelId, createdModel, layers: layersOut };
  });
}
