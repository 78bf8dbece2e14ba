/**
 * Seed snapshots: a compact, driver-independent copy of an atlas's visible content, replayed
 * through the write API on import (so ids and migrations never leak into the file).
 *
 * Format: gzipped JSON lines (`seed/atlas.jsonl.gz`), one record per line:
 *   {"type":"header","format":"neuron-atlas-seed","version":1,"exportedAt":"..."}
 *   {"type":"model","key":"m1","record":TargetModelRecord,"layers":LayerRecord[]}
 *   {"type":"clipModel","key":"c1","record":ClipModelRecord}
 *   {"type":"probeSet","key":"p1","record":ProbeSetRecord}
 *   {"type":"conceptSet","key":"s1","record":ConceptSetRecord}
 *   {"type":"run","key":"r1","model":"m1","clipModel":"c1"|null,"probeSet":"p1"|null,
 *    "conceptSet":"s1"|null,"parameters":RunParameters,"timings":{...},"startedAt":"...","finishedAt":"..."}
 *   {"type":"layerResult","run":"r1","result":LayerResult}     (one line per layer)
 *   {"type":"runComplete","run":"r1"}
 * Only complete runs are exported. Activations and embeddings are caches and are left out.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { once } from 'node:events';
import type { AtlasStore } from './atlas-store.js';
import { config } from '../core/config.js';
import { packagePath } from '../core/paths.js';
import type { LabelScore, LayerRecord, LayerResult, TopImage } from '../core/types.js';

export const SEED_FORMAT = 'neuron-atlas-seed';
export const SEED_VERSION = 1;
export const defaultSeedPath = packagePath('seed', 'atlas.jsonl.gz');

export interface SeedSummary {
  models: number;
  runs: number;
  layerResults: number;
}

type Line = Record<string, unknown> & { type: string };

/** Writes the atlas's models, sets and complete runs to a gzipped JSON-lines snapshot. */
export async function exportSeed(store: AtlasStore, path: string): Promise<SeedSummary> {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  const gzip = createGzip({ level: 9 });
  const out = createWriteStream(tmp);
  gzip.pipe(out);
  const write = async (line: Line): Promise<void> => {
    if (!gzip.write(`${JSON.stringify(line)}\n`)) await once(gzip, 'drain');
  };
  const summary: SeedSummary = { models: 0, runs: 0, layerResults: 0 };

  await write({ type: 'header', format: SEED_FORMAT, version: SEED_VERSION, exportedAt: new Date().toISOString() });
  const runs = (await store.runs.listAll()).filter((r) => r.status === 'complete');

  for (const m of (await store.models.list()).sort((a, b) => a.id - b.id)) {
    const layers = await store.models.layers(m.id);
    await write({
      type: 'model',
      key: `m${m.id}`,
      record: { name: m.name, version: m.version, fileHash: m.fileHash, inputSpec: m.inputSpec, source: m.source ?? undefined },
      layers: layers.map((l): LayerRecord => ({ name: l.name, kind: l.kind, units: l.units })),
    });
    summary.models++;
  }
  const used = <K extends 'clipModelId' | 'probeSetId' | 'conceptSetId'>(k: K) =>
    [...new Set(runs.map((r) => r[k]).filter((v): v is number => v !== null))];
  for (const id of used('clipModelId')) {
    const c = await store.clipModels.get(id);
    if (c) await write({ type: 'clipModel', key: `c${id}`, record: { name: c.name, dim: c.dim, source: c.source ?? undefined } });
  }
  for (const id of used('probeSetId')) {
    const p = await store.probeSets.get(id);
    if (!p) continue;
    const images = await store.probeSets.images(id);
    await write({ type: 'probeSet', key: `p${id}`, record: { name: p.name, recipe: p.recipe, contentHash: p.contentHash, images } });
  }
  const conceptPositions = new Map<number, Map<number, number>>();
  for (const id of used('conceptSetId')) {
    const set = await store.conceptSets.get(id);
    if (!set) continue;
    const positions = new Map<number, number>();
    set.conceptIds.forEach((cid, i) => {
      if (!positions.has(cid)) positions.set(cid, i);
    });
    conceptPositions.set(id, positions);
    await write({ type: 'conceptSet', key: `s${id}`, record: { name: set.name, concepts: set.concepts } });
  }

  for (const r of runs) {
    await write({
      type: 'run',
      key: `r${r.id}`,
      model: `m${r.modelId}`,
      clipModel: r.clipModelId === null ? null : `c${r.clipModelId}`,
      probeSet: r.probeSetId === null ? null : `p${r.probeSetId}`,
      conceptSet: r.conceptSetId === null ? null : `s${r.conceptSetId}`,
      parameters: {
        method: r.method,
        similarity: r.similarity ?? undefined,
        params: r.params,
        pool: r.pool ?? undefined,
        activationKey: r.activationKey ?? undefined,
        device: r.device ?? undefined,
      },
      timings: r.timings ?? {},
      startedAt: new Date(r.startedAt).toISOString(),
      finishedAt: r.finishedAt ? new Date(r.finishedAt).toISOString() : null,
    });
    const positions = r.conceptSetId === null ? new Map<number, number>() : (conceptPositions.get(r.conceptSetId) ?? new Map());
    for (const layer of await store.runs.layers(r.id)) {
      const labels: LabelScore[][] = Array.from({ length: layer.units }, () => []);
      const topImages: TopImage[][] = Array.from({ length: layer.units }, () => []);
      const written = await store.labels.layerResult(r.id, layer.id);
      for (const row of written.labels) {
        const concept = positions.get(row.conceptId);
        if (concept === undefined) throw new Error(`run ${r.id}: concept ${row.conceptId} is not in its concept set`);
        labels[row.unit]!.push({ concept, score: row.score });
      }
      for (const row of written.topImages) topImages[row.unit]!.push({ ordinal: row.ordinal, activation: row.activation });
      const result: LayerResult = { layer: { name: layer.name, kind: layer.kind, units: layer.units }, labels, topImages };
      await write({ type: 'layerResult', run: `r${r.id}`, result });
      summary.layerResults++;
    }
    await write({ type: 'runComplete', run: `r${r.id}` });
    summary.runs++;
  }
  gzip.end();
  await once(out, 'close');
  renameSync(tmp, target);
  return summary;
}

/** Replays a snapshot into the store through the write API. */
export async function importSeed(store: AtlasStore, path: string): Promise<SeedSummary> {
  const input = createReadStream(path).pipe(createGunzip());
  const lines = createInterface({ input, crlfDelay: Infinity });
  const ids = new Map<string, number>();
  const runTimes = new Map<string, { timings: Record<string, number>; startedAt?: string; finishedAt?: string | null }>();
  const summary: SeedSummary = { models: 0, runs: 0, layerResults: 0 };
  const ref = (key: unknown, lineNo: number): number => {
    const id = ids.get(String(key));
    if (id === undefined) throw new Error(`${path}:${lineNo}: refers to ${String(key)} before it is defined`);
    return id;
  };
  const optRef = (key: unknown, lineNo: number): number | null => (key === null || key === undefined ? null : ref(key, lineNo));
  let lineNo = 0;
  for await (const text of lines) {
    lineNo++;
    if (!text.trim()) continue;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch (error) {
      throw new Error(`${path}:${lineNo}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
    switch (line.type) {
      case 'header':
        if (line.format !== SEED_FORMAT || line.version !== SEED_VERSION) {
          throw new Error(`${path}: not a ${SEED_FORMAT} v${SEED_VERSION} file (format ${String(line.format)} v${String(line.version)})`);
        }
        break;
      case 'model': {
        const id = await store.models.upsert(line.record as never);
        await store.models.upsertLayers(id, line.layers as LayerRecord[]);
        ids.set(String(line.key), id);
        summary.models++;
        break;
      }
      case 'clipModel':
        ids.set(String(line.key), await store.clipModels.upsert(line.record as never));
        break;
      case 'probeSet':
        ids.set(String(line.key), await store.probeSets.upsert(line.record as never));
        break;
      case 'conceptSet':
        ids.set(String(line.key), (await store.conceptSets.upsert(line.record as never)).id);
        break;
      case 'run': {
        const runId = await store.runs.begin({
          modelId: ref(line.model, lineNo),
          clipModelId: optRef(line.clipModel, lineNo),
          probeSetId: optRef(line.probeSet, lineNo),
          conceptSetId: optRef(line.conceptSet, lineNo),
          parameters: line.parameters as never,
        });
        ids.set(String(line.key), runId);
        runTimes.set(String(line.key), {
          timings: (line.timings as Record<string, number>) ?? {},
          startedAt: line.startedAt as string | undefined,
          finishedAt: line.finishedAt as string | null | undefined,
        });
        break;
      }
      case 'layerResult':
        await store.runs.writeLayer(ref(line.run, lineNo), line.result as LayerResult);
        summary.layerResults++;
        break;
      case 'runComplete': {
        const runId = ref(line.run, lineNo);
        const times = runTimes.get(String(line.run));
        // Keep the original run's clock, not the import's.
        const clock = times?.startedAt
          ? { startedAt: new Date(times.startedAt), finishedAt: times.finishedAt ? new Date(times.finishedAt) : new Date() }
          : undefined;
        await store.runs.complete(runId, times?.timings ?? {}, clock);
        summary.runs++;
        break;
      }
      default:
        throw new Error(`${path}:${lineNo}: unknown record type ${JSON.stringify(line.type)}`);
    }
  }
  return summary;
}

export type SeedOutcome =
  | { loaded: true; path: string; summary: SeedSummary }
  | { loaded: false; reason: 'not-empty' | 'no-seed'; path: string };

async function seedState(store: AtlasStore): Promise<string | undefined> {
  const status = (await store.meta.get('seed'))?.status;
  return typeof status === 'string' ? status : undefined;
}

async function setSeedState(store: AtlasStore, status: string, path: string): Promise<void> {
  await store.meta.set('seed', { status, path });
}

/**
 * Loads the default atlas snapshot when the store holds no model yet. An import that died half-way
 * (marked 'importing') is cleaned up and redone: every step of the import is an upsert.
 */
export async function loadSeedIfEmpty(
  store: AtlasStore,
  path: string = config().seed ?? defaultSeedPath,
): Promise<SeedOutcome> {
  const interrupted = (await seedState(store)) === 'importing';
  if (!interrupted && !(await store.models.isEmpty())) return { loaded: false, reason: 'not-empty', path };
  if (!existsSync(path)) return { loaded: false, reason: 'no-seed', path };
  if (interrupted) await store.runs.cleanupIncomplete();
  await setSeedState(store, 'importing', path);
  const summary = await importSeed(store, path);
  await setSeedState(store, 'loaded', path);
  return { loaded: true, path, summary };
}
