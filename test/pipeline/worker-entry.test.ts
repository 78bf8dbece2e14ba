import { describe, expect, it } from 'vitest';
import { withoutTsxPreload } from '../../src/compute/worker-entry.js';

describe('worker threads: flags passed on', () => {
  it("drops the parent's tsx preloads (as `node --import tsx` and tsx's CLI give them) and keeps every other flag", () => {
    expect(withoutTsxPreload(['--max-semi-space-size=64', '--import', 'tsx'])).toEqual(['--max-semi-space-size=64']);
    expect(
      withoutTsxPreload(['--require', '/app/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///app/node_modules/tsx/dist/loader.mjs', '--enable-source-maps']),
    ).toEqual(['--enable-source-maps']);
    expect(withoutTsxPreload(['--import=tsx', '--import=./telemetry.js', '-r', 'dotenv/config'])).toEqual(['--import=./telemetry.js', '-r', 'dotenv/config']);
    expect(withoutTsxPreload(['--import', './tsxish.js'])).toEqual(['--import', './tsxish.js']);
  });
});
