/**
 * The `atlas` command line for tests, two ways:
 *  - `atlas(args, env)`: in this process through runCli. Starting a process costs a second or two
 *    of Node, tsx and module loading per call and adds nothing to what most tests check;
 *  - `spawnAtlas(args, env)`: a real child process, for tests where the process boundary is the
 *    point (signals, kills mid-run, locks held by another process).
 * Both give the exit code and everything the command printed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/run.js';
import { ConfigError, config, loadConfig, setConfig } from '../../src/core/config.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface Output {
  stdout: string[];
  stderr: string[];
}

/**
 * Output of the in-process run in flight. Commands write through runCli's streams, but the
 * pipeline's log lines and progress bars write to the process's stderr as they would in a real
 * process; while a run is in flight, those writes are routed to that run's output too.
 */
const capture = new AsyncLocalStorage<Output>();
let routed = false;

function routeProcessStreams(): void {
  if (routed) return;
  routed = true;
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const out = capture.getStore();
      if (!out) return write(chunk, ...rest);
      const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8';
      out[name].push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(encoding));
      const callback = rest.find((r): r is () => void => typeof r === 'function');
      callback?.();
      return true;
    }) as typeof stream.write;
  }
}

function collector(into: string[]): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      into.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      done();
    },
  });
}

/** Environment changes are process-wide: in-process runs that set variables take turns. */
let envTurn: Promise<unknown> = Promise.resolve();

/**
 * Runs `atlas <args>` in this process with `env` set for the duration (a value of '' clears a
 * variable, as in a child's environment; DATABASE_URL is cleared unless given, so the CLI uses
 * PGlite like a fresh shell would).
 */
export function atlas(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  routeProcessStreams();
  const run = async (): Promise<CliResult> => {
    const vars = { DATABASE_URL: '', ...env };
    const saved = new Map(Object.keys(vars).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(vars)) {
      if (v === '') delete process.env[k];
      else process.env[k] = v;
    }
    // The code reads its configuration once (src/core/config.ts): this run gets one of its own.
    const savedConfig = config();
    const out: Output = { stdout: [], stderr: [] };
    try {
      setConfig(loadConfig(process.env));
      const code = await capture.run(out, () => runCli(args, { stdout: collector(out.stdout), stderr: collector(out.stderr) }));
      return { code, stdout: out.stdout.join(''), stderr: out.stderr.join('') };
    } catch (error) {
      // A bad variable in `env` is reported as the command line would report it.
      if (!(error instanceof ConfigError)) throw error;
      return { code: 1, stdout: '', stderr: `atlas: ${error.message}\n` };
    } finally {
      setConfig(savedConfig);
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };
  const result = envTurn.then(run, run);
  envTurn = result.catch(() => undefined);
  return result;
}

export interface SpawnedCli {
  child: ChildProcess;
  /** Resolves when the process has exited and its streams are closed. */
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
  /** Resolves with the first stderr line matching `pattern` (rejects if the process ends first). */
  stderrLine(pattern: RegExp): Promise<string>;
}

/** Runs `atlas <args>` as a child process (tsx as a loader, so a signal reaches the CLI itself). */
export function spawnAtlas(args: string[], env: Record<string, string> = {}): SpawnedCli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of [...waiters]) {
      const line = stderr.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return {
    child,
    done,
    stderrLine: (pattern) =>
      new Promise<string>((resolve, reject) => {
        const line = stderr.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) return resolve(line);
        waiters.push({ pattern, resolve });
        void done.then((r) => reject(new Error(`atlas exited (code ${r.code}, signal ${r.signal}) before printing ${pattern}; stderr:\n${r.stderr}`)));
      }),
  };
}
