/** Reducing a layer's batched output to one value per unit (CLIP-Dissect's activation matrix). */
import type { Matrix } from '../../core/types.js';

export type PoolMode = 'avg' | 'max';
/** 'conv': (B,K,H,W) pooled over space; 'token': (B,T,D) first (CLS) token; 'dense': (B,K). */
export type LayerKind = 'conv' | 'token' | 'dense';

/** Kind of a layer from its output rank (batch included), or an error naming the layer. */
export function kindOfRank(rank: number, layer: string): LayerKind {
  if (rank === 4) return 'conv';
  if (rank === 3) return 'token';
  if (rank === 2) return 'dense';
  throw new Error(`layer "${layer}" has output rank ${rank}; expected 4 (B,K,H,W), 3 (B,T,D) or 2 (B,K)`);
}

/** Units of a layer given its full output dims (batch first). */
export function unitsOf(dims: readonly number[]): number {
  return dims.length === 3 ? dims[2]! : dims[1]!;
}

/**
 * (batch x units) matrix from a row-major tensor with dims [B, ...]:
 * rank 4 -> spatial mean ('avg') or max ('max'); rank 3 -> token 0; rank 2 -> as is.
 */
export function poolActivations(data: Float32Array, dims: readonly number[], mode: PoolMode, layer: string): Matrix {
  const kind = kindOfRank(dims.length, layer);
  const batch = dims[0]!;
  if (kind === 'dense') return { rows: batch, cols: dims[1]!, data };
  if (kind === 'token') {
    const [, tokens, width] = dims as [number, number, number];
    const out = new Float32Array(batch * width);
    for (let b = 0; b < batch; b++) out.set(data.subarray(b * tokens * width, b * tokens * width + width), b * width);
    return { rows: batch, cols: width, data: out };
  }
  const [, units, h, w] = dims as [number, number, number, number];
  const area = h * w;
  const out = new Float32Array(batch * units);
  for (let m = 0; m < batch * units; m++) {
    const base = m * area;
    if (mode === 'max') {
      let best = -Infinity;
      for (let i = 0; i < area; i++) if (data[base + i]! > best) best = data[base + i]!;
      out[m] = best;
    } else {
      let sum = 0; // float64 accumulator: large maps (56x56) lose precision in float32
      for (let i = 0; i < area; i++) sum += data[base + i]!;
      out[m] = sum / area;
    }
  }
  return { rows: batch, cols: units, data: out };
}
