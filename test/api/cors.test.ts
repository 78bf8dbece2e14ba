/**
 * CORS (ATLAS_CORS_ORIGINS) over HTTP: preflights from allowed origins succeed, with the headers a
 * browser needs; other origins get no Access-Control-Allow-Origin (the browser refuses), and
 * cross-site requests that skip the preflight stay blocked by CSRF prevention.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config, ConfigError, loadConfig } from '../../src/core/config.js';
import { drivers, openTestAtlas, writeCompleteRun, writeFixtureSets, type TestAtlas } from '../store/helpers.js';
import { startClient, type Client } from '../queries/helpers.js';

const APP = 'http://app.example:5173';
const EVIL = 'https://evil.example';
const QUERY = JSON.stringify({ query: '{ models { name } }' });

const preflight = (base: string, origin: string, headers = 'content-type') =>
  fetch(`${base}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });

describe('ATLAS_CORS_ORIGINS', () => {
  it('takes * or a comma list of origins, and refuses anything else naming the variable', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ ATLAS_CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(loadConfig({ ATLAS_CORS_ORIGINS: ` ${APP}, https://b.example/ ` }).corsOrigins).toEqual([APP, 'https://b.example']);
    for (const bad of ['app.example', 'ftp://app.example', 'https://app.example/path', 'https://a.example,*']) {
      expect(() => loadConfig({ ATLAS_CORS_ORIGINS: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ ATLAS_CORS_ORIGINS: bad }), bad).toThrow(/ATLAS_CORS_ORIGINS must be \* or a comma-separated list of origins/);
    }
  });
});

describe.each(drivers)('CORS over HTTP on %s', (driver) => {
  let atlas: TestAtlas;
  const servers: Record<'none' | 'listed' | 'any', Client | undefined> = { none: undefined, listed: undefined, any: undefined };
  const base = (which: keyof typeof servers) => servers[which]!.url;

  beforeAll(async () => {
    atlas = await openTestAtlas(driver);
    await writeCompleteRun(atlas.store, await writeFixtureSets(atlas.store));
    const settings = { none: [], listed: [APP], any: '*' } as const;
    for (const which of ['none', 'listed', 'any'] as const) {
      config().corsOrigins = settings[which] as string[] | '*';
      servers[which] = await startClient(atlas.store);
    }
  });
  afterAll(async () => {
    config().corsOrigins = [];
    for (const client of Object.values(servers)) await client?.server.stop();
    await atlas?.cleanup();
  });

  it('answers a preflight from a listed origin, Authorization included, and marks the answers', async () => {
    const res = await preflight(base('listed'), APP, 'content-type,authorization');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const post = await fetch(`${base('listed')}/graphql`, { method: 'POST', headers: { origin: APP, 'content-type': 'application/json' }, body: QUERY });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(APP);
    expect(((await post.json()) as { data: { models: unknown[] } }).data.models).toHaveLength(1);
    const image = await fetch(`${base('listed')}/images/1/0?size=16`, { headers: { origin: APP } });
    expect(image.headers.get('access-control-allow-origin')).toBe(APP);
    await image.arrayBuffer();
  });

  it('gives an unlisted origin no CORS headers, and cross-site requests without a preflight stay blocked', async () => {
    for (const which of ['listed', 'none'] as const) {
      const res = await preflight(base(which), EVIL);
      expect(res.headers.get('access-control-allow-origin'), which).toBeNull();
      await res.arrayBuffer();
      const post = await fetch(`${base(which)}/graphql`, { method: 'POST', headers: { origin: EVIL, 'content-type': 'application/json' }, body: QUERY });
      expect(post.headers.get('access-control-allow-origin'), which).toBeNull();
      await post.arrayBuffer();
      // A "simple" request (no preflight): Apollo's CSRF prevention refuses it, as without CORS.
      for (const origin of [EVIL, APP]) {
        const simple = await fetch(`${base(which)}/graphql`, { method: 'POST', headers: { origin, 'content-type': 'text/plain' }, body: QUERY });
        expect(simple.status, `${which} ${origin}`).toBe(400);
        expect(await simple.text()).toMatch(/CSRF/i);
      }
    }
    // Without ATLAS_CORS_ORIGINS, even the app's origin gets no CORS headers (same origin only).
    const res = await preflight(base('none'), APP);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    await res.arrayBuffer();
  });

  it('with *, lets any origin read but not send Authorization', async () => {
    const res = await preflight(base('any'), EVIL);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).not.toContain('authorization');
    const post = await fetch(`${base('any')}/graphql`, { method: 'POST', headers: { origin: EVIL, 'content-type': 'application/json' }, body: QUERY });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe('*');
    await post.arrayBuffer();
  });
});
