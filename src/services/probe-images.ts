/**
 * Probe images as HTTP responses: the member `ordinal` of probe set `probeSetId`, full size or as
 * a thumbnail. A request names only those two numbers: the file path (or toy recipe) comes from
 * the atlas, so nothing a client sends ever reaches the file system. Encoded images are cached
 * (by file modification time for files, so a changed or deleted file is noticed).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { BadInputError, NotFoundError } from '../core/errors.js';
import type { AtlasStore } from '../db/atlas-store.js';
import { imageSourceOf, renderToy } from './image-sources.js';

export type ImageType = 'image/png' | 'image/webp';

export interface EncodedImage {
  bytes: Buffer;
  type: ImageType;
  /** Strong validator: a hash of the bytes, quoted as HTTP wants it. */
  etag: string;
}

/** Longest side of a thumbnail when `size` is not given. */
export const THUMBNAIL_SIZE = 128;
/** Bounds of the `size` parameter (longest side, pixels). */
export const MIN_IMAGE_SIZE = 16;
export const MAX_IMAGE_SIZE = 1024;
/** Toy scenes are vector drawings: "full size" is this rendering. */
export const TOY_FULL_SIZE = 256;
/** Larger probe files are not served (a probe set of photos holds a few MB each at most). */
const MAX_FILE_BYTES = 64 << 20;
const CACHE_BYTES = 64 << 20;

/** `size` from a query string: undefined when absent, else an integer within the bounds. */
export function parseImageSize(text: unknown): number | undefined {
  if (text === undefined) return undefined;
  const n = typeof text === 'string' && /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= MIN_IMAGE_SIZE && n <= MAX_IMAGE_SIZE)) {
    throw new BadInputError(`size must be a whole number of pixels from ${MIN_IMAGE_SIZE} to ${MAX_IMAGE_SIZE}, got ${JSON.stringify(String(text)).slice(0, 40)}`, {
      argumentName: 'size',
    });
  }
  return n;
}

export function etagOf(bytes: Buffer): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`;
}

const encoded = (bytes: Buffer, type: ImageType): EncodedImage => ({ bytes, type, etag: etagOf(bytes) });

/** RGB pixels as PNG. */
export async function pngOf(image: { width: number; height: number; rgb: Uint8Array }): Promise<Buffer> {
  return sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer();
}

export class ProbeImageService {
  readonly #cache = new LRUCache<string, EncodedImage>({ maxSize: CACHE_BYTES, sizeCalculation: (v) => v.bytes.length + 100 });
  /** Requests for the same image at once share one encoding. */
  readonly #pending = new Map<string, Promise<EncodedImage>>();
  /** Encodings at once (sharp has its own threads; this bounds memory and the event loop's share). */
  readonly #limit = pLimit(4);

  constructor(private readonly store: AtlasStore) {}

  /** The uri of member `ordinal` of a probe set, or NotFoundError. */
  async uriOf(probeSetId: number, ordinal: number): Promise<string> {
    const uri = await this.store.probeSets.imageUri(probeSetId, ordinal);
    if (uri === undefined) throw new NotFoundError(`probe set ${probeSetId} has no image ${ordinal}`);
    return uri;
  }

  /** The image at full size (size undefined) or with its longest side `size` pixels at most. */
  async image(probeSetId: number, ordinal: number, size?: number): Promise<EncodedImage> {
    const uri = await this.uriOf(probeSetId, ordinal);
    const source = imageSourceOf(uri);
    if (!source) throw new NotFoundError(`image ${ordinal} of probe set ${probeSetId} is not a file the server can read`);
    if (source.kind === 'remote') throw new NotFoundError(`image ${ordinal} of probe set ${probeSetId} is remote: load it from its uri`);
    if (source.kind === 'toy') {
      const px = size ?? TOY_FULL_SIZE;
      return this.#cached(`toy:${source.seed}/${source.index}@${px}`, async () => {
        // Drawing runs on the event loop: past TOY_FULL_SIZE sharp scales the drawing up (on its threads).
        const drawn = renderToy(source, Math.min(px, TOY_FULL_SIZE));
        if (drawn.width === px) return encoded(await pngOf(drawn), 'image/png');
        const raw = { width: drawn.width, height: drawn.height, channels: 3 as const };
        return encoded(await sharp(drawn.rgb, { raw }).resize(px, px, { kernel: 'lanczos3' }).png().toBuffer(), 'image/png');
      });
    }
    const info = await stat(source.path).catch(() => undefined);
    if (!info?.isFile()) throw new NotFoundError(`image ${ordinal} of probe set ${probeSetId} is no longer on disk`);
    if (info.size > MAX_FILE_BYTES) throw new NotFoundError(`image ${ordinal} of probe set ${probeSetId} is too large to serve`);
    return this.#cached(`file:${source.path}|${info.mtimeMs}|${info.size}@${size ?? 'full'}`, async () => {
      const bytes = await readFile(source.path).catch(() => {
        throw new NotFoundError(`image ${ordinal} of probe set ${probeSetId} is no longer on disk`);
      });
      return encodeFile(bytes, size).catch(() => {
        throw new NotFoundError(`image ${ordinal} of probe set ${probeSetId} cannot be decoded`);
      });
    });
  }

  async #cached(key: string, make: () => Promise<EncodedImage>): Promise<EncodedImage> {
    const hit = this.#cache.get(key);
    if (hit) return hit;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#limit(make).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    const image = await pending;
    this.#cache.set(key, image);
    return image;
  }
}

/**
 * A probe file for the browser: PNG and WebP files at full size as they are; other formats
 * (JPEG) and every thumbnail re-encoded, PNG sources as PNG and the rest as WebP.
 */
async function encodeFile(bytes: Buffer, size: number | undefined): Promise<EncodedImage> {
  const meta = await sharp(bytes).metadata();
  const type: ImageType = meta.format === 'png' ? 'image/png' : 'image/webp';
  if (size === undefined && (meta.format === 'png' || meta.format === 'webp') && !(meta.orientation && meta.orientation > 1)) {
    return encoded(bytes, type);
  }
  // rotate(): camera photos stored sideways with an EXIF orientation come out upright.
  let image = sharp(bytes).rotate();
  if (size !== undefined) image = image.resize(size, size, { fit: 'inside', withoutEnlargement: true });
  const out = type === 'image/png' ? await image.png().toBuffer() : await image.webp({ quality: 90 }).toBuffer();
  return encoded(out, type);
}
