import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../../src/core/config.js';
import { layerFromFileName, parseAtlasCsv } from '../../src/importers/index.js';
import { openStore } from '../../src/db/atlas-store.js';
import { drivers } from '../store/helpers.js';
import { requireShared } from '../support/shared.js';
import { tempAtlas } from '../support/temp-atlas.js';
import { errorCode, fixturesDir, ok, runCli, servedAtlas } from './helpers.js';

const fixture = (name: string) => join(fixturesDir, name);
const read = (name: string) => readFileSync(fixture(name), 'utf8');

describe('CSV formats', () => {
  it('reads CLIP-Dissect, MILAN (quoted fields) and Network Dissection (units from 1, layer from the file name)', () => {
    const cd = parseAtlasCsv('clip-dissect', read('small_clipdissect.csv'), 'small_clipdissect.csv');
    expect(cd.layers.map((l) => [l.name, l.units, l.labels.length])).toEqual([
      ['conv1', 3, 3],
      ['layer2', 2, 2],
    ]);
    expect(cd.layers[1]!.labels[1]).toMatchObject({ unit: 1, label: 'sky, clouds', score: 0.75, line: 6 });
    const milan = parseAtlasCsv('milan', read('small_milan.csv'), 'small_milan.csv');
    expect(milan.layers[0]!.labels[1]).toMatchObject({ unit: 1, label: 'Stripes, "zebra" like', score: null });
    expect(milan.layers[1]).toMatchObject({ name: 'layer2', units: 2 });
    const nd = parseAtlasCsv('netdissect', read('small_netdissect_layer3.csv'), 'x/small_netdissect_layer3.csv');
    expect(nd.layers).toHaveLength(1);
    expect(nd.layers[0]!.name).toBe('layer3');
    expect(nd.layers[0]!.units).toBe(4);
    expect(nd.layers[0]!.labels.map((l) => [l.unit, l.label, l.score])).toEqual([
      [0, 'red-c', 0.04],
      [1, 'striped', 0.06],
      [3, 'dog', 0.11],
    ]);
    expect(layerFromFileName('resnet18_places365_layer4.csv')).toBe('layer4');
    expect(parseAtlasCsv('netdissect', read('small_netdissect_layer3.csv'), 'f.csv', { layer: 'other' }).layers[0]!.name).toBe('other');
  });

  it('names file, line and column for bad input', () => {
    expect(() => parseAtlasCsv('clip-dissect', read('bad_score.csv'), 'bad_score.csv')).toThrow(
      'bad_score.csv: line 3, column 4 (similarity): score "not-a-number" is not a number',
    );
    expect(() => parseAtlasCsv('milan', 'layer,unit\nconv1,0\n', 'm.csv')).toThrow(/m\.csv: line 1: missing column "description"/);
    expect(() => parseAtlasCsv('milan', 'layer,unit,description\nconv1,x,red\n', 'm.csv')).toThrow(
      'm.csv: line 2, column 2 (unit): unit "x" is not a whole number',
    );
    expect(() => parseAtlasCsv('milan', 'layer,unit,description\nconv1,0,red\nconv1,0,blue\n', 'm.csv')).toThrow(
      'm.csv: line 3, column 2 (unit): layer conv1 unit 0 already appears on line 2',
    );
    expect(() => parseAtlasCsv('milan', 'layer,unit,description\nconv1,0,"red\n', 'm.csv')).toThrow(
      'm.csv: line 2, column 3 (description): quoted field is never closed',
    );
    // The line a multi-line record starts on, however the lines end.
    expect(() => parseAtlasCsv('milan', 'layer,unit,description\r\nconv1,0,"red\ngreen"\r\n\r\nconv1,1,"blue"x\r\n', 'm.csv')).toThrow(
      'm.csv: line 5, column 3 (description): unexpected "x" after a closing quote',
    );
    expect(() => parseAtlasCsv('milan', 'layer,unit,description\nconv1,0,re"d\n', 'm.csv')).toThrow(
      'm.csv: line 2, column 3 (description): a quote inside an unquoted field',
    );
    expect(() => parseAtlasCsv('milan', 'layer,unit,description\nconv1,0,"red\ngreen"\nconv1,x,blue\n', 'm.csv')).toThrow(
      'm.csv: line 4, column 2 (unit): unit "x" is not a whole number',
    );
    expect(() => parseAtlasCsv('netdissect', 'unit,category,label,score\n0,color,red,0.1\n', 'a_l.csv')).toThrow(
      /line 2, column 1 \(unit\): unit 0: netdissect numbers units from 1/,
    );
    expect(() => parseAtlasCsv('netdissect', 'unit,category,label,score\n1,color,red,0.1\n', 'nolayer.csv')).toThrow(/pass --layer/);
    expect(() => parseAtlasCsv('milan', 'layer,unit,description\nconv1,0\n', 'm.csv')).toThrow('m.csv: line 2: 2 fields, the header has 3');
    expect(() => parseAtlasCsv('tsv', '', 'm.csv')).toThrow(/unknown import format 'tsv'/);
  });

  it('bounds units per layer and layers per file, and refuses sparse files', () => {
    const milan = (rows: string[]) => `layer,unit,description\n${rows.join('\n')}\n`;
    // The 61-byte file that made a million neurons.
    expect(() => parseAtlasCsv('milan', milan(['A,999999,x']), 'm.csv')).toThrow('m.csv: line 2, column 2 (unit): unit 999999 is larger than 65535');
    expect(() => parseAtlasCsv('netdissect', 'unit,category,label,score\n65537,c,x,0.1\n', 'a_l.csv')).toThrow(/column 1 \(unit\): unit 65537 is larger than 65536/);
    // Sparse: one label for 65,536 neurons.
    expect(() => parseAtlasCsv('milan', milan(['A,0,x', 'A,65535,y']), 'm.csv')).toThrow(
      'm.csv: line 3, column 2 (unit): unit 65535 makes layer A 65536 units wide for 2 labels; a file may create at most 4096 neurons or 16 per label (the file is too sparse)',
    );
    // A few labels of a usual layer are fine: 2 layers of 2048 units.
    const few = parseAtlasCsv('milan', milan(['A,2047,x', 'B,0,y', 'B,2047,z']), 'm.csv');
    expect(few.layers.map((l) => [l.name, l.units])).toEqual([['A', 2048], ['B', 2048]]);
    const many = Array.from({ length: 257 }, (_, i) => `L${i},0,x`);
    expect(() => parseAtlasCsv('milan', milan(many), 'm.csv')).toThrow('m.csv: line 258, column 1 (layer): layer L256 is one more than the 256 layers a file may hold');
  });
});

describe('atlas import (CLI)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    ({ dir, env } = await tempAtlas('atlas-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports CSVs as complete runs, refuses a bad file without writing anything', async () => {
    const a = await runCli(['import', '--format', 'clip-dissect', fixture('small_clipdissect.csv'), '--model', 'r18', '--version', 'places'], env);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/imported 5 clip-dissect labels into r18@places as run \d+: conv1 \(3\/3 units, new\), layer2 \(2\/2 units, new\)/);
    const b = await runCli(['import', '--format', 'netdissect', fixture('small_netdissect_layer3.csv'), '--model', 'r18', '--version', 'places', '--json'], env);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ format: 'netdissect', labels: 3, layers: [{ name: 'layer3', units: 4, labelled: 3, created: true }], embedded: 0 });
    const bad = await runCli(['import', '--format', 'clip-dissect', fixture('bad_score.csv'), '--model', 'other', '--version', '1'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad_score.csv: line 3, column 4 (similarity): score "not-a-number" is not a number');

    const store = await openStore({ dataDir: env.ATLAS_DATA_DIR });
    try {
      const models = await store.models.list();
      expect(models.map((m) => `${m.name}@${m.version}`)).toEqual(['r18@places']);
      const runs = await store.runs.list({});
      expect(runs.map((r) => r.method).sort()).toEqual(['clip-dissect', 'netdissect']);
      const layers = await store.models.layers(models[0]!.id);
      expect(layers.map((l) => [l.name, l.units, l.position])).toEqual([
        ['conv1', 3, 0],
        ['layer2', 2, 1],
        ['layer3', 4, 2],
      ]);
    } finally {
      await store.close();
    }
  });
});

describe('atlas import (CLI) errors', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    ({ dir, env } = await tempAtlas('atlas-import-err-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never prints SQL text when the database refuses a write', async () => {
    // NUL cannot be stored in a Postgres text column: the database refuses the insert.
    const res = await runCli(['import', '--format', 'milan', fixture('small_milan.csv'), '--model', 'a\u0000b', '--version', '1'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).not.toMatch(/Failed query|insert into|params:|select /i);
    expect(res.stderr).toMatch(/^atlas: /);
  });

  it('refuses a tiny file that would create a huge layer, naming line and column', async () => {
    const file = join(dir, 'sparse.csv');
    writeFileSync(file, 'layer,unit,description\nA,999999,x\n');
    const res = await runCli(['import', '--format', 'milan', file, '--model', 'sparse', '--version', '1'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('sparse.csv: line 2, column 2 (unit): unit 999999 is larger than 65535');
  });
});

describe.each(drivers)('importAtlas over HTTP on %s', (driver) => {
  const served = servedAtlas(driver);
  const key = 'test-key-123';
  const auth = { authorization: `Bearer ${key}` };
  const mutation = `mutation($format: ImportFormat!, $csv: String!, $model: String!, $version: String!, $layer: String) {
    importAtlas(format: $format, csv: $csv, model: $model, version: $version, layer: $layer) {
      run { id method status layers } model { name version } labels embeddedLabels layers { name units labelled created } } }`;

  it('refuses mutations without a configured key (FORBIDDEN) and without a valid one (UNAUTHENTICATED)', async () => {
    const vars = { format: 'MILAN', csv: read('small_milan.csv'), model: 'm', version: '1' };
    const off = await served.client.gql(mutation, vars, auth);
    expect(errorCode(off)).toBe('FORBIDDEN');
    expect(off.status).toBe(403);
    expect(off.body.errors![0]!.message).toMatch(/set ATLAS_API_KEY/);
    config().apiKey = key;
    const none = await served.client.gql(mutation, vars);
    expect(errorCode(none)).toBe('UNAUTHENTICATED');
    expect(none.status).toBe(401);
    const wrong = await served.client.gql(mutation, vars, { authorization: 'Bearer nope' });
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    expect(ok(await served.client.gql('{ models { name } }')).models).toEqual([]);
  });

  it('imports MILAN and CLIP-Dissect labels; neurons show the latest clip-dissect run by default, others by method or run', async () => {
    config().apiKey = key;
    const milan = ok(await served.client.gql(mutation, { format: 'MILAN', csv: read('small_milan.csv'), model: 'm', version: '1' }, auth)).importAtlas as {
      run: { id: string; method: string; status: string; layers: string[] };
      labels: number;
      embeddedLabels: number;
    };
    expect(milan).toMatchObject({ run: { method: 'milan', status: 'COMPLETE', layers: ['conv1', 'layer2'] }, labels: 4, embeddedLabels: 0 });
    const cd = ok(await served.client.gql(mutation, { format: 'CLIP_DISSECT', csv: read('small_clipdissect.csv'), model: 'm', version: '1' }, auth))
      .importAtlas as { run: { id: string }; layers: unknown[] };
    expect(cd.layers).toEqual([
      { name: 'conv1', units: 3, labelled: 3, created: false },
      { name: 'layer2', units: 2, labelled: 2, created: false },
    ]);
    const q = `query($method: String, $run: ID) { neurons(model: "m", version: "1", layer: "conv1", method: $method, run: $run) {
      run { method } edges { node { unit label score } } } }`;
    const byDefault = ok(await served.client.gql(q)).neurons as { run: { method: string }; edges: { node: { label: string; score: number } }[] };
    expect(byDefault.run.method).toBe('clip-dissect');
    expect(byDefault.edges.map((e) => e.node.label)).toEqual(['red', 'stripes', 'dog']);
    expect(byDefault.edges[2]!.node.score).toBe(0.125);
    const byMethod = ok(await served.client.gql(q, { method: 'milan' })).neurons as typeof byDefault;
    expect(byMethod.edges.map((e) => e.node.label)).toEqual(['Red things', 'Stripes, "zebra" like', 'Dog faces']);
    const byRun = ok(await served.client.gql(q, { run: milan.run.id })).neurons as typeof byDefault;
    expect(byRun.run.method).toBe('milan');
    const one = ok(await served.client.gql('{ neuron(model: "m", version: "1", layer: "layer2", unit: 1, method: "milan") { label } }'));
    expect(one.neuron).toEqual({ label: 'Grass' });
  });

  it('needs a layer for Network Dissection CSV text and stores units from 0', async () => {
    config().apiKey = key;
    const csv = read('small_netdissect_layer3.csv');
    const noLayer = await served.client.gql(mutation, { format: 'NETDISSECT', csv, model: 'nd', version: '1' }, auth);
    expect(errorCode(noLayer)).toBe('BAD_USER_INPUT');
    expect(noLayer.body.errors![0]!.message).toMatch(/holds one layer: pass `layer`/);
    const done = ok(await served.client.gql(mutation, { format: 'NETDISSECT', csv, model: 'nd', version: '1', layer: 'layer3' }, auth));
    expect(done.importAtlas).toMatchObject({ labels: 3, layers: [{ name: 'layer3', units: 4, labelled: 3, created: true }] });
    const n = ok(await served.client.gql('{ neuron(model: "nd", layer: "layer3", unit: 3) { label score run { method } } }'));
    expect(n.neuron).toEqual({ label: 'dog', score: 0.11, run: { method: 'netdissect' } });
  });

  it('rejects a bad CSV with file, line and column and writes nothing (one transaction)', async () => {
    config().apiKey = key;
    const before = ok(await served.client.gql('{ models { name } dissections { id } }'));
    const bad = await served.client.gql(mutation, { format: 'CLIP_DISSECT', csv: read('bad_score.csv'), model: 'fresh', version: '1' }, auth);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.status).toBe(400);
    expect(bad.body.errors![0]!.message).toBe('importAtlas(clip-dissect): line 3, column 4 (similarity): score "not-a-number" is not a number');
    // Valid CSV, but unit 7 does not exist in the stored conv1 (3 units): found inside the transaction,
    // after the model and a layer were already inserted; all of it must roll back.
    const conflict = 'layer,unit,description,similarity\nnewlayer,0,a,0.1\nconv1,7,b,0.2\n';
    const res = await served.client.gql(mutation, { format: 'CLIP_DISSECT', csv: conflict, model: 'm', version: '1' }, auth);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0]!.message).toMatch(/line 3: unit 7 is outside layer conv1 of m@1, which has 3 units/);
    expect(ok(await served.client.gql('{ models { name } dissections { id } }'))).toEqual(before);
    const layers = ok(await served.client.gql('{ model(name: "m", version: "1") { layers { name } } }'));
    expect(layers.model).toEqual({ layers: [{ name: 'conv1' }, { name: 'layer2' }] });
  });

  it('refuses a tiny sparse file with BAD_USER_INPUT instead of creating a million neurons', async () => {
    config().apiKey = key;
    const res = await served.client.gql(mutation, { format: 'MILAN', csv: 'layer,unit,description\nA,999999,x\n', model: 'huge', version: '1' }, auth);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0]!.message).toMatch(/line 2, column 2 \(unit\): unit 999999 is larger than 65535/);
    expect(errorCode(await served.client.gql('{ model(name: "huge") { name } }'))).toBe('NOT_FOUND');
  });

  it('imports concurrently into one new model: every import succeeds, one model, its layers once', async () => {
    config().apiKey = key;
    const csv = read('small_milan.csv');
    const results = await Promise.all(Array.from({ length: 6 }, () => served.client.gql(mutation, { format: 'MILAN', csv, model: 'race', version: '1' }, auth)));
    for (const res of results) expect(res.body.errors).toBeUndefined();
    const created = results.map((r) => (r.body.data!.importAtlas as { layers: { created: boolean }[] }).layers.filter((l) => l.created).length);
    expect(created.reduce((a, b) => a + b, 0)).toBe(2);
    const model = ok(await served.client.gql('{ model(name: "race", version: "1") { layers { name units } } dissections(model: "race") { id } }'));
    expect(model.model).toEqual({ layers: [{ name: 'conv1', units: 3 }, { name: 'layer2', units: 2 }] });
    expect(model.dissections).toHaveLength(6);
  });

  it('imports the published ResNet-18 atlases in all three formats', async (ctx) => {
    const sharedResults = requireShared(ctx, 'reference/results');
    config().apiKey = key;
    // Over the CLI would be the same code; here through the store API to stay under the HTTP body limit.
    const { importAtlas } = await import('../../src/services/import.js');
    const file = (name: string) => join(sharedResults, name);
    const cd = await importAtlas(served.atlas.store, { format: 'clip-dissect', csv: readFileSync(file('resnet18_places_imagenet_broden.csv'), 'utf8'), file: 'resnet18_places_imagenet_broden.csv', model: 'resnet18', version: 'places365' });
    expect(cd.labels).toBe(1024);
    expect(cd.layers.map((l) => [l.name, l.units])).toEqual([
      ['conv1', 64],
      ['layer1', 64],
      ['layer2', 128],
      ['layer3', 256],
      ['layer4', 512],
    ]);
    const milan = await importAtlas(served.atlas.store, { format: 'milan', csv: readFileSync(file('m_base_resnet18_places365.csv'), 'utf8'), file: 'm_base_resnet18_places365.csv', model: 'resnet18', version: 'places365' });
    expect(milan.labels).toBe(1024);
    for (const [name, units] of [['resnet18_places365_layer1.csv', 64], ['resnet18_places365_layer4.csv', 512], ['resnet18_places365_fc.csv', 365]] as const) {
      const nd = await importAtlas(served.atlas.store, { format: 'netdissect', csv: readFileSync(file(name), 'utf8'), file: name, model: 'resnet18', version: 'places365' });
      expect(nd.layers[0]!.units).toBe(units);
    }
    const n = ok(await served.client.gql(`{ a: neuron(model: "resnet18", layer: "conv1", unit: 3) { label run { method } }
      b: neuron(model: "resnet18", layer: "layer4", unit: 0, method: "netdissect") { label }
      c: neuron(model: "resnet18", layer: "layer4", unit: 77, method: "milan") { label }
      d: model(name: "resnet18") { layers { name units } } }`));
    expect(n.a).toEqual({ label: 'snorkeling', run: { method: 'clip-dissect' } });
    expect(n.b).toEqual({ label: 'reception-s' });
    expect(n.c).toEqual({ label: 'Train going down a track, a train going down the tracks' });
    expect((n.d as { layers: { name: string; units: number }[] }).layers.at(-1)).toEqual({ name: 'fc', units: 365 });
  });
});
