import type { Command } from 'commander';
import { parsePort } from '../../core/config.js';
import { serveUntilSignalled } from '../../server/main.js';

/** `atlas serve`: the GraphQL server (same as `npm start`). */
export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the atlas over GraphQL at /graphql (the explorer at /, readiness at /healthz)')
    .option('-p, --port <port>', 'port (default: PORT or 4000)')
    .option('--host <host>', 'interface to bind (default: HOST or 127.0.0.1)')
    .option('--data-dir <dir>', 'PGlite data folder (default: ATLAS_DATA_DIR or .atlas)')
    .option('--database-url <url>', 'Postgres server instead of the embedded database (default: DATABASE_URL)')
    .option('--no-seed', 'do not load seed/atlas.jsonl.gz into an empty atlas')
    .action(async (opts: { port?: string; host?: string; dataDir?: string; databaseUrl?: string; seed: boolean }) => {
      const port = opts.port === undefined ? undefined : parsePort('--port', opts.port);
      await serveUntilSignalled({ port, host: opts.host, dataDir: opts.dataDir, databaseUrl: opts.databaseUrl, seed: opts.seed });
    });
}
