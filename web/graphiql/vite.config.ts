import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run build:graphiql`: GraphiQL into dist/web/graphiql; the server answers GET /graphql from
// a browser with its index.html and serves its hashed assets (the Monaco editor's workers
// included) under /graphiql/assets/, so nothing is loaded from another host.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/graphiql/',
  build: {
    outDir: fileURLToPath(new URL('../../dist/web/graphiql', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      // GraphiQL's dependencies mark React modules "use client", which means nothing in a browser bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});
