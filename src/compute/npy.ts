/**
 * NumPy .npy files (format versions 1, 2 and 3): float32 and float64, little-endian, C order.
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { openSync, readSync, writeSync, closeSync, fstatSync } from 'node:fs';
import type { Matrix } from '../core/types.js';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

export type NpyDtype = 'float32' | 'float64';

export interface NpyArray {
  shape: number[];
  dtype: NpyDtype;
  data: Float32Array | Float64Array;
}

interface Header {
  dtype: NpyDtype;
  shape: number[];
  dataOffset: number;
}

function parseHeader(buf: Buffer, name: string): Header {
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) throw new Error(`${name}: not a .npy file (bad magic string)`);
  const major = buf[6]!;
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new Error(`${name}: truncated .npy header`);
    headerLen = buf.readUInt32LE(8);
    start = 12;
  } else {
    throw new Error(`${name}: unsupported .npy format version ${major}`);
  }
  if (buf.length < start + headerLen) throw new Error(`${name}: truncated .npy header`);
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', start, start + headerLen);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`${name}: malformed .npy header: ${header.trim()}`);
  }
  if (fortran === 'True') throw new Error(`${name}: fortran_order arrays are not supported; save with C order (np.ascontiguousarray)`);
  let dtype: NpyDtype;
  if (descr === '<f4' || descr === '=f4') dtype = 'float32';
  else if (descr === '<f8' || descr === '=f8') dtype = 'float64';
  else throw new Error(`${name}: dtype '${descr}' is not supported; expected little-endian float32 ('<f4') or float64 ('<f8')`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(v) || v < 0) throw new Error(`${name}: bad shape in .npy header: (${shapeText})`);
      return v;
    });
  return { dtype, shape, dataOffset: start + headerLen };
}

export interface ReadNpyOptions {
  /** Put the data in a SharedArrayBuffer (for worker threads). */
  shared?: boolean;
}

function allocate(bytes: number, shared: boolean | undefined): ArrayBuffer | SharedArrayBuffer {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

function checkedCount(header: Header, have: number, name: string): number {
  const count = header.shape.reduce((a, b) => a * b, 1);
  const need = count * (header.dtype === 'float32' ? 4 : 8);
  if (have < need) {
    throw new Error(`${name}: truncated data: shape (${header.shape.join(', ')}) needs ${need} bytes, file has ${have}`);
  }
  return count;
}

/** Parses a .npy held in memory; `name` appears in errors. */
export function parseNpy(buf: Buffer, name = '.npy data', opts: ReadNpyOptions = {}): NpyArray {
  const header = parseHeader(buf, name);
  const count = checkedCount(header, buf.length - header.dataOffset, name);
  const bytes = count * (header.dtype === 'float32' ? 4 : 8);
  const storage = allocate(bytes, opts.shared);
  new Uint8Array(storage).set(buf.subarray(header.dataOffset, header.dataOffset + bytes));
  const data = header.dtype === 'float32' ? new Float32Array(storage) : new Float64Array(storage);
  return { shape: header.shape, dtype: header.dtype, data };
}

function openForRead(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path}: file not found` : `${path}: cannot read (${code ?? String(error)})`, {
      cause: error,
    });
  }
}

function readExactly(fd: number, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.length) {
    const n = readSync(fd, target, done, Math.min(target.length - done, 1 << 30), position + done);
    if (n === 0) throw new Error('unexpected end of file');
    done += n;
  }
}

/** The header of an open .npy file, its shape checked against `ndim` and its size against the data. */
function readFileHeader(fd: number, path: string, ndim?: number): { header: Header; count: number } {
  const size = fstatSync(fd).size;
  const head = Buffer.alloc(Math.min(size, 65536 + 12));
  readExactly(fd, head, 0);
  const header = parseHeader(head, path);
  if (ndim !== undefined && header.shape.length !== ndim) {
    throw new Error(`${path}: expected a ${ndim}-D array, got ${header.shape.length}-D shape (${header.shape.join(', ')})`);
  }
  return { header, count: checkedCount(header, size - header.dataOffset, path) };
}

/**
 * Reads a .npy file straight into its typed array (no intermediate copy of the file), or, with
 * `as: 'float32'`, converts float64 data to float32 chunk by chunk.
 */
function readFromFile(path: string, opts: ReadNpyOptions & { as?: 'float32'; ndim?: number }): NpyArray {
  const fd = openForRead(path);
  try {
    const { header, count } = readFileHeader(fd, path, opts.ndim);
    if (header.dtype === 'float32' || opts.as !== 'float32') {
      const bytesPer = header.dtype === 'float32' ? 4 : 8;
      const storage = allocate(count * bytesPer, opts.shared);
      readExactly(fd, new Uint8Array(storage), header.dataOffset);
      const data = header.dtype === 'float32' ? new Float32Array(storage) : new Float64Array(storage);
      return { shape: header.shape, dtype: header.dtype, data };
    }
    const out = new Float32Array(allocate(count * 4, opts.shared));
    const chunk = new Float64Array(1 << 20);
    for (let i = 0; i < count; i += chunk.length) {
      const n = Math.min(chunk.length, count - i);
      readExactly(fd, new Uint8Array(chunk.buffer, 0, n * 8), header.dataOffset + i * 8);
      out.set(chunk.subarray(0, n), i);
    }
    return { shape: header.shape, dtype: 'float32', data: out };
  } finally {
    closeSync(fd);
  }
}

/**
 * A 2-D .npy file held open so that its rows can be read when needed (see readNpyRows), instead
 * of the whole matrix being read into fresh memory: on some machines the first touch of each
 * fresh page costs more than copying the data. Close it when done.
 */
export interface NpyMatrixFile {
  readonly path: string;
  readonly rows: number;
  readonly cols: number;
  readonly dtype: NpyDtype;
  /** The open file descriptor (any thread of this process may read it while it is open). */
  readonly fd: number;
  /** Byte offset of row 0; row i starts at dataOffset + i * cols * (4 or 8). */
  readonly dataOffset: number;
  close(): void;
}

/** Opens a 2-D float .npy for reading rows (header checked, data not read). */
export function openNpyMatrix(path: string): NpyMatrixFile {
  const fd = openForRead(path);
  try {
    const { header } = readFileHeader(fd, path, 2);
    let open = true;
    return {
      path,
      rows: header.shape[0]!,
      cols: header.shape[1]!,
      dtype: header.dtype,
      fd,
      dataOffset: header.dataOffset,
      close: () => {
        if (open) closeSync(fd);
        open = false;
      },
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Rows first..first+count-1 of a float32 matrix file into `out` (count x cols values), with
 * no intermediate buffer; `out` may be a view of shared or WebAssembly memory.
 */
export function readNpyRows(file: NpyMatrixFile, first: number, count: number, out: Float32Array): void {
  if (file.dtype !== 'float32') throw new Error(`${file.path}: rows are read as float32 only, the file holds ${file.dtype}`);
  if (first < 0 || first + count > file.rows) throw new Error(`${file.path}: rows ${first}..${first + count - 1} out of range (${file.rows} rows)`);
  const bytes = count * file.cols * 4;
  if (out.length * 4 < bytes) throw new Error(`readNpyRows: the output holds ${out.length} values, ${count} rows need ${count * file.cols}`);
  try {
    readExactly(file.fd, new Uint8Array(out.buffer, out.byteOffset, bytes), file.dataOffset + first * file.cols * 4);
  } catch (error) {
    throw new Error(`${file.path}: ${(error as Error).message}`, { cause: error });
  }
}

export function readNpy(path: string, opts: ReadNpyOptions = {}): NpyArray {
  return readFromFile(path, opts);
}

/** Reads a 2-D float array as a float32 Matrix (float64 values are rounded to float32). */
export function readNpyMatrix(path: string, opts: ReadNpyOptions = {}): Matrix {
  const { shape, data } = readFromFile(path, { ...opts, as: 'float32', ndim: 2 });
  return { rows: shape[0]!, cols: shape[1]!, data: data as Float32Array };
}

/** Serialises an array as .npy (version 1 header, or 2 when the header is too long). */
export function encodeNpy(data: Float32Array | Float64Array, shape: number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`encodeNpy: shape (${shape.join(', ')}) needs ${count} values, got ${data.length}`);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([npyHeader(data instanceof Float32Array ? 'float32' : 'float64', shape), body]);
}

/** The header of a C-order .npy of this dtype and shape (the data follows it, little-endian):
 * for writing a large array a block at a time. */
export function npyHeader(dtype: NpyDtype, shape: number[]): Buffer {
  const descr = dtype === 'float32' ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let version = 1;
  let prefix = 10;
  // Header + padding ends on a multiple of 64 bytes, with a trailing newline.
  let total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (total - prefix > 0xffff) {
    version = 2;
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  dict = dict + ' '.repeat(total - prefix - dict.length - 1) + '\n';
  const head = Buffer.alloc(prefix);
  MAGIC.copy(head, 0);
  head[6] = version;
  head[7] = 0;
  if (version === 1) head.writeUInt16LE(dict.length, 8);
  else head.writeUInt32LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1')]);
}

/** Writes an array as .npy: the header, then the array's own bytes (no copy of the data). */
export function writeNpy(path: string, data: Float32Array | Float64Array, shape: number[]): void {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`writeNpy: shape (${shape.join(', ')}) needs ${count} values, got ${data.length}`);
  const fd = openSync(path, 'w');
  try {
    writeAll(fd, npyHeader(data instanceof Float32Array ? 'float32' : 'float64', shape));
    writeAll(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 30));
}

export function writeNpyMatrix(path: string, m: Matrix): void {
  writeNpy(path, m.data, [m.rows, m.cols]);
}
