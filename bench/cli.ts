/**
 * Start-up cost of the `atlas` command line, side by side with a bare Node process.
 *
 *   npm run bench -- cli [--runs 7] [--seeded] [--root DIR]
 *
 * Each round runs, one after another (so that a busy machine slows all of them alike):
 *   - `node -e 0`                              the floor: starting Node itself
 *   - `atlas --help`                           top-level help (must load no command module)
 *   - `atlas layers models/toy/resnet-v1.onnx` a small command that opens an ONNX model
 *   - `atlas serve --port 0 --no-seed`         from spawn until GET /healthz answers 200
 * `atlas` is `node bin/atlas.js` of --root (default: this checkout; its dist/ must be built from
 * its current src/), so the same script measures another checkout or version. The server gets its own copy of a data folder prepared once
 * beforehand: a migrated, empty atlas, or with --seeded the default atlas loaded from seed/ (the
 * copy is made outside the timing). Reports medians (and min/max) of --runs rounds and the ratio
 * of each median to `node -e 0`'s, and ends with one JSON line of the figures on stdout.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assertBuilt, median, repoRoot } from './lib/common.js';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    seeded: { type: 'boolean', default: false },
    root: { type: 'string' },
  },
});
const RUNS = Math.max(1, Number(opt.runs));
const root = resolve(opt.root ?? repoRoot);
const bin = join(root, 'bin', 'atlas.js');
const model = join(root, 'models', 'toy', 'resnet-v1.onnx');
if (!existsSync(bin)) throw new Error(`no bin/atlas.js under ${root}`);
if (!existsSync(model)) throw new Error(`no toy model at ${model}`);
assertBuilt(root);

/** Seconds from spawn to exit of a command that must succeed. */
function timeCommand(args: string[]): number {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (res.status !== 0) throw new Error(`node ${args.join(' ')} exited ${res.status}:\n${res.stderr}`);
  return seconds;
}

/** Seconds from spawn until the server's /healthz answers 200; the server is then stopped. */
async function timeServer(dataDir: string, seed: boolean): Promise<number> {
  const t0 = performance.now();
  const args = [bin, 'serve', '--port', '0', '--data-dir', dataDir, ...(seed ? [] : ['--no-seed'])];
  const proc = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ATLAS_SEED: seed ? join(root, 'seed', 'atlas.jsonl.gz') : join(root, 'does-not-exist') },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: a launcher that runs the server in a child process (as an older
    // bin/atlas.js did) must be stopped together with that child.
    detached: true,
  });
  let log = '';
  const exited = new Promise<number | null>((done) => proc.on('exit', (code) => done(code)));
  try {
    const url = await new Promise<string>((done, fail) => {
      proc.stderr.on('data', (d: Buffer) => {
        log += d.toString();
        const m = /listening on (http:\/\/[^/\s]+)\/graphql/.exec(log);
        if (m) done(m[1]!);
      });
      void exited.then((code) => fail(new Error(`server exited (${code}) before listening:\n${log}`)));
    });
    // It says "listening" once the port is bound; readiness is /healthz answering.
    const res = await fetch(`${url}/healthz`);
    if (res.status !== 200) throw new Error(`/healthz answered ${res.status}: ${await res.text()}`);
    return (performance.now() - t0) / 1000;
  } finally {
    await stopGroup(proc.pid!, exited);
  }
}

/** SIGTERM to the process group, then waits until every process of it has exited (the server
 * releases its data folder on the way out, and the next round copies or reuses it). */
async function stopGroup(pid: number, exited: Promise<unknown>): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) process.kill(-pid, 'SIGTERM');
  await exited;
  while (alive()) await new Promise((done) => setTimeout(done, 20));
}

const work = mkdtempSync(join(tmpdir(), 'cli-bench-'));
try {
  const template = join(work, 'template');
  process.stderr.write(`preparing the server's data folder (${opt.seeded ? 'default atlas from seed/' : 'migrated, empty, --no-seed'})...\n`);
  await timeServer(template, opt.seeded);

  const cases: { name: string; run: (round: number) => Promise<number> | number }[] = [
    { name: 'node -e 0', run: () => timeCommand(['-e', '0']) },
    { name: 'atlas --help', run: () => timeCommand([bin, '--help']) },
    { name: 'atlas layers', run: () => timeCommand([bin, 'layers', model]) },
    {
      name: 'server to /healthz',
      run: async (round) => {
        const copy = join(work, `data-${round}`);
        cpSync(template, copy, { recursive: true });
        try {
          return await timeServer(copy, opt.seeded);
        } finally {
          rmSync(copy, { recursive: true, force: true });
        }
      },
    },
  ];
  const times = cases.map(() => [] as number[]);
  for (let round = 0; round < RUNS; round++) {
    for (const [i, c] of cases.entries()) times[i]!.push(await c.run(round));
  }

  const floor = median(times[0]!);
  process.stdout.write(`cli bench: ${RUNS} rounds, bin ${bin}; cpus=${cpus().length}, server data: ${opt.seeded ? 'seeded' : 'empty, --no-seed'}\n`);
  for (const [i, c] of cases.entries()) {
    const t = times[i]!;
    process.stdout.write(
      `${c.name.padEnd(20)} median ${median(t).toFixed(3)} s  (min ${Math.min(...t).toFixed(3)}, max ${Math.max(...t).toFixed(3)})  ${(median(t) / floor).toFixed(1)}x node -e 0\n`,
    );
  }
  const load = loadavg()[0]!;
  process.stdout.write(`1-minute load average ${load.toFixed(2)} on ${cpus().length} cores\n`);
  const figure = (i: number) => +median(times[i]!).toFixed(4);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'cli',
      cpus: cpus().length,
      runs: RUNS,
      server_data: opt.seeded ? 'seeded' : 'empty-no-seed',
      node_s: figure(0),
      help_s: figure(1),
      layers_s: figure(2),
      serve_healthz_s: figure(3),
      help_ratio: +(figure(1) / floor).toFixed(2),
      layers_ratio: +(figure(2) / floor).toFixed(2),
      serve_ratio: +(figure(3) / floor).toFixed(2),
      load_avg_1m: +load.toFixed(2),
    })}\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
