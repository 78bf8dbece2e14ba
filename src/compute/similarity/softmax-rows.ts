/**
 * Softmax rows of a * P computed by onnxruntime (MLAS: vectorised exp and GEMM on its own
 * threads), for the union of top images of soft_wpmi/wpmi. Factored P rows come from one
 * Gemm of image-embedding rows by the text embeddings, so P is never formed whole.
 *
 * The graphs are built here with onnx-proto: float32 throughout, like the reference's
 * torch.softmax(a * P). A second output, the sum of each softmax row, is 1 for finite input
 * and NaN otherwise, which is how non-finite concept activations are caught.
 */
import * as ort from 'onnxruntime-node';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { createSession } from '../onnx/session.js';
import { onnx } from '../onnx/proto.js';
import { readSourceRows, type RowSource } from './kernel.js';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const INT = onnx.AttributeProto.AttributeType.INT;

function valueInfo(name: string, elemType: number, dims: (number | string)[]): OnnxTypes.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/**
 * dense:    Q = softmax(a * P)              P: rows x C
 * factored: Q = softmax(a * X T^T)           X: rows x D image embeddings, T: C x D text embeddings
 * Both also output S = row sums of Q.
 */
export function softmaxRowsModel(kind: 'dense' | 'factored'): Uint8Array {
  const nodes: OnnxTypes.INodeProto[] = [];
  const inputs: OnnxTypes.IValueInfoProto[] = [];
  if (kind === 'factored') {
    nodes.push({ opType: 'Gemm', input: ['X', 'T'], output: ['P'], attribute: [{ name: 'transB', type: INT, i: 1 }] });
    inputs.push(valueInfo('X', FLOAT, ['rows', 'dim']), valueInfo('T', FLOAT, ['concepts', 'dim']));
  } else {
    inputs.push(valueInfo('P', FLOAT, ['rows', 'concepts']));
  }
  inputs.push(valueInfo('a', FLOAT, []), valueInfo('axes', INT64, [1]));
  nodes.push(
    { opType: 'Mul', input: ['P', 'a'], output: ['Z'] },
    { opType: 'Softmax', input: ['Z'], output: ['Q'], attribute: [{ name: 'axis', type: INT, i: -1 }] },
    { opType: 'ReduceSum', input: ['Q', 'axes'], output: ['S'], attribute: [{ name: 'keepdims', type: INT, i: 0 }] },
  );
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'neuron-atlas similarity',
    graph: {
      name: `softmax_rows_${kind}`,
      node: nodes,
      input: inputs,
      output: [valueInfo('Q', FLOAT, ['rows', 'concepts']), valueInfo('S', FLOAT, ['rows'])],
    },
  }).finish();
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

function sessionFor(kind: 'dense' | 'factored', threads: number): Promise<ort.InferenceSession> {
  const key = `${kind}/${threads}`;
  let s = sessions.get(key);
  if (!s) {
    s = createSession(softmaxRowsModel(kind), { threads, label: `the ${kind} softmax-rows graph` });
    sessions.set(key, s);
  }
  return s;
}

/** Writes softmax(a * P[ids]) rows into `out` (ids.length x C, row-major), for a given source. */
export interface SoftmaxRows {
  (ids: Int32Array, out: Float32Array): Promise<void>;
}

/** onnxruntime-node refuses tensors over a SharedArrayBuffer ("Invalid argument"). */
function unshared(a: Float32Array): Float32Array {
  return a.buffer instanceof ArrayBuffer ? a : Float32Array.from(a);
}

/**
 * A softmax-rows function for `src` on `threads` onnxruntime threads. Rows of P (or of the
 * image embeddings) are staged in a buffer of our own, since `out` may be shared memory,
 * which onnxruntime does not take.
 */
export async function softmaxRows(src: RowSource, a: number, threads: number): Promise<SoftmaxRows> {
  const c = src.cols;
  const kind = src.kind === 'factored' ? 'factored' : 'dense';
  const session = await sessionFor(kind, threads);
  const aTensor = new ort.Tensor('float32', Float32Array.of(a), []);
  const axes = new ort.Tensor('int64', BigInt64Array.of(-1n), [1]);
  const textTensor = src.kind === 'factored' ? new ort.Tensor('float32', unshared(src.t), [c, src.dim]) : undefined;
  let stage = new Float32Array(0);

  return async (ids, out) => {
    const rows = ids.length;
    let feeds: Record<string, ort.Tensor>;
    if (src.kind === 'factored') {
      const d = src.dim;
      const x = new Float32Array(rows * d);
      for (let r = 0; r < rows; r++) x.set(src.x.subarray(ids[r]! * d, (ids[r]! + 1) * d), r * d);
      feeds = { X: new ort.Tensor('float32', x, [rows, d]), T: textTensor!, a: aTensor, axes };
    } else {
      if (stage.length < rows * c) stage = new Float32Array(rows * c);
      const staged = stage.subarray(0, rows * c);
      if (src.kind === 'dense') {
        for (let r = 0; r < rows; r++) staged.set(src.data.subarray(ids[r]! * c, (ids[r]! + 1) * c), r * c);
      } else {
        readSourceRows(src, ids, staged);
      }
      feeds = { P: new ort.Tensor('float32', staged, [rows, c]), a: aTensor, axes };
    }
    const result = await session.run(feeds);
    const sums = result.S!.data as Float32Array;
    for (let r = 0; r < rows; r++) {
      if (!Number.isFinite(sums[r]!)) {
        throw new Error(`concept activations of image ${ids[r]} are not finite (NaN or infinite values in its row of P)`);
      }
    }
    out.set(result.Q!.data as Float32Array);
    for (const t of Object.values(result)) t.dispose();
  };
}
