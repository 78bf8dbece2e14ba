/**
 * The JSON body parser of /graphql. Bodies are bounded by ATLAS_BODY_LIMIT, except that an
 * `imageActivations` request may carry one image (a base64 string) beyond it: a body announced
 * (Content-Length) as larger than the limit is read up to the limit plus the largest image, and
 * then kept only if it is such a request and all but its longest string fits the limit.
 */
import express, { type RequestHandler } from 'express';

const UNITS: Record<string, number> = { b: 1, kb: 1 << 10, mb: 1 << 20, gb: 1 << 30, tb: 2 ** 40, pb: 2 ** 50 };

/** Bytes in a size such as `64kb` or `1mb` (the forms ATLAS_BODY_LIMIT accepts). */
export function byteCount(size: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|pb)?$/i.exec(size.trim());
  if (!m) throw new Error(`not a size: ${size}`);
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]!);
}

/** The longest string among a request's query text and its variables' top-level values. */
function longestString(body: { query?: unknown; variables?: unknown }): number {
  let longest = typeof body.query === 'string' ? body.query.length : 0;
  if (body.variables && typeof body.variables === 'object') {
    for (const v of Object.values(body.variables as Record<string, unknown>)) if (typeof v === 'string') longest = Math.max(longest, v.length);
  }
  return longest;
}

/** An error the app's error handler answers 413, naming `limit`. */
function tooLarge(limit: string): Error {
  return Object.assign(new Error(`request body is larger than ${limit}`), { type: 'entity.too.large', status: 413, limitText: limit });
}

export function graphqlBodyParser(bodyLimit: string, maxImageBytes: number): RequestHandler {
  const small = express.json({ limit: bodyLimit });
  const limit = byteCount(bodyLimit);
  const imageChars = Math.ceil(maxImageBytes / 3) * 4 + 64; // base64, and a data: URL prefix
  const large = express.json({ limit: limit + imageChars });
  const largeText = `the limit of ${bodyLimit} (beside an imageActivations image of up to ${maxImageBytes >> 20} MiB)`;
  return (req, res, next) => {
    const announced = Number(req.headers['content-length']);
    if (!(announced > limit)) {
      small(req, res, next);
      return;
    }
    large(req, res, (error?: unknown) => {
      if (error) {
        const e = error as { type?: string };
        next(e.type === 'entity.too.large' ? tooLarge(largeText) : error);
        return;
      }
      const body = req.body as { query?: unknown; variables?: unknown } | null;
      const isImageRequest = body !== null && typeof body === 'object' && !Array.isArray(body) && typeof body.query === 'string' && body.query.includes('imageActivations');
      if (!isImageRequest || announced - longestString(body) > limit) {
        next(tooLarge(`the limit of ${bodyLimit}`));
        return;
      }
      next();
    });
  };
}
