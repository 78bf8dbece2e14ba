// .npy reading and writing, checked against NumPy's own byte layout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNpy, openNpyMatrix, parseNpy, readNpy, readNpyMatrix, readNpyRows, writeNpy, writeNpyMatrix } from '../../src/compute/npy.js';

const dir = mkdtempSync(join(tmpdir(), 'npy-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A .npy as NumPy writes it: magic, version, header length, dict padded to 64 bytes, data. */
function numpyBytes(dict: string, data: Buffer, version = 1): Buffer {
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict + ' '.repeat(total - prefix - dict.length - 1) + '\n';
  const head = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]).copy(head);
  head[6] = version;
  if (version === 1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

const f32 = (values: number[]): Buffer => Buffer.from(new Float32Array(values).buffer);
const f64 = (values: number[]): Buffer => Buffer.from(new Float64Array(values).buffer);

describe('npy', () => {
  it("writes NumPy's exact bytes (np.save of float32 (2, 3))", () => {
    const data = new Float32Array([0, 1, 2, 3, 4, 5]);
    const want = numpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32([0, 1, 2, 3, 4, 5]));
    expect(encodeNpy(data, [2, 3]).equals(want)).toBe(true);
    expect(want.length).toBe(128 + 24); // the length np.save gives
  });

  it('round-trips float32 and float64 through files, 1-D and 2-D', () => {
    const a = new Float32Array([1.5, -2.25, 3e-8, 7]);
    writeNpy(join(dir, 'a.npy'), a, [2, 2]);
    const back = readNpy(join(dir, 'a.npy'));
    expect(back.dtype).toBe('float32');
    expect(back.shape).toEqual([2, 2]);
    expect(Array.from(back.data)).toEqual(Array.from(a));
    const b = new Float64Array([Math.PI, -1e-300, 2]);
    writeNpy(join(dir, 'b.npy'), b, [3]);
    const bb = readNpy(join(dir, 'b.npy'));
    expect(bb.dtype).toBe('float64');
    expect(bb.shape).toEqual([3]);
    expect(Array.from(bb.data)).toEqual(Array.from(b));
    writeNpyMatrix(join(dir, 'm.npy'), { rows: 1, cols: 4, data: a });
    expect(readNpyMatrix(join(dir, 'm.npy'))).toEqual({ rows: 1, cols: 4, data: a });
  });

  it('reads version 2 headers, float64 matrices as float32, and into shared memory', () => {
    const buf = numpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1), }", f64([0.1, 0.2]), 2);
    writeFileSync(join(dir, 'v2.npy'), buf);
    const m = readNpyMatrix(join(dir, 'v2.npy'), { shared: true });
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(1);
    expect(m.data).toBeInstanceOf(Float32Array);
    expect(m.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(m.data)).toEqual([Math.fround(0.1), Math.fround(0.2)]);
  });

  it('reads an empty dimension and a 0-D header', () => {
    const empty = parseNpy(numpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", Buffer.alloc(0)));
    expect(empty.shape).toEqual([0, 3]);
    const scalar = parseNpy(numpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", f64([4])));
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data)).toEqual([4]);
  });

  it.each([
    ['bad magic', Buffer.from('PK\x03\x04 not numpy at all'), /not a \.npy file/],
    ['fortran order', numpyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f32([1, 2, 3, 4])), /fortran_order/],
    ['int64 dtype', numpyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", f64([1, 2])), /dtype '<i8'.*float32/],
    ['big-endian', numpyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", f32([1])), /dtype '>f4'/],
    ['truncated data', numpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (10, 10), }", f32([1, 2, 3])), /truncated data.*needs 400 bytes.*has 12/],
    ['truncated header', numpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f32([1])).subarray(0, 30), /truncated \.npy header/],
    ['unknown version', Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 0]), Buffer.alloc(60)]), /version 9/],
  ])('rejects %s with a clear error naming the file', (_what, bytes, message) => {
    const path = join(dir, 'bad.npy');
    writeFileSync(path, bytes);
    expect(() => readNpy(path)).toThrow(message);
    expect(() => readNpy(path)).toThrow(path);
  });

  it('rejects the wrong number of dimensions for a matrix, and missing files', () => {
    writeNpy(join(dir, 'v.npy'), new Float32Array(3), [3]);
    expect(() => readNpyMatrix(join(dir, 'v.npy'))).toThrow(/expected a 2-D array, got 1-D shape \(3\)/);
    expect(() => readNpyMatrix(join(dir, 'nope.npy'))).toThrow(/nope\.npy: file not found/);
    expect(() => openNpyMatrix(join(dir, 'v.npy'))).toThrow(/expected a 2-D array, got 1-D shape \(3\)/);
    expect(() => openNpyMatrix(join(dir, 'nope.npy'))).toThrow(/nope\.npy: file not found/);
  });

  it('opens a matrix file and reads rows from it into a given buffer (version 2 header, a view of shared memory)', () => {
    const values = Array.from({ length: 12 }, (_, j) => j / 4);
    writeFileSync(join(dir, 'rows.npy'), numpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }", f32(values), 2));
    const file = openNpyMatrix(join(dir, 'rows.npy'));
    try {
      expect([file.rows, file.cols, file.dtype, file.dataOffset]).toEqual([4, 3, 'float32', 128]);
      const out = new Float32Array(new SharedArrayBuffer(4 * 8), 4, 6);
      readNpyRows(file, 1, 2, out);
      expect(Array.from(out)).toEqual(values.slice(3, 9));
      expect(() => readNpyRows(file, 3, 2, out)).toThrow(/rows 3\.\.4 out of range \(4 rows\)/);
    } finally {
      file.close();
    }
    file.close(); // twice is harmless
    writeFileSync(join(dir, 'rows64.npy'), numpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", f64([1, 2])));
    const f64File = openNpyMatrix(join(dir, 'rows64.npy'));
    expect(() => readNpyRows(f64File, 0, 1, new Float32Array(2))).toThrow(/rows64\.npy: rows are read as float32 only, the file holds float64/);
    f64File.close();
    writeFileSync(join(dir, 'short.npy'), numpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }", f32([1, 2])));
    expect(() => openNpyMatrix(join(dir, 'short.npy'))).toThrow(/short\.npy: truncated data/);
  });
});
