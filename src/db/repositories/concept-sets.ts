/** Concept sets: ordered lists of concept texts (each text stored once, in concepts). */
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, lt } from 'drizzle-orm';
import type { ConceptSetRecord } from '../../core/types.js';
import { chunks } from '../codec.js';
import type { AtlasDb } from '../connection.js';
import * as t from '../schema.js';
import { ensureConcepts } from './shared.js';

export type ConceptSetRow = typeof t.conceptSets.$inferSelect;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class ConceptSetsRepository {
  constructor(private readonly db: AtlasDb) {}

  /**
   * Inserts a concept set (unique by name + content); returns its id and the concept id of every
   * entry of `rec.concepts` (same order).
   */
  async upsert(rec: ConceptSetRecord): Promise<{ id: number; conceptIds: number[] }> {
    if (rec.concepts.length === 0) throw new Error(`concept set ${rec.name} is empty`);
    const hash = sha256(rec.concepts.join('\n'));
    return this.db.transaction(async (tx) => {
      const ids = await ensureConcepts(tx, rec.concepts);
      const conceptIds = rec.concepts.map((c) => ids.get(c)!);
      // Race-safe as probe sets: one writer inserts the set, the others use the stored row.
      const [row] = await tx
        .insert(t.conceptSets)
        .values({ name: rec.name, contentHash: hash, size: rec.concepts.length })
        .onConflictDoNothing({ target: [t.conceptSets.name, t.conceptSets.contentHash] })
        .returning({ id: t.conceptSets.id });
      if (!row) {
        const [existing] = await tx
          .select({ id: t.conceptSets.id })
          .from(t.conceptSets)
          .where(and(eq(t.conceptSets.name, rec.name), eq(t.conceptSets.contentHash, hash)));
        if (!existing) throw new Error(`concept set ${rec.name} was neither inserted nor found`);
        return { id: existing.id, conceptIds };
      }
      const id = row.id;
      for (const part of chunks(
        conceptIds.map((conceptId, position) => ({ conceptSetId: id, position, conceptId })),
        10000,
      )) {
        await tx.insert(t.conceptSetMembers).values(part);
      }
      return { id, conceptIds };
    });
  }

  /** The concepts of a set, in order. */
  async get(conceptSetId: number): Promise<{ name: string; concepts: string[]; conceptIds: number[] } | undefined> {
    const [set] = await this.db.select().from(t.conceptSets).where(eq(t.conceptSets.id, conceptSetId));
    if (!set) return undefined;
    const rows = await this.db
      .select({ id: t.concepts.id, text: t.concepts.text })
      .from(t.conceptSetMembers)
      .innerJoin(t.concepts, eq(t.concepts.id, t.conceptSetMembers.conceptId))
      .where(eq(t.conceptSetMembers.conceptSetId, conceptSetId))
      .orderBy(asc(t.conceptSetMembers.position));
    return { name: set.name, concepts: rows.map((r) => r.text), conceptIds: rows.map((r) => r.id) };
  }

  /** Concept sets by name (then id), at most `first`. */
  async list(first: number): Promise<ConceptSetRow[]> {
    return this.db.select().from(t.conceptSets).orderBy(asc(t.conceptSets.name), asc(t.conceptSets.id)).limit(first);
  }

  /** The first `first` concepts of each set, in the set's order. */
  async samples(conceptSetIds: readonly number[], first: number): Promise<{ conceptSetId: number; text: string }[]> {
    if (conceptSetIds.length === 0 || first <= 0) return [];
    return this.db
      .select({ conceptSetId: t.conceptSetMembers.conceptSetId, text: t.concepts.text })
      .from(t.conceptSetMembers)
      .innerJoin(t.concepts, eq(t.concepts.id, t.conceptSetMembers.conceptId))
      .where(and(inArray(t.conceptSetMembers.conceptSetId, [...conceptSetIds]), lt(t.conceptSetMembers.position, first)))
      .orderBy(asc(t.conceptSetMembers.conceptSetId), asc(t.conceptSetMembers.position));
  }

  async byIds(ids: readonly number[]): Promise<ConceptSetRow[]> {
    if (ids.length === 0) return [];
    return this.db.select().from(t.conceptSets).where(inArray(t.conceptSets.id, [...ids]));
  }
}
