/**
 * Hot-path statements as named (prepared) statements on node-postgres: Postgres parses and plans
 * them once per connection instead of on every request (a semantic search: ~1.5x the statements
 * per second). PGlite runs in this process, where Drizzle's execute() is as good.
 */
import type { SQL } from 'drizzle-orm';
import pg from 'pg';
import type { AtlasDb } from '../connection.js';

interface DrizzleInternals {
  $client?: unknown;
  dialect: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };
  session?: { logger?: { logQuery(query: string, params: unknown[]): void } };
}

/** Statement text -> its name; bounded by the shapes of the hot queries (a few dozen). */
const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    if (names.size >= 1000) names.clear();
    name = `atlas_q${names.size + 1}_${text.length}`;
    // Names must be unique per text within a connection: make the counter part never repeat.
    name = `${name}_${(nameCounter++).toString(36)}`;
    names.set(text, name);
  }
  return name;
}
let nameCounter = 0;

/** The rows of `query`, as a named statement on a node-postgres pool, else through Drizzle. */
export async function executePrepared<Row>(db: AtlasDb, query: SQL): Promise<Row[]> {
  const internals = db as unknown as DrizzleInternals;
  const client = internals.$client;
  if (client instanceof pg.Pool) {
    const { sql: text, params } = internals.dialect.sqlToQuery(query);
    // Keeps the statement log (debugging, N+1 tests) complete.
    internals.session?.logger?.logQuery(text, params);
    const res = await client.query({ name: nameOf(text), text, values: params as unknown[] });
    return res.rows as Row[];
  }
  return (await db.execute(query)).rows as Row[];
}
