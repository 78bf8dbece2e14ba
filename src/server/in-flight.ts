/**
 * Load shedding: at most `limit` GraphQL requests in flight at once. One more is answered at once
 * with 503 and `Retry-After`, instead of waiting behind the others (a hang, to its client, when
 * the queue grows faster than it drains). A slot is taken when the request arrives, before its
 * body is read, and given back when its response is finished or its connection closes.
 */
import type { RequestHandler } from 'express';

export interface InFlightLimiter {
  middleware: RequestHandler;
  /** Requests holding a slot now. */
  inFlight(): number;
}

export function inFlightLimiter(limit: number, retryAfterSeconds = 1): InFlightLimiter {
  let inFlight = 0;
  const middleware: RequestHandler = (_req, res, next) => {
    if (inFlight >= limit) {
      res.set('Retry-After', String(retryAfterSeconds));
      res.status(503).json({
        errors: [{ message: `the server is busy (${limit} requests in flight); retry after ${retryAfterSeconds} s`, extensions: { code: 'SERVICE_UNAVAILABLE' } }],
      });
      return;
    }
    inFlight++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      inFlight--;
    };
    // 'close' follows 'finish', and comes alone when the client goes away first. A request
    // answered at its deadline while its work goes on (app.ts) keeps its slot until that work
    // ends: the slots count the work the server is doing, not the answers it owes.
    res.once('close', () => {
      const work = (res.locals as { work?: Promise<unknown> }).work;
      if (work) work.then(release, release);
      else release();
    });
    next();
  };
  return { middleware, inFlight: () => inFlight };
}
