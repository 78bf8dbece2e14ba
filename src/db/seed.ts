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
 *     (each label {concept, score, confidence?}: files from before confidences load without one)
 *   {"type":"runComplete","run":"r1"}
 * and, unless written labels-only (version 2 files), what rescoring, search and comparison read,
 * as float32 little-endian rows in base64, a few MB per line:
 *   {"type":"imageEmbeddings","clipModel":"c1","probeSet":"p1","rows":N,"cols":D,"from":0,"count":n,"data":"..."}
 *   {"type":"conceptEmbeddings","clipModel":"c1","concepts":["..."],"cols":D,"data":"..."}
 *   {"type":"activations","model":"m1","layer":"fc","probeSet":"p1","activationKey":"...","rows":N,"cols":K,"from":0,"count":n,"data":"..."}
 * Only complete runs are exported. Version 1 files (labels only) still load.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { once } from 'node:events';
import type { AtlasStore } from './atlas-store.js';
import { config } from '../core/config.js';
import { packagePath } from '../core/paths.js';
import type { LabelScore, LayerRecord, LayerResult, Matrix, TopImage } from '../core/types.js';
import type { RunRow } from './repositories/runs.js';

export const SEED_FORMAT = 'neuron-atlas-seed';
export const SEED_VERSION = 2;
/** Versions importSeed reads (1: labels only). */
const READABLE_VERSIONS: readonly unknown[] = [1, 2];
/** Float data per line of a matrix (its rows are split across lines beyond this). */
const MATRIX_BYTES_PER_LINE = 4 << 20;
export const defaultSeedPath = packagePath('seed', 'atlas.jsonl.gz');

export interface SeedSummary {
  models: number;
  runs: number;
  layerResults: number;
  /** Matrices of embeddings and activations written or loaded. */
  imageEmbeddings?: number;
  conceptEmbeddings?: number;
  activations?: number;
}

export interface ExportSeedOptions {
  /** Leave out embeddings and activations (default false: they are written). */
  labelsOnly?: boolean;
}

type Line = Record<string, unknown> & { type: string };

/** Writes the atlas's models, sets and complete runs to a gzipped JSON-lines snapshot. */
export async function exportSeed(store: AtlasStore, path: string, opts: ExportSeedOptions = {}): Promise<SeedSummary> {
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

  await write({ type: 'header', format: SEED_FORMAT, version: opts.labelsOnly ? 1 : SEED_VERSION, exportedAt: new Date().toISOString() });
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
        // confidence: absent for labels stored without one (snapshots from before it load the same way)
        labels[row.unit]!.push({ concept, score: row.score, ...(row.confidence === null ? {} : { confidence: row.confidence }) });
      }
      for (const row of written.topImages) topImages[row.unit]!.push({ ordinal: row.ordinal, activation: row.activation });
      const result: LayerResult = { layer: { name: layer.name, kind: layer.kind, units: layer.units }, labels, topImages };
      const unlabelled = await store.labels.unlabelledOfLayer(r.id, layer.id);
      // Units the run left unlabelled, with their reasons ([unit, reason] pairs).
      await write({ type: 'layerResult', run: `r${r.id}`, result, ...(unlabelled.size ? { unlabelled: [...unlabelled] } : {}) });
      summary.layerResults++;
    }
    await write({ type: 'runComplete', run: `r${r.id}` });
    summary.runs++;
  }
  if (!opts.labelsOnly) await writeMatrices(store, runs, write, summary);
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
  const pending = new PendingMatrices(path);
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
        if (line.format !== SEED_FORMAT || !READABLE_VERSIONS.includes(line.version)) {
          throw new Error(`${path}: not a ${SEED_FORMAT} v1 or v${SEED_VERSION} file (format ${String(line.format)} v${String(line.version)})`);
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
        await store.runs.writeLayer(ref(line.run, lineNo), {
          ...(line.result as LayerResult),
          unlabelled: new Map(Array.isArray(line.unlabelled) ? (line.unlabelled as [number, string][]) : []),
        });
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
      case 'imageEmbeddings':
      case 'activations': {
        const m = pending.add(line, lineNo);
        if (!m) break;
        if (line.type === 'imageEmbeddings') {
          await store.embeddings.putImages(ref(line.probeSet, lineNo), ref(line.clipModel, lineNo), m);
          summary.imageEmbeddings = (summary.imageEmbeddings ?? 0) + 1;
        } else {
          await store.embeddings.putActivations(ref(line.model, lineNo), String(line.layer), ref(line.probeSet, lineNo), m, String(line.activationKey ?? ''));
          summary.activations = (summary.activations ?? 0) + 1;
        }
        break;
      }
      case 'conceptEmbeddings': {
        const concepts = line.concepts as string[];
        const cols = Number(line.cols);
        await store.embeddings.putConcepts(ref(line.clipModel, lineNo), concepts, { rows: concepts.length, cols, data: floatsOf(String(line.data), concepts.length * cols, path, lineNo) });
        summary.conceptEmbeddings = (summary.conceptEmbeddings ?? 0) + 1;
        break;
      }
      default:
        throw new Error(`${path}:${lineNo}: unknown record type ${JSON.stringify(line.type)}`);
    }
  }
  pending.assertEmpty();
  return summary;
}

/** Float32 little-endian values from base64, checked to be `count` of them. */
function floatsOf(base64: string, count: number, path: string, lineNo: number): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.byteLength !== count * 4) throw new Error(`${path}:${lineNo}: ${bytes.byteLength} bytes of data, expected ${count * 4}`);
  const out = new Float32Array(count);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Matrices whose rows arrive over several lines; `add` returns one once its last rows arrived. */
class PendingMatrices {
  readonly #open = new Map<string, { m: Matrix; filled: number }>();
  constructor(private readonly path: string) {}

  add(line: Line, lineNo: number): Matrix | undefined {
    const key = JSON.stringify([line.type, line.clipModel, line.model, line.layer, line.probeSet]);
    const rows = Number(line.rows);
    const cols = Number(line.cols);
    const from = Number(line.from);
    const count = Number(line.count);
    let entry = this.#open.get(key);
    if (!entry) {
      entry = { m: { rows, cols, data: new Float32Array(rows * cols) }, filled: 0 };
      this.#open.set(key, entry);
    }
    if (entry.m.cols !== cols || entry.m.rows !== rows || from !== entry.filled || from + count > rows) {
      throw new Error(`${this.path}:${lineNo}: rows ${from}..${from + count} of a ${rows} x ${cols} matrix do not follow the rows before them`);
    }
    entry.m.data.set(floatsOf(String(line.data), count * cols, this.path, lineNo), from * cols);
    entry.filled += count;
    if (entry.filled < rows) return undefined;
    this.#open.delete(key);
    return entry.m;
  }

  assertEmpty(): void {
    if (this.#open.size > 0) throw new Error(`${this.path}: the file ends inside a matrix (cut short?)`);
  }
}

/** A matrix as lines of at most MATRIX_BYTES_PER_LINE of data, each with `fields`. */
async function writeMatrix(write: (line: Line) => Promise<void>, fields: Line, m: Matrix): Promise<void> {
  const perLine = Math.max(1, Math.floor(MATRIX_BYTES_PER_LINE / Math.max(1, m.cols * 4)));
  for (let from = 0; from < m.rows; from += perLine) {
    const count = Math.min(perLine, m.rows - from);
    const part = m.data.subarray(from * m.cols, (from + count) * m.cols);
    const data = Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64');
    await write({ ...fields, rows: m.rows, cols: m.cols, from, count, data });
  }
}

/**
 * The embeddings and activations the exported runs read: per (CLIP model, probe set) of a run its
 * image embeddings, per CLIP model the text embeddings of its runs' concepts and labels, and per
 * layer of a run's model the activations over the run's probe set.
 */
async function writeMatrices(store: AtlasStore, runs: RunRow[], write: (line: Line) => Promise<void>, summary: SeedSummary): Promise<void> {
  const pairs = new Map<string, { clip: number; probe: number }>();
  const texts = new Map<number, Set<string>>();
  const layerSets = new Map<string, { modelId: number; probe: number }>();
  for (const r of runs) {
    if (r.probeSetId !== null) layerSets.set(`${r.modelId}:${r.probeSetId}`, { modelId: r.modelId, probe: r.probeSetId });
    if (r.clipModelId === null) continue;
    if (r.probeSetId !== null) pairs.set(`${r.clipModelId}:${r.probeSetId}`, { clip: r.clipModelId, probe: r.probeSetId });
    const set = texts.get(r.clipModelId) ?? new Set<string>();
    texts.set(r.clipModelId, set);
    if (r.conceptSetId !== null) for (const c of (await store.conceptSets.get(r.conceptSetId))?.concepts ?? []) set.add(c);
  }
  for (const { clip, probe } of pairs.values()) {
    const m = await store.embeddings.images(probe, clip);
    if (!m) continue;
    await writeMatrix(write, { type: 'imageEmbeddings', clipModel: `c${clip}`, probeSet: `p${probe}` }, m);
    summary.imageEmbeddings = (summary.imageEmbeddings ?? 0) + 1;
  }
  for (const [clip, set] of texts) {
    const all = [...set];
    for (let i = 0; i < all.length; i += 2000) {
      const found = await store.embeddings.concepts(clip, all.slice(i, i + 2000));
      if (found.size === 0) continue;
      const concepts = [...found.keys()];
      const cols = found.get(concepts[0]!)!.length;
      const data = new Float32Array(concepts.length * cols);
      concepts.forEach((c, j) => data.set(found.get(c)!, j * cols));
      await write({ type: 'conceptEmbeddings', clipModel: `c${clip}`, concepts, cols, data: Buffer.from(data.buffer).toString('base64') });
      summary.conceptEmbeddings = (summary.conceptEmbeddings ?? 0) + 1;
    }
  }
  for (const { modelId, probe } of layerSets.values()) {
    for (const layer of await store.models.layers(modelId)) {
      const key = await store.embeddings.activationKeyOf(layer.id, probe);
      if (key === undefined) continue;
      const m = await store.embeddings.activations(modelId, layer.name, probe, key || undefined);
      if (!m) continue;
      await writeMatrix(write, { type: 'activations', model: `m${modelId}`, layer: layer.name, probeSet: `p${probe}`, activationKey: key }, m);
      summary.activations = (summary.activations ?? 0) + 1;
    }
  }
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
