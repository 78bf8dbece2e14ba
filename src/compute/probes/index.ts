import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { probeSchemeOf } from './schemes.js';
import type { ProbeSet } from './types.js';

export { registerProbeScheme, type ProbeScheme } from './schemes.js';
export { probeSetRecord, type ProbeItem, type ProbeRenderer, type ProbeSet, type ProbeSource } from './types.js';

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

async function hashFiles(paths: string[], root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) {
    hash.update(relative(root, path).split('\\').join('/')).update('\0');
    try {
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    } catch (error) {
      throw new Error(`cannot read probe image ${path}: ${(error as Error).message}`, { cause: error });
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** A probe set from a registered scheme (`toy:N:SEED`), an image folder (recursive) or a list file (one path per line). */
export async function resolveProbeSet(spec: string): Promise<ProbeSet> {
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
  const contentHash = await hashFiles(files, root);
  return {
    name: basename(path).replace(/\.[^.]+$/, '') || 'probe',
    recipe: isFolder ? { folder: path } : { list: path },
    contentHash,
    items: files.map((f, ordinal) => ({ ordinal, uri: f, source: { kind: 'file' as const, path: f } })),
  };
}
