import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-tmp.ts', 'test/pglite-template.ts'],
    // The default output, then the tests that skipped themselves and why (../shared, CUDA).
    reporters: ['default', './test/support/skip-summary.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files that spawn servers and ONNX sessions compete for them.
    maxWorkers: 2,
    pool: 'forks',
  },
});
