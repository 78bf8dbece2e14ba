/**
 * The hot loops of soft_wpmi/wpmi as WebAssembly SIMD functions (JavaScript does one value at
 * a time, with a bounds check per array access). The module is tiny, so it is assembled here
 * byte by byte (no WebAssembly toolchain needed at build time).
 *
 *   mul4(p, q0, q1, q2, q3, b0, w0, b1, w1, b2, w2, b3, w3, n):
 *     for k < n: P[k] *= ((b0 + w0 Q0[k]) (b1 + w1 Q1[k])) ((b2 + w2 Q2[k]) (b3 + w3 Q3[k]))
 *   mul1(p, q0, b0, w0, n):  P[k] *= b0 + w0 Q0[k]
 *     p: byte address of float64 P, q*: byte addresses of float32 rows; n a multiple of
 *     PRODUCT_STEP. Terms and the product of four are float32 (b, w rounded to float32; the
 *     reference's own terms are float32), widened to float64 for the running product.
 *
 *   softmaxRow(p, q, n, a) -> sum:  Q[k] = exp(a P[k] - max_k a P[k]) in float32 (P float32,
 *     n a multiple of 4 x SOFTMAX_UNROLL: pad with -Infinity), returns the float64 sum of the Q[k] written.
 *     x = a P - max is rounded to float32 as the reference's softmax(a * P) rounds it; exp(x) =
 *     2^(x log2 e) by rounding to an integer n and a degree-6 polynomial for 2^f, f in
 *     [-1/2, 1/2]: error at most ~2e-7 of the row's largest value (1), relative error
 *     ~1.5e-7 + 6e-8 |x|. Arguments below -87 are taken as -87 (exp ~ 1.6e-38, nil next to 1).
 *     NaN or +Infinity in a row makes the sum NaN. With relaxed SIMD the polynomial takes
 *     fused multiply-adds.
 *
 *   logRow(p, n) -> ok:  P[k] = ln P[k] (float64), see logBody.
 *
 * Memory is imported (shared), so worker threads can all use one.
 */

import { setFlagsFromString } from 'node:v8';

export interface SimdKernel {
  mul4(
    p: number, q0: number, q1: number, q2: number, q3: number,
    b0: number, w0: number, b1: number, w1: number, b2: number, w2: number, b3: number, w3: number,
    n: number,
  ): void;
  mul1(p: number, q0: number, b0: number, w0: number, n: number): void;
  softmaxRow(p: number, q: number, n: number, a: number): number;
  logRow(p: number, n: number): number;
  priorSums(l: number, stride: number, k: number, w: number, m: number, s: number): void;
  subtractRows(l: number, stride: number, k: number, w: number, p: number): void;
}

/** The parts of the WebAssembly API used here (this project's TypeScript libs do not declare it). */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
export type WasmModule = object;
export interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (m: WasmModule, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;


/** Largest memory (in 64 KiB pages) the module accepts: 4 GiB, wasm32's limit. */
export const SIMD_MAX_PAGES = 65536;

const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
const str = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// instructions
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
const V128_LOAD = (align: number): number[] => simd(0x00, align, 0);
const V128_LOAD_AT = (align: number, offset: number): number[] => simd(0x00, align, ...uleb(offset));
const V128_STORE_AT = (offset: number): number[] => simd(0x0b, 3, ...uleb(offset));
const F32_DEMOTE = 0xb6;
const PROMOTE = simd(0x5f);
const ADD = simd(0xf0);
const MUL = simd(0xf2);
/** i32.const takes a signed LEB128 (non-negative values here) */
const i32const = (k: number): number[] => (k < 64 ? [0x41, k] : [0x41, (k & 0x7f) | 0x80, ...sleb(k >> 7)]);
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}
const addI32 = (local: number, k: number): number[] => [...get(local), ...i32const(k), 0x6a, ...set(local)];

/**
 * `while (ptr < end) { body; ptr += step }` written as a guarded do-while. The shape matters
 * to V8's optimising compiler: it hoists loop-invariant values (splatted constants, the row
 * max) out of a loop only from blocks that dominate the loop's exit. With the exit test at
 * the top, the body does not, so every splat and the horizontal max were recomputed per
 * iteration (about 3x the work of the exp itself).
 */
const whileBelow = (ptr: number, end: number, step: number, body: number[]): number[] => [
  0x02, 0x40, ...get(ptr), ...get(end), 0x4f, 0x0d, 0, // block; if ptr >= end skip
  0x03, 0x40, ...body, ...addI32(ptr, step), ...get(ptr), ...get(end), 0x49, 0x0d, 0, 0x0b, // loop ... while ptr < end
  0x0b,
];

const f32const = (v: number): number[] => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];
const F32_SPLAT = simd(0x13);
const F32_MUL = simd(0xe6);
const F32_ADD = simd(0xe4);
const F32_SUB = simd(0xe5);
const F32_PMAX = simd(0xeb);
const I32_ADD = simd(0xae);
const I32_SHL = simd(0xab);
const I32_SPLAT = simd(0x11);
/** i8x16.shuffle moving lanes 2, 3 of an f32x4 to lanes 0, 1 */
const HIGH_TO_LOW = simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
const F64_EXTRACT = (lane: number): number[] => simd(0x21, lane);
/** i8x16.shuffle of one f32x4 (given twice) taking lanes l0..l3 */
const LANES = (...lanes: number[]): number[] => simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));

/** Concepts per iteration of the product kernels (n: a multiple of this). */
export const PRODUCT_STEP = 8;

/**
 * Body of a function with params (p, q[0..m-1], then b,w pairs, then n): `m` terms per
 * element, each term b + w Q in float32 (b, w rounded to float32 once), the m terms multiplied
 * in float32, and their product widened to float64 and multiplied into P. Eight concepts per
 * iteration (two f32x4 of terms, four f64x2 of P), so the pointer updates are shared.
 * Locals after the params: pend (i32), then 2m v128 splats of b and w, then m term vectors.
 */
function productBody(m: number): number[] {
  const P = 0;
  const q = (i: number): number => 1 + i;
  const b = (i: number): number => 1 + m + 2 * i;
  const w = (i: number): number => 2 + m + 2 * i;
  const N = 1 + 3 * m;
  const PEND = N + 1;
  const vb = (i: number): number => PEND + 1 + 2 * i;
  const vw = (i: number): number => PEND + 2 + 2 * i;
  const T = PEND + 1 + 2 * m; // the product of a vector's terms
  const code: number[] = [];
  for (let i = 0; i < m; i++) {
    code.push(...get(b(i)), F32_DEMOTE, ...F32_SPLAT, ...set(vb(i)), ...get(w(i)), F32_DEMOTE, ...F32_SPLAT, ...set(vw(i)));
  }
  code.push(...get(P), ...get(N), ...i32const(3), 0x74, 0x6a, ...set(PEND)); // pend = p + 8n
  const term = (i: number, half: number): number[] => [...get(vb(i)), ...get(vw(i)), ...get(q(i)), ...V128_LOAD_AT(2, 16 * half), ...F32_MUL, ...F32_ADD];
  const body: number[] = [];
  for (let half = 0; half < 2; half++) {
    if (m === 4) body.push(...term(0, half), ...term(1, half), ...F32_MUL, ...term(2, half), ...term(3, half), ...F32_MUL, ...F32_MUL, ...set(T));
    else body.push(...term(0, half), ...set(T));
    // P[4 half .. 4 half + 1] *= low two products; P[4 half + 2 ..] *= high two
    body.push(...get(P), ...get(P), ...V128_LOAD_AT(3, 32 * half), ...get(T), ...PROMOTE, ...MUL, ...V128_STORE_AT(32 * half));
    body.push(...get(P), ...get(P), ...V128_LOAD_AT(3, 32 * half + 16), ...get(T), ...get(T), ...HIGH_TO_LOW, ...PROMOTE, ...MUL, ...V128_STORE_AT(32 * half + 16));
  }
  for (let i = 0; i < m; i++) body.push(...addI32(q(i), 32));
  code.push(...whileBelow(P, PEND, 64, body));
  code.push(0x0b); // end function
  const locals = vec([[...uleb(1), I32], [...uleb(2 * m + 1), V128]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

/** Vectors of 4 values done per iteration of softmaxRow's exp loop (a multiple of 4: they are
 * summed four by four; n: a multiple of 4 x this). */
export const SOFTMAX_UNROLL = 8;

/**
 * 2^f on [-1/2, 1/2] (f32 Horner, constant term 1): coefficients fitted for least relative
 * error, at most 1e-7 evaluated in float32.
 */
export const EXP2_POLY = [0.6931471824645996, 0.24022647738456726, 0.055503323674201965, 0.00961843691766262, 0.0013398875016719103, 0.00015353360504377633];

/** f32x4.relaxed_madd (relaxed SIMD): a * b + c, fused where the CPU has FMA. */
const F32_MADD = simd(0x105);

/** softmaxRow(p, q, n, a) -> f64; see the header. `fma`: the polynomial by relaxed_madd. */
function softmaxBody(fma: boolean): number[] {
  const P = 0, Q = 1, N = 2, A = 3;
  const END = 4, PTR = 5, OUT = 6; // i32
  const VA = 7, VM = 8, SUM = 9, S = 10; // v128
  const U = SOFTMAX_UNROLL;
  // per vector of an iteration: x (the argument, then f), y (x + MAGIC, then the result), z (2^f)
  const X = (i: number): number => 11 + 3 * i;
  const Y = (i: number): number => 12 + 3 * i;
  const Z = (i: number): number => 13 + 3 * i;
  // constants splatted once into locals (splatting inside the loop costs instructions)
  const MAGIC = 12582912; // 1.5 * 2^23: adding it rounds to an integer, kept in the low bits
  const constants = [-87, Math.LOG2E, MAGIC, 1, ...EXP2_POLY];
  const K = (v: number): number => 11 + 3 * U + constants.indexOf(v);
  const BIAS = 11 + 3 * U + constants.length; // i32x4 of 127 << 23
  const vconst = (v: number): number[] => [...f32const(v), ...F32_SPLAT];
  const c: number[] = [];
  for (const v of constants) c.push(...vconst(v), ...set(K(v)));
  c.push(...i32const(127 << 23), ...I32_SPLAT, ...set(BIAS));
  c.push(...get(A), ...F32_SPLAT, ...set(VA));
  c.push(...get(P), ...get(N), ...i32const(2), 0x74, 0x6a, ...set(END)); // end = p + 4n
  // pass 1: running max of P, two vectors per iteration; max(a P) = a max(P) for a > 0 (the
  // rounding of a x is monotonic in x). pmax (x < y ? y : x) skips a NaN instead of
  // propagating it (f32x4.max's NaN handling costs V8 several instructions), which is safe: a
  // NaN value still makes its exp, so the sum, NaN in pass 2.
  c.push(...vconst(-Infinity), ...set(VM), ...vconst(-Infinity), ...set(S), ...get(P), ...set(PTR));
  c.push(...whileBelow(PTR, END, 32, [
    ...get(VM), ...get(PTR), ...V128_LOAD(2), ...F32_PMAX, ...set(VM),
    ...get(S), ...get(PTR), ...simd(0x00, 2, 16), ...F32_PMAX, ...set(S),
  ]));
  // horizontal max by shuffles, ending splatted to all lanes, then times a
  c.push(...get(VM), ...get(S), ...F32_PMAX, ...set(VM));
  c.push(...get(VM), ...get(VM), ...get(VM), ...LANES(2, 3, 2, 3), ...F32_PMAX, ...set(VM));
  c.push(...get(VM), ...get(VM), ...get(VM), ...LANES(1, 1, 1, 1), ...F32_PMAX, ...set(VM));
  c.push(...get(VM), ...get(VM), ...LANES(0, 0, 0, 0), ...get(VA), ...F32_MUL, ...set(VM));
  // pass 2: y = exp(max(a P - max, -87)) = 2^n 2^f, stored; U vectors per iteration, added
  // in float32 four by four and then into the float64 sum. Each step is written for all U
  // vectors before the next: V8 keeps the order, and one vector's chain of ~20 dependent
  // operations at a time left the CPU waiting on their latency (~1.4x slower).
  c.push(...get(P), ...set(PTR), ...get(Q), ...set(OUT));
  const body: number[] = [];
  const each = (step: (i: number) => number[]): void => {
    for (let i = 0; i < U; i++) body.push(...step(i));
  };
  // x = max(a P - max, -87) (pmax keeps a NaN x: it compares x < -87), rounded as a P - max
  // is in float32; then x = x log2 e
  each((i) => [...get(VA), ...get(PTR), ...simd(0x00, 2, ...uleb(16 * i)), ...F32_MUL, ...get(VM), ...F32_SUB, ...set(X(i))]);
  each((i) => [...get(X(i)), ...get(K(-87)), ...F32_PMAX, ...get(K(Math.LOG2E)), ...F32_MUL, ...set(X(i))]);
  // y = x + MAGIC holds n = round(x) in its low mantissa bits; x = f = x - n (exact), in [-1/2, 1/2]
  each((i) => [...get(X(i)), ...get(K(MAGIC)), ...F32_ADD, ...set(Y(i))]);
  each((i) => [...get(X(i)), ...get(Y(i)), ...get(K(MAGIC)), ...F32_SUB, ...F32_SUB, ...set(X(i))]);
  // 2^f by Horner
  const poly = EXP2_POLY;
  const last = poly.length - 1;
  each((i) => [...get(K(poly[last]!)), ...set(Z(i))]);
  for (let d = last - 1; d >= -1; d--) {
    const coef = K(d >= 0 ? poly[d]! : 1);
    each((i) => [...get(Z(i)), ...get(X(i)), ...(fma ? [...get(coef), ...F32_MADD] : [...F32_MUL, ...get(coef), ...F32_ADD]), ...set(Z(i))]);
  }
  // times 2^n: the float with bits (n << 23) + (127 << 23), n from y's low bits
  each((i) => [...get(Z(i)), ...get(Y(i)), ...i32const(23), ...I32_SHL, ...get(BIAS), ...I32_ADD, ...F32_MUL, ...set(Y(i))]);
  each((i) => [...get(OUT), ...get(Y(i)), ...simd(0x0b, 3, ...uleb(16 * i))]);
  // four vectors added in float32 (two roundings per value at most), then widened
  for (let i = 0; i < U; i += 4) {
    body.push(...get(Y(i)), ...get(Y(i + 1)), ...F32_ADD, ...get(Y(i + 2)), ...get(Y(i + 3)), ...F32_ADD, ...F32_ADD, ...set(S));
    body.push(...get(SUM), ...get(S), ...PROMOTE, ...ADD, ...get(S), ...get(S), ...HIGH_TO_LOW, ...PROMOTE, ...ADD, ...set(SUM));
  }
  body.push(...addI32(OUT, 16 * U));
  c.push(...whileBelow(PTR, END, 16 * U, body));
  c.push(...get(SUM), ...F64_EXTRACT(0), ...get(SUM), ...F64_EXTRACT(1), 0xa0); // f64.add
  c.push(0x0b);
  const locals = vec([[...uleb(3), I32], [...uleb(4 + 3 * U + constants.length + 1), V128]]);
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}

/** Values per iteration of logRow (n: a multiple of this). */
export const LOG_STEP = 8;

const v128Bytes = (a: Float64Array | BigInt64Array): number[] => simd(0x0c, ...new Uint8Array(a.buffer));
const F64_SPLAT_CONST = (v: number): number[] => v128Bytes(Float64Array.of(v, v));
const I64_SPLAT_CONST = (v: bigint): number[] => v128Bytes(BigInt64Array.of(v, v));
const F64_SUB = simd(0xf1);
const F64_DIV = simd(0xf3);
const F64_GT = simd(0x4a);
const F64_LE = simd(0x4b);
const F64_GE = simd(0x4c);
const V128_AND = simd(0x4e);
const V128_OR = simd(0x50);
const V128_BITSELECT = simd(0x52);
const I64_ALL_TRUE = simd(0xc3);
const I64_SHR_U = simd(0xcd);
const I64_ADD = simd(0xce);
const I64_SUB = simd(0xd1);

/**
 * logRow(p, n) -> ok: P[k] = ln P[k] for k < n (float64, n a multiple of LOG_STEP), when every
 * P[k] is a positive, normal, finite number; otherwise returns 0 and leaves P as it was (the
 * caller takes those logs itself). x = 2^e m with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s),
 * s = (m - 1) / (m + 1), |s| < 0.172, by its series to s^13 (the next term is below 2e-12 of
 * ln m): within 1e-12 of Math.log, at a third of its cost.
 */
function logBody(): number[] {
  const P = 0, N = 1;
  const END = 2, PTR = 3; // i32
  const OK = 4; // v128
  const U = LOG_STEP / 2;
  const X = (i: number): number => 5 + 3 * i; // bits, then m
  const E = (i: number): number => 6 + 3 * i; // exponent, then ln x
  const S = (i: number): number => 7 + 3 * i; // s, then s^2 in Z below
  const Z = (i: number): number => 5 + 3 * U + i;
  const consts: number[][] = [
    F64_SPLAT_CONST(2.2250738585072014e-308), // smallest normal
    F64_SPLAT_CONST(Number.MAX_VALUE),
    I64_SPLAT_CONST(0x000fffffffffffffn), // mantissa bits
    I64_SPLAT_CONST(0x3ff0000000000000n), // exponent bits of 1
    F64_SPLAT_CONST(Math.SQRT2),
    F64_SPLAT_CONST(0.5),
    I64_SPLAT_CONST(0x4330000000000000n), // 2^52: adding an integer's bits to it converts it
    F64_SPLAT_CONST(2 ** 52 + 1023),
    F64_SPLAT_CONST(1),
    F64_SPLAT_CONST(Math.LN2),
  ];
  // 2 / (2d + 1) for d = 0..8: ln m = s * sum_d c_d s^(2d)
  const series = Array.from({ length: 7 }, (_, d) => 2 / (2 * d + 1));
  const C0 = 5 + 4 * U;
  const K = (i: number): number => C0 + i;
  const MINN = K(0), MAXF = K(1), MANT = K(2), ONEBITS = K(3), SQRT2 = K(4), HALF = K(5), MAGIC = K(6), MAGICF = K(7), ONE = K(8), LN2 = K(9);
  const SER = (d: number): number => C0 + consts.length + d;
  const c: number[] = [];
  consts.forEach((v, i) => c.push(...v, ...set(K(i))));
  series.forEach((v, d) => c.push(...F64_SPLAT_CONST(v), ...set(SER(d))));
  c.push(...get(P), ...get(N), ...i32const(3), 0x74, 0x6a, ...set(END)); // end = p + 8n
  // pass 1: every value positive, normal and finite (NaN fails both comparisons)
  c.push(...I64_SPLAT_CONST(-1n), ...set(OK), ...get(P), ...set(PTR));
  c.push(...whileBelow(PTR, END, 16, [
    ...get(OK), ...get(PTR), ...V128_LOAD(3), ...get(MINN), ...F64_GE, ...get(PTR), ...V128_LOAD(3), ...get(MAXF), ...F64_LE,
    ...V128_AND, ...V128_AND, ...set(OK),
  ]));
  c.push(...get(OK), ...I64_ALL_TRUE, 0x45, 0x04, 0x40, ...i32const(0), 0x0f, 0x0b); // if (!all_true) return 0
  // pass 2: the logs, U vectors per iteration, each step for all of them before the next
  const body: number[] = [];
  const each = (step: (i: number) => number[]): void => {
    for (let i = 0; i < U; i++) body.push(...step(i));
  };
  each((i) => [...get(PTR), ...simd(0x00, 3, ...uleb(16 * i)), ...set(X(i))]);
  each((i) => [...get(X(i)), ...i32const(52), ...I64_SHR_U, ...set(E(i))]); // biased exponent
  each((i) => [...get(X(i)), ...get(MANT), ...V128_AND, ...get(ONEBITS), ...V128_OR, ...set(X(i))]); // m in [1, 2)
  // m > sqrt 2: m / 2 and e + 1 (the comparison's mask is -1)
  each((i) => [...get(X(i)), ...get(SQRT2), ...F64_GT, ...set(S(i))]);
  each((i) => [...get(X(i)), ...get(HALF), ...MUL, ...get(X(i)), ...get(S(i)), ...V128_BITSELECT, ...set(X(i))]);
  each((i) => [...get(E(i)), ...get(S(i)), ...I64_SUB, ...get(MAGIC), ...I64_ADD, ...get(MAGICF), ...F64_SUB, ...set(E(i))]);
  each((i) => [...get(X(i)), ...get(ONE), ...F64_SUB, ...get(X(i)), ...get(ONE), ...ADD, ...F64_DIV, ...set(S(i))]);
  each((i) => [...get(S(i)), ...get(S(i)), ...MUL, ...set(Z(i))]);
  each((i) => [...get(SER(series.length - 1)), ...set(X(i))]);
  for (let d = series.length - 2; d >= 0; d--) each((i) => [...get(X(i)), ...get(Z(i)), ...MUL, ...get(SER(d)), ...ADD, ...set(X(i))]);
  each((i) => [...get(PTR), ...get(X(i)), ...get(S(i)), ...MUL, ...get(E(i)), ...get(LN2), ...MUL, ...ADD, ...simd(0x0b, 3, ...uleb(16 * i))]);
  c.push(...get(P), ...set(PTR));
  c.push(...whileBelow(PTR, END, 16 * U, body));
  c.push(...i32const(1), 0x0b);
  const locals = vec([[...uleb(2), I32], [...uleb(1 + 4 * U + consts.length + series.length), V128]]);
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}

/** 2^f on [-1/2, 1/2], float64 Horner, constant term 1: relative error below 2e-14. */
const EXP2_POLY_F64 = [
  0.6931471805598843, 0.24022650695723247, 0.055504108668423646, 0.009618129181047888, 0.001333355762343538,
  0.00015403440976645736, 1.5252991586303041e-5, 1.3258313995647835e-6, 1.014797882824292e-7,
];
const F64_MAX = simd(0xf5);
const F64_PMAX = simd(0xf7);
const F64_NEAREST = simd(0x94);
const I64_SHL = simd(0xcb);

/**
 * Loops over a K x w block of a row-major float64 matrix whose rows are `stride` bytes apart
 * (w even): rows in order, each row's values two at a time, with pointers to w-value vectors
 * of scratch alongside (the same element of each).
 */
function rowsOfBlock(
  lp: number, stride: number, k: number, w: number, row: number, rowEnd: number, ptr: number, end: number,
  vecPtrs: number[], vecBases: number[], body: number[],
): number[] {
  const inner = [...body];
  for (const v of vecPtrs) inner.push(...addI32(v, 16));
  return [
    ...get(lp), ...set(row),
    ...get(lp), ...get(k), ...get(stride), 0x6c, 0x6a, ...set(rowEnd), // rowEnd = lp + k stride
    ...whileBelow(row, rowEnd, 0, [
      ...get(row), ...set(ptr), ...get(row), ...get(w), ...i32const(3), 0x74, 0x6a, ...set(end), // end = row + 8w
      ...vecPtrs.flatMap((v, i) => [...get(vecBases[i]!), ...set(v)]),
      ...whileBelow(ptr, end, 16, inner),
      ...get(row), ...get(stride), 0x6a, ...set(row),
    ]),
  ];
}

/**
 * priorSums(l, stride, k, w, m, s): for the K x w block at byte address l (rows `stride` bytes
 * apart, w even), M[j] = max_i L[i, j] (NaN if any is NaN) and S[j] = sum_i exp(L[i, j] - M[j]),
 * rows added in order, as subtractPrior does. exp(x) = 2^n 2^f with a degree-9 polynomial
 * (relative error below 2e-14, as subtractPrior's tables); x below -708 is taken as -708.
 */
function priorSumsBody(): number[] {
  const L = 0, STRIDE = 1, K = 2, W = 3, M = 4, S = 5;
  const ROW = 6, ROWEND = 7, PTR = 8, END = 9, MP = 10, SP = 11; // i32
  const X = 12, F = 13, Y = 14; // v128
  const consts = [-708, Math.LOG2E, 6755399441055744, 1, ...EXP2_POLY_F64];
  const C = (v: number): number => 15 + consts.indexOf(v);
  const BIAS = 15 + consts.length; // i64x2 of 1023
  const c: number[] = [];
  consts.forEach((v) => c.push(...F64_SPLAT_CONST(v), ...set(C(v))));
  c.push(...I64_SPLAT_CONST(1023n), ...set(BIAS));
  // M = -Infinity, S = 0
  c.push(...get(M), ...set(MP), ...get(S), ...set(SP), ...get(M), ...get(W), ...i32const(3), 0x74, 0x6a, ...set(END));
  c.push(...whileBelow(MP, END, 16, [
    ...get(MP), ...F64_SPLAT_CONST(-Infinity), ...V128_STORE_AT(0), ...get(SP), ...F64_SPLAT_CONST(0), ...V128_STORE_AT(0), ...addI32(SP, 16),
  ]));
  // pass 1: the maxima (f64x2.max propagates NaN, as Math.max does)
  c.push(...rowsOfBlock(L, STRIDE, K, W, ROW, ROWEND, PTR, END, [MP], [M], [
    ...get(MP), ...get(MP), ...V128_LOAD(3), ...get(PTR), ...V128_LOAD(3), ...F64_MAX, ...V128_STORE_AT(0),
  ]));
  // pass 2: the sums of exps
  const poly = EXP2_POLY_F64;
  const expBody: number[] = [
    ...get(PTR), ...V128_LOAD(3), ...get(MP), ...V128_LOAD(3), ...F64_SUB, ...get(C(-708)), ...F64_PMAX,
    ...get(C(Math.LOG2E)), ...MUL, ...set(X),
    ...get(X), ...F64_NEAREST, ...set(Y), // n
    ...get(X), ...get(Y), ...F64_SUB, ...set(F), // f = x log2 e - n, in [-1/2, 1/2]
    ...get(C(poly[poly.length - 1]!)), ...set(X),
  ];
  for (let d = poly.length - 2; d >= -1; d--) expBody.push(...get(X), ...get(F), ...MUL, ...get(C(d >= 0 ? poly[d]! : 1)), ...ADD, ...set(X));
  // times 2^n: n + 1.5 2^52 holds n in its low bits; (n + 1023) << 52 is 2^n's bits
  expBody.push(...get(X), ...get(Y), ...get(C(6755399441055744)), ...ADD, ...get(BIAS), ...I64_ADD, ...i32const(52), ...I64_SHL, ...MUL, ...set(X));
  expBody.push(...get(SP), ...get(SP), ...V128_LOAD(3), ...get(X), ...ADD, ...V128_STORE_AT(0));
  c.push(...rowsOfBlock(L, STRIDE, K, W, ROW, ROWEND, PTR, END, [MP, SP], [M, S], expBody));
  c.push(0x0b);
  const locals = vec([[...uleb(6), I32], [...uleb(3 + consts.length + 1), V128]]);
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}

/** subtractRows(l, stride, k, w, p): L[i, j] -= P[j] for the K x w block at l (w even). */
function subtractRowsBody(): number[] {
  const L = 0, STRIDE = 1, K = 2, W = 3, PR = 4;
  const ROW = 5, ROWEND = 6, PTR = 7, END = 8, PP = 9; // i32
  const c = rowsOfBlock(L, STRIDE, K, W, ROW, ROWEND, PTR, END, [PP], [PR], [
    ...get(PTR), ...get(PTR), ...V128_LOAD(3), ...get(PP), ...V128_LOAD(3), ...F64_SUB, ...V128_STORE_AT(0),
  ]);
  c.push(0x0b);
  const locals = vec([[...uleb(5), I32]]);
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}

function funcType(m: number): number[] {
  const params = [I32, ...Array<number>(m).fill(I32), ...Array<number>(2 * m).fill(F64), I32];
  return [0x60, ...uleb(params.length), ...params, 0];
}

/**
 * Whether relaxed SIMD's fused multiply-add can be had: WebAssembly standard since V8 11.4
 * (Node 22); Node 20 has it behind a V8 flag, which is turned on here for this process (it
 * only widens what modules may contain). Off with ATLAS_WASM_RELAXED_SIMD=0.
 */
let relaxed: boolean | undefined;
function relaxedSimd(): boolean {
  if (relaxed !== undefined) return relaxed;
  const probe = moduleBytes(true);
  relaxed = false;
  if (process.env.ATLAS_WASM_RELAXED_SIMD === '0' || wasm === undefined) return relaxed;
  try {
    if (!wasm.validate(probe)) setFlagsFromString('--experimental-wasm-relaxed-simd');
    relaxed = wasm.validate(probe);
  } catch {
    relaxed = false;
  }
  return relaxed;
}

function moduleBytes(fma: boolean): Uint8Array {
  const memoryImport = [...str('env'), ...str('memory'), 0x02, 0x03, ...uleb(1), ...uleb(SIMD_MAX_PAGES)];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([
      funcType(4), funcType(1), [0x60, 4, I32, I32, I32, F32, 1, F64], [0x60, 2, I32, I32, 1, I32],
      [0x60, 6, I32, I32, I32, I32, I32, I32, 0], [0x60, 5, I32, I32, I32, I32, I32, 0],
    ])),
    ...section(2, vec([memoryImport])),
    ...section(3, vec([[0], [1], [2], [3], [4], [5]])),
    ...section(7, vec([
      [...str('mul4'), 0x00, 0], [...str('mul1'), 0x00, 1], [...str('softmaxRow'), 0x00, 2], [...str('logRow'), 0x00, 3],
      [...str('priorSums'), 0x00, 4], [...str('subtractRows'), 0x00, 5],
    ])),
    ...section(10, vec([productBody(4), productBody(1), softmaxBody(fma), logBody(), priorSumsBody(), subtractRowsBody()])),
  ]);
}

/** The module's bytes (built once): with fused multiply-adds where the runtime has relaxed SIMD. */
let bytes: Uint8Array | undefined;
export function simdModuleBytes(): Uint8Array {
  bytes ??= moduleBytes(relaxedSimd());
  return bytes;
}

/** The module's bytes with or without fused multiply-adds (tests check both). */
export function simdModuleVariantBytes(fused: boolean): Uint8Array {
  if (fused && !relaxedSimd()) throw new Error('this runtime has no relaxed SIMD');
  return moduleBytes(fused);
}

/** Whether the module uses fused multiply-adds (relaxed SIMD). */
export function simdFused(): boolean {
  return relaxedSimd();
}

/** A shared memory of at least `byteLength` bytes for the module, or undefined above 4 GiB
 * (or when it cannot be had). */
export function simdMemory(byteLength: number): WasmMemory | undefined {
  const pages = Math.max(1, Math.ceil(byteLength / 65536));
  if (pages > SIMD_MAX_PAGES) return undefined;
  try {
    return new wasm.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return undefined; // no room for it: the caller goes without SIMD
  }
}

/** Concepts per tile of subtractPriorSimd at most (its scratch: three float64 vectors of this). */
export const PRIOR_MAX_TILE = 4096;
const PRIOR_SCRATCH_BYTES = 3 * PRIOR_MAX_TILE * 8;
/** Threads that may take the prior of one matrix at once (each has a scratch of its own). */
const PRIOR_MAX_THREADS = 16;

const matrixMemories = new WeakMap<ArrayBufferLike, WasmMemory>();

/**
 * A float64 matrix of `length` values in a shared WebAssembly memory of its own (zeroed), so
 * that the module's prior kernels can run on it from any thread; undefined where SIMD is not
 * supported or the memory cannot be had. After the matrix: one prior scratch per thread.
 */
export function simdMatrix(length: number): Float64Array | undefined {
  if (!simdSupported()) return undefined;
  const memory = simdMemory(align16(length * 8) + PRIOR_MAX_THREADS * PRIOR_SCRATCH_BYTES);
  if (!memory) return undefined;
  matrixMemories.set(memory.buffer, memory);
  return new Float64Array(memory.buffer, 0, length);
}

/** Where a matrix made by simdMatrix lives, and thread `thread`'s prior scratch in it. */
export function simdMatrixPlace(m: Float64Array, thread: number): { memory: WasmMemory; scratch: number } | undefined {
  const memory = matrixMemories.get(m.buffer);
  if (!memory || m.byteOffset !== 0 || thread >= PRIOR_MAX_THREADS) return undefined;
  return { memory, scratch: align16(m.length * 8) + thread * PRIOR_SCRATCH_BYTES };
}

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

let module: WasmModule | undefined;
/** The compiled module (once per thread; it can be posted to worker threads). */
export function simdModule(): WasmModule {
  module ??= new wasm.Module(simdModuleBytes());
  return module;
}

/** Whether this runtime runs the module (WebAssembly SIMD and shared memory). */
export function simdSupported(): boolean {
  try {
    return wasm !== undefined && wasm.validate(simdModuleBytes()) && typeof SharedArrayBuffer !== 'undefined';
  } catch {
    return false;
  }
}
