/**
 * The concept-activation matrix P (N images x C concepts), behind an interface so that a huge P
 * need never exist in memory: either dense (from an .npy file) or factored as L2-normalised
 * image embeddings (N x D) times text embeddings (C x D), whose rows are computed on demand.
 */
import type { Matrix } from '../../core/types.js';
import { readSourceRows, type RowSource } from './kernel.js';

export interface ConceptMatrix {
  readonly images: number;
  readonly concepts: number;
  /** Writes rows `indices` of P into `out` (indices.length x concepts, row-major). */
  readRows(indices: ArrayLike<number>, out: Float32Array): void;
  /** How the similarity kernels read rows; worker threads can use it when its arrays live in
   * shared memory (see toShared). */
  source(): RowSource;
}

function checkMatrix(m: Matrix, what: string): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0) {
    throw new Error(`${what}: bad shape ${m.rows} x ${m.cols}`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new Error(`${what}: data holds ${m.data.length} values, shape ${m.rows} x ${m.cols} needs ${m.rows * m.cols}`);
  }
}

function fromSource(src: RowSource): ConceptMatrix {
  return {
    images: src.rows,
    concepts: src.cols,
    readRows: (indices, out) => readSourceRows(src, indices, out),
    source: () => src,
  };
}

/** P given in full, rows = images, cols = concepts. */
export function denseConcepts(p: Matrix): ConceptMatrix {
  checkMatrix(p, 'concept matrix');
  return fromSource({ kind: 'dense', rows: p.rows, cols: p.cols, data: p.data });
}

/**
 * P = images x texts^T, as CLIP-Dissect defines it when both embedding sets are L2-normalised
 * (normalise them before, or pass `normalise: true`). Rows are computed when asked for.
 */
export function factoredConcepts(images: Matrix, texts: Matrix, opts: { normalise?: boolean } = {}): ConceptMatrix {
  checkMatrix(images, 'image embeddings');
  checkMatrix(texts, 'text embeddings');
  if (images.cols !== texts.cols) {
    throw new Error(`image embeddings have dimension ${images.cols} but text embeddings have ${texts.cols}`);
  }
  const img = opts.normalise ? normaliseRows(images) : images;
  const txt = opts.normalise ? normaliseRows(texts) : texts;
  return fromSource({ kind: 'factored', rows: img.rows, cols: txt.rows, dim: img.cols, x: img.data, t: txt.data });
}

/**
 * P as float32 rows of an open file (e.g. an .npy's data, see openNpyMatrix): rows are read
 * when the kernels need them, by whichever thread needs them, into buffers of their own, so
 * P never exists whole in memory and rows no neuron's top images use are never read. The
 * file must stay open until scoring ends.
 */
export function fileConcepts(file: { rows: number; cols: number; fd: number; dataOffset: number; path: string }): ConceptMatrix {
  if (!Number.isInteger(file.rows) || !Number.isInteger(file.cols) || file.rows < 0 || file.cols < 0) {
    throw new Error(`${file.path}: bad shape ${file.rows} x ${file.cols}`);
  }
  return fromSource({ kind: 'file', rows: file.rows, cols: file.cols, fd: file.fd, offset: file.dataOffset, name: file.path });
}

/** Any other way of producing rows of P (read on the calling thread only). */
export function readerConcepts(
  images: number,
  concepts: number,
  read: (indices: ArrayLike<number>, out: Float32Array) => void,
): ConceptMatrix {
  return fromSource({ kind: 'reader', rows: images, cols: concepts, read });
}

export function isShared(a: Float32Array): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}

/** Whether worker threads can read this source in place. */
export function isSharedSource(src: RowSource): boolean {
  if (src.kind === 'dense') return isShared(src.data);
  if (src.kind === 'factored') return isShared(src.x) && isShared(src.t);
  return src.kind === 'file'; // every thread can read the file
}

/** Copies a float32 array into shared memory, so worker threads can read it in place. */
export function toShared(a: Float32Array): Float32Array {
  if (isShared(a)) return a;
  const s = new Float32Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
}

/** Unit L2 norm per row (a zero row stays zero); the result lives in shared memory. */
export function normaliseRows(m: Matrix): Matrix {
  const out = new Float32Array(new SharedArrayBuffer(m.data.byteLength));
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    const o = i * m.cols;
    for (let j = 0; j < m.cols; j++) s += m.data[o + j]! * m.data[o + j]!;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < m.cols; j++) out[o + j] = m.data[o + j]! * inv;
  }
  return { rows: m.rows, cols: m.cols, data: out };
}
