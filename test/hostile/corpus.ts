/**
 * A seeded corpus of hostile HTTP requests against the GraphQL endpoint: the defect classes of the
 * hardening issue (cost through variables, NUL, sparse imports, rescore parameters, blank names,
 * subscriptions, deep variables) and the usual ones (depth, aliases, fragments, odd numbers,
 * megabyte strings, invalid UTF-8 and JSON, content types, batches, GET mutations, key variants,
 * SQL injection, unicode, unknown fields). The same seed gives the same requests.
 *
 * No request may change the atlas: mutations carry a wrong key, or the right one with arguments
 * that must be refused before anything is written.
 */

/** The key the served atlas is given; `Bearer ${API_KEY}` is the only accepted Authorization. */
export const API_KEY = 'hostile-key';

export interface HostileRequest {
  /** The defect class this request comes from. */
  kind: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query string, from the server's root. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Hostile strings the request carries, which an answer may quote back (stripped before checking it for leaks). */
  echoes: string[];
}

/** Seeded pseudo-random numbers in [0, 1) (a 32-bit xorshift). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE target_models; --",
  "net'; DELETE FROM neuron_labels WHERE '1'='1",
  '" OR ""="',
  "1; UPDATE dissection_runs SET status = 'failed'",
  "net' UNION SELECT password FROM pg_shadow --",
  "l1'); INSERT INTO target_models (name) VALUES ('x'); --",
  '%',
  '_',
  '\\',
  "'",
  '$1',
  "pg_sleep(10)'; SELECT pg_sleep(10); --",
  "'||(SELECT current_user)||'",
  '../../../../etc/passwd',
  '${process.env.HOME}',
  '{{7*7}}',
  '<script>alert(1)</script>',
];

export const UNICODE = [
  'net\u0000',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e1l',
  'n\u0301et',
  '\ufeffnet',
  '🧠🔬'.repeat(50),
  '\u200b',
  'ｎｅｔ',
  '\u0085\u2028\u2029',
  'l1\t\r\n',
  'x'.repeat(501),
  '  ',
  '',
];

export const NUMBERS: unknown[] = [
  0, -1, -2147483648, 2147483647, 2147483648, 2 ** 53 + 2, 1e308, -1e308, 1.5, 0.0001, '5', '1e3', 'NaN', null, true, [], {}, 1e-320,
];
/** Numbers as GraphQL literal text, including ones JSON cannot carry. */
export const NUMBER_LITERALS = ['0', '-1', '-2147483649', '2147483648', '99999999999999999999', '1e308', '1.5', '-0', 'NaN', 'Infinity', '0x10', '1_000', 'null', '"5"', 'true', '[1]', '{a: 1}'];

const FIELDS = [
  'models { name }',
  'model(name: $s) { name layers { name } }',
  'neurons(model: "net", layer: $s) { totalCount }',
  'neurons(model: $s, layer: "l1") { totalCount }',
  'neurons(model: "net", layer: "l1", labelContains: $s) { totalCount edges { node { unit } } }',
  'neurons(model: "net", layer: "l1", after: $s) { totalCount }',
  'neurons(model: "net", layer: "l1", method: $s) { totalCount }',
  'neuron(model: "net", layer: $s, unit: 0) { unit }',
  'dissections(model: $s) { id }',
  'dissections(method: $s) { id }',
  'dissection(id: $s) { id }',
  'searchNeurons(query: $s) { similarity }',
  'searchNeurons(query: "red", model: $s) { similarity }',
  'searchImages(query: $s) { similarity }',
  'searchImages(query: "red", probeSet: $s) { similarity }',
  'rescore(model: "net", layer: "l1", concepts: [$s]) { encodedConcepts }',
  'rescore(model: $s, layer: "l1", concepts: ["red"]) { encodedConcepts }',
  'compareModels(a: {name: "net"}, b: {name: $s}, layer: "l1") { layer }',
  'compareModels(a: {name: "net"}, b: {name: "net"}, layer: $s) { layer }',
  'exportAtlas(model: $s)',
  'exportAtlas(model: "net", layers: [$s])',
  'exportAtlas(model: "net", method: $s)',
];

const INT_FIELDS = [
  'neurons(model: "net", layer: "l1", first: $n) { totalCount }',
  'neuron(model: "net", layer: "l1", unit: $n) { unit }',
  'dissections(first: $n) { id }',
  'searchNeurons(query: "red", first: $n) { similarity }',
  'searchImages(query: "red", first: $n) { similarity }',
  'exportAtlas(model: "net", topN: $n)',
  'exportAtlas(model: "net", topImages: $n)',
  'neurons(model: "net", layer: "l1", first: 2) { edges { node { labels(first: $n) { text } topImages(first: $n) { uri } } } }',
  'neurons(model: "net", layer: "l1", first: 2) { edges { node { topNeurons: imagesNear(first: $n) { similarity } } } }',
];

const MUTATIONS = [
  'importAtlas(format: MILAN, csv: $s, model: "hostile", version: "1") { labels }',
  'importAtlas(format: MILAN, csv: "layer,unit,description\\nl1,0,a\\n", model: $s, version: "1") { labels }',
  'saveRescore(model: "net", layer: "l1", concepts: ["red"], params: {p: 1e9}, function: RANK_REORDER) { run { id } }',
  'saveRescore(model: $s, layer: "l1", concepts: ["red"]) { run { id } }',
  'deleteRun(id: $s) { id }',
];

const KEY_VARIANTS: (string | undefined)[] = [
  undefined,
  '',
  'Bearer',
  'Bearer ',
  `Bearer ${API_KEY}x`,
  `Bearer ${API_KEY.toUpperCase()}`,
  `Bearer ${API_KEY.slice(0, -1)}`,
  `Basic ${Buffer.from(`user:${API_KEY}`).toString('base64')}`,
  `Token ${API_KEY}`,
  API_KEY,
  `Bearer ${API_KEY} ${API_KEY}`,
  `Bearer ' OR '1'='1`,
  `Bearer ${'k'.repeat(4000)}`,
  `Bearer,Bearer ${API_KEY}x`,
];

const json = (v: unknown) => JSON.stringify(v);
const post = (kind: string, body: string | Uint8Array, echoes: string[] = [], headers: Record<string, string> = {}): HostileRequest => ({
  kind,
  method: 'POST',
  path: '/graphql',
  headers: { 'content-type': 'application/json', ...headers },
  body,
  echoes,
});
const gql = (kind: string, query: string, variables?: unknown, echoes: string[] = [], headers: Record<string, string> = {}) =>
  post(kind, json(variables === undefined ? { query } : { query, variables }), echoes, headers);

/** Wrong keys, and the right one only where the mutation must be refused for its arguments. */
function keyHeader(pick: <T>(xs: readonly T[]) => T): Record<string, string> {
  const key = pick(KEY_VARIANTS);
  return key === undefined ? {} : { authorization: key };
}

/** `count` hostile requests from `seed` (at least one of every class, the rest drawn at random). */
export function hostileCorpus(seed: number, count = 1200): HostileRequest[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const hostileString = () => (rnd() < 0.5 ? pick(INJECTIONS) : pick(UNICODE));

  const classes: Record<string, () => HostileRequest> = {
    // --- the defects of the issue ---
    'cost-through-variables': () => {
      const f = pick([100, 500, 501, 1000, 2 ** 31 - 1]);
      const n = int(1, 16);
      const sel = '{ edges { node { labels(first: 100) { text } topImages(first: 100) { uri } imagesNear(first: 100) { similarity } } } }';
      const body = Array.from({ length: n }, (_, i) => `a${i}: neurons(model: "net", layer: "l1", first: $f) ${sel}`).join(' ');
      return rnd() < 0.5 ? gql('cost-through-variables', `query($f: Int) { ${body} }`, { f }) : gql('cost-through-variables', `query($f: Int = ${f}) { ${body} }`);
    },
    'aliased-compare': () => {
      const n = int(2, 40);
      const body = Array.from({ length: n }, (_, i) => `c${i}: compareModels(a: {name: "net"}, b: {name: "net"}, layer: "l1") { layer }`).join(' ');
      return gql('aliased-compare', `{ ${body} }`);
    },
    'nul-in-argument': () => {
      const field = pick(FIELDS);
      const s = pick(['net\u0000', '\u0000', 'l1\u0000x', 'red\u0000']);
      return gql('nul-in-argument', `query($s: String!) { ${field} }`.replace('$s: String!', field.includes('id: $s') ? '$s: ID!' : '$s: String!'), { s }, [s]);
    },
    'nul-in-literal': () => gql('nul-in-literal', pick(['{ model(name: "net\\u0000") { name } }', '{ searchNeurons(query: "\\u0000") { similarity } }', '{ rescore(model: "net", layer: "l1", concepts: ["a\\u0000"]) { encodedConcepts } }'])),
    'sparse-import': () =>
      gql('sparse-import', 'mutation($c: String!) { importAtlas(format: MILAN, csv: $c, model: "hostile", version: "1") { labels } }', {
        c: `layer,unit,description\nA,${pick(['999999', '65536', '-1', '1e9', '0x10', 'NaN', '1.5', ''])},x\n`,
      }, [], { authorization: `Bearer ${API_KEY}` }),
    'rescore-params': () => {
      const fn = pick(['SOFT_WPMI', 'WPMI', 'RANK_REORDER', 'COS_SIMILARITY_CUBED', 'COS_SIMILARITY']);
      const name = pick(['lambda', 'lam', 'a', 'p', 'scale_p', 'min_prob', 'p_start', 'p_end', 'min_norm', 'top_k', 'top_fraction', 'unknown', '__proto__', 'constructor']);
      const save = rnd() < 0.3;
      // With the right key, a save is sent only with parameters out of range (it must write nothing).
      const withKey = save && rnd() < 0.7;
      const params = withKey
        ? pick<unknown>([{ p: 1e9 }, { lambda: 1e308 }, { lam: -1 }, { min_prob: 5 }, { a: 1e300 }, { scale_p: 1e6 }, { min_norm: 1e308 }, { top_k: 0 }, { top_fraction: 0 }, { p: 0 }, { p_start: 2 }])
        : rnd() < 0.2
          ? pick<unknown>([null, [], 'x', 5, { [name]: { nested: 1 } }])
          : { [name]: pick(NUMBERS) };
      const op = save ? 'mutation' : 'query';
      const field = save ? 'saveRescore' : 'rescore';
      const sel = save ? '{ run { id } }' : '{ encodedConcepts units { score } }';
      return gql('rescore-params', `${op}($fn: SimilarityFunction, $p: JSON) { ${field}(model: "net", layer: "l1", concepts: ["red", "dog"], function: $fn, params: $p) ${sel} }`, { fn, p: params }, [], withKey ? { authorization: `Bearer ${API_KEY}` } : save ? keyHeader(pick) : {});
    },
    'blank-names': () =>
      gql('blank-names', 'mutation($m: String!, $v: String!) { importAtlas(format: MILAN, csv: "layer,unit,description\\nl1,0,a\\n", model: $m, version: $v) { labels } }', pick([{ m: '  ', v: '1' }, { m: 'x', v: '' }, { m: '\t', v: '\n' }, { m: '', v: '' }]), [], {
        authorization: `Bearer ${API_KEY}`,
      }),
    subscription: () => gql('subscription', pick(['subscription { models { name } }', 'subscription S { searchNeurons(query: "x") { similarity } }', 'subscription { __typename }'])),
    'deep-variables': () => {
      const depth = pick([33, 100, 1000, 5000]);
      const query = 'query($p: JSON) { rescore(model: "net", layer: "l1", concepts: ["red"], params: $p) { encodedConcepts } }';
      const inner = rnd() < 0.5 ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"x":'.repeat(depth)}1${'}'.repeat(depth)}`;
      return post('deep-variables', `{"query":${json(query)},"variables":{"p":{"top_k":${inner}}}}`);
    },
    'deep-list-variable': () => {
      const depth = pick([33, 200, 3000]);
      const query = 'query($c: [String!]!) { rescore(model: "net", layer: "l1", concepts: $c) { encodedConcepts } }';
      return post('deep-list-variable', `{"query":${json(query)},"variables":{"c":${'['.repeat(depth)}"red"${']'.repeat(depth)}}}`);
    },
    // --- the usual ones ---
    depth: () => {
      const d = int(8, 60);
      let sel = 'name';
      for (let i = 0; i < d; i++) sel = `layers { name } dissections { id model { ${sel} } }`;
      return gql('depth', `{ models { ${sel} } }`);
    },
    aliases: () => {
      const n = pick([20, 100, 1000, 5000]);
      return gql('aliases', `{ ${Array.from({ length: n }, (_, i) => `a${i}: models { name }`).join(' ')} }`);
    },
    'many-tokens': () => gql('many-tokens', `{ models { ${'name '.repeat(int(1000, 12000))} } }`),
    fragments: () => {
      const kind = pick(['cycle', 'spread', 'unknown', 'wrong-type']);
      if (kind === 'cycle') return gql('fragments', 'query { models { ...A } } fragment A on Model { layers { name } ...B } fragment B on Model { ...A }');
      if (kind === 'unknown') return gql('fragments', '{ models { ...Nope } }');
      if (kind === 'wrong-type') return gql('fragments', '{ models { ...F } } fragment F on Layer { units }');
      const n = int(10, 400);
      const frags = Array.from({ length: n }, (_, i) => `fragment F${i} on Model { name ${i + 1 < n ? `...F${i + 1}` : ''} }`).join(' ');
      return gql('fragments', `{ models { ...F0 } } ${frags}`);
    },
    'int-variables': () => {
      const n = pick(NUMBERS);
      return gql('int-variables', `query($n: Int) { ${pick(INT_FIELDS)} }`, { n });
    },
    'int-literals': () => gql('int-literals', `{ ${pick(INT_FIELDS).replace('$n', pick(NUMBER_LITERALS))} }`),
    'float-arguments': () => {
      const v = pick(['1e308', '-1e308', 'NaN', '"x"', '2', '-2', '1e-320', '9'.repeat(400)]);
      return gql('float-arguments', `{ searchNeurons(query: "red", minScore: ${v}) { similarity } }`);
    },
    'non-json-numbers': () =>
      post('non-json-numbers', `{"query":"query($n: Int) { neurons(model: \\"net\\", layer: \\"l1\\", first: $n) { totalCount } }","variables":{"n":${pick(['NaN', 'Infinity', '-Infinity', '1e999', '-0', '0x1F', '01', '.5', '+1', '1e'])}}}`),
    'megabyte-string': () => {
      const size = pick([70_000, 1 << 20, 3 << 20]);
      const s = pick(['a', '\u0000', '🧠', "'"]).repeat(size / 2);
      return gql('megabyte-string', 'query($s: String!) { searchNeurons(query: $s) { similarity } }', { s });
    },
    'long-string-under-limit': () => {
      const s = pick(['a', 'é', "'", '%']).repeat(pick([501, 5000, 30_000]));
      return gql('long-string-under-limit', `query($s: String!) { ${pick(FIELDS)} }`, { s });
    },
    'invalid-utf8': () => {
      const prefix = Buffer.from('{"query":"{ model(name: \\"');
      const bad = Buffer.from(pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80, 0x80]]));
      const suffix = Buffer.from('\\") { name } }"}');
      return post('invalid-utf8', new Uint8Array(Buffer.concat([prefix, bad, suffix])));
    },
    'invalid-json': () =>
      post('invalid-json', pick(['', '{', '{"query":', 'null', '[]', '[null]', '"{ models { name } }"', '{"query": 5}', '{"query": null}', '{"query":"{ models { name } }",}', "{'query':'{ models { name } }'}", '{"query":"{ models { name } }", "variables": "x"}', '{"query":"{ models { name } }", "variables": [1]}', '{"query":"{ models { name } }", "operationName": 5}', '{"query":"{ models { name } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "x"}}}', '\u0000', '{"query":"{ models { name } }"}garbage', '{"__proto__":{"query":"x"}}'])),
    'content-type': () => {
      const ct = pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/xml', '', 'application/json, text/plain', 'APPLICATION/JSON']);
      const body = pick([json({ query: '{ models { name } }' }), 'query={ models { name } }', '{ models { name } }', '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{}\r\n--x--']);
      return { kind: 'content-type', method: 'POST', path: '/graphql', headers: ct ? { 'content-type': ct } : ({} as Record<string, string>), body, echoes: [] };
    },
    batch: () => {
      const n = pick([1, 2, 50, 500]);
      return post('batch', json(Array.from({ length: n }, () => ({ query: pick(['{ models { name } }', '{ searchNeurons(query: "red") { similarity } }', 'mutation { deleteRun(id: "1") { id } }']) }))));
    },
    'get-mutation': () => {
      const m = pick(MUTATIONS).replaceAll('$s', json(pick(['x', '1', "'"])));
      const q = encodeURIComponent(`mutation { ${m} }`);
      return { kind: 'get-mutation', method: 'GET', path: `/graphql?query=${q}`, headers: { authorization: `Bearer ${API_KEY}`, 'apollo-require-preflight': 'true', accept: 'application/json' }, echoes: [] };
    },
    'get-query': () => {
      const q = pick(['{ models { name } }', '{ model(name: "\\u0000") { name } }', '{', 'subscription { models { name } }', '']);
      const extra = pick(['', '&variables=%7B', '&variables=%5B%5D', '&operationName=%00', '&query=x']);
      return { kind: 'get-query', method: 'GET', path: `/graphql?query=${encodeURIComponent(q)}${extra}`, headers: { accept: 'application/json', 'apollo-require-preflight': 'true' }, echoes: [] };
    },
    'other-methods': () => ({ kind: 'other-methods', method: pick(['PUT', 'DELETE'] as const), path: pick(['/graphql', '/healthz', '/', '/graphql/../etc/passwd', '/%00', '/graphql?query=%ff']), headers: { 'content-type': 'application/json' }, body: json({ query: '{ models { name } }' }), echoes: [] }),
    'key-variants': () => {
      const s = pick(['x', '1', '999999', "' OR 1=1 --"]);
      const m = pick(MUTATIONS);
      return gql('key-variants', `mutation($s: ${m.includes('id: $s') ? 'ID!' : 'String!'}) { ${m} }`, { s }, [s], keyHeader(pick));
    },
    'delete-missing-run': () => {
      const id = pick(['999999999', '-1', 'abc', '1e9', '9'.repeat(40), "1' OR '1'='1", '1; DELETE FROM dissection_runs', '', ' ', 'NaN']);
      return gql('delete-missing-run', 'mutation($id: ID!) { deleteRun(id: $id) { id } }', { id }, [id], { authorization: `Bearer ${API_KEY}` });
    },
    'sql-injection': () => {
      const s = pick(INJECTIONS);
      const field = pick(FIELDS);
      return gql('sql-injection', `query($s: ${field.includes('id: $s') ? 'ID!' : 'String!'}) { ${field} }`, { s }, [s]);
    },
    unicode: () => {
      const s = pick(UNICODE);
      const field = pick(FIELDS);
      return gql('unicode', `query($s: ${field.includes('id: $s') ? 'ID!' : 'String!'}) { ${field} }`, { s }, [s]);
    },
    'unknown-fields': () =>
      gql('unknown-fields', pick(['{ nope }', '{ models { password } }', '{ __schema { types { name } } }', '{ models { name(arg: 1) } }', '{ model { name } }', 'query($x: Nope) { models { name } }', '{ models { name } } { models { name } }', 'query A { models { name } } query A { models { name } }', 'query { models { __typename name @skip(if: "x") } }', '{ models { ... on Layer { units } } }', '{ neurons(model: "net", layer: "l1", bogus: 1) { totalCount } }', '{ models { name } }'.repeat(2)])),
    'wrong-variable-types': () => {
      const field = pick(FIELDS);
      return gql('wrong-variable-types', `query($s: ${field.includes('id: $s') ? 'ID!' : 'String!'}) { ${field} }`, { s: pick<unknown>([null, 5, true, [], {}, ['a'], { toString: 'x' }, 1e308]) });
    },
    'bad-cursors': () => {
      const after = pick(['', 'x', '-1', Buffer.from('unit:-1').toString('base64'), Buffer.from('unit:1e308').toString('base64'), Buffer.from("unit:1' OR '1'='1").toString('base64'), Buffer.from('{"u":-5}').toString('base64'), '%%%', 'YQ', Buffer.from('\u0000').toString('base64')]);
      return gql('bad-cursors', 'query($a: String) { neurons(model: "net", layer: "l1", after: $a, first: 3) { totalCount edges { cursor } } }', { a: after }, [after]);
    },
    'operation-name': () =>
      post('operation-name', json({ query: 'query A { models { name } } mutation B { deleteRun(id: "999999") { id } }', operationName: pick<unknown>(['B', 'C', '', null, 5, "' OR 1=1"]) }), [], { authorization: `Bearer ${API_KEY}x` }),
    'rescore-concepts': () => {
      const n = pick([0, 1, 5001, 20_000]);
      const c = Array.from({ length: n }, (_, i) => (i % 2 ? hostileString() : `c${i}`));
      return gql('rescore-concepts', 'query($c: [String!]!) { rescore(model: "net", layer: "l1", concepts: $c) { encodedConcepts } }', { c: rnd() < 0.5 ? c : [pick(['x'.repeat(201), '', ' ', '\u0000', "'; DROP TABLE concepts; --"])] });
    },
    'export-arguments': () =>
      gql('export-arguments', 'query($l: [String!], $f: ExportFormat, $n: Int, $t: Int, $r: ID) { exportAtlas(model: "net", layers: $l, format: $f, topN: $n, topImages: $t, run: $r) }', {
        l: pick<unknown>([null, [], ['nope'], ['l1', 'l1'], [hostileString()]]),
        f: pick<unknown>([null, 'JSON', 'MILAN', 'NETDISSECT', 'XML', 5]),
        n: pick(NUMBERS),
        t: pick(NUMBERS),
        r: pick<unknown>([null, '-1', '999999', 'x', '1.5']),
      }),
  };

  const names = Object.keys(classes);
  // Megabyte bodies are refused by size before parsing; a few of them say so, more only cost time.
  const rare = new Set(['megabyte-string', 'aliases', 'many-tokens', 'deep-variables', 'deep-list-variable']);
  const common = names.filter((n) => !rare.has(n));
  const out: HostileRequest[] = names.map((n) => classes[n]!());
  while (out.length < count) {
    const name = rnd() < 0.05 ? pick([...rare]) : pick(common);
    out.push(classes[name]!());
  }
  return out;
}
