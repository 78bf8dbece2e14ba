/**
 * The planted-neuron benchmark (`atlas eval --planted`): synthetic units with known truth are
 * inserted next to a real layer of a toy model (src/compute/planted) and labelled by each
 * similarity function, with the reference defaults and the paper's final-layer setting, and by
 * Network Dissection (spatial units); top-1 and top-5 against the chance rate, over three seeds
 * (each its own probe set and draws), deterministic.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ClipModel } from '../../compute/clip/index.js';
import { loadConceptSet } from '../../compute/concepts/index.js';
import {
  appendColumns,
  compositePairs,
  hitsOf,
  plantableConcepts,
  plantCompositeUnits,
  plantImageUnits,
  PLANTED_NOISES,
  plantSpatialUnits,
  PlantRng,
  type PlantedGroup,
  type PlantedKind,
  type PlantedUnit,
} from '../../compute/planted/units.js';
import { denseConcepts, factoredConcepts, resolveParams, score, type ConceptMatrix, type SimilarityName } from '../../compute/similarity/index.js';
import { conceptMatrix } from '../../compute/rescore/matmul.js';
import { cosCubedScores, priorRanked, rankRow, type UnitRanking } from '../../compute/planted/scoring.js';
import { calibratorKey, confidenceOf, type ConfidenceFeatures } from '../../compute/similarity/confidence.js';
import { calibrationOf, type CalibrationSummary, type ConfidenceSample } from '../../compute/planted/calibration.js';
import { PRESETS, type PresetName } from '../../compute/similarity/presets.js';
import type { Matrix } from '../../core/types.js';
import { networkDissectLayers } from '../../toyworld/fast-netdissect.js';
import { hashInts } from '../../toyworld/random.js';
import { toyCategories } from '../../toyworld/truth.js';
import { canonicalLabel, TOY_VOCABULARY } from '../../toyworld/index.js';
import '../../toyworld/register.js';
import { repoRoot } from '../paths.js';
import { EvalInputError } from './evaluate.js';
import { probeData, type ProbeData } from './planted-data.js';

/** soft_wpmi's reference setting reads each unit's 100 most activating images. */
const MIN_IMAGES = 200;

export interface PlantedOptions {
  /** Toy model name (models/toy/NAME.onnx), default resnet-v1. */
  model?: string;
  /** Layer to plant into, default layer4. */
  layer?: string;
  /** First of the three seeds (default 1). */
  seed?: number;
  /** Number of seeds (default 3). */
  seeds?: number;
  /** Probe images per seed (default 1000). */
  images?: number;
  /** Concept set (default builtin:toy+common-10k). */
  concepts?: string;
  /** Compositional pairs per seed (default 8). */
  pairs?: number;
  /** Also return every labelled unit's confidence features and truth (for fitting the calibrators). */
  keepSamples?: boolean;
  log?: (line: string) => void;
}

export interface PlantedRow {
  method: string;
  preset: PresetName;
  kind: PlantedKind;
  noise: number;
  units: number;
  top1: number;
  top5: number;
  /** Top-1 a random label would reach (top-5: `chanceTop5`). */
  chance: number;
  chanceTop5: number;
}

export interface PlantedResult {
  model: string;
  layer: string;
  seeds: number[];
  images: number;
  concepts: number;
  rows: PlantedRow[];
  /** Confidence calibration of the top-1 labels, per method and preset (recommended preset first). */
  calibration: PlantedCalibration[];
  /** With keepSamples: every labelled unit. */
  samples?: PlantedSample[];
  recommended: { method: string; preset: PresetName; params: Record<string, number>; rows: PlantedRow[] };
  seconds: number;
}

/** One labelled planted unit: what its label's confidence is computed from, and whether the label is right. */
export interface PlantedSample {
  method: string;
  preset: PresetName;
  /** The confidence calibrator its label uses (confidence-table.ts). */
  calibrator: string;
  kind: PlantedKind;
  noise: number;
  seed: number;
  features: ConfidenceFeatures | undefined;
  right: boolean;
}

export interface PlantedCalibration extends CalibrationSummary {
  method: string;
  preset: PresetName;
  /** Whether this is the recommended configuration (the hidden preset). */
  recommended: boolean;
}

/** The calibration of each method and preset's top-1 labels, by the committed calibrators; the recommended one first. */
export function calibrationByMethod(samples: readonly PlantedSample[]): PlantedCalibration[] {
  const groups = new Map<string, { method: string; preset: PresetName; list: ConfidenceSample[] }>();
  for (const s of samples) {
    const key = `${s.method}|${s.preset}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { method: s.method, preset: s.preset, list: [] }));
    g.list.push({ confidence: confidenceOf(s.calibrator, s.features), right: s.right });
  }
  const out = [...groups.values()].map((g) => ({ method: g.method, preset: g.preset, recommended: g.preset === 'hidden', ...calibrationOf(g.list) }));
  return [...out.filter((c) => c.recommended), ...out.filter((c) => !c.recommended)];
}

interface Config {
  method: SimilarityName;
  preset: PresetName;
  params: Record<string, number>;
}

/** The configurations scored: each function with the reference defaults, soft_wpmi also with the paper's final-layer setting. */
export function benchmarkConfigs(): Config[] {
  const out: Config[] = [
    { method: 'soft_wpmi', preset: 'reference', params: {} },
    { method: 'soft_wpmi', preset: 'final', params: PRESETS.final.params },
    { method: 'wpmi', preset: 'reference', params: {} },
    { method: 'cos_similarity', preset: 'reference', params: {} },
    { method: 'cos_similarity_cubed', preset: 'reference', params: {} },
    { method: 'rank_reorder', preset: 'reference', params: {} },
  ];
  out.push({ method: PRESETS.hidden.fn!, preset: 'hidden', params: PRESETS.hidden.params });
  return out;
}

/** soft_wpmi and wpmi take a prior over the layer's units: the planted ones are scored with the real ones. */
const USES_PRIOR = new Set<SimilarityName>(['soft_wpmi', 'wpmi']);
const NETDISSECT = 'netdissect';

interface Tally {
  units: number;
  top1: number;
  top5: number;
  chance: number;
  chanceTop5: number;
}

function groupsOf(data: ProbeData, seed: number, pairCount: number): PlantedGroup[] {
  const rng = new PlantRng(hashInts(0x9a17, seed));
  const which = plantableConcepts(data.presence);
  const pairs = compositePairs(data.presence, toyCategories(data.presence.concepts), pairCount, rng);
  const groups: PlantedGroup[] = [];
  for (const noise of PLANTED_NOISES) {
    groups.push(plantImageUnits(data.presence, which, noise, rng));
    groups.push(plantSpatialUnits(data.coverage, which, noise, rng));
    if (pairs.length > 0) {
      groups.push(plantCompositeUnits(data.presence, pairs, 'and', noise, rng));
      groups.push(plantCompositeUnits(data.presence, pairs, 'or', noise, rng));
    }
  }
  return groups;
}

/** All groups' units side by side (n x total), with each group's column range. */
function allColumns(groups: readonly PlantedGroup[]): { acts: Matrix; ranges: Map<PlantedGroup, number[]> } {
  const n = groups[0]!.activations.rows;
  let acts: Matrix = { rows: n, cols: 0, data: new Float32Array(0) };
  const ranges = new Map<PlantedGroup, number[]>();
  for (const g of groups) {
    ranges.set(g, Array.from({ length: g.units.length }, (_, j) => acts.cols + j));
    acts = appendColumns(acts, g.activations);
  }
  return { acts, ranges };
}

/** Ranked concept indices (best five) per unit of every group, for one configuration. */
async function rankedByGroup(
  cfg: Config,
  data: ProbeData,
  dense: Matrix,
  factored: ConceptMatrix,
  groups: readonly PlantedGroup[],
): Promise<Map<PlantedGroup, UnitRanking[]>> {
  const out = new Map<PlantedGroup, UnitRanking[]>();
  if (cfg.method === 'rank_reorder') groups = groups.filter((g) => g.units[0]?.kind !== 'spatial');
  if (groups.length === 0) return out;
  const { acts, ranges } = allColumns(groups);
  if (USES_PRIOR.has(cfg.method)) {
    const lam = (resolveParams(cfg.method, cfg.params, data.base.rows) as { lam: number }).lam;
    const lOnly = { ...cfg.params, lam: 0 };
    const lBase = (await score(cfg.method, factored, data.base, lOnly, { topN: 1, keepMatrix: true, threads: 2 })).matrix!;
    const lPlanted = (await score(cfg.method, factored, acts, lOnly, { topN: 1, keepMatrix: true, threads: 2 })).matrix!;
    for (const g of groups) out.set(g, priorRanked(lBase, lPlanted, ranges.get(g)!, lam, 5));
    return out;
  }
  let s: Matrix;
  if (cfg.method === 'cos_similarity_cubed') {
    s = await cosCubedScores(dense, acts, (resolveParams(cfg.method, cfg.params, acts.rows) as { min_norm: number }).min_norm);
  } else {
    const concepts = cfg.method === 'cos_similarity' ? factored : denseConcepts(dense);
    s = (await score(cfg.method, concepts, acts, cfg.params, { topN: 1, keepMatrix: true, threads: 2 })).matrix!;
  }
  // every unit's whole row: its best five and its label's confidence features
  const ranked = Array.from({ length: acts.cols }, (_, u) => rankRow(s.data, 5, u * s.cols, s.cols));
  for (const g of groups) out.set(g, ranges.get(g)!.map((u) => ranked[u]!));
  return out;
}

/** Network Dissection's five best concepts (by IoU) per planted spatial unit, all spatial groups in one pass. */
function netdissectByGroup(data: ProbeData, groups: readonly PlantedGroup[]): Map<PlantedGroup, { names: string[]; features: ConfidenceFeatures | undefined }[]> {
  const spatial = groups.filter((g) => g.maps);
  const results = networkDissectLayers(
    spatial.map((g) => ({ data: g.maps!.data, n: data.scenes.length, k: g.units.length, h: g.maps!.h, w: g.maps!.w })),
    data.scenes,
    { concepts: TOY_VOCABULARY },
  );
  return new Map(
    spatial.map((g, i) => {
      const result = results[i]!;
      const c = result.concepts.length;
      return [
        g,
        g.units.map((_, u) => {
          const r = rankRow(result.iou, 5, u * c, c);
          return { names: r.top.map((j) => result.concepts[j]!), features: r.features };
        }),
      ];
    }),
  );
}

export async function plantedBenchmark(opts: PlantedOptions = {}): Promise<PlantedResult> {
  const started = performance.now();
  const log = opts.log ?? (() => undefined);
  const modelName = opts.model ?? 'resnet-v1';
  const layer = opts.layer ?? 'layer4';
  const first = opts.seed ?? 1;
  const seeds = Array.from({ length: opts.seeds ?? 3 }, (_, i) => first + i);
  const count = opts.images ?? 1000;
  if (!Number.isInteger(count) || count < MIN_IMAGES) throw new EvalInputError(`--images must be at least ${MIN_IMAGES} (soft_wpmi reads each unit's top 100 images), got ${count}`);
  const modelPath = resolve(repoRoot, 'models/toy', `${modelName}.onnx`);
  if (!/^[\w.-]+$/.test(modelName) || !existsSync(modelPath)) {
    const known = readdirSync(resolve(repoRoot, 'models/toy')).filter((f) => f.endsWith('.onnx')).map((f) => f.replace(/\.onnx$/, ''));
    throw new EvalInputError(`--model ${modelName}: not a toy model; expected one of ${known.join(', ')}`);
  }
  const conceptSet = await loadConceptSet(opts.concepts ?? 'builtin:toy+common-10k');
  const configs = benchmarkConfigs();
  const tallies = new Map<string, Tally & { method: string; preset: PresetName; kind: PlantedKind; noise: number }>();
  const samples: PlantedSample[] = [];
  const add = (
    method: string,
    preset: PresetName,
    calibrator: string,
    unit: PlantedUnit,
    seed: number,
    hit: { top1: boolean; top5: boolean },
    chance: number,
    c: number,
    features: ConfidenceFeatures | undefined,
  ) => {
    const { kind, noise } = unit;
    samples.push({ method, preset, calibrator, kind, noise, seed, features, right: hit.top1 });
    const key = `${method}|${preset}|${kind}|${noise}`;
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = { method, preset, kind, noise, units: 0, top1: 0, top5: 0, chance: 0, chanceTop5: 0 }));
    t.units++;
    t.top1 += hit.top1 ? 1 : 0;
    t.top5 += hit.top5 ? 1 : 0;
    t.chance += chance / c;
    t.chanceTop5 += Math.min(1, (5 * chance) / c);
  };

  const clip = await ClipModel.load(resolve(repoRoot, 'models/toy/clip'), { threads: 2 });
  // As `atlas dissect` does: a concept the CLIP reads only as its unknown token is dropped (all
  // such concepts share one vector, so none could be told apart).
  const names = conceptSet.concepts.filter((c) => !clip.tokenizer.unreadable(c));
  try {
    const text = await clip.encodeTexts([...names]);
    // A label counts by its toy word (a plural or synonym is right), so chance counts every concept naming a part.
    const canon = names.map(canonicalLabel);
    const naming = new Map<string, number>();
    for (const c of canon) naming.set(c, (naming.get(c) ?? 0) + 1);
    for (const seed of seeds) {
      const t0 = performance.now();
      const data = await probeData(modelPath, layer, clip, count, 10_000 + seed);
      const factored = factoredConcepts(data.images, text);
      const dense = await conceptMatrix(data.images, text);
      const groups = groupsOf(data, seed, opts.pairs ?? 8);
      // Configurations that score the same way (the hidden preset is one of the others) are scored once.
      const done = new Map<string, Map<PlantedGroup, UnitRanking[]>>();
      for (const cfg of configs) {
        const key = `${cfg.method}:${JSON.stringify(cfg.params)}`;
        let byGroup = done.get(key);
        if (!byGroup) done.set(key, (byGroup = await rankedByGroup(cfg, data, dense, factored, groups)));
        const calibrator = calibratorKey(cfg.method, cfg.params, count);
        for (const [g, ranked] of byGroup) {
          g.units.forEach((u, j) => {
            const chance = u.parts.reduce((s, p) => s + (naming.get(p) ?? 0), 0);
            const r = ranked[j]!;
            add(cfg.method, cfg.preset, calibrator, u, seed, hitsOf(r.top.map((c) => canon[c]!), new Set(u.parts)), chance, names.length, r.features);
          });
        }
      }
      for (const [g, ranked] of netdissectByGroup(data, groups)) {
        g.units.forEach((u, j) => add(NETDISSECT, 'reference', NETDISSECT, u, seed, hitsOf(ranked[j]!.names, new Set(u.parts)), 1, TOY_VOCABULARY.length, ranked[j]!.features));
      }
      log(`planted: seed ${seed} (${count} images of toy:${count}:${10_000 + seed}, ${groups.reduce((s, g) => s + g.units.length, 0)} planted units) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await clip.release().catch(() => undefined);
  }

  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  const rows: PlantedRow[] = [...tallies.values()].map((t) => ({
    method: t.method,
    preset: t.preset,
    kind: t.kind,
    noise: t.noise,
    units: t.units,
    top1: round(t.top1 / t.units),
    top5: round(t.top5 / t.units),
    chance: round(t.chance / t.units),
    chanceTop5: round(t.chanceTop5 / t.units),
  }));
  const hidden = PRESETS.hidden;
  const calibration = calibrationByMethod(samples);
  return {
    calibration,
    ...(opts.keepSamples ? { samples } : {}),
    model: modelName,
    layer,
    seeds,
    images: count,
    concepts: names.length,
    rows,
    recommended: { method: hidden.fn!, preset: 'hidden', params: hidden.params, rows: rows.filter((r) => r.preset === 'hidden') },
    seconds: round((performance.now() - started) / 1000),
  };
}
