/**
 * Input files given as http(s) URLs (a model file on a web server that every worker reaches):
 * downloaded into the cache folder, kept by content hash. A worker that knows the hash the run was
 * submitted with uses its copy without asking the server again (so it works offline once it has
 * it), and refuses a server that now serves another file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { saveResponse } from '../core/download.js';

export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** A served file differs from the one expected (its content hash). */
export class ContentMismatchError extends Error {}

export interface FetchOptions {
  /** The cache folder: files go to `<cacheDir>/files/<sha256>/<name>`. */
  cacheDir: string;
  /** What the file is, for messages (`model file`). */
  what: string;
  /** SHA-256 (hex) the file must have; its cached copy is used without asking the server. */
  expectedSha256?: string;
  /** Files beside it on the server (same folder, e.g. the model's `.json` preprocessing), fetched if there; a 404 is no error. */
  companions?: (name: string) => string[];
}

/** The file's name in the URL's path (what sidecar files are found beside). */
function fileName(url: URL): string {
  const name = decodeURIComponent(basename(url.pathname));
  if (!name || name === '/' || name.includes('\\')) throw new Error(`the URL ${url.href} names no file`);
  return name;
}

async function get(url: string, what: string): Promise<Response> {
  try {
    return await fetch(url, { redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { message?: string; code?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(`cannot download the ${what} ${url}: the server cannot be reached (${why}); check the URL and the network, or give a local path`, { cause: error });
  }
}

/** Saves a response as `target` (core/download.ts); returns its SHA-256. */
async function save(response: Response, target: string): Promise<string> {
  try {
    return await saveResponse(response, target);
  } catch (error) {
    throw new Error(`the download of ${basename(target)} broke off: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The local path of the file at `url`, downloaded into the cache unless a copy with the expected
 * hash is there. Throws `ContentMismatchError` when the server's file has another hash than
 * `expectedSha256`, and a clear error when the server cannot be reached or answers with an error.
 */
export async function fetchToCache(location: string, opts: FetchOptions): Promise<{ path: string; sha256: string }> {
  const url = new URL(location);
  const name = fileName(url);
  const root = join(opts.cacheDir, 'files');
  if (opts.expectedSha256) {
    const cached = join(root, opts.expectedSha256, name);
    if (existsSync(cached)) return { path: cached, sha256: opts.expectedSha256 };
  }
  const response = await get(url.href, opts.what);
  if (!response.ok) throw new Error(`cannot download the ${opts.what} ${url.href}: the server answered ${response.status} ${response.statusText}`.trim());
  const incoming = join(root, `incoming-${randomUUID()}`);
  mkdirSync(incoming, { recursive: true });
  try {
    const sha256 = await save(response, join(incoming, name));
    if (opts.expectedSha256 && sha256 !== opts.expectedSha256) {
      throw new ContentMismatchError(
        `the ${opts.what} ${url.href} is not the one the run was submitted with (content hash ${sha256.slice(0, 12)}, expected ${opts.expectedSha256.slice(0, 12)}): ` +
          'the server now serves another file; submit the run again with it, or serve the original',
      );
    }
    for (const companion of opts.companions?.(name) ?? []) {
      const res = await get(new URL(companion, url).href, opts.what);
      if (res.status === 404) continue;
      if (!res.ok) throw new Error(`cannot download ${companion} beside the ${opts.what} ${url.href}: the server answered ${res.status}`);
      await save(res, join(incoming, companion));
    }
    const folder = join(root, sha256);
    // Another process may have put the same file there meanwhile: its copy is as good.
    if (!existsSync(folder)) {
      try {
        renameSync(incoming, folder);
      } catch (error) {
        if (!existsSync(folder)) throw error;
      }
    }
    return { path: join(folder, name), sha256 };
  } finally {
    rmSync(incoming, { recursive: true, force: true });
  }
}

/**
 * A probe list served over http(s) (one image per line, relative to the list's URL or absolute
 * below its folder), mirrored into `<cacheDir>/probes/<sha256>/` with the same layout, so the
 * probe set's content hash (over relative paths and bytes) is the same on every machine. The
 * folder is named by the hash of what was downloaded: a server whose images changed makes another
 * folder (and another probe set hash, which a worker checks against the submitted one), and no
 * process ever finds the files it reads replaced. Returns the local list file.
 */
export async function mirrorProbeList(location: string, cacheDir: string): Promise<string> {
  const listUrl = new URL(location);
  const base = new URL('.', listUrl);
  const response = await get(listUrl.href, 'probe list');
  if (!response.ok) throw new Error(`cannot download the probe list ${listUrl.href}: the server answered ${response.status} ${response.statusText}`.trim());
  const lines = (await response.text())
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const entries = lines.map((line) => {
    const url = new URL(line, base);
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname) || url.search) {
      throw new Error(`probe list ${listUrl.href}: ${line} is not a file beside or below the list on its server`);
    }
    return { url: url.href, relative: decodeURIComponent(url.pathname.slice(base.pathname.length)) };
  });
  const probes = join(cacheDir, 'probes');
  const incoming = join(probes, `incoming-${randomUUID()}`);
  mkdirSync(incoming, { recursive: true });
  try {
    const hashes = new Array<string>(entries.length).fill('missing');
    const PARALLEL = 8;
    for (let start = 0; start < entries.length; start += PARALLEL) {
      await Promise.all(
        entries.slice(start, start + PARALLEL).map(async (e, i) => {
          const res = await get(e.url, 'probe image');
          // A missing image is left out of the set as one that cannot be read (or stops --strict).
          if (!res.ok) return;
          const target = join(incoming, ...e.relative.split('/'));
          mkdirSync(dirname(target), { recursive: true });
          hashes[start + i] = await save(res, target);
        }),
      );
    }
    writeFileSync(join(incoming, 'probes.txt'), `${entries.map((e) => e.relative).join('\n')}\n`);
    const identity = createHash('sha256');
    for (const [i, e] of entries.entries()) identity.update(e.relative).update('\0').update(hashes[i]!).update('\0');
    const folder = join(probes, identity.digest('hex'));
    if (!existsSync(folder)) {
      try {
        renameSync(incoming, folder);
      } catch (error) {
        if (!existsSync(folder)) throw error;
      }
    }
    return join(folder, 'probes.txt');
  } finally {
    rmSync(incoming, { recursive: true, force: true });
  }
}
