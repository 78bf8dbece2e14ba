import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-tmp.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files that spawn servers and ONNX sessions compete for them.
    maxWorkers: 2,
    pool: 'forks',
  },
});
