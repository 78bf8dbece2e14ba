/**
 * Module scopes recorded by PyTorch's dynamo exporter (`torch.onnx.export(..., dynamo=True)`,
 * the default from torch 2.9). It names nodes generically (`node_Conv_0`) and stores the module
 * hierarchy in each node's `metadata_props` under `pkg.torch.onnx.name_scopes`, as the repr of
 * a Python list of cumulative module paths: `['', 'layer4', 'layer4.1', 'layer4.1.conv1', 'conv2d']`
 * (root first, the node's own name last).
 *
 * NodeProto.metadata_props (field 9) is newer than onnx-proto's schema, which drops it, so we
 * walk the protobuf wire format for just ModelProto.graph(7).node(1).metadata_props(9).
 */

const NAME_SCOPES = 'pkg.torch.onnx.name_scopes';
const utf8 = new TextDecoder();

interface Field {
  number: number;
  /** For length-delimited fields: the payload bounds. */
  start: number;
  end: number;
}

/** Length-delimited fields of the message in bytes[start, end); other wire types are skipped. */
function* lengthDelimited(bytes: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (pos >= end) throw new Error('truncated varint');
      const b = bytes[pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
  };
  while (pos < end) {
    const key = varint();
    const wire = key % 8;
    const number = Math.floor(key / 8);
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const length = varint();
      const fieldStart = pos;
      pos += length;
      if (pos > end) throw new Error('truncated field');
      yield { number, start: fieldStart, end: pos };
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

/** Python list-of-strings repr -> strings. */
export function parsePythonStringList(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)) {
    out.push((m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'));
  }
  return out;
}

/**
 * For each node of the main graph (in order), the qualified module paths enclosing it, outermost
 * first (`['layer4', 'layer4.1', 'layer4.1.conv1']`), or undefined when the node carries no
 * dynamo scope metadata. Returns [] when no node has any.
 */
export function readNodeNameScopes(bytes: Uint8Array): (string[] | undefined)[] {
  const scopes: (string[] | undefined)[] = [];
  let found = false;
  for (const graph of lengthDelimited(bytes, 0, bytes.length)) {
    if (graph.number !== 7) continue;
    for (const node of lengthDelimited(bytes, graph.start, graph.end)) {
      if (node.number !== 1) continue;
      let paths: string[] | undefined;
      for (const prop of lengthDelimited(bytes, node.start, node.end)) {
        if (prop.number !== 9) continue;
        let key = '';
        let value = '';
        for (const f of lengthDelimited(bytes, prop.start, prop.end)) {
          if (f.number === 1) key = utf8.decode(bytes.subarray(f.start, f.end));
          else if (f.number === 2) value = utf8.decode(bytes.subarray(f.start, f.end));
        }
        if (key === NAME_SCOPES) {
          // Drop the root ('') and the node's own name.
          paths = parsePythonStringList(value).slice(1, -1);
          found = true;
        }
      }
      scopes.push(paths);
    }
  }
  return found ? scopes : [];
}
