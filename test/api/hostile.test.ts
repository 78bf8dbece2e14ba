/**
 * Hostile requests (issue: hardening): each case here reproduced a defect of the API: an input
 * that answered an internal error, leaked SQL text, or got past a limit. One served atlas per
 * driver; every answer is checked for the code and for a message without SQL, stacks or paths.
 */
import { describe, expect, it } from 'vitest';
import { config } from '../../src/core/config.js';
import { drivers, openTestAtlas } from '../store/helpers.js';
import { CLASSES, ok, servedAtlas, startClient, writeQueryAtlas, type GqlResponse } from '../queries/helpers.js';

/** An answer that failed as bad input, naming `argument`, with a message fit for users. */
function expectBadInput(res: GqlResponse, argument?: string): string {
  expect(res.body.errors?.length, JSON.stringify(res.body)).toBeGreaterThan(0);
  const error = res.body.errors![0]!;
  expect(error.extensions?.code, JSON.stringify(error)).toBe('BAD_USER_INPUT');
  if (argument) expect((error.extensions as { argumentName?: string }).argumentName).toBe(argument);
  expect(res.status).toBe(400);
  expectCleanMessages(res);
  return error.message;
}

/** No message or extension of the answer shows SQL, a stack trace or a file path. */
function expectCleanMessages(res: GqlResponse): void {
  const text = JSON.stringify(res.body.errors ?? []);
  expect(text).not.toMatch(/\b(select|insert|update|delete)\b.*\b(from|into|set)\b|Failed query|params:/i);
  expect(text).not.toMatch(/stacktrace|\bat .*\(|\.ts:\d+|\.js:\d+|\/src\//);
}

describe.each(drivers)('hostile requests on %s', (driver) => {
  const served = servedAtlas(driver, async (store) => {
    await writeQueryAtlas(store);
  });
  const gql = (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => served.client.gql(query, variables, headers);

  it('refuses NUL characters in any string argument, literal or variable, naming the argument', async () => {
    expect(expectBadInput(await gql('{ model(name: "net\\u0000") { name } }'), 'name')).toMatch(/`name`.*NUL/);
    expectBadInput(await gql('query($n: String!) { model(name: $n) { name } }', { n: 'net\u0000' }), 'name');
    expectBadInput(await gql('query($q: String!) { searchNeurons(query: $q) { similarity } }', { q: 'a\u0000b' }), 'query');
    expectBadInput(await gql('query($l: String) { neurons(model: "net", layer: "l1", labelContains: $l) { totalCount } }', { l: '\u0000' }), 'labelContains');
    // inside input objects, lists and JSON values
    expectBadInput(await gql('{ compareModels(a: {name: "net"}, b: {name: "net", version: "1\\u0000"}, layer: "l1") { layer } }'), 'b');
    expectBadInput(
      await gql('query($c: [String!]!) { rescore(model: "net", layer: "l1", concepts: $c) { encodedConcepts } }', { c: ['red', 'x\u0000'] }),
      'concepts',
    );
    expectBadInput(
      await gql('query($p: JSON) { rescore(model: "net", layer: "l1", concepts: ["red"], params: $p) { encodedConcepts } }', { p: { 'to\u0000p_k': 5 } }),
      'params',
    );
    config().apiKey = 'k';
    expectBadInput(
      await gql(
        'mutation($csv: String!) { importAtlas(format: MILAN, csv: $csv, model: "m", version: "1") { labels } }',
        { csv: 'layer,unit,description\nl1,0,a\u0000b\n' },
        { authorization: 'Bearer k' },
      ),
      'csv',
    );
  });

  const rescore = `query($fn: SimilarityFunction, $params: JSON) {
    rescore(model: "net", layer: "l1", concepts: ${JSON.stringify(CLASSES)}, function: $fn, params: $params) { units { label score } } }`;

  it('refuses rescore parameters out of range with BAD_USER_INPUT naming the parameter and its range', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['SOFT_WPMI', { lambda: 1e308 }, /'lambda' of soft_wpmi must lie in \[0, \d+\]/],
      ['SOFT_WPMI', { a: 1e300 }, /'a' of soft_wpmi must lie in/],
      ['WPMI', { min_prob: 5 }, /'min_prob' of wpmi must lie in/],
      ['RANK_REORDER', { p: 1e9 }, /'p' of rank_reorder must lie in/],
      ['RANK_REORDER', { scale_p: 1e6 }, /'scale_p' of rank_reorder must lie in/],
      ['COS_SIMILARITY_CUBED', { min_norm: 1e308 }, /'min_norm' of cos_similarity_cubed must lie in/],
    ];
    for (const [fn, params, message] of cases) {
      expect(expectBadInput(await gql(rescore, { fn, params }), 'params'), JSON.stringify(params)).toMatch(message);
    }
    // the largest values in range still give finite scores
    const edge = ok(await gql(rescore, { fn: 'RANK_REORDER', params: { p: 10, scale_p: 10 } })).rescore as { units: { score: number }[] };
    for (const u of edge.units) expect(Number.isFinite(u.score)).toBe(true);
  });

  it('saveRescore refuses bad parameters before writing anything', async () => {
    config().apiKey = 'k';
    const runs = async () => (await served.atlas.store.runs.list({ status: 'failed' })).length + (await served.atlas.store.runs.list()).length;
    const before = await runs();
    const res = await gql(
      'mutation($p: JSON) { saveRescore(model: "net", layer: "l1", concepts: ["red", "green"], function: RANK_REORDER, params: $p) { run { id } } }',
      { p: { p: 1e9 } },
      { authorization: 'Bearer k' },
    );
    expectBadInput(res, 'params');
    expect(await runs()).toBe(before);
  });

  it('answers a blank model or version of an import as BAD_USER_INPUT', async () => {
    config().apiKey = 'k';
    const mutation = 'mutation($m: String!, $v: String!) { importAtlas(format: MILAN, csv: "layer,unit,description\\nl1,0,a\\n", model: $m, version: $v) { labels } }';
    expect(expectBadInput(await gql(mutation, { m: '  ', v: '1' }, { authorization: 'Bearer k' }), 'model')).toMatch(/`model` is blank/);
    expectBadInput(await gql(mutation, { m: 'm', v: '' }, { authorization: 'Bearer k' }), 'version');
  });

  it('refuses a subscription as a GraphQL validation error (400)', async () => {
    const res = await gql('subscription { models { name } }');
    expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.status).toBe(400);
    expectCleanMessages(res);
  });

  it('refuses variables nested deeper than any argument needs, without overflowing the stack', async () => {
    // Written out as text: JSON.stringify itself gives up on such depth (and so did the message
    // that quoted the bad parameter value: a stack overflow, answered as an internal error).
    const deep = `{"top_k":${'{"x":['.repeat(2500)}1${']}'.repeat(2500)}}`;
    const query = 'query($p: JSON) { rescore(model: "net", layer: "l1", concepts: ["red"], params: $p) { encodedConcepts } }';
    const raw = await fetch(`${served.client.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"query":${JSON.stringify(query)},"variables":{"p":${deep}}}`,
    });
    const res: GqlResponse = { status: raw.status, body: (await raw.json()) as GqlResponse['body'] };
    expect(expectBadInput(res, 'params')).toMatch(/nested/);
    // the server still answers
    expect(ok(await gql('{ models { name } }')).models).toEqual([{ name: 'net' }]);
  });

  it('refuses a persisted-query extension without an internal error', async () => {
    for (const extensions of [{ persistedQuery: { version: 1, sha256Hash: 'x' } }, { persistedQuery: { version: 2, sha256Hash: 'x' } }]) {
      const raw = await fetch(`${served.client.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ models { name } }', extensions }),
      });
      const res: GqlResponse = { status: raw.status, body: (await raw.json()) as GqlResponse['body'] };
      expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
      expect(res.status).toBeLessThan(500);
      expectCleanMessages(res);
    }
  });

  it('bounds pages given through variables as literal ones: the cost limit sees the variables', async () => {
    // 500 neurons x 3 lists of 100 (150,500 entries) fit the limit of 200,000; twice that does not.
    const selection = '{ edges { node { labels(first: 100) { text } topImages(first: 100) { uri } imagesNear(first: 100) { similarity } } } }';
    const twice = (first: string) => `a: neurons(model: "net", layer: "l1", first: ${first}) ${selection} b: neurons(model: "net", layer: "l1", first: ${first}) ${selection}`;
    const literal = await gql(`{ ${twice('500')} }`);
    expect(literal.status).toBe(400);
    expect(literal.body.data ?? null).toBeNull();
    expect(literal.body.errors?.[0]?.message).toMatch(/cost .* is 301,000, over the limit of 200,000/);
    const viaVariable = await gql(`query($f: Int) { ${twice('$f')} }`, { f: 500 });
    expect(expectBadInput(viaVariable, 'first')).toMatch(/\$f = 500.*cost .* is 301,000/);
    expectBadInput(await gql(`query($f: Int = 500) { ${twice('$f')} }`), 'first');
    // one page of them is within the limit, through a variable too
    expect(ok(await gql(`query($f: Int) { neurons(model: "net", layer: "l1", first: $f) ${selection} }`, { f: 500 })).neurons).toBeTruthy();
    // a list's default `first` counts as the literal would: 100 + 100 x 10 (topNeurons' default) x (1 + 2 x 100) entries
    const byDefault = await gql('{ searchImages(query: "red", first: 100) { image { topNeurons { neuron { labels(first: 100) { text } topImages(first: 100) { uri } } } } } }');
    expect(expectBadInput(byDefault, 'first')).toMatch(/cost .* is 201,100/);
    // within the limit, a variable page is served
    const small = ok(await gql(`query($f: Int) { neurons(model: "net", layer: "l1", first: $f) ${selection} }`, { f: 5 }));
    expect((small.neurons as { edges: unknown[] }).edges).toHaveLength(5);
  });
});


describe.each(drivers)('internal errors on %s', (driver) => {
  it('answer HTTP 500 with a message that hides the cause', async () => {
    const broken = await openTestAtlas(driver);
    const client = await startClient(broken.store);
    try {
      await broken.store.close();
      const res = await client.gql('{ models { name } }');
      expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe('INTERNAL_SERVER_ERROR');
      expect(res.status).toBe(500);
      expect(res.body.errors![0]!.message).toBe('internal server error');
      expectCleanMessages(res);
    } finally {
      await client.server.stop();
      await broken.cleanup().catch(() => undefined);
    }
  });
});
