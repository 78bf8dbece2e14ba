/** Option parsing and store handling shared by the CLI's commands. */
// Only a type here: commands that take no store (score) do not load the database drivers.
import type { AtlasStore } from '../services/atlas.js';

/** A positive integer flag, or undefined when absent; the error names the flag. */
export function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got ${value}`);
  return n;
}

/** A non-negative integer flag; the error names the flag. */
export function nonNegativeInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number, 0 or more, got ${value}`);
  return n;
}

/** A flag holding a JSON object such as `--params '{"top_k":20}'`; `{}` when absent. */
export function jsonObject(flag: string, text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${flag} is not valid JSON (${(error as Error).message}): ${text}`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${flag} must be a JSON object such as '{"top_k":20}', got ${text}`);
  }
  return parsed as Record<string, unknown>;
}

/** Where the flags put the atlas (unset: ATLAS_DATA_DIR / DATABASE_URL). */
export function storeLocation(flags: StoreFlags): StoreFlags {
  return { ...(flags.dataDir ? { dataDir: flags.dataDir } : {}), ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}) };
}

export interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
}

/** Opens the atlas named by the flags (else ATLAS_DATA_DIR / DATABASE_URL), runs `work`, closes it. */
export async function withStore<T>(flags: StoreFlags, work: (store: AtlasStore) => Promise<T>): Promise<T> {
  // Loaded when a command opens the atlas: the database drivers are heavy.
  const { withAtlas } = await import('../services/atlas.js');
  return withAtlas(flags, work);
}
