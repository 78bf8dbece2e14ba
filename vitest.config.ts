import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-tmp.ts', 'test/pglite-template.ts'],
    // The default output, then the tests that skipped themselves and why (../shared, CUDA).
    reporters: ['default', './test/support/skip-summary.ts'],
    // Hang detectors, not performance limits: the slowest tests (a dissect run five times, a server
    // started twice) take 10-20 s on a quiet machine and several times that on a busy one.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Two cores: files that spawn servers and ONNX sessions compete for them.
    maxWorkers: 2,
    pool: 'forks',
  },
});
