/**
 * P = X T^T (probe images x concepts) through onnxruntime's MatMul: its multi-threaded, vectorised
 * kernels do the 5 GFLOP of a 10,000 x 1,000 x 512 product in a fraction of a second, where a
 * JavaScript loop takes seconds. The one-node graph is built in memory.
 */
import * as ort from 'onnxruntime-node';
import type { Matrix } from '../../core/types.js';
import { onnx } from '../onnx/proto.js';

let session: Promise<ort.InferenceSession> | undefined;

function matmulModel(): Uint8Array {
  const F = onnx.TensorProto.DataType.FLOAT;
  const io = (name: string, dims: string[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: F, shape: { dim: dims.map((d) => ({ dimParam: d })) } } },
    });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'neuron-atlas',
    graph: {
      name: 'concept_matrix',
      node: [
        { opType: 'Transpose', input: ['t'], output: ['tt'], attribute: [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 0] }] },
        { opType: 'MatMul', input: ['x', 'tt'], output: ['p'] },
      ],
      input: [io('x', ['n', 'd']), io('t', ['c', 'd'])],
      output: [io('p', ['n', 'c'])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Dense P = images x texts^T (rows: images, columns: concepts). */
export async function conceptMatrix(images: Matrix, texts: Matrix): Promise<Matrix> {
  if (images.cols !== texts.cols) throw new Error(`image embeddings have dimension ${images.cols} but text embeddings have ${texts.cols}`);
  session ??= ort.InferenceSession.create(matmulModel(), { graphOptimizationLevel: 'all' });
  const s = await session;
  // onnxruntime refuses views of shared memory: hand it ordinary copies.
  const plain = (a: Float32Array) => (a.buffer instanceof ArrayBuffer ? a : new Float32Array(a));
  const x = new ort.Tensor('float32', plain(images.data), [images.rows, images.cols]);
  const t = new ort.Tensor('float32', plain(texts.data), [texts.rows, texts.cols]);
  const out = await s.run({ x, t });
  const p = out.p!;
  // Shared memory, so the similarity code can spread soft_wpmi over worker threads.
  const data = new Float32Array(new SharedArrayBuffer(images.rows * texts.rows * 4));
  data.set(p.data as Float32Array);
  return { rows: images.rows, cols: texts.rows, data };
}
