/** Probe sets (the images a run was dissected over) and their images. */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { ProbeSetRecord } from '../../core/types.js';
import { chunks } from '../codec.js';
import type { AtlasDb } from '../connection.js';
import * as t from '../schema.js';

export type ProbeSetRow = typeof t.probeSets.$inferSelect;

export class ProbeSetsRepository {
  constructor(private readonly db: AtlasDb) {}

  /**
   * Inserts a probe set with its images (unique by name + content hash; an existing one is reused
   * as is); returns its id.
   */
  async upsert(rec: ProbeSetRecord): Promise<number> {
    const seen = new Set<number>();
    for (const img of rec.images) {
      if (!Number.isInteger(img.ordinal) || img.ordinal < 0) throw new Error(`probe set ${rec.name}: invalid ordinal ${img.ordinal}`);
      if (seen.has(img.ordinal)) throw new Error(`probe set ${rec.name}: ordinal ${img.ordinal} appears twice`);
      seen.add(img.ordinal);
    }
    return this.db.transaction(async (tx) => {
      // Race-safe: of several writers of one set at once, one inserts it; the others (waiting for
      // it to commit) insert nothing and use the stored row.
      const [row] = await tx
        .insert(t.probeSets)
        .values({ name: rec.name, recipe: rec.recipe, contentHash: rec.contentHash, size: rec.images.length })
        .onConflictDoNothing({ target: [t.probeSets.name, t.probeSets.contentHash] })
        .returning({ id: t.probeSets.id });
      if (!row) {
        const [existing] = await tx
          .select({ id: t.probeSets.id, size: t.probeSets.size })
          .from(t.probeSets)
          .where(and(eq(t.probeSets.name, rec.name), eq(t.probeSets.contentHash, rec.contentHash)));
        if (!existing) throw new Error(`probe set ${rec.name} was neither inserted nor found`);
        if (existing.size !== rec.images.length) {
          throw new Error(
            `probe set ${rec.name} (hash ${rec.contentHash}) is stored with ${existing.size} images, not ${rec.images.length}`,
          );
        }
        return existing.id;
      }
      const id = row.id;
      for (const part of chunks(rec.images, 10000)) {
        await tx.insert(t.probeImages).values(part.map((img) => ({ probeSetId: id, ordinal: img.ordinal, uri: img.uri })));
      }
      return id;
    });
  }

  /** The id of a probe set by name and content hash. */
  async find(name: string, contentHash: string): Promise<number | undefined> {
    const [row] = await this.db
      .select({ id: t.probeSets.id })
      .from(t.probeSets)
      .where(and(eq(t.probeSets.name, name), eq(t.probeSets.contentHash, contentHash)));
    return row?.id;
  }

  /** A probe set by id. */
  async get(id: number): Promise<ProbeSetRow | undefined> {
    const [row] = await this.db.select().from(t.probeSets).where(eq(t.probeSets.id, id));
    return row;
  }

  async byIds(ids: readonly number[]): Promise<ProbeSetRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(t.probeSets).where(inArray(t.probeSets.id, [...ids]));
  }

  /** The id of the latest probe set of that name. */
  async latestIdByName(name: string): Promise<number | undefined> {
    const [row] = await this.db
      .select({ id: t.probeSets.id })
      .from(t.probeSets)
      .where(eq(t.probeSets.name, name))
      .orderBy(desc(t.probeSets.id))
      .limit(1);
    return row?.id;
  }

  /** A probe set's images, by ordinal. */
  async images(probeSetId: number): Promise<{ ordinal: number; uri: string }[]> {
    return this.db
      .select({ ordinal: t.probeImages.ordinal, uri: t.probeImages.uri })
      .from(t.probeImages)
      .where(eq(t.probeImages.probeSetId, probeSetId))
      .orderBy(asc(t.probeImages.ordinal));
  }

  /** The uri of one member image of a probe set; undefined when the set has no such ordinal. */
  async imageUri(probeSetId: number, ordinal: number): Promise<string | undefined> {
    const [row] = await this.db
      .select({ uri: t.probeImages.uri })
      .from(t.probeImages)
      .where(and(eq(t.probeImages.probeSetId, probeSetId), eq(t.probeImages.ordinal, ordinal)));
    return row?.uri;
  }

  /** Ordinals of a probe set, ascending: row i of every per-image matrix is ordinals[i]. */
  async ordinals(probeSetId: number): Promise<number[]> {
    const rows = await this.db
      .select({ ordinal: t.probeImages.ordinal })
      .from(t.probeImages)
      .where(eq(t.probeImages.probeSetId, probeSetId))
      .orderBy(asc(t.probeImages.ordinal));
    if (rows.length === 0) {
      const [set] = await this.db.select({ id: t.probeSets.id }).from(t.probeSets).where(eq(t.probeSets.id, probeSetId));
      if (!set) throw new Error(`probe set ${probeSetId} is not in the atlas`);
    }
    return rows.map((r) => r.ordinal);
  }
}
