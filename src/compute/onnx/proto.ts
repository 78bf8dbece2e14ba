// onnx-proto is CommonJS: Node's ESM loader cannot see its named export, so take it off the
// default export. Types come from `import type { onnx } from 'onnx-proto'`.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
