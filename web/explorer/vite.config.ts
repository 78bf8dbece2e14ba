import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run build:explorer`: the explorer into dist/web/explorer, which the server serves at `/`.
// Hashed file names under assets/ let the server cache them for a year.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web/explorer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev:explorer` with `npm start` running: the API and images from the real server.
    proxy: { '/graphql': 'http://127.0.0.1:4000', '/images': 'http://127.0.0.1:4000', '/heatmaps': 'http://127.0.0.1:4000' },
  },
});
