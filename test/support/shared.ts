/**
 * Inputs kept outside the project, in ../shared next to the checkout: the reference's golden
 * similarity fixture and the published atlases. CI has them (`.ci/run` refuses to start
 * without them); a local checkout may not. A test that needs one skips itself with a note naming
 * the missing path, and the skip summary printed at the end of `npm test` lists those notes.
 * ATLAS_TEST_SHARED_DIR points the tests at a copy kept elsewhere.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export const sharedDir = process.env.ATLAS_TEST_SHARED_DIR || resolve(repoRoot, '../shared');

/** The path of `rel` inside the shared folder (whether or not it exists). */
export function sharedPath(rel: string): string {
  return join(sharedDir, rel);
}

export function hasShared(rel: string): boolean {
  return existsSync(sharedPath(rel));
}

/** The note a test skips with when `rel` is missing. */
export function sharedSkipNote(rel: string): string {
  return `needs ../shared/${rel}, which is not there (CI provides it)`;
}

/** Inside a test: its path, or skip the test with a note naming what is missing. */
export function requireShared(ctx: { skip(note?: string): never }, rel: string): string {
  if (!hasShared(rel)) ctx.skip(sharedSkipNote(rel));
  return sharedPath(rel);
}
