/**
 * Hot-path statements as named (prepared) statements on node-postgres: Postgres parses and plans
 * them once per connection instead of on every request (a semantic search: ~1.5x the statements
 * per second). PGlite runs in this process, where Drizzle's execute() is as good.
 */
import type { SQL } from 'drizzle-orm';
import pg from 'pg';
import { isSharedSession, type AtlasDb } from '../connection.js';

interface DrizzleInternals {
  $client?: unknown;
  dialect: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };
  session?: { logger?: { logQuery(query: string, params: unknown[]): void } };
}

/** Statement text -> its name; bounded by the shapes of the hot queries (a few dozen). */
const names = new Map<string, string>();

let named = 0;

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    // Never reuse a name: a connection may still hold the statement of an evicted one.
    if (names.size >= 1000) names.clear();
    name = `atlas_${(named++).toString(36)}`;
    names.set(text, name);
  }
  return name;
}

/** The raw rows of `query` (read them with rows.ts), as a named statement on a node-postgres pool, else through Drizzle. */
export async function executePrepared(db: AtlasDb, query: SQL): Promise<unknown[]> {
  const internals = db as unknown as DrizzleInternals;
  const client = internals.$client;
  // A hosted PGlite is one session for every connection: a name prepared by one would clash with another's.
  if (client instanceof pg.Pool && !isSharedSession(db)) {
    const { sql: text, params } = internals.dialect.sqlToQuery(query);
    // Keeps the statement log (debugging, N+1 tests) complete.
    internals.session?.logger?.logQuery(text, params);
    const res = await client.query({ name: nameOf(text), text, values: params as unknown[] });
    return res.rows;
  }
  return (await db.execute(query)).rows;
}
