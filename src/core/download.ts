/** Saving a download to disk, shared by the hub's CLIP folders and input files given as URLs. */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Streams a fetch response's body into `target` through a temporary file beside it, renamed once
 * complete, so an interrupted download never leaves a truncated file that looks finished. Returns
 * the bytes' SHA-256 (hex); `onChunk` sees each chunk's size (progress). On failure the temporary
 * file is removed and the error passed on.
 */
export async function saveResponse(response: Response, target: string, onChunk?: (bytes: number) => void): Promise<string> {
  if (!response.body) throw new Error('the server sent no body');
  const partial = `${target}.part-${randomUUID()}`;
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      onChunk?.(chunk.length);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]), tap, createWriteStream(partial));
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  renameSync(partial, target);
  return hash.digest('hex');
}
