/**
 * Starting a worker thread on a module of this package. Compiled (dist/), a worker module is a
 * .js file next to the module that starts it. Run from the TypeScript sources (tests, bench and
 * tools under tsx or vitest), worker threads do not get the TypeScript loader (a parent's
 * `--import tsx` runs again in each worker, but its hooks do not load the worker's own .ts
 * module), so the worker first registers tsx and then loads the module.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export interface WorkerModuleOptions extends WorkerOptions {
  /**
   * From sources: load the module through tsx's ESM loader, which a module with top-level await
   * or an import() of another .ts file needs. It starts a loader thread per worker (~0.3 s of
   * CPU), so other modules go through tsx's require hook instead (~0.05 s). Compiled: no effect.
   */
  esm?: boolean;
}

/** Starts worker module `name` (no extension) in the folder of `caller`, the starting module's `import.meta.url`. */
export function startWorker(caller: string, name: string, options: WorkerModuleOptions = {}): Worker {
  const { esm, ...workerOptions } = options;
  // Without the parent's tsx preload flags, which would only load tsx once more in every worker,
  // nor its heap sizes, which a worker refuses (ERR_WORKER_INVALID_EXEC_ARGV).
  const opts: WorkerOptions = { execArgv: withoutHeapSizes(withoutTsxPreload(process.execArgv)), ...workerOptions };
  if (!caller.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, caller), opts);
  const source = new URL(`./${name}.ts`, caller);
  if (esm) {
    const tsx = import.meta.resolve('tsx/esm/api');
    const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(source.href)});`;
    return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), opts);
  }
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const code = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(fileURLToPath(source))});`;
  return new Worker(code, { ...opts, eval: true });
}

/**
 * `args` without V8's heap-size flags (`npm start`, `npm run bench` and `atlas serve` run with
 * --max-semi-space-size=64): passed to a Worker they make its constructor throw, V8 options being
 * the process's; a worker's heap is set by its resourceLimits instead.
 */
export function withoutHeapSizes(args: readonly string[]): string[] {
  return args.filter((arg) => !/^--(max|min)[-_](semi|old)[-_]space[-_]size(=|$)|^--max[-_]heap[-_]size(=|$)/.test(arg));
}

const PRELOAD_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/** `args` without `--import tsx` and the like (tsx's CLI adds --require/--import of its own files). */
export function withoutTsxPreload(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!PRELOAD_FLAGS.has(flag)) {
      out.push(arg);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[i + 1];
    if (eq < 0) i++;
    if (value !== undefined && /(^|[/\\])tsx([/\\]|$)/.test(value)) continue;
    out.push(arg);
    if (eq < 0 && value !== undefined) out.push(value);
  }
  return out;
}
