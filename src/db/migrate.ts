/** Applies the SQL migrations in `migrations/` with Drizzle's migrator (idempotent: it records applied ones). */
import { packagePath } from '../core/paths.js';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { Connection } from './connection.js';

export const migrationsFolder = packagePath('migrations');

export async function runMigrations(conn: Connection): Promise<void> {
  try {
    if (conn.client === 'pglite') await migratePglite(conn.db as unknown as PgliteDatabase, { migrationsFolder });
    else await migratePg(conn.db as unknown as NodePgDatabase, { migrationsFolder });
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    const detail = cause?.message ?? (error as Error).message;
    const hint = /extension "vector"/.test(detail)
      ? ' (pgvector is not installed on this server: run scripts/install-pgvector.sh)'
      : '';
    throw new Error(`migrating the atlas at ${conn.location} failed: ${detail}${hint}`, { cause: error });
  }
}
