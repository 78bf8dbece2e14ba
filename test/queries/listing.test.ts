/**
 * Issue 14 over HTTP: predictable version and run defaults that the answer names, deleteModel,
 * listing and ordering (neurons by score, concept sets, dissections of every version), dead and
 * degenerate units left unlabelled with a reason, exports as JSON values, and messages that name
 * arguments rather than command-line flags.
 */
import { describe, expect, it } from 'vitest';
import { config } from '../../src/core/config.js';
import type { Matrix } from '../../src/core/types.js';
import { drivers } from '../store/helpers.js';
import { CLASSES, errorCode, ok, servedAtlas, writeQueryAtlas, type GqlResponse, type QueryAtlas } from './helpers.js';

function message(res: GqlResponse): string {
  return res.body.errors?.[0]?.message ?? '';
}

/** l1's activations with unit 4 firing for 3 of the 60 images only and unit 5 dead (all zero). */
function degenerate(q: QueryAtlas): Matrix {
  const acts: Matrix = { rows: q.acts.rows, cols: q.acts.cols, data: q.acts.data.slice() };
  for (let i = 0; i < acts.rows; i++) {
    acts.data[i * acts.cols + 4] = i < 3 ? 1 + i : 0;
    acts.data[i * acts.cols + 5] = 0;
  }
  return acts;
}

describe.each(drivers)('listing, defaults and dead units over HTTP on %s', (driver) => {
  const state: { v1?: QueryAtlas; v2?: QueryAtlas } = {};
  const served = servedAtlas(driver, async (store) => {
    state.v1 = await writeQueryAtlas(store);
    state.v2 = await writeQueryAtlas(store, { version: '2' });
    // The newest version has the layers but no run at all.
    const v3 = await store.models.upsert({ name: 'net', version: '3', fileHash: 'h3', inputSpec: {} });
    await store.models.upsertLayers(v3, [
      { name: 'l1', kind: 'conv', units: 6 },
      { name: 'l2', kind: 'dense', units: 4 },
    ]);
    await store.embeddings.putActivations(state.v2.modelId, 'l1', state.v2.probeSetId, degenerate(state.v2));
  });
  const gql = (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => served.client.gql(query, variables, headers);
  const auth = { authorization: 'Bearer list-key' };

  it('leaves out `version` for the newest version with a complete run of the layer, and says which version and run answered', async () => {
    const page = ok(await gql('{ neurons(model: "net", layer: "l1", first: 1) { model { version } layer { name } run { id } edges { node { label model { version } } } } }'))
      .neurons as { model: { version: string }; layer: { name: string }; run: { id: string } };
    expect(page).toMatchObject({ model: { version: '2' }, layer: { name: 'l1' }, run: { id: String(state.v2!.runId) } });
    const one = ok(await gql('{ neuron(model: "net", layer: "l2", unit: 1) { label model { version } run { id } } }')).neuron;
    expect(one).toEqual({ label: 'green', model: { version: '2' }, run: { id: String(state.v2!.runId) } });
    // a run named without a version answers from that run's version
    const byRun = ok(await gql(`{ neurons(model: "net", layer: "l1", run: "${state.v1!.runId}", first: 1) { model { version } run { id } } }`)).neurons;
    expect(byRun).toEqual({ model: { version: '1' }, run: { id: String(state.v1!.runId) } });
    expect(ok(await gql('{ model(name: "net") { version } }')).model).toEqual({ version: '2' });
    // asked for by version, the empty one answers with no run rather than another version's
    const empty = ok(await gql('{ neurons(model: "net", version: "3", layer: "l1", first: 1) { model { version } run { id } edges { node { label } } } }')).neurons;
    expect(empty).toEqual({ model: { version: '3' }, run: null, edges: [{ node: { label: null } }] });
  });

  it('orders neurons by score with minScore and cursors of that order', async () => {
    const query = `query($order: NeuronOrder, $after: String, $min: Float) {
      neurons(model: "net", version: "1", layer: "l2", first: 2, orderBy: $order, after: $after, minScore: $min) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { unit score } } } }`;
    type Page = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { unit: number; score: number } }[] };
    const p1 = ok(await gql(query, { order: 'SCORE_DESC' })).neurons as Page;
    expect(p1.edges.map((e) => e.node.unit)).toEqual([3, 2]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = ok(await gql(query, { order: 'SCORE_DESC', after: p1.pageInfo.endCursor })).neurons as Page;
    expect(p2.edges.map((e) => e.node.unit)).toEqual([1, 0]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    const asc = ok(await gql(query, { order: 'SCORE_ASC', min: 0.15 })).neurons as Page;
    expect(asc.totalCount).toBe(2);
    expect(asc.edges.map((e) => e.node.unit)).toEqual([2, 3]);
    const byUnit = ok(await gql(query, { min: 0.15 })).neurons as Page;
    expect(byUnit.edges.map((e) => e.node.unit)).toEqual([2, 3]);
    // a cursor of one order is refused in another
    const mixed = await gql(query, { order: 'UNIT', after: p1.pageInfo.endCursor });
    expect(errorCode(mixed)).toBe('BAD_USER_INPUT');
    expect(message(mixed)).toMatch(/`after` is a cursor of a page in another order/);
  });

  it('lists concept sets with a sample, and dissections of every version of a model, each with its model', async () => {
    const sets = ok(await gql('{ conceptSets { name size sample(first: 3) } }')).conceptSets;
    expect(sets).toEqual([{ name: 'test-concepts', size: 12, sample: ['red', 'green', 'blue'] }]);
    const all = ok(await gql('{ dissections(model: "net") { id method model { name version } } }')).dissections;
    expect(all).toEqual([
      { id: String(state.v2!.runId), method: 'clip-dissect', model: { name: 'net', version: '2' } },
      { id: String(state.v1!.runId), method: 'clip-dissect', model: { name: 'net', version: '1' } },
    ]);
    expect(ok(await gql('{ dissections(model: "net", version: "1") { id } }')).dissections).toEqual([{ id: String(state.v1!.runId) }]);
    expect(ok(await gql('{ dissections(model: "net", method: "milan") { id } }')).dissections).toEqual([]);
  });

  it('leaves dead and degenerate units unlabelled with a reason in rescores, saved runs and exports', async () => {
    const rescore = `query($fn: SimilarityFunction) { rescore(model: "net", version: "2", layer: "l1", concepts: ${JSON.stringify(CLASSES)},
      function: $fn, params: { top_k: 10 }) { units { unit label score unlabelledReason } } }`;
    type Unit = { unit: number; label: string | null; score: number | null; unlabelledReason: string | null };
    const soft = (ok(await gql(rescore, { fn: 'SOFT_WPMI' })).rescore as { units: Unit[] }).units;
    expect(soft.slice(0, 4).every((u) => u.label !== null && Number.isFinite(u.score) && u.unlabelledReason === null)).toBe(true);
    expect(soft[4]).toMatchObject({ label: null, score: null });
    expect(soft[4]!.unlabelledReason).toMatch(/^degenerate unit: only 3 of 60 probe images activate it above its lowest value \(0\), fewer than the 10 top images soft_wpmi reads/);
    expect(soft[5]).toMatchObject({ label: null, score: null });
    expect(soft[5]!.unlabelledReason).toMatch(/^dead unit: all 60 probe images activate it equally \(0\)/);
    // cosine similarity reads every image: only the dead unit is left out (its cosine would be 0/0)
    const cos = (ok(await gql(rescore.replace(', params: { top_k: 10 }', ''), { fn: 'COS_SIMILARITY' })).rescore as { units: Unit[] }).units;
    expect(cos[4]!.label).not.toBeNull();
    expect(cos[5]).toMatchObject({ label: null, score: null });

    config().apiKey = 'list-key';
    const saved = ok(
      await gql(
        `mutation { saveRescore(model: "net", version: "2", layer: "l1", concepts: ${JSON.stringify(CLASSES)}, params: { top_k: 10 }) { run { id } } }`,
        {},
        auth,
      ),
    ).saveRescore as { run: { id: string } };
    const dead = ok(await gql('{ neuron(model: "net", version: "2", layer: "l1", unit: 5) { label score unlabelledReason labels { text } topImages { ordinal } run { id } } }')).neuron;
    expect(dead).toMatchObject({ label: null, score: null, labels: [], topImages: [], run: { id: saved.run.id } });
    const weak = ok(await gql('{ neuron(model: "net", version: "2", layer: "l1", unit: 4) { label unlabelledReason topImages { activation } } }')).neuron as {
      label: null;
      unlabelledReason: string;
      topImages: { activation: number }[];
    };
    expect(weak.unlabelledReason).toMatch(/^degenerate unit/);
    // only the images that activate it at all, not tied zeros picked by index
    expect(weak.topImages.map((t) => t.activation)).toEqual([3, 2, 1]);
    expect(ok(await gql('{ neuron(model: "net", version: "2", layer: "l1", unit: 0) { unlabelledReason } }')).neuron).toEqual({ unlabelledReason: null });

    const csv = ok(await gql('{ exportAtlas(model: "net", version: "2", layers: ["l1"]) }')).exportAtlas as string;
    expect(typeof csv).toBe('string');
    const rows = csv.trim().split('\n');
    // (the saved rescore's labels have confidences: a last column, empty for these too)
    expect(rows[0]).toBe('layer,unit,description,similarity,confidence');
    expect(rows.slice(-2)).toEqual(['l1,4,,,', 'l1,5,,,']);
    expect(csv).not.toMatch(/NaN/);
    const json = ok(await gql('{ exportAtlas(model: "net", version: "2", layers: ["l1"], format: JSON, topN: 1) }')).exportAtlas as {
      model: string;
      layers: { run: { id: number }; neurons: { unit: number; labels: unknown[]; unlabelledReason?: string }[] }[];
    };
    // a JSON value, not a string holding JSON
    expect(json.model).toBe('net');
    expect(json.layers[0]!.run.id).toBe(Number(saved.run.id));
    expect(json.layers[0]!.neurons[5]).toMatchObject({ unit: 5, labels: [] });
    expect(json.layers[0]!.neurons[5]!.unlabelledReason).toMatch(/^dead unit/);
  });

  it('speaks of arguments, not command-line flags, to GraphQL callers', async () => {
    const two = await gql('{ exportAtlas(model: "net", version: "1", format: NETDISSECT) }');
    expect(errorCode(two)).toBe('BAD_USER_INPUT');
    expect(message(two)).toMatch(/name one in `layers`/);
    config().apiKey = 'list-key';
    const imported = await gql(
      'mutation($csv: String!) { importAtlas(format: NETDISSECT, csv: $csv, model: "nd", version: "1") { labels } }',
      { csv: 'unit,category,label,score\n1,,dog,0.5\n' },
      auth,
    );
    expect(errorCode(imported)).toBe('BAD_USER_INPUT');
    expect(message(imported)).toMatch(/holds one layer: pass `layer`/);
    for (const res of [two, imported]) expect(message(res)).not.toMatch(/--/);
  });

  it('deletes a model only once its runs are deleted, with the API key', async () => {
    const del = 'mutation($name: String!, $version: String) { deleteModel(name: $name, version: $version) { name version layers } }';
    expect(errorCode(await gql(del, { name: 'net', version: '3' }))).toBe('FORBIDDEN');
    config().apiKey = 'list-key';
    expect(errorCode(await gql(del, { name: 'net', version: '3' }))).toBe('UNAUTHENTICATED');
    const ambiguous = await gql(del, { name: 'net' }, auth);
    expect(errorCode(ambiguous)).toBe('BAD_USER_INPUT');
    expect(message(ambiguous)).toMatch(/model net has 3 versions \(1, 2, 3\): name the one to delete \(`version`\)/);
    const busy = await gql(del, { name: 'net', version: '1' }, auth);
    expect(errorCode(busy)).toBe('BAD_USER_INPUT');
    expect(message(busy)).toMatch(new RegExp(`model net@1 still has 1 run\\(s\\): ${state.v1!.runId} \\(clip-dissect, complete\\); delete them first \\(the deleteRun mutation`));
    expect(errorCode(await gql(del, { name: 'nope' }, auth))).toBe('NOT_FOUND');
    expect(ok(await gql(del, { name: 'net', version: '3' }, auth)).deleteModel).toEqual({ name: 'net', version: '3', layers: 2 });
    expect(ok(await gql('{ models { version } }')).models).toEqual([{ version: '1' }, { version: '2' }]);
    ok(await gql(`mutation { deleteRun(id: "${state.v1!.runId}") { id } }`, {}, auth));
    expect(ok(await gql(del, { name: 'net', version: '1' }, auth)).deleteModel).toEqual({ name: 'net', version: '1', layers: 2 });
    expect(ok(await gql('{ models { version } }')).models).toEqual([{ version: '2' }]);
  });
});
