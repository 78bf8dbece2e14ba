/**
 * Image routes: probe images (`/images/<probeSetId>/<ordinal>[?size=N]`) and activation heatmaps
 * (`/heatmaps/<layerId>/<unit>/<probeSetId>/<ordinal>[?size=N]`). Path segments must be plain
 * numbers (anything else, `..` included, is 404); the images are immutable for a URL, so they
 * carry a strong ETag (304 on If-None-Match) and a year's Cache-Control.
 */
import express, { type Request, type Response } from 'express';
import { BadInputError, NotFoundError } from '../core/errors.js';
import type { EncodedImage } from '../services/probe-images.js';
import { parseImageSize } from '../services/probe-images.js';

export interface ImageSources {
  image(probeSetId: number, ordinal: number, size?: number): Promise<EncodedImage>;
  heatmap?(layerId: number, unit: number, probeSetId: number, ordinal: number, size?: number): Promise<EncodedImage>;
}

const ID = /^\d{1,9}$/;

function ids(req: Request, names: string[]): number[] | undefined {
  const out: number[] = [];
  for (const name of names) {
    const text = req.params[name];
    if (typeof text !== 'string' || !ID.test(text)) return undefined;
    out.push(Number(text));
  }
  return out;
}

/** Whether an If-None-Match header names `etag` (or is `*`); weak and strong forms compare alike. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === etag);
}

async function send(req: Request, res: Response, make: () => Promise<EncodedImage>): Promise<void> {
  try {
    const image = await make();
    res.set({
      'Content-Type': image.type,
      ETag: image.etag,
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    });
    // Checked here rather than by express's `req.fresh`, which ignores If-None-Match whenever the
    // request also says `Cache-Control: no-cache` (as fetch() adds to every conditional request).
    if (matchesEtag(req.headers['if-none-match'], image.etag)) {
      res.status(304).end();
      return;
    }
    res.send(image.bytes);
  } catch (error) {
    if (error instanceof NotFoundError) res.status(404).type('text/plain').send(`${error.message}\n`);
    else if (error instanceof BadInputError) res.status(400).type('text/plain').send(`${error.message}\n`);
    else {
      process.stderr.write(`atlas: internal error at ${req.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      res.status(500).type('text/plain').send('internal server error\n');
    }
  }
}

const notFound = (res: Response) => res.status(404).type('text/plain').send('no such image\n');

export function imageRoutes(sources: ImageSources): express.Router {
  const router = express.Router();
  router.get('/images/:set/:ordinal', (req, res) => {
    const parsed = ids(req, ['set', 'ordinal']);
    if (!parsed) return void notFound(res);
    const [set, ordinal] = parsed as [number, number];
    void send(req, res, async () => sources.image(set, ordinal, parseImageSize(req.query.size)));
  });
  router.get('/heatmaps/:layer/:unit/:set/:ordinal', (req, res) => {
    const parsed = ids(req, ['layer', 'unit', 'set', 'ordinal']);
    if (!parsed || !sources.heatmap) return void notFound(res);
    const [layer, unit, set, ordinal] = parsed as [number, number, number, number];
    void send(req, res, async () => sources.heatmap!(layer, unit, set, ordinal, parseImageSize(req.query.size)));
  });
  // Anything else under these prefixes (traversal attempts, extra segments): plain 404.
  router.use(['/images', '/heatmaps'], (_req, res) => void notFound(res));
  return router;
}
