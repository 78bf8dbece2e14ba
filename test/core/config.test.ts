import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, config, loadConfig, parsePort, setConfig } from '../../src/core/config.js';

describe('configuration from the environment', () => {
  afterEach(() => setConfig(undefined));

  it('gives the documented defaults for an empty environment, and treats a blank variable as unset', () => {
    const defaults = {
      apiKey: undefined,
      bodyLimit: '64kb',
      cacheDir: join(homedir(), '.cache', 'neuron-atlas'),
      clip: undefined,
      corsOrigins: [],
      dataDir: '.atlas',
      databaseUrl: undefined,
      hfEndpoint: 'https://huggingface.co',
      hfToken: undefined,
      hnswEfSearch: undefined,
      host: '127.0.0.1',
      maxInFlight: 64,
      pgPool: undefined,
      port: 4000,
      requestTimeoutMs: 5000,
      seed: undefined,
      testHaltAfterImages: undefined,
      wasmRelaxedSimd: true,
    };
    expect(loadConfig({})).toEqual(defaults);
    expect(loadConfig({ DATABASE_URL: '', PORT: ' ', ATLAS_DATA_DIR: '', ATLAS_CLIP: '' })).toEqual(defaults);
  });

  it('reads every variable into a typed field', () => {
    expect(
      loadConfig({
        ATLAS_API_KEY: 'k3y',
        ATLAS_BODY_LIMIT: '1mb',
        ATLAS_CACHE_DIR: '/tmp/c',
        ATLAS_CLIP: 'hf:acme/clip',
        ATLAS_CORS_ORIGINS: 'https://app.example',
        ATLAS_DATA_DIR: 'memory://',
        ATLAS_HNSW_EF_SEARCH: '100',
        ATLAS_MAX_IN_FLIGHT: '8',
        ATLAS_PG_POOL: '6',
        ATLAS_SEED: 'seed.jsonl.gz',
        ATLAS_TEST_HALT_AFTER_IMAGES: '40',
        ATLAS_WASM_RELAXED_SIMD: '0',
        DATABASE_URL: 'postgres://u:p@db:5432/atlas',
        HF_ENDPOINT: 'http://mirror.local/hub/',
        HF_TOKEN: 'hf_x',
        HOST: '0.0.0.0',
        PORT: '0',
      }),
    ).toEqual({
      apiKey: 'k3y',
      bodyLimit: '1mb',
      cacheDir: '/tmp/c',
      clip: 'hf:acme/clip',
      corsOrigins: ['https://app.example'],
      dataDir: 'memory://',
      databaseUrl: 'postgres://u:p@db:5432/atlas',
      hfEndpoint: 'http://mirror.local/hub',
      hfToken: 'hf_x',
      hnswEfSearch: 100,
      host: '0.0.0.0',
      maxInFlight: 8,
      pgPool: 6,
      port: 0,
      requestTimeoutMs: 5000,
      seed: 'seed.jsonl.gz',
      testHaltAfterImages: 40,
      wasmRelaxedSimd: false,
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a port number, got abc'],
    [{ PORT: '65536' }, 'PORT must be a port number, got 65536'],
    [{ PORT: '80.5' }, 'PORT must be a port number, got 80.5'],
    [{ ATLAS_HNSW_EF_SEARCH: '0' }, 'ATLAS_HNSW_EF_SEARCH must be an integer from 1 to 1000, got 0'],
    [{ ATLAS_MAX_IN_FLIGHT: '0' }, 'ATLAS_MAX_IN_FLIGHT must be an integer from 1 to 100000 (requests), got 0'],
    [{ ATLAS_PG_POOL: 'many' }, 'ATLAS_PG_POOL must be an integer from 1 to 1000 (connections), got many'],
    [{ ATLAS_TEST_HALT_AFTER_IMAGES: '0' }, 'ATLAS_TEST_HALT_AFTER_IMAGES must be a positive whole number of images, got 0'],
    [{ ATLAS_BODY_LIMIT: 'big' }, 'ATLAS_BODY_LIMIT must be a size such as 64kb or 1mb, got big'],
    [{ ATLAS_WASM_RELAXED_SIMD: 'maybe' }, 'ATLAS_WASM_RELAXED_SIMD must be 0 (off) or 1 (on), got maybe'],
    [{ HF_ENDPOINT: 'huggingface.co' }, 'HF_ENDPOINT must be an http:// or https:// URL, got huggingface.co'],
    [{ ATLAS_API_KEY: 'two words' }, 'ATLAS_API_KEY must not contain spaces or line breaks (it is sent as Authorization: Bearer <key>)'],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError([message]));
  });

  it('names every bad variable at once, and never repeats a DATABASE_URL (it may hold a password)', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://root:hunter2@db/atlas', ATLAS_PG_POOL: '4' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(['DATABASE_URL must be a postgres:// URL, got a mysql: URL', 'PORT must be a port number, got abc']);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('parsePort checks command-line ports the same way', () => {
    expect(parsePort('--port', '8080')).toBe(8080);
    expect(() => parsePort('--port', 'http')).toThrow('--port must be a port number, got http');
  });

  it('config() is read once; a test installs its own or changes a field', () => {
    const mine = loadConfig({ PORT: '5000' });
    setConfig(mine);
    expect(config()).toBe(mine);
    config().apiKey = 'changed';
    expect(config().apiKey).toBe('changed');
    expect(config()).toBe(config());
  });
});
