import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { withoutHeapSizes, withoutTsxPreload } from '../../src/core/worker-entry.js';

describe('worker threads: flags passed on', () => {
  it("drops the parent's tsx preloads (as `node --import tsx` and tsx's CLI give them) and keeps every other flag", () => {
    expect(withoutTsxPreload(['--max-semi-space-size=64', '--import', 'tsx'])).toEqual(['--max-semi-space-size=64']);
    expect(
      withoutTsxPreload(['--require', '/app/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///app/node_modules/tsx/dist/loader.mjs', '--enable-source-maps']),
    ).toEqual(['--enable-source-maps']);
    expect(withoutTsxPreload(['--import=tsx', '--import=./telemetry.js', '-r', 'dotenv/config'])).toEqual(['--import=./telemetry.js', '-r', 'dotenv/config']);
    expect(withoutTsxPreload(['--import', './tsxish.js'])).toEqual(['--import', './tsxish.js']);
  });

  it('drops the heap sizes a worker refuses (npm start and npm run bench pass --max-semi-space-size=64)', async () => {
    const args = ['--max-semi-space-size=64', '--max-old-space-size=4096', '--enable-source-maps'];
    expect(() => new Worker('1', { eval: true, execArgv: args })).toThrow(/invalid execArgv flags/);
    expect(withoutHeapSizes(args)).toEqual(['--enable-source-maps']);
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage("up")', { eval: true, execArgv: withoutHeapSizes(args) });
    await expect(new Promise((resolve) => worker.once('message', resolve))).resolves.toBe('up');
    await worker.terminate();
  });
});
