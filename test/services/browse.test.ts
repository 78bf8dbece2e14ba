/** The browse service: the API's plain reads, their default choices, errors and per-request batching. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, NotFoundError } from '../../src/core/errors.js';
import { BrowseService } from '../../src/services/browse.js';
import { openTestAtlas, writeCompleteRun, writeFixtureSets, type TestAtlas } from '../store/helpers.js';

describe('browse service on pglite', () => {
  let atlas: TestAtlas;
  let browse: BrowseService;
  let clipRun: number;
  let netRun: number;
  let statements: string[] = [];

  beforeAll(async () => {
    atlas = await openTestAtlas('pglite', { storage: 'memory', onQuery: (q) => statements.push(q) });
    const ids = await writeFixtureSets(atlas.store);
    clipRun = await writeCompleteRun(atlas.store, ids, 'clip-dissect');
    // Newer, but a clip-dissect run is still the default.
    netRun = await writeCompleteRun(atlas.store, ids, 'netdissect', 4);
    await writeFixtureSets(atlas.store, 'toy', '2');
    browse = new BrowseService(atlas.store);
  });
  afterAll(async () => {
    await atlas?.cleanup();
  });

  it('chooses the newest version and the layer default run (clip-dissect first), or the run or method named', async () => {
    const reads = browse.forRequest();
    // Version 2 is newer but has no run: without a version, version 1 (with complete runs) answers.
    expect((await reads.model('toy')).version).toBe('1');
    expect((await reads.model('toy', '2')).version).toBe('2');
    const byDefault = await reads.neuron({ model: 'toy', version: '1', layer: 'conv1', unit: 2 });
    expect(byDefault.run?.id).toBe(clipRun);
    expect((await reads.neuron({ model: 'toy', version: '1', layer: 'conv1', unit: 2, method: 'netdissect' })).run?.id).toBe(netRun);
    expect((await reads.neuron({ model: 'toy', version: '1', layer: 'conv1', unit: 2, run: String(netRun) })).run?.id).toBe(netRun);
    expect((await reads.neurons({ model: 'toy', layer: 'fc', first: 10 })).model.version).toBe('1');
    // Version 2 has no run: named, its neurons show none.
    expect((await reads.neurons({ model: 'toy', version: '2', layer: 'fc', first: 10 })).run).toBeNull();
  });

  it('throws the errors of core, naming what exists and the argument at fault', async () => {
    const reads = browse.forRequest();
    await expect(reads.model('nope')).rejects.toThrow(new NotFoundError('model nope is not in the atlas; known models: toy@1, toy@2'));
    await expect(reads.neuron({ model: 'toy', layer: 'conv1', unit: 6 })).rejects.toThrow(NotFoundError);
    await expect(reads.neurons({ model: 'toy', version: '1', layer: 'zz', first: 1 })).rejects.toThrow('its layers: conv1, fc');
    const badRun = await reads.neurons({ model: 'toy', version: '1', layer: 'conv1', run: 'x', first: 1 }).catch((e: unknown) => e);
    expect(badRun).toBeInstanceOf(BadInputError);
    expect((badRun as BadInputError).argumentName).toBe('run');
    // A layer in two versions: the one with a complete run covering it.
    const chosen = await reads.layerOfVersions(await reads.modelVersions('toy'), 'conv1');
    expect(chosen.modelId).toBe((await reads.model('toy', '1')).id);
  });

  it("batches a page's labels and top images into one statement each, cached per request only", async () => {
    const reads = browse.forRequest();
    const page = await reads.neurons({ model: 'toy', version: '1', layer: 'conv1', first: 6 });
    expect(page.items).toHaveLength(6);
    statements = [];
    const labels = await Promise.all(page.items.map((n) => reads.labels(n.run!.id, n.neuronId)));
    const images = await Promise.all(page.items.map((n) => reads.topImages(n.run!.id, n.neuronId)));
    expect(statements).toHaveLength(2);
    expect(labels.every((l) => l.length === 3) && images.every((i) => i.length === 4)).toBe(true);
    statements = [];
    await reads.labels(page.items[0]!.run!.id, page.items[0]!.neuronId);
    expect(statements).toHaveLength(0);
    await browse.forRequest().labels(page.items[0]!.run!.id, page.items[0]!.neuronId);
    expect(statements).toHaveLength(1);
  });
});
