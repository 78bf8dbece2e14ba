/** atlas_meta: small JSON facts about the atlas itself (seed loaded, caches restored). */
import { eq, sql } from 'drizzle-orm';
import type { AtlasDb } from '../connection.js';
import * as t from '../schema.js';

export class MetaRepository {
  constructor(private readonly db: AtlasDb) {}

  /** The value stored under `key`, or undefined. */
  async get(key: string): Promise<Record<string, unknown> | undefined> {
    const [row] = await this.db.select({ value: t.atlasMeta.value }).from(t.atlasMeta).where(eq(t.atlasMeta.key, key));
    const value = row?.value;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  }

  /** Stores `value` under `key` (replacing what was there). */
  async set(key: string, value: Record<string, unknown>): Promise<void> {
    await this.db
      .insert(t.atlasMeta)
      .values({ key, value })
      .onConflictDoUpdate({ target: t.atlasMeta.key, set: { value, updatedAt: sql`now()` } });
  }
}
