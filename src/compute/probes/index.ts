import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { decodeRgb } from '../preprocess/index.js';
import { probeSchemeOf } from './schemes.js';
import type { ProbeSet, SkippedImage } from './types.js';

export { registerProbeScheme, type ProbeScheme } from './schemes.js';
export { probeSetRecord, type ProbeItem, type ProbeRenderer, type ProbeSet, type ProbeSource, type SkippedImage } from './types.js';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'];

function isImage(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** All images under a folder, recursively, in a stable order (code-point order of relative paths). */
function listFolder(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if ((entry.isFile() || entry.isSymbolicLink()) && isImage(entry.name)) found.push(full);
    }
  };
  walk(root);
  const rel = (p: string): string => relative(root, p).split('\\').join('/');
  return found.sort((a, b) => (rel(a) < rel(b) ? -1 : rel(a) > rel(b) ? 1 : 0));
}

/** One path per line, relative to the list file; blank lines and `#` comments ignored. */
function readList(listPath: string): string[] {
  const base = dirname(listPath);
  return readFileSync(listPath, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => resolve(base, l));
}

/** Images read and decoded at once (sharp decodes on libuv's thread pool); only these are held in memory. */
const CHECK_BATCH = 8;

/** Reads and decodes one image as the image pass will: its bytes, or why it cannot be used. */
async function checkImage(path: string): Promise<{ bytes: Buffer } | { reason: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return { reason: `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  try {
    await decodeRgb(bytes);
    return { bytes };
  } catch (error) {
    // libvips repeats its complaint over several lines; the first says it.
    return { reason: `cannot decode it (${(error as Error).message.replace(/^cannot decode image [^:]*: /, '').split('\n')[0]})` };
  }
}

/**
 * The images that can be read and decoded, with the sha256 over their relative paths and bytes in
 * order (the set's content hash), and those that cannot. With `strict`, the first unreadable image
 * stops everything instead of being skipped.
 */
async function checkImages(paths: string[], root: string, strict: boolean): Promise<{ kept: string[]; skipped: SkippedImage[]; contentHash: string }> {
  const hash = createHash('sha256');
  const kept: string[] = [];
  const skipped: SkippedImage[] = [];
  for (let start = 0; start < paths.length; start += CHECK_BATCH) {
    const part = paths.slice(start, start + CHECK_BATCH);
    const checked = await Promise.all(part.map(checkImage));
    checked.forEach((c, i) => {
      const path = part[i]!;
      if ('reason' in c) {
        if (strict) throw new Error(`probe image ${path}: ${c.reason}; without --strict it would be skipped`);
        skipped.push({ path, reason: c.reason });
        return;
      }
      kept.push(path);
      hash.update(relative(root, path).split('\\').join('/')).update('\0').update(c.bytes).update('\0');
    });
  }
  return { kept, skipped, contentHash: hash.digest('hex') };
}

export interface ResolveProbeOptions {
  /** Stop at the first image that cannot be read or decoded instead of skipping it. */
  strict?: boolean;
}

/**
 * A probe set from a registered scheme (`toy:N:SEED`), an image folder (recursive) or a list file
 * (one path per line). Each image of a folder or list is read and decoded first: one that cannot
 * be is left out of the set (listed in `skipped`; it gets no ordinal, embedding or activation), or
 * with `strict` stops the command.
 */
export async function resolveProbeSet(spec: string, opts: ResolveProbeOptions = {}): Promise<ProbeSet> {
  const scheme = probeSchemeOf(spec);
  if (scheme) return scheme.resolve(spec);
  const path = resolve(spec);
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new Error(`--probe ${spec}: no such folder or list file`, { cause: error });
  }
  const isFolder = stat.isDirectory();
  const files = isFolder ? listFolder(path) : readList(path);
  if (files.length === 0) {
    throw new Error(`--probe ${spec}: no images found (${isFolder ? `looked for ${IMAGE_EXTENSIONS.join(' ')} recursively` : 'the list is empty'})`);
  }
  const root = isFolder ? path : dirname(path);
  for (const f of files) {
    if (!isFolder && !isImage(f)) throw new Error(`--probe ${spec}: ${f} is not a .jpg/.jpeg/.png/.webp image`);
  }
  const { kept, skipped, contentHash } = await checkImages(files, root, opts.strict ?? false);
  if (kept.length === 0) {
    throw new Error(`--probe ${spec}: none of its ${files.length} image(s) can be read and decoded (${skipped[0]!.path}: ${skipped[0]!.reason})`);
  }
  return {
    name: basename(path).replace(/\.[^.]+$/, '') || 'probe',
    recipe: isFolder ? { folder: path } : { list: path },
    // Over the images kept: the set is what can be decoded, whatever else lies in the folder.
    contentHash,
    items: kept.map((f, ordinal) => ({ ordinal, uri: f, source: { kind: 'file' as const, path: f } })),
    skipped,
  };
}
