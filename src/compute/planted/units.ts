/**
 * Planted units: synthetic neurons whose truth is known, built from a probe set's ground truth
 * and inserted next to a real layer's units, so that a labelling method is scored on the same
 * images, concepts and (for soft_wpmi and wpmi) neuron prior as the real ones.
 *
 *  - image-level: activation = presence x (1 + 0.3 u) + noise x e, u ~ U[0, 1), e ~ N(0, 1);
 *  - spatial: each cell of the layer's map = the concept's coverage of that cell, scaled to peak
 *    at 1 in each image holding it, x (1 + 0.3 u) + noise x e; pooled by the spatial mean for CLIP-Dissect, and its maps are what Network
 *    Dissection thresholds, so both are scored on the generator's masks;
 *  - compositional: presence of A AND B, or of A OR B, as an image-level unit.
 */
import type { Matrix } from '../../core/types.js';

export type PlantedKind = 'image' | 'spatial' | 'and' | 'or';
export const PLANTED_KINDS: readonly PlantedKind[] = ['image', 'spatial', 'and', 'or'];
export const PLANTED_NOISES: readonly number[] = [0, 0.5, 1, 2];

/** Per image, which of the ground-truth concepts are present: n x T, 0/1. */
export interface Presence {
  n: number;
  concepts: readonly string[];
  data: Uint8Array;
}

/** Per image, concept and map cell, the share of the cell the concept covers: n x T x h x w. */
export interface Coverage {
  n: number;
  concepts: readonly string[];
  h: number;
  w: number;
  data: Float32Array;
}

export interface PlantedUnit {
  kind: PlantedKind;
  noise: number;
  /** The concepts a label may name to be right (one, or the two parts of a composition). */
  parts: string[];
}

export interface PlantedGroup {
  units: PlantedUnit[];
  /** n x units pooled activations. */
  activations: Matrix;
  /** Spatial units only: n x units x h x w maps. */
  maps?: { data: Float32Array; h: number; w: number };
}

/** mulberry32 with Box-Muller normals: deterministic from one 32-bit seed. */
export class PlantRng {
  private state: number;
  private spare: number | undefined;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u = Math.max(this.uniform(), 1e-12);
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** Concepts present in at least `min` and at most n - `min` images: a unit for them can be told apart. */
export function plantableConcepts(presence: Presence, min = 5): number[] {
  const { n, concepts, data } = presence;
  const t = concepts.length;
  const out: number[] = [];
  for (let c = 0; c < t; c++) {
    let count = 0;
    for (let i = 0; i < n; i++) count += data[i * t + c]!;
    if (count >= min && count <= n - min) out.push(c);
  }
  return out;
}

/** Image-level units, one per concept index in `which`. */
export function plantImageUnits(presence: Presence, which: readonly number[], noise: number, rng: PlantRng): PlantedGroup {
  const { n, concepts, data } = presence;
  const t = concepts.length;
  const k = which.length;
  const out = new Float32Array(n * k);
  for (let j = 0; j < k; j++) {
    const c = which[j]!;
    for (let i = 0; i < n; i++) out[i * k + j] = data[i * t + c]! * (1 + 0.3 * rng.uniform()) + noise * rng.normal();
  }
  return { units: which.map((c) => ({ kind: 'image', noise, parts: [concepts[c]!] })), activations: { rows: n, cols: k, data: out } };
}

/** Compositional units: AND or OR of the presence of each pair's two concepts. */
export function plantCompositeUnits(
  presence: Presence,
  pairs: readonly (readonly [number, number])[],
  op: 'and' | 'or',
  noise: number,
  rng: PlantRng,
): PlantedGroup {
  const { n, concepts, data } = presence;
  const t = concepts.length;
  const k = pairs.length;
  const out = new Float32Array(n * k);
  for (let j = 0; j < k; j++) {
    const [a, b] = pairs[j]!;
    for (let i = 0; i < n; i++) {
      const pa = data[i * t + a]!;
      const pb = data[i * t + b]!;
      const on = op === 'and' ? pa & pb : pa | pb;
      out[i * k + j] = on * (1 + 0.3 * rng.uniform()) + noise * rng.normal();
    }
  }
  return {
    units: pairs.map(([a, b]) => ({ kind: op, noise, parts: [concepts[a]!, concepts[b]!] })),
    activations: { rows: n, cols: k, data: out },
  };
}

/** Spatial units, one per concept index in `which`: maps from the coverage, pooled by their mean. */
export function plantSpatialUnits(coverage: Coverage, which: readonly number[], noise: number, rng: PlantRng): PlantedGroup {
  const { n, concepts, h, w, data } = coverage;
  const t = concepts.length;
  const plane = h * w;
  const k = which.length;
  const maps = new Float32Array(n * k * plane);
  const pooled = new Float32Array(n * k);
  for (let j = 0; j < k; j++) {
    const c = which[j]!;
    for (let i = 0; i < n; i++) {
      const src = (i * t + c) * plane;
      // Peak 1 where the concept is, whatever share of a cell it covers: as strong as an image-level unit.
      let peak = 0;
      for (let p = 0; p < plane; p++) peak = Math.max(peak, data[src + p]!);
      const scale = peak > 0 ? (1 + 0.3 * rng.uniform()) / peak : 0;
      const dst = (i * k + j) * plane;
      let sum = 0;
      for (let p = 0; p < plane; p++) {
        const v = data[src + p]! * scale + noise * rng.normal();
        maps[dst + p] = v;
        sum += v;
      }
      pooled[i * k + j] = sum / plane;
    }
  }
  return {
    units: which.map((c) => ({ kind: 'spatial', noise, parts: [concepts[c]!] })),
    activations: { rows: n, cols: k, data: pooled },
    maps: { data: maps, h, w },
  };
}

/** Pairs of concepts from different categories (category = index into `groups`), drawn without repeats. */
export function compositePairs(presence: Presence, categories: readonly number[], count: number, rng: PlantRng, min = 5): [number, number][] {
  const usable = new Set(plantableConcepts(presence, min));
  const pairs: [number, number][] = [];
  const seen = new Set<string>();
  const t = presence.concepts.length;
  for (let tries = 0; pairs.length < count && tries < count * 200; tries++) {
    const a = Math.floor(rng.uniform() * t);
    const b = Math.floor(rng.uniform() * t);
    if (a === b || categories[a] === categories[b] || !usable.has(a) || !usable.has(b)) continue;
    const key = a < b ? `${a},${b}` : `${b},${a}`;
    if (seen.has(key)) continue;
    // AND must fire on enough images to be told apart, as any unit must.
    let both = 0;
    for (let i = 0; i < presence.n; i++) both += presence.data[i * t + a]! & presence.data[i * t + b]!;
    if (both < min) continue;
    seen.add(key);
    pairs.push([a, b]);
  }
  return pairs;
}

/** [base | extra]: the layer's real units followed by planted ones (same images). */
export function appendColumns(base: Matrix, extra: Matrix): Matrix {
  if (base.rows !== extra.rows) throw new Error(`appendColumns: ${base.rows} rows vs ${extra.rows}`);
  const cols = base.cols + extra.cols;
  const data = new Float32Array(base.rows * cols);
  for (let i = 0; i < base.rows; i++) {
    data.set(base.data.subarray(i * base.cols, (i + 1) * base.cols), i * cols);
    data.set(extra.data.subarray(i * extra.cols, (i + 1) * extra.cols), i * cols + base.cols);
  }
  return { rows: base.rows, cols, data };
}

/** Whether a unit's ranked labels name one of its parts first (top-1) or among the first five (top-5). */
export function hitsOf(ranked: readonly string[], accepted: ReadonlySet<string>): { top1: boolean; top5: boolean } {
  return { top1: ranked.length > 0 && accepted.has(ranked[0]!), top5: ranked.slice(0, 5).some((l) => accepted.has(l)) };
}
