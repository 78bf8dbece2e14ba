// Fits the label-confidence calibrators (src/compute/similarity/confidence-table.ts): runs the
// planted-neuron benchmark on seeds 1-3 (every unit kind and noise level), and fits, per calibrator
// (a method, or method/preset where the preset changes its parameters), a logistic regression of "the top-1 label is right" on the label's
// confidence features. Check the fit on held-out seeds with `atlas eval --planted --seed 4`.
// usage: npx tsx tools/confidence/fit.ts [--seed 1] [--seeds 3] [--images 1000] [--samples FILE] [--dump FILE] [--write]
// --samples reads a --dump'ed sample file instead of running the benchmark; --write rewrites the table;
// --check only prints how the committed table does on the samples (e.g. held-out seeds: --seed 4).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { calibrate, type ConfidenceFeatures } from '../../src/compute/similarity/confidence.js';
import type { Calibrator } from '../../src/compute/similarity/confidence-table.js';
import { calibrationOf } from '../../src/compute/planted/calibration.js';
import { calibrationByMethod, plantedBenchmark, type PlantedSample } from '../../src/services/evaluate/planted.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    seeds: { type: 'string', default: '3' },
    images: { type: 'string', default: '1000' },
    samples: { type: 'string' },
    dump: { type: 'string' },
    write: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});

const samples: PlantedSample[] = values.samples
  ? (JSON.parse(readFileSync(values.samples, 'utf8')) as PlantedSample[])
  : (await plantedBenchmark({ seed: Number(values.seed), seeds: Number(values.seeds), images: Number(values.images), keepSamples: true, log: (l) => process.stderr.write(`${l}\n`) })).samples!;
if (values.dump) writeFileSync(values.dump, JSON.stringify(samples));

if (values.check) {
  for (const c of calibrationByMethod(samples)) {
    process.stderr.write(`${c.method} ${c.preset}: ${c.units} units, right ${c.accuracy}; confidence >= 0.8: ${c.confident} (coverage ${c.coverage}), right ${c.precision}\n`);
  }
  process.exit(0);
}

const KEYS = ['margin', 'zOther', 'crowd'] as const;
const x = (f: ConfidenceFeatures) => [1, ...KEYS.map((k) => f[k])];

/** Logistic regression by Newton's method with a small ridge (features are on comparable scales). */
function fitLogistic(rows: number[][], y: number[], ridge = 1e-3): number[] {
  const d = rows[0]!.length;
  let w = new Array<number>(d).fill(0);
  for (let iter = 0; iter < 50; iter++) {
    const g = new Array<number>(d).fill(0);
    const h = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    rows.forEach((r, i) => {
      const t = r.reduce((s, v, j) => s + v * w[j]!, 0);
      const p = 1 / (1 + Math.exp(-t));
      const q = Math.max(p * (1 - p), 1e-9);
      for (let a = 0; a < d; a++) {
        g[a]! += (p - y[i]!) * r[a]!;
        for (let b = 0; b < d; b++) h[a]![b]! += q * r[a]! * r[b]!;
      }
    });
    for (let a = 1; a < d; a++) {
      g[a]! += ridge * w[a]!;
      h[a]![a]! += ridge;
    }
    const step = solve(h, g);
    w = w.map((v, j) => v - step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return w;
}

/** Solves A x = b (Gaussian elimination with partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;
const table: Record<string, Calibrator> = {};
for (const method of [...new Set(samples.map((s) => s.calibrator))]) {
  const mine = samples.filter((s) => s.calibrator === method && s.features);
  const w = fitLogistic(mine.map((s) => x(s.features!)), mine.map((s) => (s.right ? 1 : 0))).map(round);
  const cal: Calibrator = { intercept: w[0]!, margin: w[1]!, zOther: w[2]!, crowd: w[3]! };
  // a label that stands out more must not get a lower confidence
  if (cal.margin <= 0) throw new Error(`${method}: the fitted margin coefficient is ${cal.margin}, not positive`);
  table[method] = cal;
  for (const preset of [...new Set(mine.map((s) => s.preset))]) {
    const c = calibrationOf(mine.filter((s) => s.preset === preset).map((s) => ({ confidence: calibrate(cal, s.features!), right: s.right })));
    process.stderr.write(`${method} ${preset}: ${c.units} units, right ${c.accuracy}; confidence >= 0.8: ${c.confident} (coverage ${c.coverage}), right ${c.precision}\n`);
  }
}

if (values.write) {
  const path = new URL('../../src/compute/similarity/confidence-table.ts', import.meta.url);
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf('export const CONFIDENCE_TABLE');
  const body = Object.entries(table)
    .map(([m, c]) => `  ${m.includes('/') ? `'${m}'` : m}: { intercept: ${c.intercept}, margin: ${c.margin}, zOther: ${c.zOther}, crowd: ${c.crowd} },`)
    .join('\n');
  writeFileSync(path, `${text.slice(0, start)}export const CONFIDENCE_TABLE: Readonly<Record<string, Calibrator>> = {\n${body}\n};\n`);
}
process.stdout.write(`${JSON.stringify(table)}\n`);
