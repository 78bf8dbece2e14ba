/**
 * Load shedding over HTTP: with one slot, a GraphQL request whose body has not arrived yet holds
 * it; the next one is answered 503 with Retry-After at once, /healthz still answers, and the slot
 * comes back when the held request finishes or its client goes away.
 */
import { request, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAtlasServer, defaultLimits, type AtlasServer } from '../../src/server/app.js';
import { openTestAtlas, type TestAtlas } from '../store/helpers.js';

const BODY = JSON.stringify({ query: '{ models { name } }' });

describe('GraphQL requests in flight (ATLAS_MAX_IN_FLIGHT)', () => {
  let atlas: TestAtlas;
  let server: AtlasServer;
  let port: number;

  beforeAll(async () => {
    atlas = await openTestAtlas('pglite', { storage: 'memory' });
    server = await createAtlasServer(atlas.store, { ...defaultLimits(), maxInFlight: 1 });
    port = await server.listen(0);
  });
  afterAll(async () => {
    await server?.stop();
    await atlas?.cleanup();
  });

  /** Until `server.inFlight()` is `n`: the server's own count, polled once per turn of the event loop. */
  async function inFlightIs(n: number): Promise<void> {
    while (server.inFlight() !== n) await new Promise((r) => setImmediate(r));
  }

  /** A POST whose headers are sent and whose body is not: it holds a slot until `end()`. */
  function held(): { req: ClientRequest; answer: Promise<{ status: number; body: string }> } {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) } });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
    });
    req.flushHeaders();
    return { req, answer };
  }

  const post = () => fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });

  it('answers 503 with Retry-After beyond the limit, exempts /healthz, and frees the slot', async () => {
    const first = held();
    await inFlightIs(1);

    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const body = (await refused.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('SERVICE_UNAVAILABLE');

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);

    first.req.end(BODY);
    const answered = await first.answer;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toEqual({ data: { models: [] } });
    await inFlightIs(0);
    expect((await post()).status).toBe(200);
  });

  it('gives the slot back when the client goes away before its answer', async () => {
    const gone = held();
    gone.answer.catch(() => undefined);
    await inFlightIs(1);
    gone.req.destroy();
    await inFlightIs(0);
    expect((await post()).status).toBe(200);
  });
});
