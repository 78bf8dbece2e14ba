/** The messages between the similarity pool (kernel-pool.ts) and its worker threads (kernel-worker.ts). */
import type { LabelScore } from '../../core/types.js';
import type { FileRows, KernelSpec, RowSource, SimdPlace } from './kernel.js';
import type { WasmMemory, WasmModule } from './simd.js';

export type KernelRequest =
  /** log-likelihoods of `top`'s neurons over a source in shared memory (logLikelihoods) */
  | { type: 'loglik'; src: RowSource; top: Int32Array; spec: KernelSpec; part?: { index: number; of: number } }
  /** this worker's accumulator for one group of neurons of the onnx engine (accInit) */
  | { type: 'acc-init'; top: Int32Array; union: Int32Array; c: number; spec: KernelSpec; place?: SimdPlace; out: Float64Array }
  | { type: 'acc-block'; q: Float32Array; start: number; end: number; invSum: Float64Array | null }
  | {
      type: 'acc-softmax';
      data: Float32Array | FileRows;
      c: number;
      ids: Int32Array;
      stageAddress: number;
      paddedC: number;
      outAddress: number;
      a: number;
    }
  | { type: 'acc-finish' }
  /** the prior of concepts c0..c1-1 (subtractPriorIn) */
  | {
      type: 'prior';
      l: Float64Array;
      k: number;
      c: number;
      lam: number;
      c0: number;
      c1: number;
      place?: { module: WasmModule; memory: WasmMemory; scratch: number };
    }
  /** the labels of neurons k0..k1-1 (topLabels) */
  | { type: 'labels'; scores: Float64Array; k: number; c: number; topN: number; k0: number; k1: number };

export type KernelReply =
  | { type: 'ack' }
  | { type: 'softmax'; invSum: Float64Array }
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; result: Float64Array }
  | { type: 'finished' }
  | { type: 'labels'; labels: LabelScore[][] }
  | { type: 'error'; message: string };
