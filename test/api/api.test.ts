import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAtlasServer, type AtlasServer } from '../../src/server/app.js';
import {
  drivers,
  layerResult,
  openTestAtlas,
  writeCompleteRun,
  writeFixtureSets,
  type FixtureIds,
  type TestAtlas,
} from '../store/helpers.js';

interface GqlResponse {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

describe.each(drivers)('GraphQL over HTTP on %s', (driver) => {
  let atlas: TestAtlas;
  let server: AtlasServer;
  let base: string;
  let ids: FixtureIds;
  let clipRun: number;
  let netRun: number;
  let runningRun: number;

  async function gql(query: string, variables: Record<string, unknown> = {}): Promise<GqlResponse> {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GqlResponse['body'] };
  }

  let queries: string[] = [];
  beforeAll(async () => {
    atlas = await openTestAtlas(driver, { onQuery: (q) => queries.push(q) });
    const { store } = atlas;
    ids = await writeFixtureSets(store);
    await writeFixtureSets(store, 'toy', '2');
    clipRun = await writeCompleteRun(store, ids, 'clip-dissect');
    netRun = await writeCompleteRun(store, ids, 'netdissect', 4);
    // A run still in progress: must stay invisible everywhere.
    runningRun = await store.runs.begin({ ...ids, parameters: { method: 'clip-dissect' } });
    await store.runs.writeLayer(runningRun, layerResult('conv1', 6, 'conv', 7));
    server = await createAtlasServer(store);
    const port = await server.listen(0);
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server?.stop();
    await atlas?.cleanup();
  });

  it('answers /healthz and serves an offline query page for browsers at /graphql', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    // 'busy' only when the database took longer than a quarter second (test/api/deadline.test.ts).
    expect(await health.json()).toEqual({ status: 'ok', driver, database: expect.stringMatching(/^(ok|busy)$/) });
    // GraphiQL once built (test/web/graphiql.test.ts), else the plain query page.
    const res = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<div id="graphiql"|<textarea id="query"/);
    // Self-contained: no scripts, styles or fonts from anywhere else.
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(html).not.toMatch(/cdn|unpkg|jsdelivr|apollographql\.com/i);
  });

  it('lists models with their layers', async () => {
    const { status, body } = await gql('{ models { name version layers { name kind units position } } }');
    expect(status).toBe(200);
    expect(body.data?.models).toEqual([
      {
        name: 'toy',
        version: '1',
        layers: [
          { name: 'conv1', kind: 'conv', units: 6, position: 0 },
          { name: 'fc', kind: 'dense', units: 3, position: 1 },
        ],
      },
      { name: 'toy', version: '2', layers: expect.any(Array) },
    ]);
    const one = await gql('query($v: String) { model(name: "toy", version: $v) { version layer(name: "fc") { units } } }', { v: '1' });
    expect(one.body.data?.model).toEqual({ version: '1', layer: { units: 3 } });
  });

  it('pages through neurons with Relay cursors and totalCount', async () => {
    const query = `query($after: String) { neurons(model: "toy", version: "1", layer: "conv1", first: 4, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id unit label score } } run { id method } } }`;
    const page1 = await gql(query);
    const c1 = page1.body.data?.neurons as {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string };
      edges: { cursor: string; node: { id: string; unit: number; label: string; score: number } }[];
      run: { id: string; method: string };
    };
    expect(c1.totalCount).toBe(6);
    expect(c1.run).toEqual({ id: String(clipRun), method: 'clip-dissect' });
    expect(c1.edges.map((e) => e.node.unit)).toEqual([0, 1, 2, 3]);
    expect(c1.edges.map((e) => e.node.label)).toEqual(['red', 'green', 'blue', 'stripes']);
    expect(c1.edges[0]!.node.id).toBe('toy@1/conv1/0');
    expect(c1.edges[1]!.node.score).toBeCloseTo(0.89, 6);
    expect(c1.pageInfo.hasNextPage).toBe(true);
    expect(c1.pageInfo.hasPreviousPage).toBe(false);
    const page2 = await gql(query, { after: c1.pageInfo.endCursor });
    const c2 = page2.body.data?.neurons as typeof c1;
    expect(c2.edges.map((e) => e.node.unit)).toEqual([4, 5]);
    expect(c2.pageInfo.hasNextPage).toBe(false);
    expect(c2.pageInfo.hasPreviousPage).toBe(true);
  });

  it('filters by label text and picks runs by id or method', async () => {
    const byLabel = await gql('{ neurons(model: "toy", layer: "conv1", labelContains: "E") { totalCount model { version } run { id } } }');
    // version omitted: the newest toy (version 2) has no complete run of conv1, so version 1 answers, and says so.
    expect(byLabel.body.data?.neurons).toEqual({ totalCount: 5, model: { version: '1' }, run: { id: String(clipRun) } });
    // conv1 labels: red green blue stripes dots circle; five contain an "e".
    const v1 = await gql(
      '{ neurons(model: "toy", version: "1", layer: "conv1", first: 4, labelContains: "E") { totalCount pageInfo { hasNextPage } edges { node { unit label } } } }',
    );
    expect(v1.body.data?.neurons).toEqual({
      totalCount: 5,
      pageInfo: { hasNextPage: true },
      edges: [
        { node: { unit: 0, label: 'red' } },
        { node: { unit: 1, label: 'green' } },
        { node: { unit: 2, label: 'blue' } },
        { node: { unit: 3, label: 'stripes' } },
      ],
    });
    const literal = await gql('{ neurons(model: "toy", version: "1", layer: "conv1", labelContains: "100%_") { totalCount } }');
    expect(literal.body.data?.neurons).toEqual({ totalCount: 0 });
    const net = await gql('{ neurons(model: "toy", version: "1", layer: "conv1", first: 1, method: "netdissect") { edges { node { label run { id method } } } } }');
    expect(net.body.data?.neurons).toEqual({ edges: [{ node: { label: 'dots', run: { id: String(netRun), method: 'netdissect' } } }] });
    const byId = await gql(`{ neuron(model: "toy", version: "1", layer: "conv1", unit: 0, run: "${netRun}") { label } }`);
    expect(byId.body.data?.neuron).toEqual({ label: 'dots' });
  });

  it('returns a neuron with alternatives, top images and its run', async () => {
    const { status, body } = await gql(`{ neuron(model: "toy", version: "1", layer: "conv1", unit: 1) {
      id unit label score labels(first: 2) { rank text score } topImages(first: 3) { rank ordinal uri activation }
      layer { name } model { name version } run { id method similarity params timings status layers clipModel { name dim }
      probeSet { name size } conceptSet { name size } } } }`);
    expect(status).toBe(200);
    const n = body.data?.neuron as Record<string, unknown>;
    expect(n.label).toBe('green');
    expect(n.labels).toEqual([
      { rank: 0, text: 'green', score: expect.closeTo(0.89, 6) },
      { rank: 1, text: 'blue', score: expect.closeTo(0.79, 6) },
    ]);
    expect(n.topImages).toEqual([
      { rank: 0, ordinal: 1, uri: 'toy:1/1', activation: expect.closeTo(9.9, 5) },
      { rank: 1, ordinal: 2, uri: 'toy:1/2', activation: expect.closeTo(8.9, 5) },
      { rank: 2, ordinal: 3, uri: 'toy:1/3', activation: expect.closeTo(7.9, 5) },
    ]);
    expect(n.run).toEqual({
      id: String(clipRun),
      method: 'clip-dissect',
      similarity: 'soft_wpmi',
      params: { topk: 5 },
      timings: { total: 1.25, activations: 0.5 },
      status: 'COMPLETE',
      layers: ['conv1', 'fc'],
      clipModel: { name: 'toy-clip', dim: 4 },
      probeSet: { name: 'toy-probe', size: 12 },
      conceptSet: { name: 'toy-concepts', size: 8 },
    });
  });

  it('lists only complete dissections, never the running one', async () => {
    const { body } = await gql('{ dissections(model: "toy", version: "1") { id method status startedAt finishedAt } }');
    const runs = body.data?.dissections as { id: string; method: string; status: string; finishedAt: string }[];
    expect(runs.map((r) => r.id).sort()).toEqual([String(clipRun), String(netRun)].sort());
    expect(runs.every((r) => r.status === 'COMPLETE' && !Number.isNaN(Date.parse(r.finishedAt)))).toBe(true);
    const running = await gql(`{ dissection(id: "${runningRun}") { id } }`);
    expect(running.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const asked = await gql('{ dissections(status: RUNNING) { id } }');
    expect(asked.status).toBe(400);
    expect(asked.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers bad input with clear 4xx errors carrying extensions.code', async () => {
    const cases: [string, number, string, RegExp][] = [
      ['{ neurons(model: "nope", layer: "conv1") { totalCount } }', 404, 'NOT_FOUND', /model nope is not in the atlas; known models: toy@1, toy@2/],
      ['{ neurons(model: "toy", version: "1", layer: "conv9") { totalCount } }', 404, 'NOT_FOUND', /layer conv9 is not in model toy@1; its layers: conv1, fc/],
      ['{ neurons(model: "toy", layer: "conv1", first: -1) { totalCount } }', 400, 'BAD_USER_INPUT', /`first` must be a non-negative integer, got -1/],
      ['{ neurons(model: "toy", layer: "conv1", first: 501) { totalCount } }', 400, 'BAD_USER_INPUT', /`first` must be at most 500, got 501/],
      ['{ neurons(model: "toy", layer: "conv1", after: "garbage") { totalCount } }', 400, 'BAD_USER_INPUT', /`after` is not a cursor/],
      ['{ neuron(model: "toy", version: "1", layer: "fc", unit: 3) { label } }', 404, 'NOT_FOUND', /has units 0..2, not 3/],
      ['{ neuron(model: "toy", version: "1", layer: "fc", unit: -2) { label } }', 400, 'BAD_USER_INPUT', /`unit` must be a non-negative integer/],
      ['{ neuron(model: "toy", version: "1", layer: "fc", unit: 0, run: "999999") { label } }', 404, 'NOT_FOUND', /no complete run 999999/],
      ['{ neuron(model: "toy", version: "1", layer: "fc", unit: 0, method: "milan") { label } }', 404, 'NOT_FOUND', /no complete milan run covers layer fc/],
      ['{ neuron(model: "toy", version: "1", layer: "fc", unit: 0) { labels(first: 1000) { text } } }', 400, 'BAD_USER_INPUT', /`first` must be at most 100/],
      ['{ models { nope } }', 400, 'GRAPHQL_VALIDATION_FAILED', /Cannot query field "nope"/],
      ['{ models { name ', 400, 'GRAPHQL_PARSE_FAILED', /Syntax Error/],
    ];
    for (const [query, status, code, message] of cases) {
      const res = await gql(query);
      expect(res.status, query).toBe(status);
      expect(res.body.errors?.[0]?.extensions?.code, query).toBe(code);
      expect(res.body.errors?.[0]?.message, query).toMatch(message);
    }
  });

  it('enforces depth, alias and body-size limits with clear errors', async () => {
    const deep = await gql(
      '{ models { dissections { model { dissections { model { dissections { model { dissections { model { dissections { model { name } } } } } } } } } } } }',
    );
    expect(deep.status).toBe(400);
    expect(deep.body.errors?.[0]?.message).toMatch(/depth/i);
    // Every list at its documented limit fits the cost limit (500 + 2 x 500 x 100 entries) ...
    const full = await gql(
      '{ neurons(model: "toy", layer: "conv1", first: 500) { edges { node { labels(first: 100) { text score rank } topImages(first: 100) { uri ordinal } } } } }',
    );
    expect(full.status).toBe(200);
    expect(full.body.errors).toBeUndefined();
    // ... a page of pages does not (100 images x 100 neurons x 100 labels)
    const costly = await gql(
      '{ searchImages(query: "red", first: 100) { image { topNeurons(first: 100) { neuron { labels(first: 100) { text } } } } } }',
    );
    expect(costly.status).toBe(400);
    expect(costly.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(costly.body.errors?.[0]?.message).toMatch(/cost .* is 1,010,100, over the limit of 200,000; the largest list is searchImages\(first: 100\) > topNeurons\(first: 100\) > labels\(first: 100\)/);
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: models { name }`).join(' ');
    const many = await gql(`{ ${aliases} }`);
    expect(many.status).toBe(400);
    expect(many.body.errors?.[0]?.message).toMatch(/alias/i);

    const tokens = await gql(`{ models { ${'name '.repeat(2500)} } }`);
    expect(tokens.status).toBe(400);
    expect(tokens.body.errors?.[0]?.message).toMatch(/Document contains more tha[nt] 2000 tokens/);

    const big = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ models { name } } # ${'x'.repeat(100_000)}` }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({
      errors: [{ message: 'request body is larger than the limit of 64kb', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    const malformed = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as GqlResponse['body']).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    // Still serving after all that.
    expect((await gql('{ models { name } }')).status).toBe(200);
  });

  it('loads a page of neurons with their labels and images in a fixed number of queries (DataLoader, no N+1)', async () => {
    const pageQuery = (first: number) => `{ neurons(model: "toy", version: "1", layer: "conv1", first: ${first}) {
      edges { node { unit label labels(first: 3) { text } topImages(first: 2) { uri } run { id } } } } }`;
    queries = [];
    await gql(pageQuery(2));
    const small = queries.length;
    queries = [];
    const { status, body } = await gql(pageQuery(6));
    expect(queries.length).toBe(small);
    expect(small).toBeLessThanOrEqual(8);
    expect(status).toBe(200);
    const edges = (body.data?.neurons as { edges: { node: { unit: number; labels: { text: string }[]; topImages: unknown[] } }[] }).edges;
    expect(edges).toHaveLength(6);
    expect(edges.every((e) => e.node.labels.length === 3 && e.node.topImages.length === 2)).toBe(true);
    expect(edges[5]!.node.labels.map((l) => l.text)).toEqual(['circle', 'square', 'dog']);
  });
});
