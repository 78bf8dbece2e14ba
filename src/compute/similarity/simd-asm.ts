/**
 * WebAssembly binary encoding, just what the similarity kernels (simd-kernels.ts) need: LEB128
 * integers, sections, locals, the SIMD opcodes they use, and two loop shapes. The kernels are
 * assembled from these at run time, so no WebAssembly toolchain is needed at build time.
 */

export const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
export const str = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// instructions
export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
export const V128_LOAD = (align: number): number[] => simd(0x00, align, 0);
export const V128_LOAD_AT = (align: number, offset: number): number[] => simd(0x00, align, ...uleb(offset));
export const V128_STORE_AT = (offset: number): number[] => simd(0x0b, 3, ...uleb(offset));
export const F32_DEMOTE = 0xb6;
export const PROMOTE = simd(0x5f);
export const ADD = simd(0xf0);
export const MUL = simd(0xf2);
/** i32.const takes a signed LEB128 (non-negative values here) */
export const i32const = (k: number): number[] => (k < 64 ? [0x41, k] : [0x41, (k & 0x7f) | 0x80, ...sleb(k >> 7)]);
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}
export const addI32 = (local: number, k: number): number[] => [...get(local), ...i32const(k), 0x6a, ...set(local)];

/**
 * `while (ptr < end) { body; ptr += step }` written as a guarded do-while. The shape matters
 * to V8's optimising compiler: it hoists loop-invariant values (splatted constants, the row
 * max) out of a loop only from blocks that dominate the loop's exit. With the exit test at
 * the top, the body does not, so every splat and the horizontal max were recomputed per
 * iteration (about 3x the work of the exp itself).
 */
export const whileBelow = (ptr: number, end: number, step: number, body: number[]): number[] => [
  0x02, 0x40, ...get(ptr), ...get(end), 0x4f, 0x0d, 0, // block; if ptr >= end skip
  0x03, 0x40, ...body, ...addI32(ptr, step), ...get(ptr), ...get(end), 0x49, 0x0d, 0, 0x0b, // loop ... while ptr < end
  0x0b,
];

export const f32const = (v: number): number[] => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];
export const F32_SPLAT = simd(0x13);
export const F32_MUL = simd(0xe6);
export const F32_ADD = simd(0xe4);
export const F32_SUB = simd(0xe5);
export const F32_PMAX = simd(0xeb);
export const I32_ADD = simd(0xae);
export const I32_SHL = simd(0xab);
export const I32_SPLAT = simd(0x11);
/** i8x16.shuffle moving lanes 2, 3 of an f32x4 to lanes 0, 1 */
export const HIGH_TO_LOW = simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
export const F64_EXTRACT = (lane: number): number[] => simd(0x21, lane);
/** i8x16.shuffle of one f32x4 (given twice) taking lanes l0..l3 */
export const LANES = (...lanes: number[]): number[] => simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));

/** f32x4.relaxed_madd (relaxed SIMD): a * b + c, fused where the CPU has FMA. */
export const F32_MADD = simd(0x105);

const v128Bytes = (a: Float64Array | BigInt64Array): number[] => simd(0x0c, ...new Uint8Array(a.buffer));
export const F64_SPLAT_CONST = (v: number): number[] => v128Bytes(Float64Array.of(v, v));
export const I64_SPLAT_CONST = (v: bigint): number[] => v128Bytes(BigInt64Array.of(v, v));
export const F64_SUB = simd(0xf1);
export const F64_DIV = simd(0xf3);
export const F64_GT = simd(0x4a);
export const F64_LE = simd(0x4b);
export const F64_GE = simd(0x4c);
export const V128_AND = simd(0x4e);
export const V128_OR = simd(0x50);
export const V128_BITSELECT = simd(0x52);
export const I64_ALL_TRUE = simd(0xc3);
export const I64_SHR_U = simd(0xcd);
export const I64_ADD = simd(0xce);
export const I64_SUB = simd(0xd1);

export const F64_MAX = simd(0xf5);
export const F64_PMAX = simd(0xf7);
export const F64_NEAREST = simd(0x94);
export const I64_SHL = simd(0xcb);

/**
 * Loops over a K x w block of a row-major float64 matrix whose rows are `stride` bytes apart
 * (w even): rows in order, each row's values two at a time, with pointers to w-value vectors
 * of scratch alongside (the same element of each).
 */
export function rowsOfBlock(
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
