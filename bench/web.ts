/**
 * The explorer's first loads in a real browser (Debian's Chromium through playwright-core) against
 * the compiled server (`npm start`) on the default atlas.
 *
 *   npm run build && npm run bench -- web [--runs 5] [--data DIR]
 *
 * The default atlas is loaded once into --data (default bench/out/web-atlas; a fresh folder takes
 * a minute or two, then it is reused). Measured from navigation start, in the browser:
 * - `/`: until the model list is shown;
 * - a neuron page (`/neurons/resnet-v1/toy/layer4/7`): until its labels and its 20 images (the 10
 *   top-activating images and their heatmaps) have loaded with pixels;
 * cold: a fresh browser context (empty HTTP cache), the first one right after the server started
 * (nothing rendered yet), then `--runs` more (server caches warm); warm: reloads in the same
 * context. Baseline beside them: a page of plain `<img>` tags of the same 20 image URLs in a fresh
 * context (what fetching and decoding the images alone costs). Also the shipped JavaScript and CSS,
 * gzipped (GraphiQL's bundle, loaded only at /graphql, is not counted).
 * Goals: neuron page with its images visible within 1 s warm; JavaScript under 250 kB gzipped.
 * Ends with one JSON line.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { assertBuilt, median, repoRoot } from './lib/common.js';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    data: { type: 'string', default: join(repoRoot, 'bench', 'out', 'web-atlas') },
  },
});
const RUNS = Number(opt.runs);
const NEURON = '/neurons/resnet-v1/toy/layer4/7';
const log = (line: string) => process.stderr.write(`${line}\n`);

// Page-side globals the callbacks use (the project's TypeScript has no DOM types).
declare const document: { querySelectorAll(s: string): Iterable<{ complete: boolean; naturalWidth: number; src: string }>; querySelector(s: string): unknown };
declare const performance: { now(): number };

function shippedSizes(): { jsBytes: number; jsGzip: number; cssGzip: number; files: number } {
  const dir = join(repoRoot, 'dist', 'web', 'explorer', 'assets');
  if (!existsSync(dir)) throw new Error('dist/web/explorer is missing; run npm run build first');
  let jsBytes = 0;
  let jsGzip = 0;
  let cssGzip = 0;
  const files = readdirSync(dir);
  for (const file of files) {
    const data = readFileSync(join(dir, file));
    if (file.endsWith('.js')) {
      jsBytes += data.length;
      jsGzip += gzipSync(data, { level: 9 }).length;
    } else if (file.endsWith('.css')) cssGzip += gzipSync(data, { level: 9 }).length;
  }
  return { jsBytes, jsGzip, cssGzip, files: files.length };
}

async function startServer(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const proc = spawn(process.execPath, ['--max-semi-space-size=64', join(repoRoot, 'dist', 'server', 'main.js')], {
    cwd: repoRoot,
    env: { ...process.env, ATLAS_DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /listening on (http:\/\/[^/\s]+)\/graphql/.exec(text);
      if (m) resolve(m[1]!);
    });
    proc.on('exit', (code) => reject(new Error(`server exited (${code}):\n${text}`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** Milliseconds from navigation start until `ready` holds in the page. */
async function timeLoad(page: Page, path: string, ready: () => number | false): Promise<number> {
  await page.goto(path, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(ready, undefined, { polling: 'raf', timeout: 30_000 });
  return Math.round((await handle.jsonValue()) as number);
}

// Run in the page (serialized by Playwright): the time the view became ready, or false.
const homeReady = (): number | false => (document.querySelector('.model-list a') !== null ? performance.now() : false);
const neuronReady = (): number | false => {
  const images = [...document.querySelectorAll('ol.images img')];
  const done = document.querySelector('table.labels') !== null && images.length >= 20 && images.every((i) => i.complete && i.naturalWidth > 0);
  return done ? performance.now() : false;
};

async function main(): Promise<void> {
  assertBuilt(repoRoot);
  const sizes = shippedSizes();
  mkdirSync(opt.data!, { recursive: true });
  const fresh = !existsSync(join(opt.data!, 'pgdata')) && readdirSync(opt.data!).length === 0;
  log(`cores ${cpus().length}, load ${loadavg()[0]!.toFixed(1)}; ${fresh ? 'loading the default atlas into' : 'reusing'} ${opt.data}`);
  const server = await startServer(opt.data!);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const figures: Record<string, number[]> = { homeCold: [], neuronCold: [], homeWarm: [], neuronWarm: [], baseline: [] };
  let firstHome: number;
  let firstNeuron: number;
  try {
    const newContext = async (): Promise<BrowserContext> => browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    // The first visit after start: server-side image rendering and caches cold.
    {
      const context = await newContext();
      const page = await context.newPage();
      firstHome = await timeLoad(page, '/', homeReady);
      firstNeuron = await timeLoad(page, NEURON, neuronReady);
      await context.close();
    }
    let imageUrls: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await newContext();
      const page = await context.newPage();
      figures.homeCold!.push(await timeLoad(page, '/', homeReady));
      figures.neuronCold!.push(await timeLoad(page, NEURON, neuronReady));
      figures.homeWarm!.push(await timeLoad(page, '/', homeReady));
      figures.neuronWarm!.push(await timeLoad(page, NEURON, neuronReady));
      if (!imageUrls.length) imageUrls = await page.locator('main img').evaluateAll((all) => (all as unknown as { src: string }[]).map((i) => i.src));
      await context.close();
      // Baseline: the same images as plain <img> tags, fresh cache, no script and no GraphQL.
      const bare = await newContext();
      const basePage = await bare.newPage();
      const start = Date.now();
      await basePage.goto('/healthz');
      await basePage.setContent(imageUrls.map((u) => `<img src="${u}" width="112" height="112">`).join(''), { waitUntil: 'load' });
      figures.baseline!.push(Date.now() - start);
      await bare.close();
      log(`run ${run + 1}: / cold ${figures.homeCold!.at(-1)} ms, warm ${figures.homeWarm!.at(-1)} ms; neuron cold ${figures.neuronCold!.at(-1)} ms, warm ${figures.neuronWarm!.at(-1)} ms; baseline ${figures.baseline!.at(-1)} ms`);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const result = {
    bench: 'web',
    cores: cpus().length,
    load: Number(loadavg()[0]!.toFixed(1)),
    runs: RUNS,
    firstHomeMs: firstHome,
    firstNeuronMs: firstNeuron,
    homeColdMs: median(figures.homeCold!),
    homeWarmMs: median(figures.homeWarm!),
    neuronColdMs: median(figures.neuronCold!),
    neuronWarmMs: median(figures.neuronWarm!),
    baselineImagesMs: median(figures.baseline!),
    neuronWarmVsBaseline: Number((median(figures.neuronWarm!) / median(figures.baseline!)).toFixed(2)),
    jsGzipBytes: sizes.jsGzip,
    jsBytes: sizes.jsBytes,
    cssGzipBytes: sizes.cssGzip,
    goals: {
      neuronWarmWithin1s: median(figures.neuronWarm!) <= 1000,
      jsUnder250kB: sizes.jsGzip < 250_000,
    },
  };
  log(
    `neuron page: first ${firstNeuron} ms, cold ${result.neuronColdMs} ms, warm ${result.neuronWarmMs} ms (goal <= 1000: ${result.goals.neuronWarmWithin1s ? 'met' : 'NOT met'}); ` +
      `baseline (the 20 images alone) ${result.baselineImagesMs} ms; / first ${firstHome} ms, cold ${result.homeColdMs} ms, warm ${result.homeWarmMs} ms; ` +
      `JavaScript ${(sizes.jsGzip / 1000).toFixed(1)} kB gzipped (${(sizes.jsBytes / 1000).toFixed(1)} kB raw; goal < 250 kB: ${result.goals.jsUnder250kB ? 'met' : 'NOT met'})`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
