import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { config, setConfig } from '../../src/core/config.js';
import { resolveClip } from '../../src/compute/clip/index.js';
import { atlas, spawnAtlas } from '../support/cli.js';
import { tempEnv, tinyClip, tinyTarget } from './helpers.js';

function args(clip: string, probe: string, extra: string[] = []): string[] {
  return ['dissect', '--model', tinyTarget, '--layers', 'conv1', '--clip', clip, '--probe', probe, '--concepts', 'builtin:toy', ...extra];
}

/** A closed local port: bind one, note it, release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('atlas dissect: bad input gets a clear error', () => {
  it('hf: without network names the host, the repository and the way out', async () => {
    const { env } = await tempEnv();
    const port = await closedPort();
    const res = await atlas(args('hf:openai/clip-vit-base-patch16', 'toy:100:1'), { ...env, HF_ENDPOINT: `http://127.0.0.1:${port}` });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      new RegExp(`cannot reach 127\\.0\\.0\\.1:${port} to download openai/clip-vit-base-patch16: .*ECONNREFUSED.*; download the folder elsewhere and pass --clip \\./folder`),
    );
  });

  it('a probe folder with a corrupt image names the file under --strict (without it, see probe-skip.test.ts)', async () => {
    const { dir, env } = await tempEnv();
    const probe = join(dir, 'probe');
    mkdirSync(probe);
    for (let i = 0; i < 4; i++) {
      await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: i * 50, g: 10, b: 200 } } }).png().toFile(join(probe, `ok-${i}.png`));
    }
    writeFileSync(join(probe, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]));
    const res = await atlas(args(tinyClip, probe, ['--params', '{"top_k":2}', '--quiet', '--strict']), env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`atlas: probe image ${join(probe, 'broken.jpg')}: cannot decode it`);
  });

  it('--device cuda without the CUDA provider says how to get it', async () => {
    const ortDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
    const cudaLib = join(ortDir, '..', 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
    const { env } = await tempEnv();
    const res = await atlas(args(tinyClip, 'toy:100:1', ['--device', 'cuda', '--quiet']), env);
    if (existsSync(cudaLib)) {
      expect(res.code).toBe(0);
    } else {
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/cannot run .*vision_model\.onnx on cuda: the CUDA execution provider is not installed.*--onnxruntime-node-install=cuda12.*use --device cpu/);
    }
  });

  it('rejects unknown similarity functions and parameters before any work', async () => {
    const { env } = await tempEnv();
    const res = await atlas(args(tinyClip, 'toy:100:1', ['--fn', 'soft_wmpi']), env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/unknown similarity function 'soft_wmpi'/);
    const res2 = await atlas(args(tinyClip, 'toy:50:1'), env);
    expect(res2.stderr).toMatch(/top_k' of soft_wpmi is 100 but there are only 50 images/);
  });

  // The progress bars (drawn whenever progress is on, on a terminal or not) hold timers: a failure
  // while scoring once left the process running with its bar after the error was printed.
  it('exits with the error after a failure while scoring, with progress bars on', { timeout: 60_000 }, async () => {
    const { env } = await tempEnv();
    // A fractional scale_p passes the parameter checks, but a concept whose mean similarity over a
    // unit's top images is negative then scores NaN (as in the reference), refused when the layer is written.
    const child = spawnAtlas(args(tinyClip, 'toy:50:1', ['--fn', 'rank_reorder', '--params', '{"scale_p":0.5}']), env);
    onTestFinished(() => void child.child.kill('SIGKILL'));
    const res = await child.done;
    expect(res.signal).toBeNull();
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('scoring layers');
    expect(res.stderr).toMatch(/^atlas: layer conv1 unit \d+: score NaN is not finite$/m);
  });
});

describe('hf: downloads', () => {
  let server: Server;
  const requests: string[] = [];
  let endpoint = '';
  beforeAll(async () => {
    // A stand-in for the hub: /ORG/NAME/resolve/main/FILE serves the tiny CLIP's files.
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const m = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(req.url ?? '');
      if (req.headers.authorization !== 'Bearer secret-token') {
        res.writeHead(401).end();
        return;
      }
      const file = m && m[1] === 'acme/tiny-clip' ? join(tinyClip, m[2]!) : '';
      if (!file || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      const body = readFileSync(file);
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('fetches the folder with HF_TOKEN into the cache once, then works from the cache', async () => {
    const { dir } = await tempEnv();
    const saved = { ...config() };
    config().hfEndpoint = endpoint;
    config().hfToken = 'secret-token';
    try {
      const cache = join(dir, 'hf');
      const got = await resolveClip('hf:acme/tiny-clip', { cacheDir: cache, quiet: true });
      expect(got).toEqual({ folder: join(cache, 'acme', 'tiny-clip'), name: 'acme/tiny-clip', source: 'hf:acme/tiny-clip' });
      expect(readFileSync(join(got.folder, 'onnx/vision_model.onnx'))).toEqual(readFileSync(join(tinyClip, 'onnx/vision_model.onnx')));
      expect(requests.filter((r) => r.endsWith('tokenizer.json'))).toHaveLength(1);
      const before = requests.length;
      await resolveClip('hf:acme/tiny-clip', { cacheDir: cache, quiet: true });
      expect(requests.length).toBe(before);
      // A repository without the ONNX export is named with the file that is missing.
      await expect(resolveClip('hf:acme/other', { cacheDir: cache, quiet: true })).rejects.toThrow(
        /downloading acme\/other\/onnx\/vision_model\.onnx .* HTTP 404/,
      );
      config().hfToken = 'wrong';
      await expect(resolveClip('hf:acme/third', { cacheDir: cache, quiet: true })).rejects.toThrow(/HTTP 401 \(private or gated repository: set HF_TOKEN\)/);
    } finally {
      setConfig(saved);
    }
  });
});
