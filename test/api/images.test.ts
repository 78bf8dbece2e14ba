/**
 * Probe images over HTTP: the URLs the API gives (`topImages { url thumbnailUrl }`) answer with
 * decodable images of the right type and size, cache validators, bounded sizes, and 404 for
 * anything that is not a registered member of a probe set (traversal, unknown ordinals, deleted
 * files).
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { drivers, writeCompleteRun, writeFixtureSets } from '../store/helpers.js';
import { ok, servedAtlas } from '../queries/helpers.js';

interface Top {
  ordinal: number;
  uri: string | null;
  url: string | null;
  thumbnailUrl: string | null;
  activation: number;
}

/** A GET with the path sent exactly as written (fetch would normalise `..` away). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function imageAt(base: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { res, bytes, meta: res.status === 200 ? await sharp(bytes).metadata() : undefined };
}

describe.each(drivers)('probe images over HTTP on %s', (driver) => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-images-'));
  const files = { wide: join(dir, 'wide.png'), photo: join(dir, 'photo.jpg'), doomed: join(dir, 'doomed.png') };
  let folderSet = 0;
  const served = servedAtlas(driver, async (store) => {
    await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toFile(files.wide);
    await sharp({ create: { width: 90, height: 160, channels: 3, background: { r: 10, g: 200, b: 10 } } }).jpeg().toFile(files.photo);
    await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 0, g: 0, b: 250 } } }).png().toFile(files.doomed);
    writeFileSync(join(dir, 'secret.txt'), 'not a member\n');
    const ids = await writeFixtureSets(store); // toy probe set: toy:1/0 .. toy:1/11
    await writeCompleteRun(store, ids);
    // A folder probe set and a run over it, as `atlas dissect --probe <folder>` stores them.
    folderSet = await store.probeSets.upsert({
      name: 'photos',
      recipe: { folder: dir },
      contentHash: 'photos-1',
      images: [files.wide, files.photo, files.doomed, 'https://example.org/remote.png'].map((uri, ordinal) => ({ ordinal, uri })),
    });
    const run = await store.runs.begin({ ...ids, probeSetId: folderSet, parameters: { method: 'netdissect' } });
    await store.runs.writeLayer(run, {
      layer: { name: 'fc', kind: 'dense', units: 3 },
      labels: [0, 1, 2].map((c) => [{ concept: c, score: 0.5 }]),
      topImages: [0, 1, 2].map(() => [0, 1, 2, 3].map((ordinal) => ({ ordinal, activation: 4 - ordinal }))),
    });
    await store.runs.complete(run);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const topImages = async (method: string): Promise<Top[]> =>
    (
      ok(
        await served.client.gql(`{ neuron(model: "toy", layer: "fc", unit: 1, method: "${method}") {
          topImages(first: 10) { ordinal uri url thumbnailUrl activation } } }`),
      ).neuron as { topImages: Top[] }
    ).topImages;

  it('serves toy-world images rendered from (seed, index): PNG at full size and as thumbnails, with ETag and long caching', async () => {
    const [top] = await topImages('clip-dissect');
    expect(top!.uri).toBe(`toy:1/${top!.ordinal}`);
    expect(top!.url).toMatch(/^\/images\/\d+\/\d+$/);
    expect(top!.thumbnailUrl).toBe(`${top!.url}?size=128`);
    const base = served.client.url;
    const full = await imageAt(base, top!.url!);
    expect(full.res.status).toBe(200);
    expect(full.res.headers.get('content-type')).toBe('image/png');
    expect(full.res.headers.get('cache-control')).toContain('immutable');
    expect(full.meta).toMatchObject({ format: 'png', width: 256, height: 256 });
    const thumb = await imageAt(base, top!.thumbnailUrl!);
    expect(thumb.meta).toMatchObject({ format: 'png', width: 128, height: 128 });
    // The same pixels as the renderer draws, whichever request renders them.
    const again = await imageAt(base, top!.url!);
    expect(again.bytes.equals(full.bytes)).toBe(true);
    const etag = full.res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(thumb.res.headers.get('etag')).not.toBe(etag);
    const revalidated = await fetch(`${base}${top!.url}`, { headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);
    expect((await revalidated.arrayBuffer()).byteLength).toBe(0);
    const other = await fetch(`${base}${top!.url}`, { headers: { 'if-none-match': '"stale"' } });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
  });

  it('serves member files of a folder probe set: PNG as PNG, JPEG as WebP, thumbnails keeping the aspect ratio', async () => {
    const base = served.client.url;
    const tops = await topImages('netdissect');
    expect(tops.map((t) => t.uri)).toEqual([files.wide, files.photo, files.doomed, 'https://example.org/remote.png']);
    const [wide, photo] = tops;
    expect((await imageAt(base, wide!.url!)).meta).toMatchObject({ format: 'png', width: 300, height: 200 });
    const wideThumb = await imageAt(base, wide!.thumbnailUrl!);
    expect(wideThumb.res.headers.get('content-type')).toBe('image/png');
    expect(wideThumb.meta).toMatchObject({ width: 128, height: 85 });
    const photoFull = await imageAt(base, photo!.url!);
    expect(photoFull.res.headers.get('content-type')).toBe('image/webp');
    expect(photoFull.meta).toMatchObject({ format: 'webp', width: 90, height: 160 });
    expect((await imageAt(base, `${photo!.url}?size=64`)).meta).toMatchObject({ format: 'webp', width: 36, height: 64 });
    // Never enlarged past the file's own size.
    expect((await imageAt(base, `${photo!.url}?size=1024`)).meta).toMatchObject({ width: 90, height: 160 });
    // A remote image is its own URL: the server fetches nothing, and its route says so.
    expect(tops[3]!.url).toBe('https://example.org/remote.png');
    expect(tops[3]!.thumbnailUrl).toBe('https://example.org/remote.png');
    const remote = await fetch(`${base}/images/${folderSet}/3`);
    expect(remote.status).toBe(404);
    expect(await remote.text()).toMatch(/remote/);
  });

  it('refuses sizes outside 16 to 1024 pixels with a clear 400', async () => {
    const [top] = await topImages('clip-dissect');
    for (const size of ['8', '1025', '100000', 'abc', '12.5', '-5', '']) {
      const res = await fetch(`${served.client.url}${top!.url}?size=${size}`);
      expect(res.status, size).toBe(400);
      expect(await res.text()).toMatch(/size must be a whole number of pixels from 16 to 1024/);
    }
    expect((await imageAt(served.client.url, `${top!.url}?size=16`)).meta).toMatchObject({ width: 16, height: 16 });
    expect((await imageAt(served.client.url, `${top!.url}?size=1024`)).meta).toMatchObject({ format: 'png', width: 1024, height: 1024 });
  });

  it('answers 404 for unknown sets and ordinals, traversal attempts and non-numeric paths; never a file that is not a member', async () => {
    const base = served.client.url;
    const paths = [
      `/images/${folderSet}/99`,
      '/images/999999/0',
      '/images/abc/0',
      `/images/${folderSet}/-1`,
      `/images/${folderSet}/0/extra`,
      `/images/${folderSet}/..%2Fsecret.txt`,
      `/images/${folderSet}/../../${folderSet}/0`,
      '/images/../etc/passwd',
      `/images/${folderSet}/%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
      `/images/${folderSet}/${encodeURIComponent(join(dir, 'secret.txt'))}`,
      '/images/',
      `/heatmaps/${folderSet}/..%2F..%2Fsecret.txt`,
    ];
    for (const path of paths) {
      const res = await rawGet(base, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('not a member');
    }
  });

  it('answers a clear 404 (not 500) for a member file deleted from disk', async () => {
    const base = served.client.url;
    const doomed = (await topImages('netdissect'))[2]!;
    expect((await imageAt(base, doomed.url!)).res.status).toBe(200);
    unlinkSync(files.doomed);
    for (const url of [doomed.url!, doomed.thumbnailUrl!]) {
      const res = await fetch(`${base}${url}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toMatch(/image 2 of probe set \d+ is no longer on disk/);
    }
  });
});
