/**
 * GraphiQL (web/graphiql, built by `npm run build` into dist/web/graphiql): its page for browsers
 * at GET /graphql, its hashed assets (scripts, styles, the editor's workers and font) under
 * /graphiql/assets/ cached for a year. Only that page loads them, so the explorer never does.
 * Without a build, the plain query page of ide.ts stands in.
 */
import express, { type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../core/paths.js';
import { idePage } from './ide.js';

export const graphiqlDir = packagePath('dist', 'web', 'graphiql');

export function graphiqlAssets(dir = graphiqlDir): express.Router {
  const router = express.Router();
  router.use('/graphiql/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  return router;
}

/** Answers a browser's GET /graphql: GraphiQL's page (revalidated on each load, as it names the current assets). */
export function sendGraphiql(res: Response, dir = graphiqlDir): void {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    res.type('html').send(idePage('/graphql'));
    return;
  }
  res.sendFile(index, { headers: { 'cache-control': 'no-cache' }, lastModified: false });
}
