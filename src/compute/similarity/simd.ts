/**
 * The inner loop of soft_wpmi/wpmi (accBlock's running products) as a WebAssembly SIMD
 * function: two concepts per f64x2 instruction, where JavaScript does one at a time with a
 * bounds check per array access. The module is tiny, so it is assembled here byte by byte
 * (no WebAssembly toolchain needed at build time). Arithmetic is the same float64 as the
 * JavaScript loop: term = base + weight * q (q float32 widened exactly), product *= terms.
 *
 *   mul4(p, q0, q1, q2, q3, b0, w0, b1, w1, b2, w2, b3, w3, n):
 *     for k < n: P[k] *= ((b0 + w0 Q0[k]) (b1 + w1 Q1[k])) ((b2 + w2 Q2[k]) (b3 + w3 Q3[k]))
 *   mul1(p, q0, b0, w0, n):  P[k] *= b0 + w0 Q0[k]
 * p: byte address of float64 P, q*: byte addresses of float32 rows; n even.
 *
 *   softmaxRow(p, q, n, a) -> sum:  Q[k] = exp(a P[k] - max_k a P[k]) in float32 (P float32,
 *     n a multiple of 4 x SOFTMAX_UNROLL: pad with -Infinity), returns the float64 sum of the Q[k] written.
 *     x = a P - max is rounded to float32 as the reference's softmax(a * P) rounds it; exp(x) =
 *     2^(x log2 e) by rounding to an integer n and a degree-6 polynomial for 2^f, f in
 *     [-1/2, 1/2]: error at most ~2e-7 of the row's largest value (1), relative error
 *     ~1.5e-7 + 6e-8 |x|. Arguments below -87 are taken as -87 (exp ~ 1.6e-38, nil next to 1).
 *     NaN or +Infinity in a row makes the sum NaN.
 * Memory is imported (shared), so worker threads can all use one.
 */

export interface SimdKernel {
  mul4(
    p: number, q0: number, q1: number, q2: number, q3: number,
    b0: number, w0: number, b1: number, w1: number, b2: number, w2: number, b3: number, w3: number,
    n: number,
  ): void;
  mul1(p: number, q0: number, b0: number, w0: number, n: number): void;
  softmaxRow(p: number, q: number, n: number, a: number): number;
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
const V128_STORE = simd(0x0b, 3, 0);
const LOAD64_ZERO = simd(0x5d, 3, 0);
const PROMOTE = simd(0x5f);
const SPLAT = simd(0x14);
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

/**
 * Body of a function with params (p, q[0..m-1], then b,w pairs, then n): `m` terms per
 * element. Locals after the params: pend (i32), then 2m v128 splats of b and w.
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
  const code: number[] = [];
  for (let i = 0; i < m; i++) code.push(...get(b(i)), ...SPLAT, ...set(vb(i)), ...get(w(i)), ...SPLAT, ...set(vw(i)));
  code.push(...get(P), ...get(N), ...i32const(3), 0x74, 0x6a, ...set(PEND)); // pend = p + 8n
  const term = (i: number): number[] => [...get(vb(i)), ...get(vw(i)), ...get(q(i)), ...LOAD64_ZERO, ...PROMOTE, ...MUL, ...ADD];
  const body: number[] = [...get(P), ...get(P), ...V128_LOAD(3)];
  if (m === 4) body.push(...term(0), ...term(1), ...MUL, ...term(2), ...term(3), ...MUL, ...MUL);
  else body.push(...term(0));
  body.push(...MUL, ...V128_STORE);
  for (let i = 0; i < m; i++) body.push(...addI32(q(i), 8));
  code.push(...whileBelow(P, PEND, 16, body));
  code.push(0x0b); // end function
  const locals = vec([[...uleb(1), I32], [...uleb(2 * m), V128]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

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

/** Vectors of 4 values done per iteration of softmaxRow's exp loop (a multiple of 4: they are
 * summed four by four; n: a multiple of 4 x this). */
export const SOFTMAX_UNROLL = 8;

/**
 * 2^f on [-1/2, 1/2] (f32 Horner, constant term 1): coefficients fitted for least relative
 * error, at most 1e-7 evaluated in float32.
 */
export const EXP2_POLY = [0.6931471824645996, 0.24022647738456726, 0.055503323674201965, 0.00961843691766262, 0.0013398875016719103, 0.00015353360504377633];

/** softmaxRow(p, q, n, a) -> f64; see the header. */
function softmaxBody(): number[] {
  const P = 0, Q = 1, N = 2, A = 3;
  const END = 4, PTR = 5, OUT = 6; // i32
  const VA = 7, VM = 8, SUM = 9, S = 10; // v128
  const U = SOFTMAX_UNROLL;
  const X = (i: number): number => 11 + 2 * i;
  const Y = (i: number): number => 12 + 2 * i;
  // constants splatted once into locals (splatting inside the loop costs instructions)
  const MAGIC = 12582912; // 1.5 * 2^23: adding it rounds to an integer, kept in the low bits
  const constants = [-87, Math.LOG2E, MAGIC, 1, ...EXP2_POLY];
  const K = (v: number): number => 11 + 2 * U + constants.indexOf(v);
  const BIAS = 11 + 2 * U + constants.length; // i32x4 of 127 << 23
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
  // in float32 four by four and then into the float64 sum
  c.push(...get(P), ...set(PTR), ...get(Q), ...set(OUT));
  const body: number[] = [];
  for (let i = 0; i < U; i++) {
    const x = X(i), y = Y(i);
    // x = max(a P - max, -87) (pmax keeps a NaN x: it compares x < -87), rounded as a P - max
    // is in float32; then x = x log2 e
    body.push(...get(VA), ...get(PTR), ...simd(0x00, 2, ...uleb(16 * i)), ...F32_MUL, ...get(VM), ...F32_SUB, ...get(K(-87)), ...F32_PMAX);
    body.push(...get(K(Math.LOG2E)), ...F32_MUL, ...set(x));
    // y = x + MAGIC holds n = round(x) in its low mantissa bits; x = f = x - n (exact), in [-1/2, 1/2]
    body.push(...get(x), ...get(K(MAGIC)), ...F32_ADD, ...set(y));
    body.push(...get(x), ...get(y), ...get(K(MAGIC)), ...F32_SUB, ...F32_SUB, ...set(x));
    // 2^f by Horner (U independent chains per iteration keep the multipliers busy)
    const poly = EXP2_POLY;
    body.push(...get(K(poly[5]!)));
    for (let d = 4; d >= 0; d--) body.push(...get(x), ...F32_MUL, ...get(K(poly[d]!)), ...F32_ADD);
    body.push(...get(x), ...F32_MUL, ...get(K(1)), ...F32_ADD);
    // times 2^n: the float with bits (n << 23) + (127 << 23), n from y's low bits
    body.push(...get(y), ...i32const(23), ...I32_SHL, ...get(BIAS), ...I32_ADD, ...F32_MUL, ...set(y));
    body.push(...get(OUT), ...get(y), ...simd(0x0b, 3, ...uleb(16 * i)));
  }
  // four vectors added in float32 (two roundings per value at most), then widened
  for (let i = 0; i < U; i += 4) {
    body.push(...get(Y(i)), ...get(Y(i + 1)), ...F32_ADD, ...get(Y(i + 2)), ...get(Y(i + 3)), ...F32_ADD, ...F32_ADD, ...set(S));
    body.push(...get(SUM), ...get(S), ...PROMOTE, ...ADD, ...get(S), ...get(S), ...HIGH_TO_LOW, ...PROMOTE, ...ADD, ...set(SUM));
  }
  body.push(...addI32(OUT, 16 * U));
  c.push(...whileBelow(PTR, END, 16 * U, body));
  c.push(...get(SUM), ...F64_EXTRACT(0), ...get(SUM), ...F64_EXTRACT(1), 0xa0); // f64.add
  c.push(0x0b);
  const locals = vec([[...uleb(3), I32], [...uleb(4 + 2 * U + constants.length + 1), V128]]);
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}

function funcType(m: number): number[] {
  const params = [I32, ...Array<number>(m).fill(I32), ...Array<number>(2 * m).fill(F64), I32];
  return [0x60, ...uleb(params.length), ...params, 0];
}

/** The module's bytes (built once). */
let bytes: Uint8Array | undefined;
export function simdModuleBytes(): Uint8Array {
  if (bytes) return bytes;
  const memoryImport = [...str('env'), ...str('memory'), 0x02, 0x03, ...uleb(1), ...uleb(SIMD_MAX_PAGES)];
  bytes = Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([funcType(4), funcType(1), [0x60, 4, I32, I32, I32, F32, 1, F64]])),
    ...section(2, vec([memoryImport])),
    ...section(3, vec([[0], [1], [2]])),
    ...section(7, vec([[...str('mul4'), 0x00, 0], [...str('mul1'), 0x00, 1], [...str('softmaxRow'), 0x00, 2]])),
    ...section(10, vec([productBody(4), productBody(1), softmaxBody()])),
  ]);
  return bytes;
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
