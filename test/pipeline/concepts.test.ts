import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConceptSet } from '../../src/compute/concepts/index.js';
import '../../src/toyworld/register.js';
import { TOY_VOCABULARY } from '../../src/toyworld/index.js';

describe('concept sets', () => {
  it('reads a text file: one per line, trimmed, blanks and duplicates dropped with a note', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concepts-'));
    const file = join(dir, 'my-words.txt');
    writeFileSync(file, '  dog \r\ncat\n\n\ndog\nhot dog\ncat\n');
    const set = await loadConceptSet(file);
    expect(set.name).toBe('my-words');
    expect(set.concepts).toEqual(['dog', 'cat', 'hot dog']);
    expect(set.notes.join('\n')).toMatch(/dropped 2 blank lines/);
    expect(set.notes.join('\n')).toMatch(/dropped 2 duplicates \("dog", "cat"\)/);
  });

  it('rejects a missing or empty file with the path in the message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concepts-'));
    await expect(loadConceptSet(join(dir, 'nope.txt'))).rejects.toThrow(/nope\.txt: cannot read concept file/);
    writeFileSync(join(dir, 'empty.txt'), '\n \n');
    await expect(loadConceptSet(join(dir, 'empty.txt'))).rejects.toThrow(/holds no concepts/);
  });

  it('builtin:common-10k is 10,000 distinct lower-case words in frequency order', async () => {
    const set = await loadConceptSet('builtin:common-10k');
    expect(set.concepts).toHaveLength(10_000);
    expect(new Set(set.concepts).size).toBe(10_000);
    expect(set.concepts.slice(0, 3)).toEqual(['you', 'the', 'to']);
    expect(set.concepts.every((w) => w === w.toLowerCase() && w.length >= 2)).toBe(true);
  });

  it('builtin:toy is the toy vocabulary; builtin:toy+common-10k appends the common words without repeats', async () => {
    const toy = await loadConceptSet('builtin:toy');
    expect(toy.concepts).toEqual([...new Set(TOY_VOCABULARY)]);
    const both = await loadConceptSet('builtin:toy+common-10k');
    expect(both.concepts.slice(0, toy.concepts.length)).toEqual(toy.concepts);
    expect(new Set(both.concepts).size).toBe(both.concepts.length);
    expect(both.concepts.length).toBeGreaterThan(10_000 - toy.concepts.length);
  });

  it('builtin:imagenet gives the 1,000 class names, or says which package it needs', async () => {
    let installed = true;
    try {
      createRequire(import.meta.url).resolve('@tensorflow-models/mobilenet/dist/imagenet_classes.js');
    } catch {
      installed = false;
    }
    if (installed) {
      const set = await loadConceptSet('builtin:imagenet');
      expect(set.concepts).toHaveLength(1000);
      expect(set.concepts[0]).toBe('tench, Tinca tinca');
      expect(set.concepts.slice(517, 518)).toEqual(['crane, machine']);
      expect(new Set(set.concepts).size).toBe(1000);
    } else {
      await expect(loadConceptSet('builtin:imagenet')).rejects.toThrow(/@tensorflow-models\/mobilenet/);
    }
  });

  it('names the available built-ins for an unknown one', async () => {
    await expect(loadConceptSet('builtin:nope')).rejects.toThrow(/unknown built-in.*builtin:common-10k/);
  });
});
