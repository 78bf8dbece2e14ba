/**
 * Exposing intermediate tensors as graph outputs.
 *
 * Instead of decoding and re-encoding the whole model (slow for 100 MB files, and lossy for
 * fields newer than our protobuf schema), we append a second serialized ModelProto holding only
 * `graph { output: [...] }`. Protobuf merges a repeated embedded message field by merging the
 * messages and concatenating repeated fields, so the parsed model is the original one with the
 * extra outputs appended.
 */
import { onnx } from './proto.js';
import { ELEM_FLOAT, type OnnxGraph } from './graph.js';

/** Model bytes whose graph additionally outputs `tensors` (those not already outputs). */
export function exposeTensors(graph: OnnxGraph, tensors: readonly string[]): Uint8Array {
  const existing = new Set(graph.outputs);
  const extra = [...new Set(tensors)].filter((t) => !existing.has(t));
  if (extra.length === 0) return graph.bytes;
  for (const t of extra) {
    if (!graph.producers.has(t)) throw new Error(`${graph.path}: no node produces tensor "${t}"`);
  }
  const patch = onnx.ModelProto.encode({
    graph: {
      output: extra.map((name) => ({
        name,
        // Element type is required on graph outputs; the shape may stay open. Layer outputs
        // are float activations unless value_info says otherwise.
        type: { tensorType: { elemType: graph.valueInfo.get(name)?.elemType || ELEM_FLOAT } },
      })),
    },
  }).finish();
  const merged = new Uint8Array(graph.bytes.length + patch.length);
  merged.set(graph.bytes, 0);
  merged.set(patch, graph.bytes.length);
  return merged;
}
