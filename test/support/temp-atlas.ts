/** Temp folders for tests that run the CLI against a PGlite atlas of their own. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyTemplateTo } from '../store/helpers.js';

export interface TempAtlas {
  dir: string;
  /** ATLAS_DATA_DIR (a migrated, empty atlas) and ATLAS_CACHE_DIR inside `dir`. */
  env: { ATLAS_DATA_DIR: string; ATLAS_CACHE_DIR: string };
}

/**
 * A fresh folder holding an empty, migrated atlas copied from the test template: the first
 * command then opens it in about a second instead of creating it (initdb and every migration).
 */
export async function tempAtlas(prefix = 'atlas-cli-'): Promise<TempAtlas> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const env = { ATLAS_DATA_DIR: join(dir, 'atlas'), ATLAS_CACHE_DIR: join(dir, 'cache') };
  await copyTemplateTo(env.ATLAS_DATA_DIR);
  return { dir, env };
}
