/**
 * Presets over HTTP: `rescore(preset:)` and `saveRescore(preset:)` score with the preset's
 * function and parameters, a stored rescore records it, and `Dissection.preset` reports it
 * (REFERENCE for runs that asked for none).
 */
import { describe, expect, it } from 'vitest';
import { config } from '../../src/core/config.js';
import { drivers } from '../store/helpers.js';
import { CLASSES, errorCode, ok, servedAtlas, writeQueryAtlas, type QueryAtlas } from './helpers.js';

describe.each(drivers)('presets over HTTP on %s', (driver) => {
  let q: QueryAtlas;
  const served = servedAtlas(driver, async (store) => {
    q = await writeQueryAtlas(store);
  });
  const query = `query($preset: Preset, $fn: SimilarityFunction, $params: JSON) {
    rescore(model: "net", layer: "l1", concepts: ${JSON.stringify(CLASSES)}, preset: $preset, function: $fn, params: $params) { function params unknownConcepts units { label } } }`;

  it('rescore takes the preset\'s function and parameters; params override them; another function is refused', async () => {
    const final = ok(await served.client.gql(query, { preset: 'FINAL' })).rescore as { function: string; params: Record<string, number>; units: { label: string }[] };
    expect(final.function).toBe('SOFT_WPMI');
    // a byte-level BPE tokenizer reads every word
    expect((final as unknown as { unknownConcepts: string[] }).unknownConcepts).toEqual([]);
    expect(final.params).toMatchObject({ a: 2, lam: 0.6, top_k: 28 });
    const overridden = ok(await served.client.gql(query, { preset: 'FINAL', params: { top_k: 5 } })).rescore as typeof final;
    expect(overridden.params).toMatchObject({ a: 2, lam: 0.6, top_k: 5 });
    const hidden = ok(await served.client.gql(query, { preset: 'HIDDEN' })).rescore as typeof final;
    expect(hidden.function).toBe('COS_SIMILARITY');
    expect(hidden.units.map((u) => u.label)).toEqual(q.unitClass.map((c) => CLASSES[c]));
    const clash = await served.client.gql(query, { preset: 'HIDDEN', fn: 'WPMI' });
    expect(errorCode(clash)).toBe('BAD_USER_INPUT');
    expect(clash.body.errors![0]!.message).toMatch(/scores with cos_similarity; it cannot be combined with --fn wpmi/);
  });

  it('a saved rescore records its preset; runs without one report REFERENCE', async () => {
    config().apiKey = 'k-preset';
    const saved = ok(
      await served.client.gql(
        `mutation { saveRescore(model: "net", layer: "l1", concepts: ${JSON.stringify(CLASSES)}, preset: HIDDEN) { run { id preset similarity params } } }`,
        {},
        { authorization: 'Bearer k-preset' },
      ),
    ).saveRescore as { run: { id: string; preset: string; similarity: string; params: Record<string, unknown> } };
    expect(saved.run).toMatchObject({ preset: 'HIDDEN', similarity: 'cos_similarity' });
    expect(saved.run.params.preset).toBe('hidden');
    const base = ok(await served.client.gql(`{ dissection(id: "${q.runId}") { preset } }`)).dissection as { preset: string };
    expect(base.preset).toBe('REFERENCE');
  });
});
