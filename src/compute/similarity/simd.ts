/**
 * The hot loops of soft_wpmi/wpmi as WebAssembly SIMD functions (JavaScript does one value at
 * a time, with a bounds check per array access). The module is tiny, so it is assembled at run
 * time: function bodies in simd-kernels.ts, binary encoding in simd-asm.ts (no WebAssembly
 * toolchain needed at build time). This file builds the module and its memories.
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
 *   priorSums(l, stride, k, w, m, s), subtractRows(l, stride, k, w, p):  the prior's passes
 *     over a K x w block of L (see priorSumsBody and kernel.ts subtractPriorSimd).
 *
 * Memory is imported (shared), so worker threads can all use one.
 */

import { setFlagsFromString } from 'node:v8';
import { config } from '../../core/config.js';
import { F32, F64, I32, section, str, uleb, vec } from './simd-asm.js';
import { logBody, priorSumsBody, productBody, softmaxBody, subtractRowsBody } from './simd-kernels.js';

export { EXP2_POLY, LOG_STEP, PRODUCT_STEP, SOFTMAX_UNROLL } from './simd-kernels.js';

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

/** n rounded up to a multiple of 16 (a v128's bytes). */
export const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** Largest memory (in 64 KiB pages) the module accepts: 4 GiB, wasm32's limit. */
export const SIMD_MAX_PAGES = 65536;

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
  if (!config().wasmRelaxedSimd || wasm === undefined) return relaxed;
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
const PRIOR_MAX_TILE = 4096;
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
  return simdMatrixWithArea(length, 0)?.matrix;
}

/**
 * simdMatrix with `areaBytes` more after the prior scratch, at byte `areaAddress`, for the
 * caller's own use (the softmax blocks of the kernels that compute the matrix in place).
 */
export function simdMatrixWithArea(
  length: number,
  areaBytes: number,
): { matrix: Float64Array; memory: WasmMemory; areaAddress: number } | undefined {
  if (!simdSupported()) return undefined;
  const areaAddress = align16(length * 8) + PRIOR_MAX_THREADS * PRIOR_SCRATCH_BYTES;
  const memory = simdMemory(areaAddress + areaBytes);
  if (!memory) return undefined;
  matrixMemories.set(memory.buffer, memory);
  return { matrix: new Float64Array(memory.buffer, 0, length), memory, areaAddress };
}

/** Where a matrix made by simdMatrix lives, and thread `thread`'s prior scratch in it. */
export function simdMatrixPlace(m: Float64Array, thread: number): { memory: WasmMemory; scratch: number } | undefined {
  const memory = matrixMemories.get(m.buffer);
  if (!memory || m.byteOffset !== 0 || thread >= PRIOR_MAX_THREADS) return undefined;
  return { memory, scratch: align16(m.length * 8) + thread * PRIOR_SCRATCH_BYTES };
}


let module: WasmModule | undefined;
/** The compiled module (once per thread; it can be posted to worker threads). */
export function simdModule(): WasmModule {
  module ??= new wasm.Module(simdModuleBytes());
  return module;
}

/** Whether this runtime runs the module (WebAssembly SIMD and shared memory); checked once. */
let supported: boolean | undefined;
export function simdSupported(): boolean {
  if (supported === undefined) {
    try {
      supported = wasm !== undefined && wasm.validate(simdModuleBytes()) && typeof SharedArrayBuffer !== 'undefined';
    } catch {
      supported = false;
    }
  }
  return supported;
}
