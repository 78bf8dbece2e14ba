/**
 * Cross-origin access for other frontends (ATLAS_CORS_ORIGINS). Listed origins may call the API
 * with any header the API reads (the Authorization header of mutations included); `*` lets any
 * origin read (queries, images) but not send Authorization, so no other site can use a visitor's
 * API key. Preflights (OPTIONS) are answered here: with the CORS headers for an allowed origin,
 * without them for any other, which the browser then refuses. Requests from other origins that
 * need no preflight stay subject to Apollo's CSRF prevention, as without CORS.
 */
import cors from 'cors';
import type { RequestHandler } from 'express';

export function corsMiddleware(origins: readonly string[] | '*'): RequestHandler {
  const any = origins === '*';
  const allowed = new Set(any ? [] : origins);
  return cors({
    origin: any ? '*' : (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: any ? ['Content-Type', 'Apollo-Require-Preflight'] : ['Content-Type', 'Authorization', 'Apollo-Require-Preflight'],
    exposedHeaders: ['ETag', 'Retry-After'],
    // Preflight answers are cached by browsers for 10 minutes.
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
}
