/**
 * The explorer in a real browser (Debian's Chromium driven by playwright-core) against the compiled
 * server on a fresh data folder with the default atlas (its two ResNets): every view and its deep link, images and
 * heatmaps that load, keyboard use, a 360 px wide screen, no request to any other host, no console
 * errors, and no serious or critical accessibility violations (axe).
 */
import { AxeBuilder } from '@axe-core/playwright';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedOfModels } from '../support/seed-subset.js';
import { notBuilt, startBuiltServer, type StartedServer } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
const API_KEY = 'explorer-test-key';
const NEURON = '/neurons/resnet-v1/toy/layer4/7';

const hasChromium = existsSync(CHROMIUM);
/** The models the views below open (compare needs two): the rest of the default atlas is left out, as loading it is most of this file's time. */
const MODELS = ['resnet-v1', 'resnet-v2'];

// The few browser globals the page-side callbacks use (this project's TypeScript has no DOM types).
interface PageImage {
  complete: boolean;
  naturalWidth: number;
  currentSrc: string;
}
declare const document: {
  activeElement: unknown;
  documentElement: { scrollWidth: number; clientWidth: number };
  querySelectorAll(selector: string): Iterable<PageImage>;
};

describe('the explorer in Chromium', () => {
  let server: StartedServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  /** Problems seen by any page: requests elsewhere, console errors, uncaught exceptions. */
  const problems: string[] = [];
  const seedDir = mkdtempSync(join(tmpdir(), 'atlas-explorer-seed-'));

  beforeAll(async () => {
    if (!hasChromium) return;
    const missing = notBuilt();
    if (missing) throw new Error(missing);
    const seed = join(seedDir, 'atlas.jsonl.gz');
    await seedOfModels(seed, MODELS);
    [server, browser] = await Promise.all([
      startBuiltServer({ ATLAS_API_KEY: API_KEY, ATLAS_SEED: seed }),
      chromium.launch({
        executablePath: CHROMIUM,
        // launch() gives the browser a fresh temporary profile (user data dir) of its own.
        args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      }),
    ]);
    context = await browser.newContext({ baseURL: server.base });
    const origin = new URL(server.base).origin;
    context.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) problems.push(`request to another host: ${url}`);
    });
    context.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error on ${message.page()?.url()}: ${message.text()}`);
    });
    context.on('weberror', (error) => problems.push(`uncaught: ${error.error().message}`));
    // Loading the default atlas's two models into a fresh folder (seed, embeddings, activations
    // recomputed) is most of this.
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(seedDir, { recursive: true, force: true });
  });

  beforeEach((ctx) => {
    if (!hasChromium) ctx.skip(`${CHROMIUM} is absent (Debian's chromium package): the browser tests need it`);
    problems.length = 0;
  });

  async function open(path: string, width = 1200): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 800 });
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    return page;
  }

  /** No serious or critical axe violations, and nothing wider than the screen. */
  async function checkPage(page: Page): Promise<void> {
    const { violations } = await new AxeBuilder({ page }).analyze();
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    expect(problems).toEqual([]);
  }

  /** Waits until the locator's text contains `expected` (text or pattern). */
  async function textOf(locator: Locator, expected: string | RegExp): Promise<void> {
    await locator.first().waitFor();
    await expect.poll(() => locator.first().textContent(), { timeout: 20_000 }).toMatch(expected instanceof RegExp ? expected : new RegExp(expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  }

  async function focused(locator: Locator): Promise<void> {
    await expect.poll(() => locator.evaluate((el) => el === document.activeElement), { timeout: 10_000 }).toBe(true);
  }

  async function fitsWidth(page: Page): Promise<void> {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `page is ${overflow}px wider than the screen`).toBeLessThanOrEqual(0);
  }

  /**
   * The first `limit` images of `selector` (those on screen: the rest load lazily, as they are
   * scrolled to) have loaded with real pixels; returns how many were checked.
   */
  async function imagesLoaded(page: Page, selector: string, limit = Infinity): Promise<number> {
    const images = page.locator(selector);
    await expect.poll(() => images.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.waitForFunction(
      // A lazy image whose load has not started yet also reads as complete (no source, width 0):
      // wait for each to have a source and be done with it.
      ([sel, n]) => [...document.querySelectorAll(sel)].slice(0, n).every((img) => img.complete && img.currentSrc !== ''),
      [selector, limit] as const,
      { timeout: 20_000 },
    );
    const widths = (await images.evaluateAll((all) => (all as unknown as PageImage[]).map((img) => `${img.currentSrc} ${img.naturalWidth}`))).slice(0, limit);
    expect(widths.filter((w) => w.endsWith(' 0'))).toEqual([]);
    return widths.length;
  }

  it('browses models -> layers -> neurons, filters by label and sorts by score', async () => {
    const page = await open('/');
    await page.getByRole('link', { name: /resnet-v1/ }).click();
    await page.getByRole('link', { name: /^layer4/ }).click();
    await expect.poll(() => page.url()).toContain('/?model=resnet-v1&version=toy&layer=layer4');
    const cards = page.locator('.grid .card');
    await cards.first().waitFor();
    const all = await cards.count();
    expect(all).toBeGreaterThan(1);
    await imagesLoaded(page, '.grid img.thumb', 10);
    // Sorted by score: best first.
    await page.getByLabel('Sort by').selectOption('score');
    await expect.poll(() => page.url()).toContain('sort=score');
    const scores = (await page.locator('.grid .card .score').allTextContents()).map((t) => Number(t.replace('score ', '')));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // Filtered by label text: fewer cards, each label containing it.
    const firstLabel = (await page.locator('.grid .card .label').first().textContent())!;
    const word = firstLabel.split(/\s+/)[0]!;
    await page.getByLabel('Label contains').fill(word);
    await page.getByLabel('Label contains').press('Enter');
    await expect.poll(() => page.url()).toContain(`q=${encodeURIComponent(word)}`);
    await expect.poll(async () => (await page.locator('.grid .card .label').allTextContents()).every((l) => l.toLowerCase().includes(word.toLowerCase()))).toBe(true);
    await checkPage(page);
    // The same state from its URL (a shared link), at phone width.
    const shared = await open(page.url().replace(/^https?:\/\/[^/]+/, ''), 360);
    await shared.locator('.grid .card').first().waitFor();
    await fitsWidth(shared);
    await checkPage(shared);
  });

  it('shows a neuron page from its link: labels, 20 images with heatmaps, runs, images near, neighbours', async () => {
    const page = await open(NEURON);
    await textOf(page.getByRole('heading', { level: 1 }), 'layer4 · unit 7');
    await page.locator('table.labels tbody tr').first().waitFor();
    expect(await page.locator('table.labels tbody tr').count()).toBeGreaterThan(1);
    expect(await page.locator('table.labels thead th').allTextContents()).toEqual(['Rank', 'Label', 'Score', 'Confidence']);
    expect(await imagesLoaded(page, 'ol.images img.thumb')).toBeGreaterThanOrEqual(20);
    expect(await page.locator('ol.images img[src^="/heatmaps/"]').count()).toBeGreaterThanOrEqual(10);
    await page.locator('table.runs tbody tr').first().waitFor();
    await expect.poll(() => page.locator('table.runs').textContent()).not.toContain('…');
    await page.locator('ul.neighbours li a').first().waitFor();
    await imagesLoaded(page, 'ul.images img.thumb');
    expect(await imagesLoaded(page, 'main img')).toBeGreaterThanOrEqual(30);
    await checkPage(page);
    // A neighbour's link opens its page without a reload.
    await page.locator('ul.neighbours li a').first().click();
    await expect.poll(() => page.url()).toMatch(/\/neurons\/resnet-v1\/toy\/[^/]+\/\d+$/);
    await page.locator('table.labels').waitFor();
    const narrow = await open(NEURON, 360);
    await narrow.locator('ol.images img').first().waitFor();
    await fitsWidth(narrow);
    // An unknown unit says so in words.
    const missing = await open('/neurons/resnet-v1/toy/layer4/99999');
    await textOf(missing.getByRole('alert'), /unit|neuron/i);
  });

  it('searches neurons and probe images from /search?q=, with filters in the URL', async () => {
    const page = await open('/search?q=stripes&model=resnet-v1%40toy&min=0.1');
    await page.locator('.hits .card').first().waitFor();
    const where = await page.locator('.hits .card .unit').allTextContents();
    expect(where.every((w) => w.startsWith('resnet-v1@toy'))).toBe(true);
    await imagesLoaded(page, '.image-hits img.thumb');
    await checkPage(page);
    // From the header's search box, by keyboard.
    const home = await open('/', 360);
    await home.getByLabel('Search concepts').fill('red');
    await home.getByLabel('Search concepts').press('Enter');
    await expect.poll(() => home.url()).toContain('/search?q=red');
    await home.locator('.hits .card').first().waitFor();
    await fitsWidth(home);
  });

  it('compares two models from /compare?a=&b=&layer=', async () => {
    const page = await open('/compare?a=resnet-v1%40toy&b=resnet-v2%40toy&layer=layer4');
    await textOf(page.locator('.summary'), 'Agreement');
    await page.locator('table.pairs tbody tr').first().waitFor();
    await imagesLoaded(page, 'table.pairs img.thumb', 6);
    await page.getByLabel('Only changed labels').check();
    // The table re-renders after the checkbox changes: wait until every row left is a changed one.
    const rows = page.locator('table.pairs tbody tr');
    await expect.poll(async () => (await rows.count()) - (await page.locator('table.pairs tbody tr.changed').count()), { timeout: 30_000 }).toBe(0);
    await checkPage(page);
    const narrow = await open('/compare?a=resnet-v1%40toy&b=resnet-v2%40toy&layer=layer4', 360);
    await narrow.locator('table.pairs tbody tr').first().waitFor();
    await fitsWidth(narrow);
  });

  it('rescores a layer with typed concepts and saves the result as a run with the API key', async () => {
    const page = await open('/rescore?model=resnet-v1%40toy&layer=fc&c=circle%0Aring%0Astripes');
    await page.locator('table.rescore tbody tr').first().waitFor();
    const row = await page.locator('table.rescore tbody tr').first().locator('td').allTextContents();
    expect(['circle', 'ring', 'stripes']).toContain(row[1]);
    await checkPage(page);
    // A wrong key is refused in words; the right one saves.
    await page.getByLabel('API key').fill('wrong');
    await page.getByRole('button', { name: 'Save as a run' }).click();
    await textOf(page.getByRole('alert'), 'API key');
    problems.length = 0; // the refused request is logged by the browser as a failed resource
    await page.getByLabel('API key').fill(API_KEY);
    await page.getByRole('button', { name: 'Save as a run' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as run' }).waitFor();
    await page.getByRole('link', { name: 'See its labels' }).click();
    await page.locator('.grid .card').first().waitFor();
    expect(['circle', 'ring', 'stripes']).toContain(await page.locator('.grid .card .label').first().textContent());
    // the saved run's labels carry confidences, shown on each card and on the neuron page
    expect(await page.locator('.grid .card .confidence').first().textContent()).toMatch(/^confidence [01]\.\d\d$/);
    await page.locator('.grid .card a').first().click();
    await page.locator('table.labels tbody tr').first().waitFor();
    expect((await page.locator('table.labels tbody tr').first().locator('td').allTextContents())[3]).toMatch(/^[01]\.\d\d$/);
  });

  it('imports a CSV atlas with the API key, showing a refused line and column', async () => {
    const page = await open('/import', 360);
    await page.getByLabel('Format').selectOption('MILAN');
    await page.getByLabel('Model').fill('imported-net');
    await page.getByLabel('Version').fill('v1');
    await page.getByLabel('API key').fill(API_KEY);
    const textarea = page.getByLabel(/or paste it/);
    await textarea.fill('layer,unit,description\nconv1,0,striped fabric\nconv1,x,dots\n');
    await page.getByRole('button', { name: 'Import' }).click();
    const error = page.locator('.import-error');
    await textOf(error, 'line 3');
    await textOf(error.locator('pre'), 'conv1,x,dots');
    problems.length = 0;
    await textarea.fill('layer,unit,description\nconv1,0,striped fabric\nconv1,1,polka dots\n');
    await page.getByRole('button', { name: 'Import' }).click();
    await textOf(page.locator('.import-done'), 'Imported 2 labels');
    await fitsWidth(page);
    await checkPage(page);
    await page.getByRole('link', { name: 'conv1' }).click();
    await expect.poll(() => page.locator('.grid .card .label').allTextContents()).toEqual(['striped fabric', 'polka dots']);
  });

  it('works by keyboard: skip link, tabbing to a neuron and opening it with Enter', async () => {
    const page = await open('/?model=resnet-v1&version=toy&layer=fc');
    await page.locator('.grid .card').first().waitFor();
    await page.keyboard.press('Tab');
    await focused(page.locator('.skip'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain('#main');
    const firstCard = page.locator('.grid .card-link').first();
    for (let i = 0; i < 60 && !(await firstCard.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    await focused(firstCard);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain('/neurons/resnet-v1/toy/fc/');
    await focused(page.getByRole('heading', { level: 1 }));
    expect(problems).toEqual([]);
  });

  it('answers unknown paths with 404 and shows a GraphQL error in words', async () => {
    const response = await context.request.get('/no-such-page');
    expect(response.status()).toBe(404);
    const page = await open('/?model=no-such-model&version=x&layer=y');
    await textOf(page.getByRole('alert'), 'There is no model no-such-model@x');
    const bad = await open('/compare?a=resnet-v1%40toy&b=resnet-v2%40toy&layer=no-such-layer');
    await textOf(bad.getByRole('alert'), /no-such-layer/);
  });
});
