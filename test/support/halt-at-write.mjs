/**
 * Preloaded into a child `atlas` process (NODE_OPTIONS=--import) by the crash tests: counts the
 * writes the process makes (files and sockets: PGlite's folder, the Postgres connection, its own
 * output) and, at the ATLAS_TEST_HALT_AT_WRITE-th, prints a line to stderr and stops itself
 * (SIGSTOP) until the test kills it. A seeded N is a random point in the command's progress, never
 * a wall-clock race. With ATLAS_TEST_COUNT_WRITES set, the total is printed at exit instead.
 */
import fs from 'node:fs';
import net from 'node:net';
import process from 'node:process';
import { syncBuiltinESMExports } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const haltAt = Number(process.env.ATLAS_TEST_HALT_AT_WRITE ?? 0);
const countOnly = Boolean(process.env.ATLAS_TEST_COUNT_WRITES);
const writeSync = fs.writeSync;
let writes = 0;
let halted = false;

function tick() {
  if (halted) return;
  writes += 1;
  if (haltAt > 0 && writes >= haltAt) {
    halted = true;
    writeSync(2, `atlas-test: halted at write ${writes}\n`);
    process.kill(process.pid, 'SIGSTOP');
  }
}

// The main thread only (worker threads get the same preload).
if (isMainThread && (haltAt > 0 || countOnly)) {
  for (const name of ['writeSync', 'write', 'writeFileSync', 'writeFile', 'appendFileSync', 'fsyncSync', 'ftruncateSync', 'renameSync']) {
    const original = fs[name];
    fs[name] = function (...args) {
      tick();
      return original.apply(this, args);
    };
  }
  const socketWrite = net.Socket.prototype.write;
  net.Socket.prototype.write = function (...args) {
    tick();
    return socketWrite.apply(this, args);
  };
  syncBuiltinESMExports();
  if (countOnly) process.on('exit', () => void writeSync(2, `atlas-test: ${writes} writes\n`));
}
