/**
 * The explorer (web/explorer, built by `npm run build` into dist/web/explorer) at `/`: its hashed
 * assets cached for a year, its index.html revalidated every time, and the app's own routes
 * (`/neurons/...`, `/search`, `/compare`, `/rescore`, `/import`) answered with index.html so that
 * shared links open the right view.
 */
import express from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../core/paths.js';

export const explorerDir = packagePath('dist', 'web', 'explorer');

/** Paths the single-page app renders itself (everything else unknown stays a 404). */
const appRoutes = ['/', '/search', '/compare', '/rescore', '/import'];
const appRoutePattern = /^\/neurons\/[^/]+\/[^/]+\/[^/]+\/[^/]+\/?$/;

export function isExplorerRoute(path: string): boolean {
  return appRoutes.includes(path) || appRoutePattern.test(path);
}

function notBuiltPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Neuron atlas</title></head><body><main>
<h1>Neuron atlas</h1><p>The explorer is not built: run <code>npm run build</code> (or <code>npm ci</code>), then restart the server.
The GraphQL API answers at <a href="/graphql">/graphql</a>.</p></main></body></html>`;
}

export function explorerRouter(dir = explorerDir): express.Router {
  const router = express.Router();
  const index = join(dir, 'index.html');
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }),
  );
  router.get(/.*/, (req, res, next) => {
    if (!isExplorerRoute(req.path)) return next();
    if (!existsSync(index)) {
      res.status(503).type('html').send(notBuiltPage());
      return;
    }
    // index.html names the current hashed assets: revalidated on every load (ETag), never stale.
    res.sendFile(index, { headers: { 'cache-control': 'no-cache' }, lastModified: false });
  });
  return router;
}
