/**
 * The hot loops of soft_wpmi/wpmi and of factored concept rows, run on the calling thread and
 * in the pool's worker threads (kernel-worker.ts).
 */
import { readSync } from 'node:fs';
import type { WasmApi, WasmMemory, WasmModule } from './simd.js';

export interface KernelSpec {
  topK: number;
  a: number;
  /** term of rank r = base[r] + weight[r] * Q */
  base: Float64Array;
  weight: Float64Array;
  /** terms multiplied together before one log is taken */
  chunk: number;
  /** whether the SIMD kernel may form terms, and products of four, in float32: true when
   * every term lies well inside float32's normal range (see termSpec) */
  f32Terms: boolean;
}

/**
 * Where rows of P come from: a dense P (rows x cols), factored P = X T^T (X: rows x dim,
 * T: cols x dim), a file of float32 rows (row i at byte offset + 4 i cols of the open file
 * descriptor fd: read when needed, by any thread, e.g. an .npy's data), or any reader (this
 * thread only).
 */
export type RowSource =
  | { kind: 'dense'; rows: number; cols: number; data: Float32Array }
  | { kind: 'factored'; rows: number; cols: number; dim: number; x: Float32Array; t: Float32Array }
  | FileRows
  | { kind: 'reader'; rows: number; cols: number; read: (ids: ArrayLike<number>, out: Float32Array) => void };

/** Float32 rows (little-endian, C order) of an open file; `name` appears in errors. */
export interface FileRows {
  kind: 'file';
  rows: number;
  cols: number;
  fd: number;
  offset: number;
  name: string;
}

/**
 * Row `id` of a file source into out[at..at + cols) (out may be a view of shared or
 * WebAssembly memory): one read straight into place, no intermediate buffer.
 */
export function readFileRow(src: FileRows, id: number, out: Float32Array, at: number): void {
  const bytes = src.cols * 4;
  const view = new Uint8Array(out.buffer, out.byteOffset + at * 4, bytes);
  const position = src.offset + id * bytes;
  let done = 0;
  while (done < bytes) {
    const n = readSync(src.fd, view, done, bytes - done, position + done);
    if (n === 0) throw new Error(`${src.name}: unexpected end of file in row ${id}`);
    done += n;
  }
}

/** Writes rows `ids` of P into out (ids.length x cols). */
export function readSourceRows(src: RowSource, ids: ArrayLike<number>, out: Float32Array): void {
  const c = src.cols;
  if (src.kind === 'reader') {
    src.read(ids, out);
    return;
  }
  if (src.kind === 'file') {
    for (let r = 0; r < ids.length; r++) readFileRow(src, ids[r]!, out, r * c);
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

/** Sorted distinct image indices of `top` (the union of all neurons' top images). */
export function unionOf(top: Int32Array): Int32Array {
  const order = Int32Array.from(top).sort();
  let u = 0;
  for (let j = 0; j < order.length; j++) if (j === 0 || order[j] !== order[j - 1]) order[u++] = order[j]!;
  return order.slice(0, u);
}

/**
 * Running state of L for a group of neurons while the union of top images is walked block by
 * block: per neuron, its (union position, rank) pairs sorted by position, the running float64
 * product of terms not yet logged, and the sum of logs so far.
 */
export interface Accumulator {
  g: number;
  c: number;
  spec: KernelSpec;
  pairs: Float64Array;
  next: Int32Array;
  pending: Int32Array;
  product: Float64Array;
  logSum: Float64Array;
  /** The WebAssembly SIMD products (simd.ts), when `product` lives in its memory at byte `productAddress`. */
  simd: { mul4: (...args: number[]) => void; mul1: (...args: number[]) => void; logRow: (p: number, n: number) => number } | null;
  productAddress: number;
  memory: ArrayBufferLike | null;
  /** logSum is product: each product becomes its log once, in place (see SimdPlace) */
  inPlace: boolean;
}

/** Where an accumulator's running products live when the SIMD kernel multiplies them. */
export interface SimdPlace {
  module: WasmModule;
  memory: WasmMemory;
  /** byte address of this accumulator's G x C float64 products in `memory` */
  productAddress: number;
  /** The products are the result itself (`out` of accInit, at productAddress): each takes its
   * one log in place (needs spec.chunk >= spec.topK, one log per (neuron, concept)). */
  inPlace?: boolean;
}

/** An accumulator for the neurons of `top` (G x topK); `union` must hold all their images;
 * pairs before union position `lo` are skipped. Memory: 2 x G x C float64. The sums of logs
 * (the result) go to `out` when given (G x C, e.g. a view of shared memory: no copy at the end). */
export function accInit(
  top: Int32Array,
  union: Int32Array,
  c: number,
  spec: KernelSpec,
  lo: number,
  place?: SimdPlace,
  out?: Float64Array,
): Accumulator {
  const topK = spec.topK;
  const g = top.length / topK;
  const pos = new Map<number, number>();
  for (let j = 0; j < union.length; j++) pos.set(union[j]!, j);
  const pairs = new Float64Array(top.length); // position * topK + rank, sorted per neuron
  for (let n = 0; n < g; n++) {
    for (let r = 0; r < topK; r++) pairs[n * topK + r] = pos.get(top[n * topK + r]!)! * topK + r;
    pairs.subarray(n * topK, (n + 1) * topK).sort();
  }
  const next = new Int32Array(g); // per neuron, its first pair not yet used
  for (let n = 0; n < g; n++) {
    let j = n * topK;
    while (j < (n + 1) * topK && pairs[j]! < lo * topK) j++;
    next[n] = j;
  }
  let simd: Accumulator['simd'] = null;
  let product: Float64Array;
  const inPlace = !!place && place.inPlace === true;
  if (inPlace && spec.chunk < topK) throw new Error('products kept in place need one log per (neuron, concept): chunk >= top_k');
  if (place) {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const exports = new wasm.Instance(place.module, { env: { memory: place.memory } }).exports;
    simd = exports as unknown as NonNullable<Accumulator['simd']>;
    product = new Float64Array(place.memory.buffer, place.productAddress, g * c).fill(1);
  } else {
    product = new Float64Array(g * c).fill(1);
  }
  return {
    g,
    c,
    spec,
    pairs,
    next,
    pending: new Int32Array(g),
    product,
    logSum: inPlace ? product : out ? out.fill(0) : new Float64Array(g * c),
    simd,
    productAddress: place ? place.productAddress : 0,
    memory: place ? place.memory.buffer : null,
    inPlace,
  };
}

/**
 * Multiplies in the terms of union rows start..end-1, whose softmax rows are q (row j at
 * (j - start) * c), scaled by invSum[j - start] when given (q then holds unnormalised exps).
 * Per neuron, up to four terms are multiplied together before touching its running product,
 * and a log is taken once per `chunk` terms (a sum of logs is the log of a product).
 *
 * Concepts are taken a tile at a time (TILE float64 products: 16 KB, in the core's L1
 * cache), every neuron's terms of the block for one tile before the next: each neuron's
 * products are then read from memory and written back once per block, not once per four
 * terms, which halves the memory traffic of this step. Each tile replays the same sequence of
 * terms and logs per neuron, so the result does not depend on the tiling.
 */
export function accBlock(st: Accumulator, q: Float32Array, invSum: Float64Array | null, start: number, end: number): void {
  const { g, c, pairs, next, pending, product } = st;
  const { topK, base, weight, chunk } = st.spec;
  const TILE = 2048; // a multiple of the SIMD kernel's step (8)
  // The SIMD kernel takes concepts eight at a time from q in its own memory, with terms in
  // float32 (where the spec allows: see f32Terms); the concepts past the last multiple of
  // eight are done here, in the same float32 arithmetic (Math.fround).
  const simd = st.simd && st.spec.f32Terms && q.buffer === st.memory ? st.simd : null;
  const k0 = simd ? c & ~7 : 0;
  const f = simd ? Math.fround : (x: number): number => x;
  const qa = q.byteOffset;
  const qs = new Int32Array(4);
  const bs = new Float64Array(4);
  const ws = new Float64Array(4);
  for (let t0 = 0; t0 < c; t0 += TILE) {
    const t1 = Math.min(c, t0 + TILE);
    // concepts t0..s1-1 by the SIMD kernel, s0..t1-1 here
    const s1 = Math.min(t1, k0), s0 = Math.max(t0, s1);
    const sn = s1 - t0;
    for (let n = 0; n < g; n++) {
      const o = n * c;
      const pa = st.productAddress + (o + t0) * 8;
      let j = next[n]!;
      let pend = pending[n]!;
      const last = (n + 1) * topK;
      while (j < last && pairs[j]! < end * topK) {
        // up to four terms at once, without letting the product pass `chunk` terms
        const most = Math.min(4, chunk - pend);
        let avail = 0;
        while (avail < most && j + avail < last && pairs[j + avail]! < end * topK) avail++;
        // four at once, else one or two (of three: two now, the third next round)
        const take = avail === 3 ? 2 : avail;
        // each term's offset in q, base and weight (1 / the row's softmax sum folded in)
        for (let x = 0; x < take; x++) {
          const e = pairs[j + x]!, r = e % topK | 0, at = (((e - r) / topK - start) * c) | 0;
          qs[x] = at;
          bs[x] = f(base[r]!);
          ws[x] = f(weight[r]! * (invSum ? invSum[at / c]! : 1));
        }
        const q0 = qs[0]!, b0 = bs[0]!, w0 = ws[0]!, q1 = qs[1]!, b1 = bs[1]!, w1 = ws[1]!;
        if (take === 4) {
          const q2 = qs[2]!, b2 = bs[2]!, w2 = ws[2]!, q3 = qs[3]!, b3 = bs[3]!, w3 = ws[3]!;
          if (simd && sn > 0) {
            const qt = qa + t0 * 4;
            simd.mul4(pa, qt + q0 * 4, qt + q1 * 4, qt + q2 * 4, qt + q3 * 4, b0, w0, b1, w1, b2, w2, b3, w3, sn);
          }
          for (let k = s0; k < t1; k++) {
            const u0 = f(b0 + f(w0 * q[q0 + k]!)), u1 = f(b1 + f(w1 * q[q1 + k]!));
            const u2 = f(b2 + f(w2 * q[q2 + k]!)), u3 = f(b3 + f(w3 * q[q3 + k]!));
            product[o + k]! *= f(f(u0 * u1) * f(u2 * u3));
          }
        } else {
          if (simd && sn > 0) {
            simd.mul1(pa, qa + (q0 + t0) * 4, b0, w0, sn);
            if (take === 2) simd.mul1(pa, qa + (q1 + t0) * 4, b1, w1, sn);
          }
          if (take === 2) {
            for (let k = s0; k < t1; k++) product[o + k] = product[o + k]! * f(b0 + f(w0 * q[q0 + k]!)) * f(b1 + f(w1 * q[q1 + k]!));
          } else {
            for (let k = s0; k < t1; k++) product[o + k]! *= f(b0 + f(w0 * q[q0 + k]!));
          }
        }
        j += take;
        pend += take;
        if (pend === chunk) {
          takeLogs(st, o + t0, o + t1);
          pend = 0;
        }
      }
      if (t1 === c) {
        next[n] = j;
        pending[n] = pend;
      }
    }
  }
}

/**
 * Unnormalised softmax rows exp(a P[ids[r]] - max) of a dense P (rows of `c` values in
 * `data`, or a file source's rows, read straight into the stage) by the SIMD kernel's softmaxRow, written to byte address `outAddress` of its memory
 * (row r at outAddress + 4 r c), and nothing past its rows. Each row is staged at
 * `stageAddress`, padded with -Infinity to `paddedC` values (a multiple of the kernel's step),
 * with a scratch row of paddedC values after it. Returns 1 / each row's sum.
 */
export function simdSoftmaxInto(
  st: Accumulator,
  data: Float32Array | FileRows,
  c: number,
  ids: Int32Array,
  stageAddress: number,
  paddedC: number,
  outAddress: number,
  a: number,
): Float64Array {
  const softmaxRow = (st.simd as unknown as { softmaxRow: (p: number, q: number, n: number, a: number) => number }).softmaxRow;
  const stage = new Float32Array(st.memory!, stageAddress, paddedC);
  stage.fill(-Infinity, c);
  const invSum = new Float64Array(ids.length);
  for (let r = 0; r < ids.length; r++) {
    if (data instanceof Float32Array) stage.set(data.subarray(ids[r]! * c, (ids[r]! + 1) * c));
    else readFileRow(data, ids[r]!, stage, 0);
    // A row is written paddedC values long: the next rows' first values are overwritten
    // then rewritten, but past this share's last row they may belong to another thread's
    // rows, so a row whose write would reach past it goes through a scratch row just after
    // the stage (the last one, or more when paddedC exceeds 2 c).
    const lastPadded = paddedC !== c && r * c + paddedC > ids.length * c;
    const target = lastPadded ? stageAddress + paddedC * 4 : outAddress + r * c * 4;
    const sum = softmaxRow(stageAddress, target, paddedC, a);
    if (lastPadded) new Float32Array(st.memory!, outAddress + r * c * 4, c).set(new Float32Array(st.memory!, target, c));
    if (!(sum > 0 && sum < Infinity)) {
      throw new Error(`concept activations of image ${ids[r]} are not finite (NaN or infinite values in its row of P)`);
    }
    invSum[r] = 1 / sum;
  }
  return invSum;
}

/**
 * logSum[k] += ln product[k], then product[k] = 1 (in place: product[k] = ln product[k]), for k in from..to-1: by the SIMD kernel's
 * logRow where the products live in its memory (about 3x faster than Math.log), eight at a
 * time; the rest, and any run holding a value logRow does not take (zero, NaN, infinite,
 * subnormal), by Math.log.
 */
export function takeLogs(st: Accumulator, from: number, to: number): void {
  const { product, logSum } = st;
  let k = from;
  const n = (to - from) & ~7;
  if (st.inPlace) {
    // logRow leaves the run as it was when it does not take it
    if (st.simd && n > 0 && st.simd.logRow(st.productAddress + from * 8, n)) k += n;
    for (; k < to; k++) product[k] = Math.log(product[k]!);
    return;
  }
  if (st.simd && n > 0 && st.simd.logRow(st.productAddress + from * 8, n)) {
    for (; k < from + n; k++) {
      logSum[k]! += product[k]!;
      product[k] = 1;
    }
  }
  for (; k < to; k++) {
    logSum[k]! += Math.log(product[k]!);
    product[k] = 1;
  }
}

/** Takes the logs of the products still pending; returns L (G x C). */
export function accFinish(st: Accumulator): Float64Array {
  const { g, c, pending, logSum } = st;
  for (let n = 0; n < g; n++) if (pending[n] !== 0) takeLogs(st, n * c, (n + 1) * c);
  return logSum;
}

/**
 * L[g, c] = sum_r log(base[r] + weight[r] * softmax(a * P[top[g, r]])[c]) for the neurons of
 * `top` (G x topK). Walks the union of their top images block by block, computing the exps of
 * each block's rows here (see accBlock for the products).
 * Memory: 2 x G x C float64, plus a block of rows.
 */
export function logLikelihoods(
  src: RowSource,
  top: Int32Array,
  spec: KernelSpec,
  onRows: ((done: number, total: number) => void) | undefined,
  part?: { index: number; of: number },
): Float64Array {
  const { a } = spec;
  const c = src.cols;
  const { whole, frac } = expTables();
  const union = unionOf(top);
  // With `part`, only its share of the union (a contiguous range) is walked: the result is
  // then a partial sum, to be added to the other parts'.
  const lo = part ? Math.floor((part.index * union.length) / part.of) : 0;
  const hi = part ? Math.floor(((part.index + 1) * union.length) / part.of) : union.length;
  const st = accInit(top, union, c, spec, lo);
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
    accBlock(st, q, invSum, start, end);
    if (onRows) onRows(end - lo, hi - lo);
  }
  return accFinish(st);
}

/**
 * lambda * log(mean exp) of a tile's columns from their maxima and sums of exp(v - max), into
 * `out` (which may be `sum`); a column of -Infinity gives -Infinity.
 */
export function priorOfTile(max: Float64Array, sum: Float64Array, out: Float64Array, w: number, lam: number, logK: number): void {
  for (let j = 0; j < w; j++) out[j] = lam * (max[j] === -Infinity ? -Infinity : max[j]! + Math.log(sum[j]!) - logK);
}

/**
 * S = L - lambda * prior, prior[c] = logsumexp_k(L[k, c]) - log(K), over all K rows of L (the
 * neurons scored together). Written in place into `l`, for concepts c0..c1-1 (each concept's
 * prior is its own: threads can take a range each, parallel.ts).
 */
export function subtractPrior(l: Float64Array, k: number, c: number, lam: number, c0 = 0, c1 = c): Float64Array {
  const logK = Math.log(k);
  // exp(v - max) <= 1 from tables, as expRow does (relative error ~1e-14; Math.exp costs ~3x)
  const { whole, frac } = expTables();
  const limit = 746 * 1024;
  // A tile of concepts at a time, over all K rows (K x TILE float64 stays in cache for the
  // three passes): L is read from memory once and written once. Within a tile, sums run over
  // i = 0..K-1 in order, as column by column.
  const TILE = Math.max(8, Math.min(c, Math.floor((1 << 17) / Math.max(1, k))));
  const max = new Float64Array(TILE);
  const sum = new Float64Array(TILE);
  for (let t0 = c0; t0 < c1; t0 += TILE) {
    const w = Math.min(TILE, c1 - t0);
    max.fill(-Infinity);
    sum.fill(0);
    for (let i = 0; i < k; i++) {
      const o = i * c + t0;
      for (let j = 0; j < w; j++) {
        const v = l[o + j]!;
        if (v > max[j]! || v !== v) max[j] = Math.max(max[j]!, v);
      }
    }
    for (let i = 0; i < k; i++) {
      const o = i * c + t0;
      for (let j = 0; j < w; j++) {
        // u = (max - v) * 1024 >= 0: whole units, 1/1024ths, and a remainder r in (-1/1024, 0]
        const u = (max[j]! - l[o + j]!) * 1024;
        let e: number;
        if (u < limit) {
          const b = u | 0;
          const r = (b - u) * (1 / 1024);
          e = whole[b >> 10]! * frac[b & 1023]! * (1 + r * (1 + r * (0.5 + r * (1 / 6))));
        } else {
          e = u !== u ? NaN : 0; // NaN stays NaN, as with Math.exp; below e^-746 is 0
        }
        sum[j]! += e;
      }
    }
    // sum now holds lambda * prior
    priorOfTile(max, sum, sum, w, lam, logK);
    for (let i = 0; i < k; i++) {
      const o = i * c + t0;
      for (let j = 0; j < w; j++) l[o + j]! -= sum[j]!;
    }
  }
  return l;
}

/**
 * subtractPrior by the SIMD kernel's priorSums and subtractRows (simd.ts), for L in the
 * kernel's memory (`l.buffer`), with three vectors of 4096 float64 scratch (simd.ts
 * PRIOR_MAX_TILE) at byte address `scratch`: the same passes, in the same order per value,
 * with exps of the same accuracy, at about a quarter of the time. Tiles are even, so only the
 * last concept of the range may be left over: subtractPrior takes it.
 */
export function subtractPriorSimd(
  l: Float64Array,
  k: number,
  c: number,
  lam: number,
  c0: number,
  c1: number,
  simd: { priorSums: (...args: number[]) => void; subtractRows: (...args: number[]) => void },
  scratch: number,
): Float64Array {
  const logK = Math.log(k);
  // K x TILE float64 (up to 1 MB) stays in cache for the passes; even, at most 4096
  const TILE = Math.max(2, Math.min(4096, Math.floor((1 << 17) / Math.max(1, k)))) & ~1;
  const max = new Float64Array(l.buffer, scratch, TILE);
  const sum = new Float64Array(l.buffer, scratch + TILE * 8, TILE);
  const prior = new Float64Array(l.buffer, scratch + 2 * TILE * 8, TILE);
  const base = l.byteOffset;
  const even = c0 + ((c1 - c0) & ~1);
  for (let t0 = c0; t0 < even; t0 += TILE) {
    const w = Math.min(TILE, even - t0);
    simd.priorSums(base + t0 * 8, c * 8, k, w, scratch, scratch + TILE * 8);
    priorOfTile(max, sum, prior, w, lam, logK);
    simd.subtractRows(base + t0 * 8, c * 8, k, w, scratch + 2 * TILE * 8);
  }
  if (even < c1) subtractPrior(l, k, c, lam, even, c1);
  return l;
}

/**
 * The prior of concepts c0..c1-1 subtracted from L in place: by the SIMD kernels where L lives
 * in a memory of theirs (`place`: the compiled module, that memory, and this thread's scratch
 * in it), else by subtractPrior.
 */
export function subtractPriorIn(
  l: Float64Array,
  k: number,
  c: number,
  lam: number,
  c0: number,
  c1: number,
  place?: { module: WasmModule; memory: WasmMemory; scratch: number },
): Float64Array {
  if (!place) return subtractPrior(l, k, c, lam, c0, c1);
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const simd = new wasm.Instance(place.module, { env: { memory: place.memory } }).exports;
  return subtractPriorSimd(l, k, c, lam, c0, c1, simd as unknown as Parameters<typeof subtractPriorSimd>[6], place.scratch);
}
