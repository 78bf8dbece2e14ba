/**
 * How the server serves the explorer's files (built into a folder by `npm run build`): hashed assets
 * cached for a year, index.html revalidated, the app's routes answered with index.html, other paths
 * 404, and a page that says how to build it when the folder is missing.
 */
import express from 'express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explorerRouter } from '../../src/server/explorer.js';

describe('explorer routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-explorer-'));
  let base: string;
  let close: () => void;

  beforeAll(async () => {
    const built = join(dir, 'built');
    mkdirSync(join(built, 'assets'), { recursive: true });
    writeFileSync(join(built, 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="/assets/index-abc123.js"></script>');
    writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log(1)');
    const app = express();
    app.use(explorerRouter(built));
    app.use('/missing', explorerRouter(join(dir, 'not-built')));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => {
    close?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the app and its deep links with index.html, revalidated every time', async () => {
    for (const path of ['/', '/search?q=red', '/compare?a=x%40y&b=x%40z&layer=fc', '/rescore', '/import', '/neurons/resnet-v1/toy/layer4/7', '/neurons/a%2Fb/v/l/3/']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('etag')).toBeTruthy();
      expect(await res.text()).toContain('<div id="app">');
    }
  });

  it('caches hashed assets for a year and 404s everything else', async () => {
    const asset = await fetch(`${base}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    for (const path of ['/assets/missing.js', '/assets/../index.html', '/nope', '/neurons/too/few/parts', '/index.html/x']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
  });

  it('says how to build the explorer when it is not built', async () => {
    const res = await fetch(`${base}/missing/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});
