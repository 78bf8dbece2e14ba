/**
 * soft_wpmi/wpmi log-likelihoods with onnxruntime computing the softmax rows (and, for a
 * factored P, the rows of P themselves by GEMM): the calling thread asks onnxruntime for one
 * block of the union of top images while worker threads, one per group of neurons, multiply
 * the previous block's terms into their running products (kernel.ts accBlock, with its
 * inner loop in WebAssembly SIMD, simd.ts, where the runtime has it). Same float64
 * arithmetic as the js engine from the softmax rows on.
 */
import {
  accBlock,
  accFinish,
  accInit,
  readFileRow,
  readSourceRows,
  unionOf,
  type Accumulator,
  type KernelSpec,
  type RowSource,
  type SimdPlace,
} from './kernel.js';
import { isShared } from './concepts.js';
import { AccumulatorWorker } from './kernel-pool.js';
import { SOFTMAX_UNROLL, align16, simdMatrix, simdMatrixWithArea, simdMemory, simdModule, simdSupported, type SimdKernel, type WasmApi, type WasmMemory } from './simd.js';


/** Softmax rows per block: up to 16 Mi float32 values (64 MB), two blocks in flight. */
const BLOCK_VALUES = 16 << 20;
/** Factored rows: onnxruntime holds a few block-sized intermediates (GEMM, scaled, softmax)
 * of its own, so blocks are smaller. Rows read from a file too: they come from a one-off
 * process (`atlas score`) whose memory is all fresh, and on some virtual machines first
 * touching 128 MB of blocks cost more than the extra passes over the products that blocks a
 * quarter the size take (8,000 x 12,000 P, K = 512: 25,000 fewer page faults, the same CPU time). */
const SMALL_BLOCK_VALUES = 4 << 20;

export async function onnxLogLikelihoods(
  src: RowSource,
  top: Int32Array,
  spec: KernelSpec,
  threads: number,
  onProgress?: (done: number, total: number) => void,
  blockValues = src.kind === 'factored' || src.kind === 'file' ? SMALL_BLOCK_VALUES : BLOCK_VALUES,
  useSimd = simdSupported(),
): Promise<Float64Array> {
  const k = top.length / spec.topK;
  const c = src.cols;
  const union = unionOf(top);
  const u = union.length;
  const blockRows = Math.max(1, Math.min(u, Math.floor(blockValues / Math.max(1, c))));
  const blocks = Math.ceil(u / blockRows);
  const groups = Math.min(threads, k);
  const bounds = Array.from({ length: groups + 1 }, (_, g) => Math.round((g * k) / groups));
  // One shared WebAssembly memory holds both softmax blocks (with slack: softmaxRow writes
  // rows `step` values at a time), a two-row stage per thread, and every group's running products, so
  // the SIMD kernels (simd.ts) read and write them in place on any thread.
  const step = 4 * SOFTMAX_UNROLL;
  const blockBytes = align16(blockRows * c * 4 + step * 4);
  const twoBlocks = blocks > 1 ? 2 : 1;
  const paddedC = Math.ceil(c / step) * step;
  const workArea = twoBlocks * blockBytes + groups * 2 * align16(paddedC * 4);
  // When each (neuron, concept) takes one log, after its last term (chunk >= top_k, as with
  // soft_wpmi's defaults), the running products are the result's own memory, turned into
  // log-likelihoods in place: blocks and stages then go in that memory, after the result.
  // Otherwise the products get memory of their own, and the result a matrix of its own.
  const inPlace = useSimd && spec.chunk >= spec.topK ? simdMatrixWithArea(k * c, workArea) : undefined;
  const origin = inPlace ? inPlace.areaAddress : 0;
  // one stage per thread that computes softmax rows
  const stageAddress = (g: number): number => origin + twoBlocks * blockBytes + g * 2 * align16(paddedC * 4);
  const productBase = inPlace ? 0 : workArea;
  const memory = inPlace ? inPlace.memory : useSimd ? leaseMemory(workArea + k * c * 8) : undefined;
  const place = (g: number): SimdPlace | undefined =>
    memory ? { module: simdModule(), memory, productAddress: productBase + bounds[g]! * c * 8, inPlace: inPlace !== undefined } : undefined;
  const shared = groups > 1;
  const alloc = (b: number): Float32Array => {
    if (memory) return new Float32Array(memory.buffer, origin + b * blockBytes, blockRows * c);
    return shared ? new Float32Array(new SharedArrayBuffer(blockRows * c * 4)) : new Float32Array(blockRows * c);
  };
  const buffers = [alloc(0), twoBlocks > 1 ? alloc(1) : new Float32Array(0)];
  // Dense, file and reader rows: softmax by the SIMD kernel (unnormalised exps, 1 / sum folded
  // into the weights); factored rows (and a = 0): onnxruntime's GEMM and softmax.
  // A dense P in shared memory, or a file: each worker also computes (reads) its share of each block's rows.
  const workers: AccumulatorWorker[] = [];
  // Each worker computes its share of block b + 1's softmax rows, then multiplies its group's
  // terms of block b, and the next block waits for both: the shares are set so that the two
  // steps together take each worker about as long (a term costs ~0.4 of a row).
  const termsIn = groupTermsPerBlock(top, union, spec.topK, bounds, blockRows, blocks);
  const shares = (b: number, rows: number): number[] =>
    balancedCuts(rows, Array.from({ length: groups }, (_, g) => (b > 0 ? TERM_COST_IN_ROWS * termsIn[g * blocks + b - 1]! : 0)));
  const rowsOf: (ids: Int32Array, out: Float32Array, b: number) => Promise<Float64Array | null> =
    memory && shared && (src.kind === 'file' || (src.kind === 'dense' && isShared(src.data))) && spec.a > 0
      ? async (ids, out, b) => {
          const cuts = shares(b, ids.length);
          const cut = (g: number): number => cuts[g]!;
          const parts = await Promise.all(
            workers.map((w, g) =>
              w.softmax(src.kind === 'file' ? src : (src as Extract<RowSource, { kind: 'dense' }>).data, c, ids.subarray(cut(g), cut(g + 1)), stageAddress(g), paddedC, out.byteOffset + cut(g) * c * 4, spec.a),
            ),
          );
          const invSum = new Float64Array(ids.length);
          parts.forEach((p, g) => invSum.set(p, cut(g)));
          return invSum;
        }
      : memory && src.kind !== 'factored' && spec.a > 0
        ? simdSoftmaxRows(src, spec.a, memory, stageAddress(0), paddedC)
        : await onnxRows(src, spec.a, threads);

  let local: Accumulator | undefined;
  // Workers write their groups' rows of the result straight into shared memory: a
  // WebAssembly memory of its own where SIMD runs, so that the prior's kernels run on it too.
  const out = inPlace?.matrix ?? (useSimd ? simdMatrix(k * c) : undefined) ?? (shared ? new Float64Array(new SharedArrayBuffer(k * c * 8)) : undefined);
  try {
    if (shared) {
      for (let g = 0; g < groups; g++) workers.push(new AccumulatorWorker());
      await Promise.all(
        workers.map((w, g) =>
          w.init(top.slice(bounds[g]! * spec.topK, bounds[g + 1]! * spec.topK), union, c, spec, out!.subarray(bounds[g]! * c, bounds[g + 1]! * c), place(g)),
        ),
      );
    } else {
      local = accInit(top, union, c, spec, 0, place(0), out);
    }
    const compute = (b: number): Promise<Float64Array | null> => {
      const p = rowsOf(union.subarray(b * blockRows, Math.min(u, (b + 1) * blockRows)), buffers[b % 2]!, b);
      p.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
      return p;
    };
    let pending = compute(0);
    for (let b = 0; b < blocks; b++) {
      const invSum = await pending;
      const start = b * blockRows;
      const end = Math.min(u, start + blockRows);
      // the next block's softmax runs on onnxruntime's threads while this one's terms are multiplied
      if (b + 1 < blocks) pending = compute(b + 1);
      const q = buffers[b % 2]!;
      if (local) accBlock(local, q, invSum, start, end);
      else await Promise.all(workers.map((w) => w.block(q, start, end, invSum)));
      onProgress?.(end, u);
    }
    // the memory is the result's where products were turned into it in place
    if (local) {
      const l = accFinish(local);
      if (memory && !inPlace) returnMemory(memory);
      return inPlace ? out! : l; // the same values: out, as simdMatrixPlace knows it
    }
    await Promise.all(workers.map((w) => w.finish()));
    if (memory && !inPlace) returnMemory(memory);
    return out!;
  } catch (error) {
    for (const w of workers) w.abandon();
    throw error;
  }
}

/** What multiplying in one term of a block costs, in softmax rows (both scale with C). */
const TERM_COST_IN_ROWS = 0.4;

/** Terms (neuron, top image) of each group of neurons (bounds) in each block of the union:
 * groups x blocks, row-major. */
export function groupTermsPerBlock(
  top: Int32Array,
  union: Int32Array,
  topK: number,
  bounds: number[],
  blockRows: number,
  blocks: number,
): Float64Array {
  const groups = bounds.length - 1;
  const out = new Float64Array(groups * blocks);
  for (let g = 0; g < groups; g++) {
    for (let j = bounds[g]! * topK; j < bounds[g + 1]! * topK; j++) {
      // union is sorted: the image's position by bisection
      const image = top[j]!;
      let lo = 0, hi = union.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (union[mid]! < image) lo = mid + 1;
        else hi = mid;
      }
      out[g * blocks + Math.floor(lo / blockRows)]! += 1;
    }
  }
  return out;
}

/**
 * Cuts 0 = x0 <= x1 <= ... <= xG = rows of `rows` rows among G workers that already have
 * `load[g]` (in rows) of other work, so that load + rows taken is as even as can be.
 */
export function balancedCuts(rows: number, load: number[]): number[] {
  const groups = load.length;
  let total = rows;
  for (const l of load) total += l;
  // water-filling: workers whose own load already exceeds the level take no rows
  const order = load.map((l, g) => ({ l, g })).sort((x, y) => y.l - x.l);
  let level = total / groups;
  let rest = groups;
  let remaining = total;
  for (const { l } of order) {
    if (l <= level) break;
    remaining -= l;
    rest--;
    level = remaining / rest;
  }
  const take = load.map((l) => Math.max(0, level - l));
  const cuts = [0];
  let acc = 0;
  for (let g = 0; g < groups; g++) {
    acc += take[g]!;
    cuts.push(g === groups - 1 ? rows : Math.min(rows, Math.max(cuts[g]!, Math.round(acc))));
  }
  return cuts;
}

/**
 * The WebAssembly memory of the last call that finished, kept a few seconds for the next
 * one: a fresh memory's pages are faulted in and zeroed by the kernel on first touch, which
 * for the default bench's ~150 MB costs 0.05-0.1 s of system time per call. Nothing in it is
 * read before being written (products are set to 1 by accInit, stages padded per call).
 * Only a call that ended normally returns its memory: after an error, workers may still be
 * writing to it.
 */
let spare: WasmMemory | undefined;
let spareTimer: ReturnType<typeof setTimeout> | undefined;
const SPARE_MS = 5000;

function leaseMemory(bytes: number): WasmMemory | undefined {
  if (spare && spare.buffer.byteLength >= bytes && spare.buffer.byteLength <= 2 * bytes) {
    const m = spare;
    spare = undefined;
    clearTimeout(spareTimer);
    return m;
  }
  return simdMemory(bytes);
}

function returnMemory(memory: WasmMemory): void {
  spare = memory;
  clearTimeout(spareTimer);
  // dropped when idle, so that a long-lived process does not hold it
  spareTimer = setTimeout(() => (spare = undefined), SPARE_MS);
  spareTimer.unref();
}

async function onnxRows(src: RowSource, a: number, threads: number): Promise<(ids: Int32Array, out: Float32Array) => Promise<null>> {
  // onnxruntime (a native library) and the ONNX protobuf code load only when needed: the SIMD
  // kernel takes dense and file rows, and loading them is a noticeable part of a one-off
  // `atlas score`'s start-up.
  const { softmaxRows } = await import('./softmax-rows.js');
  const rows = await softmaxRows(src, a, threads);
  return async (ids, out) => {
    await rows(ids, out);
    return null;
  };
}

/**
 * Unnormalised softmax rows exp(a P - max) written by the SIMD kernel straight into `out` (a
 * view of `memory`), each row staged in `memory` at `stageAddress`, padded with -Infinity to
 * `paddedC` values; resolves to 1 / each row's sum.
 */
function simdSoftmaxRows(
  src: Exclude<RowSource, { kind: 'factored' }>,
  a: number,
  memory: WasmMemory,
  stageAddress: number,
  paddedC: number,
): (ids: Int32Array, out: Float32Array) => Promise<Float64Array> {
  const c = src.cols;
  const { softmaxRow } = new (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly.Instance(simdModule(), {
    env: { memory },
  }).exports as unknown as SimdKernel;
  const stage = new Float32Array(memory.buffer, stageAddress, paddedC);
  stage.fill(-Infinity, c);
  const readRows = 16;
  const rows = src.kind === 'reader' ? new Float32Array(readRows * c) : undefined;
  return (ids, out) => {
    const invSum = new Float64Array(ids.length);
    for (let r0 = 0; r0 < ids.length; r0 += readRows) {
      const r1 = Math.min(ids.length, r0 + readRows);
      if (rows) readSourceRows(src, ids.subarray(r0, r1), rows);
      for (let r = r0; r < r1; r++) {
        // a file's row is read straight into the stage
        if (src.kind === 'file') readFileRow(src, ids[r]!, stage, 0);
        else if (src.kind === 'dense') stage.set(src.data.subarray(ids[r]! * c, (ids[r]! + 1) * c));
        else stage.set(rows!.subarray((r - r0) * c, (r - r0 + 1) * c));
        const sum = softmaxRow(stageAddress, out.byteOffset + r * c * 4, paddedC, a);
        if (!(sum > 0 && sum < Infinity)) {
          throw new Error(`concept activations of image ${ids[r]} are not finite (NaN or infinite values in its row of P)`);
        }
        invSum[r] = 1 / sum;
      }
    }
    return Promise.resolve(invSum);
  };
}
