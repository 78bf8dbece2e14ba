import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Matrix } from '../../core/types.js';

export interface StreamSpec {
  /** File-safe stream name (`clip`, `layer-0`, ...). */
  name: string;
  cols: number;
}

interface Progress {
  key: string;
  total: number;
  done: number;
  streams: StreamSpec[];
}

/**
 * Rows computed so far by an interrupted image pass, kept on disk so a rerun continues where
 * the last one stopped. Each stream is an append-only float32 file; `progress.json` (replaced
 * atomically after the rows are fsynced) says how many rows are valid, so rows written after the
 * last progress update (a kill mid-batch) are cut off on reopen. Commits happen at most every
 * `commitMs` (fsync is slow next to a small model's batch) and on `commit()`.
 */
export class Checkpoint {
  private readonly fds = new Map<string, number>();
  private pending = 0;
  private lastCommit = Date.now();
  commitMs = 1000;

  private constructor(
    readonly dir: string,
    private progress: Progress,
  ) {}

  /** Rows safely on disk. */
  get done(): number {
    return this.progress.done;
  }

  static open(dir: string, key: string, total: number, streams: StreamSpec[]): Checkpoint {
    mkdirSync(dir, { recursive: true });
    const progressPath = join(dir, 'progress.json');
    let progress: Progress | undefined;
    if (existsSync(progressPath)) {
      try {
        const saved = JSON.parse(readFileSync(progressPath, 'utf8')) as Progress;
        const same =
          saved.key === key &&
          saved.total === total &&
          JSON.stringify(saved.streams) === JSON.stringify(streams) &&
          streams.every((s) => existsSync(join(dir, `${s.name}.f32`)) && statSync(join(dir, `${s.name}.f32`)).size >= saved.done * s.cols * 4);
        if (same) progress = saved;
      } catch {
        progress = undefined; // unreadable: start over
      }
    }
    if (!progress) {
      for (const s of streams) writeFileSync(join(dir, `${s.name}.f32`), new Uint8Array(0));
      progress = { key, total, done: 0, streams };
      writeProgress(dir, progress);
    } else {
      for (const s of streams) truncateSync(join(dir, `${s.name}.f32`), progress.done * s.cols * 4);
    }
    return new Checkpoint(dir, progress);
  }

  /** Append `rows` rows to every stream; they count as done once committed. */
  append(rows: number, data: Map<string, Float32Array>): void {
    for (const s of this.progress.streams) {
      const values = data.get(s.name);
      if (!values || values.length !== rows * s.cols) throw new Error(`checkpoint: stream ${s.name} got ${values?.length ?? 0} values for ${rows} rows of ${s.cols}`);
      let fd = this.fds.get(s.name);
      if (fd === undefined) this.fds.set(s.name, (fd = openSync(join(this.dir, `${s.name}.f32`), 'a')));
      writeSync(fd, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
    this.pending += rows;
    if (Date.now() - this.lastCommit >= this.commitMs) this.commit();
  }

  /** fsync the streams, then record their rows as done. */
  commit(): void {
    if (this.pending > 0) {
      for (const fd of this.fds.values()) fsyncSync(fd);
      this.progress = { ...this.progress, done: this.progress.done + this.pending };
      this.pending = 0;
      writeProgress(this.dir, this.progress);
    }
    this.lastCommit = Date.now();
  }

  /** Commit what was appended and close the files (the checkpoint stays on disk). */
  close(): void {
    this.commit();
    this.closeFiles();
  }

  private closeFiles(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  /** A stream's committed rows. */
  read(name: string): Matrix {
    this.commit();
    const spec = this.progress.streams.find((s) => s.name === name);
    if (!spec) throw new Error(`checkpoint: no stream ${name}`);
    const bytes = readFileSync(join(this.dir, `${name}.f32`));
    const rows = this.progress.done;
    const data = new Float32Array(rows * spec.cols);
    new Uint8Array(data.buffer).set(bytes.subarray(0, rows * spec.cols * 4));
    return { rows, cols: spec.cols, data };
  }

  remove(): void {
    this.closeFiles();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function writeProgress(dir: string, progress: Progress): void {
  const tmp = join(dir, `progress.json.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(progress));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, 'progress.json'));
}
