import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../../src/core/config.js';
import { formatAtlas } from '../../src/exporters/index.js';
import { collectExport } from '../../src/services/export.js';
import { parseAtlasCsv } from '../../src/importers/index.js';
import { drivers, layerResult, writeCompleteRun, writeFixtureSets } from '../store/helpers.js';
import { requireShared } from '../support/shared.js';
import { tempAtlas } from '../support/temp-atlas.js';
import { errorCode, fixturesDir, ok, runCli, servedAtlas } from './helpers.js';

const fixture = (name: string) => join(fixturesDir, name);
const read = (name: string) => readFileSync(fixture(name), 'utf8');
/** What an atlas file says, whatever its quoting: [layer, unit, label, score] per row. */
const rows = (format: string, text: string, file: string, layer?: string) =>
  parseAtlasCsv(format, text, file, layer ? { layer } : {}).layers.flatMap((l) => l.labels.map((x) => [l.name, x.unit, x.label, x.score]));

describe('atlas export (CLI)', () => {
  let dir: string;
  let env: Record<string, string>;
  const cli = (args: string[]) => runCli(args, env);
  beforeAll(async () => {
    ({ dir, env } = await tempAtlas('atlas-export-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes back what was imported, in every format import reads, and says what is wrong otherwise', async () => {
    expect((await cli(['import', '--format', 'clip-dissect', fixture('small_clipdissect.csv'), '--model', 'r18', '--version', 'places'])).code).toBe(0);
    expect((await cli(['import', '--format', 'milan', fixture('small_milan.csv'), '--model', 'r18', '--version', 'places'])).code).toBe(0);

    // Default: per layer the latest complete clip-dissect run, as the API shows it; byte for byte
    // the file it came from (quoted comma included).
    const cd = await cli(['export', '--model', 'r18']);
    expect(cd.stderr).toBe('');
    expect(cd.stdout).toBe(read('small_clipdissect.csv'));

    // MILAN: quotes inside quoted fields survive; a layer the run labels partly keeps its gaps.
    const out = join(dir, 'milan.csv');
    const milan = await cli(['export', '--model', 'r18', '--version', 'places', '--method', 'milan', '--format', 'milan', '--out', out]);
    expect(milan.code).toBe(0);
    expect(milan.stderr).toContain(`wrote ${out}`);
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(rows('milan', readFileSync(out, 'utf8'), out)).toEqual(rows('milan', read('small_milan.csv'), 'small_milan.csv'));

    // Network Dissection: one layer, units from 1; read back as the same labels.
    const nd = await cli(['export', '--model', 'r18', '--format', 'netdissect', '--layer', 'layer2']);
    expect(nd.stdout.split('\n')[1]).toBe('1,,grass,1.5');
    expect(rows('netdissect', nd.stdout, 'x.csv', 'layer2')).toEqual(rows('clip-dissect', read('small_clipdissect.csv'), 'f.csv').filter((r) => r[0] === 'layer2'));

    const fail = async (args: string[], message: RegExp) => {
      const res = await cli(['export', ...args]);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(message);
    };
    await fail(['--model', 'r18', '--format', 'netdissect'], /a netdissect file holds one layer, and this export has 2 \(conv1, layer2\): name one in --layer/);
    await fail(['--model', 'r18', '--method', 'milan'], /the labels of layer conv1 come from a milan run, which has no scores; the clip-dissect format needs one: export it as milan or json/);
    await fail(['--model', 'r19'], /model r19 is not in the atlas; it holds r18@places/);
    await fail(['--model', 'r18', '--layer', 'layer9'], /r18@places has no layer layer9; its layers: conv1, layer2/);
    await fail(['--model', 'r18', '--method', 'netdissect'], /r18@places has no layer with labels from a complete netdissect run/);
    await fail(['--model', 'r18', '--format', 'xml'], /unknown export format 'xml'; expected one of clip-dissect, milan, netdissect, json/);
    await fail(['--run', '99'], /run 99 does not exist or is not complete/);
    await fail(['--model', 'r18', '--top-n', '0', '--format', 'json'], /--top-n must be a positive integer, got 0/);
    await fail(['--model', 'r18', '--top-images', '3'], /--top-images needs --format json/);
  });

  it(
    'round-trips a published CLIP-Dissect atlas',
    async (ctx) => {
      const file = requireShared(ctx, 'reference/results/resnet18_places_imagenet_broden.csv');
      expect((await cli(['import', '--format', 'clip-dissect', file, '--model', 'resnet18', '--version', 'places365'])).code).toBe(0);
      const res = await cli(['export', '--model', 'resnet18']);
      expect(res.code).toBe(0);
      const original = rows('clip-dissect', readFileSync(file, 'utf8'), file);
      expect(original.length).toBeGreaterThan(1000);
      expect(rows('clip-dissect', res.stdout, 'export.csv')).toEqual(original);
    },
  );
});

describe.each(drivers)('export of dissect runs on %s', (driver) => {
  const served = servedAtlas(driver);

  it('gives JSON every rank, best first, with the run behind each layer; CSV the best label', async () => {
    const { store } = served.atlas;
    const ids = await writeFixtureSets(store);
    const older = await writeCompleteRun(store, ids, 'clip-dissect', 0);
    const latest = await writeCompleteRun(store, ids, 'clip-dissect', 2);
    const json = JSON.parse(formatAtlas('json', await collectExport(store, { model: 'toy', topN: 2 }))) as {
      model: string;
      layers: { name: string; units: number; run: { id: number; similarity: string }; neurons: { unit: number; labels: { label: string; score: number }[] }[] }[];
    };
    expect(json.model).toBe('toy');
    expect(json.layers.map((l) => [l.name, l.units, l.run.id, l.run.similarity, l.neurons.length])).toEqual([
      ['conv1', 6, latest, 'soft_wpmi', 6],
      ['fc', 3, latest, 'soft_wpmi', 3],
    ]);
    // layerResult: unit u of the run with shift s has CONCEPTS[(u + s + r) % 8] at rank r, score 0.9 - 0.1 r - 0.01 u.
    expect(json.layers[0]!.neurons[1]).toEqual({
      unit: 1,
      // written without confidences: null, and the CSV formats get no confidence column
      labels: [
        { label: 'stripes', score: expect.closeTo(0.89, 12), confidence: null },
        { label: 'dots', score: expect.closeTo(0.79, 12), confidence: null },
      ],
    });
    // Top images on request: layerResult gives unit u the images (u + r) % 12 at activation 10 - r - u / 10.
    const withImages = await collectExport(store, { model: 'toy', layers: ['fc'], topN: 1, topImages: 2 });
    expect(withImages.layers[0]!.neurons[2]).toEqual({
      unit: 2,
      labels: [{ label: 'dots', score: expect.closeTo(0.88, 12), confidence: null }],
      topImages: [
        { ordinal: 2, uri: 'toy:1/2', activation: expect.closeTo(9.8, 5) },
        { ordinal: 3, uri: 'toy:1/3', activation: expect.closeTo(8.8, 5) },
      ],
    });
    expect(json.layers[0]!.neurons[0]).not.toHaveProperty('topImages');
    const csv = formatAtlas('clip-dissect', await collectExport(store, { run: older, layers: ['fc'], topN: 1 }));
    expect(csv).toBe('layer,unit,description,similarity\nfc,0,red,0.9\nfc,1,green,0.89\nfc,2,blue,0.88\n');
  });

  it('exportAtlas over HTTP: the same files, read back by importAtlas; bad arguments named', async () => {
    const query = `query($model: String!, $format: ExportFormat, $layers: [String!], $topN: Int, $run: ID, $topImages: Int) {
      exportAtlas(model: $model, format: $format, layers: $layers, topN: $topN, run: $run, topImages: $topImages) }`;
    const text = ok(await served.client.gql(query, { model: 'toy' })).exportAtlas as string;
    expect(text.split('\n').slice(0, 3)).toEqual(['layer,unit,description,similarity', 'conv1,0,blue,0.9', 'conv1,1,stripes,0.89']);
    expect(text).toBe(formatAtlas('clip-dissect', await collectExport(served.atlas.store, { model: 'toy', topN: 1 })));

    config().apiKey = 'k';
    const imported = await served.client.gql(
      `mutation($csv: String!) { importAtlas(format: CLIP_DISSECT, csv: $csv, model: "toy-copy", version: "1") { labels } }`,
      { csv: text },
      { authorization: 'Bearer k' },
    );
    expect(ok(imported).importAtlas).toEqual({ labels: 9 });
    expect(ok(await served.client.gql(query, { model: 'toy-copy' })).exportAtlas).toBe(text);

    // JSON comes as a JSON value, not as a string holding JSON
    const json = ok(await served.client.gql(query, { model: 'toy', format: 'JSON', layers: ['fc'], topN: 3 })).exportAtlas as {
      layers: { name: string; neurons: { labels: unknown[] }[] }[];
    };
    expect(json.layers.map((l) => [l.name, l.neurons.length, l.neurons[0]!.labels.length])).toEqual([['fc', 3, 3]]);

    const bad = async (vars: Record<string, unknown>, message: RegExp) => {
      const res = await served.client.gql(query, { model: 'toy', ...vars });
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.body.errors![0]!.message).toMatch(message);
    };
    await bad({ model: 'nope' }, /model nope is not in the atlas; it holds toy@1, toy-copy@1/);
    await bad({ format: 'NETDISSECT' }, /a netdissect file holds one layer, and this export has 2 \(conv1, fc\): name one in `layers`/);
    await bad({ layers: ['fc', 'layer9'] }, /toy@1 has no layer layer9; its layers: conv1, fc/);
    await bad({ topN: 21, format: 'JSON' }, /`topN` must be 1 to 20, got 21/);
    await bad({ run: 'x1' }, /`run` must be a run id, got "x1"/);
    await bad({ topImages: 3 }, /`topImages` needs format JSON/);
    const imgs = ok(await served.client.gql(query, { model: 'toy', format: 'JSON', layers: ['conv1'], topN: 1, topImages: 4 })).exportAtlas as {
      layers: { neurons: { topImages: { ordinal: number }[] }[] }[];
    };
    expect(imgs.layers[0]!.neurons[5]!.topImages.map((i) => i.ordinal)).toEqual([5, 6, 7, 8]);
  });

  it('label confidences: on the neuron, its labels and listings, in every export, and read back by importAtlas', async () => {
    const { store } = served.atlas;
    const ids = await writeFixtureSets(store);
    // A run whose labels carry confidences (by unit, then rank), but unit 2's rank 0.
    const runId = await store.runs.begin({ ...ids, parameters: { method: 'clip-dissect', similarity: 'cos_similarity', params: {} } });
    const fc = layerResult('fc', 3, 'dense', 5);
    const given = [[0.95, 0.65, 0.35], [0.85, 0.55, 0.25], [null, 0.45, 0.15]];
    fc.labels = fc.labels.map((ls, u) => ls.map((l, r) => (given[u]![r] === null ? l : { ...l, confidence: given[u]![r]! })));
    await store.runs.writeLayer(runId, fc);
    await store.runs.complete(runId);
    const run = String(runId);

    const neuron = ok(
      await served.client.gql(
        `query($run: ID) { neuron(model: "toy", layer: "fc", unit: 1, run: $run) { label confidence labels(first: 2) { rank text confidence } } }`,
        { run },
      ),
    ).neuron as { confidence: number; labels: { rank: number; confidence: number }[] };
    expect(neuron.confidence).toBeCloseTo(0.85, 12);
    expect(neuron.labels.map((l) => l.confidence)).toEqual([expect.closeTo(0.85, 12), expect.closeTo(0.55, 12)]);
    const page = ok(await served.client.gql(`query($run: ID) { neurons(model: "toy", layer: "fc", run: $run, first: 3) { edges { node { unit confidence } } } }`, { run }))
      .neurons as { edges: { node: { unit: number; confidence: number | null } }[] };
    expect(page.edges.map((e) => e.node.confidence)).toEqual([expect.closeTo(0.95, 12), expect.closeTo(0.85, 12), null]);
    const byScore = ok(
      await served.client.gql(`query($run: ID) { neurons(model: "toy", layer: "fc", run: $run, first: 3, orderBy: SCORE_DESC) { edges { node { unit confidence } } } }`, { run }),
    ).neurons as { edges: { node: { unit: number; confidence: number | null } }[] };
    expect(byScore.edges.map((e) => e.node.confidence)).toEqual([expect.closeTo(0.95, 12), expect.closeTo(0.85, 12), null]);

    const csv = formatAtlas('clip-dissect', await collectExport(store, { run: runId, topN: 1 }));
    expect(csv.split('\n').slice(0, 4)).toEqual(['layer,unit,description,similarity,confidence', 'fc,0,circle,0.9,0.95', 'fc,1,square,0.89,0.85', 'fc,2,dog,0.88,']);
    expect(formatAtlas('netdissect', await collectExport(store, { run: runId, topN: 1 })).split('\n')[1]).toBe('1,,circle,0.9,0.95');
    const json = await collectExport(store, { run: runId, topN: 2 });
    expect(json.layers[0]!.neurons[0]!.labels.map((l) => l.confidence)).toEqual([expect.closeTo(0.95, 12), expect.closeTo(0.65, 12)]);

    // Read back: the column's values are stored; a file without the column leaves them null.
    config().apiKey = 'k';
    const imported = await served.client.gql(
      `mutation($csv: String!) { importAtlas(format: CLIP_DISSECT, csv: $csv, model: "toy-conf", version: "1") { labels } }`,
      { csv },
      { authorization: 'Bearer k' },
    );
    expect(ok(imported).importAtlas).toEqual({ labels: 3 });
    const back = ok(await served.client.gql(`{ neurons(model: "toy-conf", layer: "fc", first: 3) { edges { node { label confidence } } } }`)).neurons as {
      edges: { node: { label: string; confidence: number | null } }[];
    };
    expect(back.edges.map((e) => [e.node.label, e.node.confidence])).toEqual([
      ['circle', 0.95],
      ['square', 0.85],
      ['dog', null],
    ]);
    expect(() => parseAtlasCsv('clip-dissect', 'layer,unit,description,similarity,confidence\nfc,0,red,0.9,1.5\n', 'bad.csv')).toThrow(
      /bad\.csv: line 2, column 5 \(confidence\): confidence "1\.5" is not a number from 0 to 1/,
    );
  });
});
