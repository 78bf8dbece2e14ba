/**
 * GraphiQL at GET /graphql: a browser asking for HTML gets GraphiQL's page, whose scripts, styles,
 * workers and font all come from the server (over HTTP on both drivers); in Chromium it loads the
 * schema's documentation by introspection, runs the example tab, and asks no other host for
 * anything, without console errors.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { graphiqlDir } from '../../src/server/graphiql.js';
import { drivers, writeCompleteRun, writeFixtureSets } from '../store/helpers.js';
import { servedAtlas } from '../queries/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const built = existsSync(join(graphiqlDir, 'index.html'));

/** Every same-site URL an HTML page or a stylesheet names (src=, href=, url(...)). */
function assetUrls(text: string): string[] {
  const urls = [...text.matchAll(/(?:src|href)="([^"]+)"|url\(["']?([^"')]+)["']?\)/g)].map((m) => m[1] ?? m[2]!);
  return urls.filter((u) => !u.startsWith('data:') && !u.startsWith('#'));
}

describe.each(drivers)('GraphiQL at GET /graphql on %s', (driver) => {
  const served = servedAtlas(driver, async (store) => void (await writeCompleteRun(store, await writeFixtureSets(store))));
  let browser: Browser | undefined;
  afterAll(async () => browser?.close());

  it('answers a browser with GraphiQL\'s page, whose assets all load from the server', async () => {
    expect(built, 'dist/web/graphiql is missing: run `npm run build`').toBe(true);
    const res = await fetch(`${served.client.url}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<div id="graphiql"');
    // No CDN: every script and stylesheet is a path on this server.
    const assets = assetUrls(html);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const url of assets) expect(url, url).toMatch(/^\/graphiql\/assets\/[\w.-]+$/);
    const pending = [...assets];
    const seen = new Set<string>();
    while (pending.length) {
      const url = pending.pop()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const asset = await fetch(`${served.client.url}${url}`);
      expect(asset.status, url).toBe(200);
      expect(asset.headers.get('cache-control'), url).toContain('immutable');
      const body = await asset.text();
      if (url.endsWith('.css')) pending.push(...assetUrls(body).map((u) => new URL(u, `http://x${url}`).pathname));
      if (url.endsWith('.js')) {
        expect(body, url).not.toMatch(/(?:unpkg\.com|jsdelivr\.net|esm\.sh|cdnjs)/);
        // Chunks, workers and stylesheets the script loads later.
        for (const m of body.matchAll(/["'`](?:\.\/|\/graphiql\/assets\/|assets\/)([\w-]+\.(?:js|css|ttf))["'`]/g)) pending.push(`/graphiql/assets/${m[1]}`);
      }
    }
    expect([...seen].some((u) => u.endsWith('.ttf'))).toBe(true); // the editor's icon font, from the stylesheet
    // JSON clients and GET queries still reach the API.
    const json = await fetch(`${served.client.url}/graphql?query=${encodeURIComponent('{ models { name } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': '1' },
    });
    expect(((await json.json()) as { data: { models: unknown[] } }).data.models).toHaveLength(1);
    const missing = await fetch(`${served.client.url}/graphiql/assets/nothing.js`);
    expect(missing.status).toBe(404);
  });

  it.skipIf(!existsSync(CHROMIUM) || driver !== 'pglite')('loads the schema documentation and runs an example in Chromium, asking no other host', async () => {
    expect(built, 'dist/web/graphiql is missing: run `npm run build`').toBe(true);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage();
    const origin = new URL(served.client.url).origin;
    const problems: string[] = [];
    const posts: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`request to another host: ${url}`);
      if (request.method() === 'POST') posts.push(request.postData() ?? '');
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    const response = await page.goto(`${served.client.url}/graphql`);
    expect(response?.status()).toBe(200);
    // The documentation explorer shows the schema's own descriptions (loaded by introspection).
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().click({ timeout: 60_000 });
    await page.getByText(/what every neuron of a vision network responds to/i).first().waitFor({ timeout: 60_000 });
    expect(posts.some((body) => body.includes('IntrospectionQuery'))).toBe(true);
    // The first example tab (with its API-key header template) runs and answers.
    await page.getByRole('button', { name: /execute query/i }).first().click();
    await page.getByText(/"models"/).first().waitFor({ timeout: 60_000 });
    expect(posts.some((body) => body.includes('query Models'))).toBe(true);
    expect(problems).toEqual([]);
  });
});
