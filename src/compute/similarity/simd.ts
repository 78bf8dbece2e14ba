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
 * Memory is imported (shared), so worker threads can all use one.
 */

export interface SimdKernel {
  mul4(
    p: number, q0: number, q1: number, q2: number, q3: number,
    b0: number, w0: number, b1: number, w1: number, b2: number, w2: number, b3: number, w3: number,
    n: number,
  ): void;
  mul1(p: number, q0: number, b0: number, w0: number, n: number): void;
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

const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;

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
const addI32 = (local: number, k: number): number[] => [...get(local), 0x41, ...uleb(k), 0x6a, ...set(local)];

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
  code.push(...get(P), ...get(N), 0x41, 3, 0x74, 0x6a, ...set(PEND)); // pend = p + 8n
  const term = (i: number): number[] => [...get(vb(i)), ...get(vw(i)), ...get(q(i)), ...LOAD64_ZERO, ...PROMOTE, ...MUL, ...ADD];
  code.push(0x02, 0x40, 0x03, 0x40); // block, loop
  code.push(...get(P), ...get(PEND), 0x4f, 0x0d, 1); // if p >= pend break
  code.push(...get(P), ...get(P), ...V128_LOAD(3));
  if (m === 4) code.push(...term(0), ...term(1), ...MUL, ...term(2), ...term(3), ...MUL, ...MUL);
  else code.push(...term(0));
  code.push(...MUL, ...V128_STORE);
  code.push(...addI32(P, 16));
  for (let i = 0; i < m; i++) code.push(...addI32(q(i), 8));
  code.push(0x0c, 0, 0x0b, 0x0b); // br loop, end loop, end block
  code.push(0x0b); // end function
  const locals = vec([[...uleb(1), I32], [...uleb(2 * m), V128]]);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
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
    ...section(1, vec([funcType(4), funcType(1)])),
    ...section(2, vec([memoryImport])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...str('mul4'), 0x00, 0], [...str('mul1'), 0x00, 1]])),
    ...section(10, vec([productBody(4), productBody(1)])),
  ]);
  return bytes;
}

/** A shared memory of at least `byteLength` bytes for the module, or undefined above 4 GiB. */
export function simdMemory(byteLength: number): WasmMemory | undefined {
  const pages = Math.max(1, Math.ceil(byteLength / 65536));
  if (pages > SIMD_MAX_PAGES) return undefined;
  return new wasm.Memory({ initial: pages, maximum: pages, shared: true });
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
