import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { ProbeSetRecord } from '../../core/types.js';
import { generateScene, isToySpec, parseToySpec, renderScene, toyImageUri } from '../../toyworld/index.js';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'];

/** Where one probe image comes from: a file, or a scene of the toy world (rendered on demand). */
export type ProbeSource = { kind: 'file'; path: string } | { kind: 'toy'; seed: number; index: number };

export interface ProbeItem {
  ordinal: number;
  uri: string;
  source: ProbeSource;
}

export interface ProbeSet {
  name: string;
  recipe: Record<string, unknown>;
  /** sha256 over the images' bytes (files) or over the generator recipe (toy sets). */
  contentHash: string;
  items: ProbeItem[];
}

export function probeSetRecord(set: ProbeSet): ProbeSetRecord {
  return {
    name: set.name,
    recipe: set.recipe,
    contentHash: set.contentHash,
    images: set.items.map((i) => ({ ordinal: i.ordinal, uri: i.uri })),
  };
}

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

/**
 * A toy-world probe set. Its images are generated on demand, so its hash covers the recipe plus
 * a fingerprint of what the generator currently produces (a few scenes and one rendering): a
 * changed generator means a different set and no stale cached embeddings.
 */
function toySet(spec: string): ProbeSet {
  const { count, seed } = parseToySpec(spec);
  const recipe = { generator: 'toy', count, seed };
  const hash = createHash('sha256').update(JSON.stringify(recipe));
  for (let i = 0; i < Math.min(count, 8); i++) hash.update(JSON.stringify(generateScene(seed, i)));
  hash.update(renderScene(generateScene(seed, 0), 32).rgb);
  const items = Array.from({ length: count }, (_, index) => ({
    ordinal: index,
    uri: toyImageUri(seed, index),
    source: { kind: 'toy', seed, index } as ProbeSource,
  }));
  return { name: `toy-${count}-${seed}`, recipe, contentHash: hash.digest('hex'), items };
}

/** A probe set from `toy:N:SEED`, an image folder (recursive) or a list file (one path per line). */
export async function resolveProbeSet(spec: string): Promise<ProbeSet> {
  if (isToySpec(spec)) return toySet(spec);
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
    items: files.map((f, ordinal) => ({ ordinal, uri: f, source: { kind: 'file', path: f } })),
  };
}
