/**
 * The similarity kernels' function bodies, as WebAssembly bytecode (see simd.ts for the
 * module, and its header for what each function computes).
 */
import {
  ADD, F32_ADD, F32_DEMOTE, F32_MADD, F32_MUL, F32_PMAX, F32_SPLAT, F32_SUB, F64_DIV, F64_EXTRACT, F64_GE, F64_GT,
  F64_LE, F64_MAX, F64_NEAREST, F64_PMAX, F64_SPLAT_CONST, F64_SUB, HIGH_TO_LOW, I32, I32_ADD, I32_SHL, I32_SPLAT,
  I64_ADD, I64_ALL_TRUE, I64_SHL, I64_SHR_U, I64_SPLAT_CONST, I64_SUB, LANES, MUL, PROMOTE, V128, V128_AND,
  V128_BITSELECT, V128_LOAD, V128_LOAD_AT, V128_OR, V128_STORE_AT, addI32, f32const, get, i32const, rowsOfBlock, set,
  simd, uleb, vec, whileBelow,
} from './simd-asm.js';

/** Concepts per iteration of the product kernels (n: a multiple of this). */
export const PRODUCT_STEP = 8;

/**
 * Body of a function with params (p, q[0..m-1], then b,w pairs, then n): `m` terms per
 * element, each term b + w Q in float32 (b, w rounded to float32 once), the m terms multiplied
 * in float32, and their product widened to float64 and multiplied into P. Eight concepts per
 * iteration (two f32x4 of terms, four f64x2 of P), so the pointer updates are shared.
 * Locals after the params: pend (i32), then 2m v128 splats of b and w, then m term vectors.
 */
export function productBody(m: number): number[] {
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

/** softmaxRow(p, q, n, a) -> f64; see the header. `fma`: the polynomial by relaxed_madd. */
export function softmaxBody(fma: boolean): number[] {
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

/**
 * logRow(p, n) -> ok: P[k] = ln P[k] for k < n (float64, n a multiple of LOG_STEP), when every
 * P[k] is a positive, normal, finite number; otherwise returns 0 and leaves P as it was (the
 * caller takes those logs itself). x = 2^e m with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s),
 * s = (m - 1) / (m + 1), |s| < 0.172, by its series to s^13 (the next term is below 2e-12 of
 * ln m): within 1e-12 of Math.log, at a third of its cost.
 */
export function logBody(): number[] {
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
/**
 * priorSums(l, stride, k, w, m, s): for the K x w block at byte address l (rows `stride` bytes
 * apart, w even), M[j] = max_i L[i, j] (NaN if any is NaN) and S[j] = sum_i exp(L[i, j] - M[j]),
 * rows added in order, as subtractPrior does. exp(x) = 2^n 2^f with a degree-9 polynomial
 * (relative error below 2e-14, as subtractPrior's tables); x below -708 is taken as -708.
 */
export function priorSumsBody(): number[] {
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
export function subtractRowsBody(): number[] {
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
