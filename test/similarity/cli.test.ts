// `atlas score` through the command line, in process.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpyMatrix, writeNpy, writeNpyMatrix } from '../../src/compute/npy.js';
import { denseConcepts, score } from '../../src/compute/similarity/index.js';
import type { Matrix } from '../../src/core/types.js';
import { atlas as runAtlas, type CliResult } from '../support/cli.js';
import { loadGolden, needGolden, worstToleranceRatio } from './golden.js';

const atlas = (args: string[]): Promise<CliResult> => runAtlas(['score', ...args]);

const dir = mkdtempSync(join(tmpdir(), 'atlas-score-'));
const f = (name: string): string => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 30 images x 4 concepts; neuron j fires on the images where concept j is strongest.
const P: Matrix = { rows: 30, cols: 4, data: new Float32Array(120) };
const A: Matrix = { rows: 30, cols: 3, data: new Float32Array(90) };
const CONCEPTS = ['dog', 'red, bright', 'say "cheese"', 'sky'];
beforeAll(() => {
  for (let i = 0; i < 30; i++) {
    const strong = i % 4;
    for (let c = 0; c < 4; c++) P.data[i * 4 + c] = c === strong ? 0.3 : 0.15 + ((i * 7 + c) % 5) / 100;
    for (let k = 0; k < 3; k++) A.data[i * 3 + k] = k === strong ? 1 + (i % 3) / 10 : (i % 5) / 100;
  }
  writeNpyMatrix(f('P.npy'), P);
  writeNpyMatrix(f('A.npy'), A);
  writeFileSync(f('concepts.txt'), CONCEPTS.join('\n') + '\n');
});

function parseCsv(text: string): string[][] {
  // enough of RFC 4180 for these files: quoted fields with doubled quotes
  const rows: string[][] = [];
  for (const line of text.trim().split('\n')) {
    const fields: string[] = [];
    const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line)) && m[0] !== '') {
      const v = m[1]!;
      fields.push(v.startsWith('"') ? v.slice(1, -1).replace(/""/g, '"') : v);
      if (m[2] === '') break;
    }
    rows.push(fields);
  }
  return rows;
}

describe('atlas score', () => {
  it('prints unit,label,score CSV with concept names, quoting where needed', async () => {
    const r = await atlas(['--clip-feats', f('P.npy'), '--target-feats', f('A.npy'), '--concepts', f('concepts.txt'), '--params', '{"top_k":5,"a":20}']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1,"red, bright",');
    expect(r.stdout).toContain('2,"say ""cheese""",');
    const rows = parseCsv(r.stdout);
    expect(rows[0]).toEqual(['unit', 'label', 'score']);
    expect(rows.slice(1).map((row) => row[1])).toEqual(CONCEPTS.slice(0, 3));
    const api = await score('soft_wpmi', denseConcepts(P), A, { top_k: 5, a: 20 });
    rows.slice(1).forEach((row, k) => expect(Number(row[2])).toBeCloseTo(api.labels[k]![0]!.score, 10));
  });

  it('writes --out and a float32 --matrix; labels are indices without --concepts', async () => {
    const r = await atlas(['--clip-feats', f('P.npy'), '--target-feats', f('A.npy'), '--fn', 'cos_similarity', '--out', f('labels.csv'), '--matrix', f('S.npy')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const rows = parseCsv(readFileSync(f('labels.csv'), 'utf8'));
    expect(rows.slice(1).map((row) => row.slice(0, 2))).toEqual([['0', '0'], ['1', '1'], ['2', '2']]);
    const s = readNpyMatrix(f('S.npy'));
    expect([s.rows, s.cols]).toEqual([3, 4]);
    const api = await score('cos_similarity', denseConcepts(P), A, {}, { keepMatrix: true });
    expect(Array.from(s.data)).toEqual(Array.from(api.matrix!.data));
  });

  it('reproduces the golden fixture from .npy files (soft_wpmi custom, wpmi via "lambda")', async (ctx) => {
    needGolden(ctx);
    const { golden, p, a } = loadGolden();
    writeNpyMatrix(f('gP.npy'), p);
    // activations as float64, as NumPy saves them by default
    writeNpy(f('gA.npy'), Float64Array.from(a.data), [a.rows, a.cols]);
    for (const [name, params] of [
      ['soft_wpmi_custom', golden.expected.soft_wpmi_custom!.params],
      ['wpmi_custom', { top_k: 10, a: 3, lambda: 0.5 }],
    ] as const) {
      const c = golden.expected[name]!;
      const r = await atlas(['--clip-feats', f('gP.npy'), '--target-feats', f('gA.npy'), '--fn', c.function, '--params', JSON.stringify(params), '--matrix', f('gS.npy')]);
      expect(r.code).toBe(0);
      const labels = parseCsv(r.stdout).slice(1).map((row) => Number(row[1]));
      expect(labels).toEqual(c.argmax);
      expect(worstToleranceRatio(readNpyMatrix(f('gS.npy')).data, c.data)).toBeLessThanOrEqual(1);
    }
  });

  it('takes a float64 P as a float32 one, and --timings reports each step as JSON on stderr', async () => {
    writeNpy(f('P64.npy'), Float64Array.from(P.data), [P.rows, P.cols]);
    const args = ['--target-feats', f('A.npy'), '--params', '{"top_k":5,"a":20}'];
    const r32 = await atlas(['--clip-feats', f('P.npy'), ...args]);
    const r64 = await atlas(['--clip-feats', f('P64.npy'), ...args, '--timings']);
    expect(r64.code).toBe(0);
    expect(r64.stdout).toBe(r32.stdout);
    const report = JSON.parse(r64.stderr.trim()) as { timings: Record<string, number>; cpu_timings: Record<string, number>; total: number; cpu: number };
    expect(Object.keys(report.timings)).toEqual(['startup', 'imports', 'read', 'top images', 'likelihoods', 'prior', 'labels', 'write']);
    expect(Object.keys(report.cpu_timings)).toEqual(Object.keys(report.timings));
    const steps = Object.values(report.timings).reduce((x, y) => x + y, 0);
    expect(Math.abs(steps - report.total)).toBeLessThan(0.01); // the steps cover the whole run, rounded to ms
    expect(report.cpu).toBeGreaterThan(0);
  });

  describe.concurrent('clear errors', () => {
    beforeAll(() => {
      writeNpyMatrix(f('A29.npy'), { rows: 29, cols: 3, data: new Float32Array(87) });
      writeFileSync(f('three.txt'), 'a\nb\nc\n');
      const header = "{'descr': '<i4', 'fortran_order': False, 'shape': (30, 4), }";
      const pad = 64 - ((10 + header.length + 1) % 64);
      const dict = header + ' '.repeat(pad) + '\n';
      const head = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, dict.length & 0xff, dict.length >> 8]);
      writeFileSync(f('int.npy'), Buffer.concat([head, Buffer.from(dict, 'latin1'), Buffer.alloc(480)]));
    });
    const base = (): string[] => ['--clip-feats', f('P.npy'), '--target-feats', f('A.npy')];
    it.each([
      ['missing file', () => ['--clip-feats', f('none.npy'), '--target-feats', f('A.npy')], /none\.npy: file not found/],
      ['row mismatch', () => ['--clip-feats', f('P.npy'), '--target-feats', f('A29.npy')], /P\.npy has 30 rows \(images\) but .*A29\.npy has 29/],
      ['concept count', () => [...base(), '--concepts', f('three.txt')], /three\.txt lists 3 concepts but .*P\.npy has 4 columns/],
      ['bad JSON', () => [...base(), '--params', '{top_k:5}'], /--params is not valid JSON/],
      ['params not an object', () => [...base(), '--params', '[1]'], /--params must be a JSON object/],
      ['unknown function', () => [...base(), '--fn', 'wpmi2'], /unknown similarity function 'wpmi2'/],
      ['unknown parameter', () => [...base(), '--params', '{"topk":5}'], /unknown parameter 'topk' for soft_wpmi/],
      ['top_k too large', () => [...base(), '--params', '{"top_k":31}'], /top_k.*31.*only 30 images/],
      ['wrong dtype', () => ['--clip-feats', f('int.npy'), '--target-feats', f('A.npy')], /int\.npy: dtype '<i4' is not supported/],
    ])('%s', async (_what, args, message) => {
      const r = await atlas(args());
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    });
  });
});
