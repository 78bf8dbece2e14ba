/**
 * The hot loops of soft_wpmi/wpmi and of factored concept rows. Every function here is
 * self-contained (no imports, no module state): worker threads receive them as source text
 * (see pool.ts), because starting a TypeScript loader in each worker costs ~0.4 s.
 */

export interface KernelSpec {
  topK: number;
  a: number;
  /** term of rank r = base[r] + weight[r] * Q */
  base: Float64Array;
  weight: Float64Array;
  /** terms multiplied together before one log is taken */
  chunk: number;
}

/**
 * Where rows of P come from: a dense P (rows x cols), factored P = X T^T (X: rows x dim,
 * T: cols x dim), or any reader (this thread only).
 */
export type RowSource =
  | { kind: 'dense'; rows: number; cols: number; data: Float32Array }
  | { kind: 'factored'; rows: number; cols: number; dim: number; x: Float32Array; t: Float32Array }
  | { kind: 'reader'; rows: number; cols: number; read: (ids: ArrayLike<number>, out: Float32Array) => void };

/** Writes rows `ids` of P into out (ids.length x cols). */
export function readSourceRows(src: RowSource, ids: ArrayLike<number>, out: Float32Array): void {
  const c = src.cols;
  if (src.kind === 'reader') {
    src.read(ids, out);
    return;
  }
  if (src.kind === 'dense') {
    for (let r = 0; r < ids.length; r++) out.set(src.data.subarray(ids[r]! * c, (ids[r]! + 1) * c), r * c);
    return;
  }
  const { dim: d, x: X, t: T } = src;
  // Four image rows at a time share each load of a text row.
  let r = 0;
  for (; r + 4 <= ids.length; r += 4) {
    const x0 = ids[r]! * d, x1 = ids[r + 1]! * d, x2 = ids[r + 2]! * d, x3 = ids[r + 3]! * d;
    const o = r * c;
    for (let j = 0; j < c; j++) {
      const t = j * d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < d; k++) {
        const tv = T[t + k]!;
        s0 += X[x0 + k]! * tv;
        s1 += X[x1 + k]! * tv;
        s2 += X[x2 + k]! * tv;
        s3 += X[x3 + k]! * tv;
      }
      out[o + j] = s0;
      out[o + c + j] = s1;
      out[o + 2 * c + j] = s2;
      out[o + 3 * c + j] = s3;
    }
  }
  for (; r < ids.length; r++) {
    const x0 = ids[r]! * d;
    const o = r * c;
    for (let j = 0; j < c; j++) {
      const t = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += X[x0 + k]! * T[t + k]!;
      out[o + j] = s;
    }
  }
}

/** Tables for expRow: exp(-j) for integer j in 0..746 and exp(-f/1024) for f in 0..1023. */
export function expTables(): { whole: Float64Array; frac: Float64Array } {
  const whole = new Float64Array(748);
  const frac = new Float64Array(1024);
  for (let j = 0; j < whole.length; j++) whole[j] = Math.exp(-j);
  for (let f = 0; f < 1024; f++) frac[f] = Math.exp(-f / 1024);
  return { whole, frac };
}

/**
 * out[outOff + c] = exp(a * p[off + c] - max_c(a * p[off + c])) for c < n; returns their sum
 * (the softmax denominator). float64 arithmetic; exp is table-driven (relative error ~1e-14):
 * it is the bulk of soft_wpmi's work, and Math.exp costs several times more.
 */
export function expRow(
  p: Float32Array,
  off: number,
  n: number,
  a: number,
  out: Float64Array | Float32Array,
  outOff: number,
  whole: Float64Array,
  frac: Float64Array,
): number {
  let max = -Infinity;
  for (let c = 0; c < n; c++) {
    const t = a * p[off + c]!;
    if (t > max) max = t;
  }
  if (!(max > -Infinity && max < Infinity)) throw new Error(`concept activations are not finite (row maximum ${max})`);
  const limit = 746 * 1024;
  let sum = 0;
  for (let c = 0; c < n; c++) {
    // u = (max - t) * 1024 >= 0 = whole units, 1/1024ths, and a remainder r in (-1/1024, 0]
    const u = (max - a * p[off + c]!) * 1024;
    let e = 0;
    if (u < limit) {
      const j = u | 0;
      const r = (j - u) * (1 / 1024);
      e = whole[j >> 10]! * frac[j & 1023]! * (1 + r * (1 + r * (0.5 + r * (1 / 6))));
    } else if (u !== u) {
      throw new Error(`concept activations hold NaN (concept ${c})`);
    }
    out[outOff + c] = e;
    sum += e;
  }
  return sum;
}

/**
 * L[g, c] = sum_r log(base[r] + weight[r] * softmax(a * P[top[g, r]])[c]) for the neurons of
 * `top` (G x topK). Walks the union of their top images block by block; per neuron, the terms
 * of up to four images of a block are multiplied together before touching its running
 * product, and a log is taken once per `chunk` terms (a sum of logs is the log of a product).
 * Memory: 2 x G x C float64, plus a block of rows.
 */
export function logLikelihoods(
  src: RowSource,
  top: Int32Array,
  spec: KernelSpec,
  onRows: ((done: number, total: number) => void) | undefined,
  part?: { index: number; of: number },
): Float64Array {
  const { topK, base, weight, chunk, a } = spec;
  const g = top.length / topK;
  const c = src.cols;
  const { whole, frac } = expTables();

  // Union of top images, ascending; per neuron, its (union position, rank) sorted by position.
  const order = Int32Array.from(top).sort();
  let u = 0;
  for (let j = 0; j < order.length; j++) if (j === 0 || order[j] !== order[j - 1]) order[u++] = order[j]!;
  const union = order.slice(0, u);
  const pos = new Map<number, number>();
  for (let j = 0; j < union.length; j++) pos.set(union[j]!, j);
  const pairs = new Float64Array(top.length); // position * topK + rank, sorted per neuron
  for (let n = 0; n < g; n++) {
    for (let r = 0; r < topK; r++) pairs[n * topK + r] = pos.get(top[n * topK + r]!)! * topK + r;
    pairs.subarray(n * topK, (n + 1) * topK).sort();
  }
  // With `part`, only its share of the union (a contiguous range) is walked: the result is
  // then a partial sum, to be added to the other parts'.
  const lo = part ? Math.floor((part.index * union.length) / part.of) : 0;
  const hi = part ? Math.floor(((part.index + 1) * union.length) / part.of) : union.length;
  const next = new Int32Array(g); // per neuron, its first pair not yet used
  for (let n = 0; n < g; n++) {
    let j = n * topK;
    while (j < (n + 1) * topK && pairs[j]! < lo * topK) j++;
    next[n] = j;
  }
  const pending = new Int32Array(g); // terms in its running product

  const logSum = new Float64Array(g * c);
  const product = new Float64Array(g * c).fill(1);
  // Exps of the rows of a block of the union, float32 like the reference's softmax. Large enough blocks
  // (up to 64 MB) give each neuron several images per block to multiply in one pass.
  const blockRows = Math.max(1, Math.min(hi - lo, Math.floor((16 << 20) / Math.max(1, c))));
  const q = new Float32Array(blockRows * c);
  const readRows = Math.min(16, blockRows);
  const rows = new Float32Array(readRows * c);
  const invSum = new Float64Array(blockRows); // 1 / softmax denominator of each row of q

  for (let start = lo; start < hi; start += blockRows) {
    const end = Math.min(hi, start + blockRows);
    for (let r0 = start; r0 < end; r0 += readRows) {
      const r1 = Math.min(end, r0 + readRows);
      readSourceRows(src, union.subarray(r0, r1), rows);
      for (let b = 0; b < r1 - r0; b++) {
        // q holds unnormalised exps; 1/denominator is folded into each term's weight
        invSum[r0 - start + b] = 1 / expRow(rows, b * c, c, a, q, (r0 - start + b) * c, whole, frac);
      }
    }
    for (let n = 0; n < g; n++) {
      const o = n * c;
      let j = next[n]!;
      const last = (n + 1) * topK;
      while (j < last && pairs[j]! < end * topK) {
        // up to four terms at once, without letting the product pass `chunk` terms
        let take = Math.min(4, chunk - pending[n]!);
        let avail = 0;
        while (avail < take && j + avail < last && pairs[j + avail]! < end * topK) avail++;
        take = avail;
        const e0 = pairs[j]!, r0 = e0 % topK | 0, q0 = (((e0 - r0) / topK - start) * c) | 0;
        const b0 = base[r0]!, w0 = weight[r0]! * invSum[q0 / c]!;
        if (take >= 4) {
          const e1 = pairs[j + 1]!, r1 = e1 % topK | 0, q1 = (((e1 - r1) / topK - start) * c) | 0;
          const e2 = pairs[j + 2]!, r2 = e2 % topK | 0, q2 = (((e2 - r2) / topK - start) * c) | 0;
          const e3 = pairs[j + 3]!, r3 = e3 % topK | 0, q3 = (((e3 - r3) / topK - start) * c) | 0;
          const b1 = base[r1]!, w1 = weight[r1]! * invSum[q1 / c]!;
          const b2 = base[r2]!, w2 = weight[r2]! * invSum[q2 / c]!, b3 = base[r3]!, w3 = weight[r3]! * invSum[q3 / c]!;
          for (let k = 0; k < c; k++) {
            product[o + k]! *= (b0 + w0 * q[q0 + k]!) * (b1 + w1 * q[q1 + k]!) * ((b2 + w2 * q[q2 + k]!) * (b3 + w3 * q[q3 + k]!));
          }
          take = 4;
        } else if (take >= 2) {
          const e1 = pairs[j + 1]!, r1 = e1 % topK | 0, q1 = (((e1 - r1) / topK - start) * c) | 0;
          const b1 = base[r1]!, w1 = weight[r1]! * invSum[q1 / c]!;
          for (let k = 0; k < c; k++) product[o + k]! *= (b0 + w0 * q[q0 + k]!) * (b1 + w1 * q[q1 + k]!);
          take = 2;
        } else {
          for (let k = 0; k < c; k++) product[o + k]! *= b0 + w0 * q[q0 + k]!;
          take = 1;
        }
        j += take;
        pending[n]! += take;
        if (pending[n] === chunk) {
          for (let k = 0; k < c; k++) {
            logSum[o + k]! += Math.log(product[o + k]!);
            product[o + k] = 1;
          }
          pending[n] = 0;
        }
      }
      next[n] = j;
    }
    if (onRows) onRows(end - lo, hi - lo);
  }
  for (let n = 0; n < g; n++) {
    if (pending[n] === 0) continue;
    const o = n * c;
    for (let k = 0; k < c; k++) logSum[o + k]! += Math.log(product[o + k]!);
  }
  return logSum;
}

/** Source text of the functions above, for worker threads. */
export const KERNEL_FUNCTIONS = [readSourceRows, expTables, expRow, logLikelihoods];
