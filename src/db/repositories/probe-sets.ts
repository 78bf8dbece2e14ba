/** Probe sets (the images a run was dissected over). */
import { desc, eq } from 'drizzle-orm';
import type { AtlasDb } from '../connection.js';
import * as t from '../schema.js';

export type ProbeSetRow = typeof t.probeSets.$inferSelect;

export class ProbeSetsRepository {
  constructor(private readonly db: AtlasDb) {}

  /** A probe set by id. */
  async get(id: number): Promise<ProbeSetRow | undefined> {
    const [row] = await this.db.select().from(t.probeSets).where(eq(t.probeSets.id, id));
    return row;
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
}
