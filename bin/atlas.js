#!/usr/bin/env node
// `atlas`: runs the compiled CLI in dist/ (built by `npm run build`, which `npm ci` runs).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('atlas: the compiled CLI (dist/) is missing: run `npm run build` (`npm ci` does it)\n');
  process.exit(1);
}

const args = process.argv.slice(2);
// The server wants a young generation of 64 MB instead of 16: a GraphQL request allocates
// ~170 kB, and at hundreds of requests a second the default meant ~8 pauses a second, each
// stalling every request in flight. V8 sizes its heap when the process starts (setting the flag
// later has no effect), so `serve` alone runs in a process started with it; every other command
// runs here, without paying for a second start.
const flag = '--max-semi-space-size=64';
const serving = args.find((arg) => !arg.startsWith('-')) === 'serve' && !process.execArgv.some((arg) => arg.startsWith('--max-semi-space-size'));
if (!serving) {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
} else {
  // The IPC channel tells the server when this process dies, however it dies (see server/main.ts).
  const child = spawn(process.execPath, [flag, main, ...args], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  // A signal sent to this process (a service manager's SIGTERM) must stop the server too, which
  // then closes its database; Ctrl-C reaches both, and the server ignores the repeat.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal] ?? 0) : 1);
  });
}
