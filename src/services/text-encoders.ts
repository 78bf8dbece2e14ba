/**
 * CLIP text encoders for queries and new concepts, loaded once per instance (the server builds
 * one at start-up, see atlas-services.ts) and CLIP model. The folder of a CLIP model comes from
 * its clip_models row (`source`: a local folder or `hf:ORG/NAME` in the download cache), else
 * from ATLAS_CLIP. What anonymous reads encode stays bounded: search queries and the new concepts of
 * a `rescore` are kept in memory only (the most recently used, QUERY_CACHE_SIZE and
 * TRANSIENT_CONCEPTS of them), never written to the database; concepts of runs (dissect, import,
 * saveRescore, search's label index) are cached in concept_embeddings. Query embeddings stored by
 * earlier versions in query_embeddings are still read.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { config } from '../core/config.js';
import { EncoderUnavailableError } from '../core/errors.js';
import type { Matrix } from '../core/types.js';
import { ClipModel } from '../compute/clip/model.js';
import { resolveClip } from '../compute/clip/hub.js';
import { hashText } from '../compute/clip/hash.js';
import { preprocessImage } from '../compute/preprocess/index.js';
import { atlasCacheDir } from '../compute/pipeline/cache-dir.js';
import type { AtlasStore } from '../db/atlas-store.js';

const TEXT_BATCH = 256;
/** Search-query embeddings kept in memory (never stored: a read must not grow the database). */
export const QUERY_CACHE_SIZE = 10_000;
/** Embeddings of concepts only a read asked for (anonymous `rescore`), kept in memory, never stored. */
export const TRANSIENT_CONCEPTS = 10_000;

export interface ConceptOptions {
  /**
   * false: concepts not yet in the database are encoded and kept in memory only (reads, e.g. an
   * anonymous rescore); true (default): they are stored in concept_embeddings.
   */
  persist?: boolean;
}

export interface ClipRow {
  id: number;
  name: string;
  dim: number;
  source: string | null;
}

/** The name the pipeline registers a loaded CLIP under (name + hash of both encoders). */
export function clipRegistrationName(clip: ClipModel): string {
  return `${clip.name}@${hashText(clip.imageKey, clip.textKey).slice(0, 8)}`;
}

export class TextEncoders {
  private readonly models = new Map<number, Promise<ClipModel>>();
  private configuredClip: Promise<ClipRow | undefined> | undefined;
  /** `${clipModelId}\u0000${query}` -> unit vector, the most recently used kept. */
  private readonly queryCache = new LRUCache<string, Float32Array>({ max: QUERY_CACHE_SIZE });
  /** `${clipModelId}\u0000${concept}` -> unit vector, for concepts encoded with `persist: false`. */
  private readonly transientConcepts = new LRUCache<string, Float32Array>({ max: TRANSIENT_CONCEPTS });

  constructor(private readonly store: AtlasStore) {}

  async clipRow(id: number): Promise<ClipRow | undefined> {
    const row = await this.store.clipModels.get(id);
    return row ? { id: row.id, name: row.name, dim: row.dim, source: row.source } : undefined;
  }

  /** The CLIP model named by ATLAS_CLIP (a folder or hf:ORG/NAME), registered in the atlas; undefined when unset. */
  configured(): Promise<ClipRow | undefined> {
    const spec = config().clip;
    if (!spec) return Promise.resolve(undefined);
    this.configuredClip ??= (async () => {
      const clip = await this.load(spec);
      const id = await this.store.clipModels.upsert({ name: clipRegistrationName(clip), dim: clip.dim, source: clip.source });
      this.models.set(id, Promise.resolve(clip));
      return { id, name: clipRegistrationName(clip), dim: clip.dim, source: clip.source };
    })();
    this.configuredClip.catch(() => (this.configuredClip = undefined));
    return this.configuredClip;
  }

  private async load(spec: string): Promise<ClipModel> {
    try {
      const resolved = await resolveClip(spec, { cacheDir: join(atlasCacheDir(), 'hf'), quiet: true });
      return await ClipModel.load(resolved.folder, { source: resolved.source, ...(resolved.name ? { name: resolved.name } : {}) });
    } catch (error) {
      throw new EncoderUnavailableError(`the CLIP text encoder at ${spec} is unavailable: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * The concepts whose words are all unknown to the tokenizer of a CLIP model in the atlas; none
   * when its encoder cannot be loaded (then every concept must already be cached to be scored).
   */
  async unreadable(clipModelId: number, concepts: readonly string[]): Promise<string[]> {
    let clip: ClipModel;
    try {
      clip = await this.encoder(clipModelId);
    } catch (error) {
      if (error instanceof EncoderUnavailableError) return [];
      throw error;
    }
    return concepts.filter((c) => clip.tokenizer.unreadable(c));
  }

  /** The loaded encoder of a CLIP model in the atlas. */
  private encoder(clipModelId: number): Promise<ClipModel> {
    let p = this.models.get(clipModelId);
    if (!p) {
      p = (async () => {
        const row = await this.clipRow(clipModelId);
        if (!row) throw new EncoderUnavailableError(`CLIP model ${clipModelId} is not in the atlas`);
        const local = row.source && !row.source.startsWith('hf:') ? row.source : undefined;
        let spec = row.source ?? undefined;
        const configured = config().clip;
        if ((!spec || (local && !existsSync(local))) && configured) spec = configured;
        if (!spec) {
          throw new EncoderUnavailableError(
            `the text encoder of CLIP model ${row.name} is unavailable: the atlas does not record its folder; set ATLAS_CLIP to it`,
          );
        }
        if (local && spec === local && !existsSync(local)) {
          throw new EncoderUnavailableError(
            `the text encoder of CLIP model ${row.name} is unavailable: folder ${local} not found; set ATLAS_CLIP to its folder`,
          );
        }
        const clip = await this.load(spec);
        if (clip.dim !== row.dim) {
          throw new EncoderUnavailableError(`the CLIP folder ${spec} embeds in ${clip.dim} dimensions, but CLIP model ${row.name} has ${row.dim}`);
        }
        return clip;
      })();
      this.models.set(clipModelId, p);
      p.catch(() => this.models.delete(clipModelId));
    }
    return p;
  }

  /**
   * Text embeddings of `texts` (unit rows, same order), encoding only the new ones: stored in the
   * database, or with `persist: false` kept in memory only.
   */
  async concepts(clipModelId: number, texts: string[], dim: number, opts: ConceptOptions = {}): Promise<{ matrix: Matrix; encoded: number }> {
    const persist = opts.persist ?? true;
    const cached = await this.store.embeddings.concepts(clipModelId, texts);
    const transientKey = (c: string) => `${clipModelId}\u0000${c}`;
    if (!persist) {
      for (const c of texts) {
        const hit = cached.has(c) ? undefined : this.transientConcepts.get(transientKey(c));
        if (hit) cached.set(c, hit);
      }
    }
    const missing = [...new Set(texts.filter((c) => !cached.has(c)))];
    if (missing.length > 0) {
      const clip = await this.encoder(clipModelId);
      for (let i = 0; i < missing.length; i += TEXT_BATCH) {
        const part = missing.slice(i, i + TEXT_BATCH);
        const m = await clip.encodeTexts(part);
        if (persist) await this.store.embeddings.putConcepts(clipModelId, part, m);
        part.forEach((c, r) => {
          const vec = m.data.slice(r * m.cols, (r + 1) * m.cols);
          cached.set(c, vec);
          if (!persist) this.transientConcepts.set(transientKey(c), vec);
        });
      }
    }
    const matrix: Matrix = { rows: texts.length, cols: dim, data: new Float32Array(texts.length * dim) };
    texts.forEach((c, r) => matrix.data.set(cached.get(c)!, r * dim));
    return { matrix, encoded: missing.length };
  }

  /**
   * A search query's text embedding: from memory, else the database (rows stored by earlier
   * versions), else encoded and kept in memory only, so that reads never grow the database.
   */
  async query(clipModelId: number, query: string): Promise<Float32Array> {
    const key = `${clipModelId}\u0000${query}`;
    const hit = this.queryCache.get(key);
    if (hit) return hit;
    let vec = await this.store.embeddings.queryEmbedding(clipModelId, query);
    if (!vec) {
      const clip = await this.encoder(clipModelId);
      const m = await clip.encodeTexts([query]);
      vec = m.data.slice(0, m.cols);
    }
    this.queryCache.set(key, vec);
    return vec;
  }

  /**
   * The CLIP image embedding (unit vector) of an encoded image (PNG, JPEG, WebP), preprocessed as
   * the CLIP model's image processor says; EncoderUnavailableError when its folder is unavailable.
   */
  async image(clipModelId: number, bytes: Uint8Array): Promise<Float32Array> {
    const clip = await this.encoder(clipModelId);
    const pixels = await preprocessImage(bytes, clip.preprocess);
    return (await clip.encodeImages(pixels, 1)).data;
  }

  async release(): Promise<void> {
    for (const p of this.models.values()) await p.then((m) => m.release()).catch(() => undefined);
    this.models.clear();
  }
}
