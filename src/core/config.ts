/**
 * The configuration that comes from environment variables, read in this one place: each variable
 * is read once, checked, and turned into a typed field of one object. Code reads `config()`, the
 * process's configuration, loaded from `process.env` on first use; tests build their own with
 * `loadConfig({ ... })` and install it with `setConfig`, or change a field of `config()`.
 * docs/configuration.md lists every variable.
 *
 * An empty variable counts as unset (so `DATABASE_URL= atlas ...` means the embedded database).
 * An invalid one is refused with a message naming the variable: `PORT must be a port number, got abc`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface AtlasConfig {
  /** ATLAS_API_KEY: the bearer token mutations need; unset, mutations are refused. */
  apiKey: string | undefined;
  /** ATLAS_BODY_LIMIT: largest HTTP request body, as express reads it (`64kb`, `1mb`). */
  bodyLimit: string;
  /** ATLAS_CACHE_DIR: root of the local caches (hub downloads, checkpoints). */
  cacheDir: string;
  /**
   * ATLAS_CORS_ORIGINS: other origins whose pages may call the API (`https://a.example`), or `*`
   * for any origin without the Authorization header (read-only use); empty: same origin only.
   */
  corsOrigins: string[] | '*';
  /** ATLAS_CLIP: CLIP folder or `hf:ORG/NAME` that embeds search queries and new concepts. */
  clip: string | undefined;
  /** ATLAS_DATA_DIR: the PGlite data folder (or `memory://`). */
  dataDir: string;
  /** DATABASE_URL: a Postgres server instead of the embedded PGlite. */
  databaseUrl: string | undefined;
  /** HF_ENDPOINT: the Hugging Face hub, without a trailing slash. */
  hfEndpoint: string;
  /** HF_TOKEN: sent to the hub for private or gated repositories. */
  hfToken: string | undefined;
  /** ATLAS_HNSW_EF_SEARCH: HNSW search width; unset, the store's default. */
  hnswEfSearch: number | undefined;
  /** HOST: the interface the server binds. */
  host: string;
  /** ATLAS_MAX_IN_FLIGHT: GraphQL requests served at once; more are answered 503 with Retry-After. */
  maxInFlight: number;
  /** ATLAS_PG_POOL: node-postgres pool size; unset, the store's default (from the cores). */
  pgPool: number | undefined;
  /** PORT: the server's port (0: any free one). */
  port: number;
  /** ATLAS_SEED: snapshot loaded into an empty atlas; unset, the repository's seed/atlas.jsonl.gz. */
  seed: string | undefined;
  /**
   * ATLAS_REQUEST_TIMEOUT_MS: longest a GraphQL request, and each database statement of the
   * server, may take (Postgres: statement_timeout; the embedded database: the server stops
   * waiting); 0 turns it off.
   */
  requestTimeoutMs: number;
  /** ATLAS_TEST_HALT_AFTER_IMAGES: test hook, `atlas dissect` stops itself once this many images are checkpointed. */
  testHaltAfterImages: number | undefined;
  /** ATLAS_WASM_RELAXED_SIMD: whether the similarity kernels may use relaxed SIMD (fused multiply-add). */
  wasmRelaxedSimd: boolean;
}

/** Environment variables as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** One or more environment variables hold values that cannot be used. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
  }
}

/** Reads a variable: undefined when unset or blank. */
function read(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Checks a variable's text, turning it into a value; `problem` collects the message instead of
 * throwing, so that every bad variable is named at once.
 */
type Check<T> = (text: string, problem: (message: string) => void) => T | undefined;

function wholeNumber(min: number, max: number, what: (name: string, text: string) => string): (name: string) => Check<number> {
  return (name) => (text, problem) => {
    const t = text.trim();
    const n = /^\d+$/.test(t) ? Number(t) : NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    problem(what(name, text));
    return undefined;
  };
}

const portNumber = wholeNumber(0, 65_535, (name, text) => `${name} must be a port number, got ${text}`);
const efSearch = wholeNumber(1, 1000, (name, text) => `${name} must be an integer from 1 to 1000, got ${text}`);
const poolSize = wholeNumber(1, 1000, (name, text) => `${name} must be an integer from 1 to 1000 (connections), got ${text}`);
const requestCount = wholeNumber(1, 100_000, (name, text) => `${name} must be an integer from 1 to 100000 (requests), got ${text}`);
const milliseconds = wholeNumber(0, 3_600_000, (name, text) => `${name} must be a whole number of milliseconds from 0 to 3600000, got ${text}`);
const imageCount = wholeNumber(1, 1_000_000_000, (name, text) => `${name} must be a positive whole number of images, got ${text}`);

/** `PORT` (and `--port`): a whole number from 0 to 65535. */
export function parsePort(name: string, text: string): number {
  let message: string | undefined;
  const port = portNumber(name)(text, (m) => (message = m));
  if (port === undefined) throw new ConfigError([message!]);
  return port;
}

/** Sizes as express (the `bytes` package) reads them: `65536`, `64kb`, `1.5mb`. */
const byteSize = (name: string): Check<string> => (text, problem) => {
  const t = text.trim();
  if (/^\d+(\.\d+)?\s*(b|kb|mb|gb|tb|pb)?$/i.test(t)) return t;
  problem(`${name} must be a size such as 64kb or 1mb, got ${text}`);
  return undefined;
};

const onOff = (name: string): Check<boolean> => (text, problem) => {
  const t = text.trim().toLowerCase();
  if (t === '1' || t === 'true' || t === 'on') return true;
  if (t === '0' || t === 'false' || t === 'off') return false;
  problem(`${name} must be 0 (off) or 1 (on), got ${text}`);
  return undefined;
};

const httpUrl = (name: string): Check<string> => (text, problem) => {
  const t = text.trim();
  let url: URL | undefined;
  try {
    url = new URL(t);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return t.replace(/\/+$/, '');
  problem(`${name} must be an http:// or https:// URL, got ${text}`);
  return undefined;
};

/** node-postgres connection strings. The value is not repeated in the message: it may hold a password. */
const postgresUrl = (name: string): Check<string> => (text, problem) => {
  const t = text.trim();
  if (/^(postgres|postgresql|socket):/i.test(t) || t.startsWith('/')) return t;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(t)?.[1];
  problem(`${name} must be a postgres:// URL${scheme ? `, got a ${scheme}: URL` : ''}`);
  return undefined;
};

/** The API key travels as `Authorization: Bearer <key>`, which cannot carry spaces. Not repeated in the message. */
const bearerToken = (name: string): Check<string> => (text, problem) => {
  if (!/\s/.test(text)) return text;
  problem(`${name} must not contain spaces or line breaks (it is sent as Authorization: Bearer <key>)`);
  return undefined;
};

/** `*`, or a comma list of origins (`scheme://host[:port]`, no path), each checked. */
const originList = (name: string): Check<string[] | '*'> => (text, problem) => {
  const t = text.trim();
  if (t === '*') return '*';
  const origins: string[] = [];
  for (const item of t.split(',').map((o) => o.trim()).filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== item.replace(/\/$/, '')) {
      problem(`${name} must be * or a comma-separated list of origins such as https://app.example or http://localhost:5173 (scheme, host and port only), got ${item}`);
      return undefined;
    }
    origins.push(url.origin);
  }
  return origins;
};

/** Reads, checks and types every variable the atlas uses; throws one ConfigError naming each bad one. */
export function loadConfig(env: Environment = process.env): AtlasConfig {
  const problems: string[] = [];
  const problem = (message: string) => problems.push(message);
  function get(name: string): string | undefined;
  function get<T>(name: string, check: (name: string) => Check<T>): T | undefined;
  function get<T>(name: string, check?: (name: string) => Check<T>): T | string | undefined {
    const text = read(env, name);
    if (text === undefined || !check) return text;
    return check(name)(text, problem);
  }
  const config: AtlasConfig = {
    apiKey: get('ATLAS_API_KEY', bearerToken),
    bodyLimit: get('ATLAS_BODY_LIMIT', byteSize) ?? '64kb',
    cacheDir: get('ATLAS_CACHE_DIR') ?? join(homedir(), '.cache', 'neuron-atlas'),
    clip: get('ATLAS_CLIP'),
    corsOrigins: get('ATLAS_CORS_ORIGINS', originList) ?? [],
    dataDir: get('ATLAS_DATA_DIR') ?? '.atlas',
    databaseUrl: get('DATABASE_URL', postgresUrl),
    hfEndpoint: get('HF_ENDPOINT', httpUrl) ?? 'https://huggingface.co',
    hfToken: get('HF_TOKEN')?.trim(),
    hnswEfSearch: get('ATLAS_HNSW_EF_SEARCH', efSearch),
    host: get('HOST')?.trim() ?? '127.0.0.1',
    maxInFlight: get('ATLAS_MAX_IN_FLIGHT', requestCount) ?? 64,
    pgPool: get('ATLAS_PG_POOL', poolSize),
    port: get('PORT', portNumber) ?? 4000,
    requestTimeoutMs: get('ATLAS_REQUEST_TIMEOUT_MS', milliseconds) ?? 5_000,
    seed: get('ATLAS_SEED'),
    testHaltAfterImages: get('ATLAS_TEST_HALT_AFTER_IMAGES', imageCount),
    wasmRelaxedSimd: get('ATLAS_WASM_RELAXED_SIMD', onOff) ?? true,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

let current: AtlasConfig | undefined;

/** The process's configuration, read from `process.env` the first time it is asked for. */
export function config(): AtlasConfig {
  current ??= loadConfig();
  return current;
}

/** Installs a configuration for the process (tests); undefined reads `process.env` again on next use. */
export function setConfig(next: AtlasConfig | undefined): void {
  current = next;
}
