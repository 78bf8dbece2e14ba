/**
 * `atlas dissect --preset`: a named configuration sets the similarity function and parameters and
 * is recorded on the run; without one the reference's defaults stay (through the command line, on
 * a temp atlas and a small toy probe set).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atlas } from '../support/cli.js';
import { tempAtlas } from '../support/temp-atlas.js';
import { smallConceptFile, toyClip, toyModel } from '../eval/helpers.js';

let dir = '';
let env: Record<string, string> = {};
let concepts = '';
const dissect = (name: string, extra: string[]) =>
  atlas(['dissect', '--model', toyModel('resnet-v1'), '--layers', 'fc', '--clip', toyClip, '--probe', 'toy:200:7', '--concepts', concepts, '--name', name, '--version', 'v', '--quiet', '--json', ...extra], env);
const runOf = async (name: string) => {
  const r = await atlas(['export', '--model', name, '--format', 'json', '--top-n', '1'], env);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { layers: { run: { similarity: string; params: Record<string, unknown> } }[] }).layers[0]!.run;
};

beforeAll(async () => {
  ({ dir, env } = await tempAtlas('atlas-preset-test-'));
  concepts = smallConceptFile(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atlas dissect --preset', () => {
  it('records the preset with the parameters it chose; without one, the reference defaults and no preset', async () => {
    expect((await dissect('with-final', ['--preset', 'final'])).code).toBe(0);
    const final = await runOf('with-final');
    expect(final.similarity).toBe('soft_wpmi');
    expect(final.params).toMatchObject({ preset: 'final', a: 2, lam: 0.6, top_k: 28 });

    expect((await dissect('with-hidden', ['--preset', 'hidden'])).code).toBe(0);
    const hidden = await runOf('with-hidden');
    expect(hidden.similarity).toBe('cos_similarity');
    expect(hidden.params).toMatchObject({ preset: 'hidden' });

    // Concepts the toy CLIP's tokenizer cannot read (all their words unknown) are dropped with a warning, never a label.
    const withUnknown = join(dir, 'with-unknown.txt');
    writeFileSync(withUnknown, `${readFileSync(concepts, 'utf8')}zebra\nxylophone\nred zebra\n`);
    const plainRun = await atlas(
      ['dissect', '--model', toyModel('resnet-v1'), '--layers', 'fc', '--clip', toyClip, '--probe', 'toy:200:7', '--concepts', withUnknown, '--name', 'plain', '--version', 'v', '--quiet', '--json'],
      env,
    );
    expect(plainRun.code, plainRun.stderr).toBe(0);
    expect((JSON.parse(plainRun.stdout) as { unknownConcepts: string[] }).unknownConcepts).toEqual(['squared', 'zebra', 'xylophone']);
    expect(plainRun.stderr).toMatch(/warning: 3 concept\(s\) dropped, the CLIP tokenizer knows none of their words: squared, zebra, xylophone/);
    const plain = await runOf('plain');
    expect(plain.similarity).toBe('soft_wpmi');
    expect(plain.params).toMatchObject({ a: 10, lam: 1, top_k: 100 });
    expect(plain.params).not.toHaveProperty('preset');

    // and a preset's run is one eval can rescore (its stored parameters hold more than the function's)
    const ev = await atlas(['eval', '--run', '1', '--json'], env);
    expect(ev.code, ev.stderr).toBe(0);
  });

  it('refuses an unknown preset and a function the preset does not use', async () => {
    const bad = await dissect('x', ['--preset', 'best']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown preset 'best'; expected one of reference, hidden, final/);
    const clash = await dissect('y', ['--preset', 'hidden', '--fn', 'soft_wpmi']);
    expect(clash.code).not.toBe(0);
    expect(clash.stderr).toMatch(/--preset hidden scores with cos_similarity; it cannot be combined with --fn soft_wpmi/);
  });
});
