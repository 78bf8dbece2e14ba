import { mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
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

  it('builtin:imagenet gives the 1,000 ImageNet class names from the data file, as the mobilenet package listed them', async () => {
    const set = await loadConceptSet('builtin:imagenet');
    expect(set.concepts).toHaveLength(1000);
    expect(set.notes).toEqual([]);
    expect(set.concepts[0]).toBe('tench, Tinca tinca');
    // The reference's names where the package had 'jelly fish' and two classes called just 'crane'.
    expect([set.concepts[107], set.concepts[134], set.concepts[517]]).toEqual(['jellyfish', 'crane, bird', 'crane, machine']);
    expect(set.concepts[999]).toBe('toilet tissue, toilet paper, bathroom tissue');
    // Every name, in order (the checksum is written down in the data file's README).
    expect(createHash('sha256').update(set.concepts.join('\n')).digest('hex')).toBe(
      '8b243a5b56f530010b42d64d8ef33c2660224447aded823f4d9de2cb1902a70e',
    );
  });

  it('names the available built-ins for an unknown one', async () => {
    await expect(loadConceptSet('builtin:nope')).rejects.toThrow(/unknown built-in.*builtin:common-10k/);
  });
});
