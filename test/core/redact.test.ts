import { describe, expect, it } from 'vitest';
import { redactLocation } from '../../src/core/redact.js';
import { serve } from '../../src/server/main.js';
import { freshPostgresDatabase } from '../store/helpers.js';
import { atlas } from '../support/cli.js';

const SECRET = 's3cr3t-Pw';

describe('database locations in messages', () => {
  it('hides every credential form of a connection string', () => {
    const forms = [
      `postgres://alice:${SECRET}@db.example:5432/atlas`,
      `postgresql://alice@db.example/atlas?password=${SECRET}&sslmode=require`,
      `postgres://db.example/atlas?sslmode=require&PASSWORD=${SECRET}`,
      `postgres://db.example/atlas?sslpassword=${SECRET}&sslkey=/keys/${SECRET}.key`,
      `postgres://alice:${encodeURIComponent(`${SECRET}@#`)}@db.example/atlas`,
      `socket:/var/run/postgresql?db=atlas&password=${SECRET}`,
      // not a URL at all: nothing of it is repeated
      `postgres://alice:${SECRET}@[bad host/atlas`,
    ];
    for (const form of forms) {
      const shown = redactLocation(form);
      expect(shown, form).not.toContain(SECRET);
      expect(shown, form).not.toContain(encodeURIComponent(SECRET));
    }
    expect(redactLocation(`postgres://alice:${SECRET}@db.example:5432/atlas?password=${SECRET}&sslmode=require`)).toBe(
      'postgres://alice:***@db.example:5432/atlas?password=***&sslmode=require',
    );
    // what holds no credential is shown as it is
    expect(redactLocation('postgres://db.example/atlas')).toBe('postgres://db.example/atlas');
    expect(redactLocation('/data/atlas')).toBe('/data/atlas');
  });

  it.skipIf(!process.env.DATABASE_URL)('the server and the CLI print the location without the password (needs Postgres: DATABASE_URL)', async () => {
    const db = await freshPostgresDatabase();
    try {
      const url = new URL(db.url);
      url.searchParams.set('password', SECRET);
      const withSecret = url.toString();
      const migrated = await atlas(['db', 'migrate'], { DATABASE_URL: withSecret });
      expect(migrated.stdout + migrated.stderr).toMatch(/migrated postgres atlas at postgres:/);
      expect(migrated.stdout + migrated.stderr).not.toContain(SECRET);

      const printed: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        printed.push(String(chunk));
        return write(chunk, ...rest);
      }) as typeof process.stderr.write;
      try {
        const running = await serve({ databaseUrl: withSecret, port: 0, seed: false });
        await running.stop();
      } finally {
        process.stderr.write = write;
      }
      expect(printed.join('')).toMatch(/atlas database: postgres at postgres:/);
      expect(printed.join('')).not.toContain(SECRET);
    } finally {
      await db.drop();
    }
  });
});
