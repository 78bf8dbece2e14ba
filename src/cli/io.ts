/**
 * Where a command's output goes. `atlas` writes to the process's streams; `runCli` in a test passes
 * its own, and every write made while that run is in flight (however deep in async code) lands there.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** A writable stream (a test passes a PassThrough); `isTTY` says whether progress bars may draw. */
export type CliStream = NodeJS.WritableStream & { isTTY?: boolean };

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
}

const current = new AsyncLocalStorage<CliIo>();

/** The streams of the command running now (the process's own outside `runCli`). */
export function cliIo(): CliIo {
  return current.getStore() ?? { stdout: process.stdout, stderr: process.stderr };
}

/** Runs `work` with `io` as the streams `cliIo()` returns inside it. */
export function withCliIo<T>(io: CliIo, work: () => T): T {
  return current.run(io, work);
}
