#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so that `npx atlas` works without a build step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
// A young generation of 64 MB instead of 16: a GraphQL request allocates ~170 kB, and at hundreds
// of requests a second the default meant ~8 pauses a second, each stalling every request in flight.
const result = spawnSync(process.execPath, ['--max-semi-space-size=64', tsx, join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
