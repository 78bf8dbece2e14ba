import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClipModel } from '../../src/compute/clip/index.js';
import type { DissectResult } from '../../src/services/dissect.js';
import { TargetModel } from '../../src/compute/onnx/index.js';
import { unlabelledUnits } from '../../src/compute/similarity/unlabelled.js';
import { loadPreprocessSpec, preprocessImage } from '../../src/compute/preprocess/index.js';
import { openStore, type AtlasStore } from '../../src/db/index.js';
import { generateScene, renderScene, TOY_VOCABULARY } from '../../src/toyworld/index.js';
import { atlas, spawnAtlas } from '../support/cli.js';
import { tempAtlas } from '../support/temp-atlas.js';
import { tinyClip, tinyTarget } from './helpers.js';
import { databaseOf } from '../../src/db/inspect.js';

const LAYERS = 'conv1,layer2,fc';
const UNITS: Record<string, number> = { conv1: 8, layer2: 16, fc: 10 };

function dissectArgs(probe: string, extra: string[] = [], concepts = 'builtin:toy'): string[] {
  return [
    'dissect', '--model', tinyTarget, '--layers', LAYERS, '--clip', tinyClip, '--probe', probe,
    '--concepts', concepts, '--name', 'tiny', '--version', 'v1', '--json', ...extra,
  ];
}

function parse(stdout: string): DissectResult {
  const line = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as DissectResult;
}

async function withStore<T>(env: Record<string, string>, fn: (store: AtlasStore) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir: env.ATLAS_DATA_DIR! });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function rows(store: AtlasStore, sql: string): Promise<Record<string, unknown>[]> {
  return (await databaseOf(store).execute(sql)).rows as Record<string, unknown>[];
}

/** What the stored row `index` must be: the toy image rendered, preprocessed and embedded directly. */
async function directClipRow(index: number, seed: number): Promise<Float32Array> {
  const clip = await ClipModel.load(tinyClip);
  try {
    const spec = clip.preprocess;
    const pixels = await preprocessImage(renderScene(generateScene(seed, index), spec.resize), spec);
    return (await clip.encodeImages(pixels, 1)).data;
  } finally {
    await clip.release();
  }
}

async function directActivation(index: number, seed: number, layer: string): Promise<Float32Array> {
  const { spec } = await loadPreprocessSpec(tinyTarget);
  const target = await TargetModel.load(tinyTarget, { layers: [layer], inputSize: spec.crop });
  try {
    const pixels = await preprocessImage(renderScene(generateScene(seed, index), spec.resize), spec);
    return (await target.run(pixels, 1)).get(layer)!.data;
  } finally {
    await target.release();
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(tol);
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
async function tempEnv(): Promise<{ env: Record<string, string> }> {
  const { dir, env } = await tempAtlas('atlas-pipeline-');
  dirs.push(dir);
  return { env };
}

// In process through runCli, except where the process is the point (a SIGKILL mid-run).
describe('atlas dissect (PGlite in a temp folder)', () => {
  it('stores a complete run; reruns reuse every cache, resume a run cut off while scoring, encode only new concepts', async () => {
    const { env } = await tempEnv();
    const first = await atlas(dissectArgs('toy:120:7', ['--batch', '16']), env);
    expect(first.stderr).not.toMatch(/atlas:/);
    expect(first.code).toBe(0);
    const run1 = parse(first.stdout);
    expect(run1.stats).toMatchObject({ images: 120, imagesComputed: 120, imagesFromCheckpoint: 0, conceptsEncoded: TOY_VOCABULARY.length });
    expect(run1.layers.map((l) => [l.name, l.units])).toEqual(Object.entries(UNITS));
    expect(first.stderr).toMatch(/image pass .*120\/120 img \| [\d.]+ img\/s/);

    await withStore(env, async (store) => {
      const runs = await store.runs.list();
      expect(runs.map((r) => [r.id, r.status, r.similarity])).toEqual([[run1.runId, 'complete', 'soft_wpmi']]);
      const labels = await rows(store, `SELECT l.name, count(*)::int AS n, count(DISTINCT nl.neuron_id)::int AS units
        FROM neuron_labels nl JOIN neurons n ON n.id = nl.neuron_id JOIN layers l ON l.id = n.layer_id
        WHERE nl.run_id = ${run1.runId} GROUP BY l.name ORDER BY l.name`);
      // Dead and degenerate units (fewer than top_k of the 120 images above their lowest value) get no label.
      const run = runs[0]!;
      const unlabelled: Record<string, number[]> = {};
      let expectedTops = 0;
      for (const name of Object.keys(UNITS)) {
        const acts = (await store.embeddings.activations(run.modelId, name, run.probeSetId!))!;
        const reasons = unlabelledUnits(acts, 'soft_wpmi', run.params);
        unlabelled[name] = [...reasons.keys()];
        for (let u = 0; u < acts.cols; u++) {
          const column = Array.from({ length: acts.rows }, (_, i) => acts.data[i * acts.cols + u]!);
          const lowest = Math.min(...column);
          expectedTops += reasons.has(u) ? Math.min(10, column.filter((v) => v > lowest).length) : 10;
        }
      }
      expect(Object.values(unlabelled).flat().length).toBeGreaterThan(0); // this model has some
      expect(labels).toEqual(
        Object.entries(UNITS)
          .sort()
          .map(([name, units]) => ({ name, n: (units - unlabelled[name]!.length) * 5, units: units - unlabelled[name]!.length })),
      );
      const stored = await rows(store, `SELECT l.name, n.unit, u.reason FROM unlabelled_neurons u JOIN neurons n ON n.id = u.neuron_id
        JOIN layers l ON l.id = n.layer_id WHERE u.run_id = ${run1.runId} ORDER BY l.name, n.unit`);
      expect(stored.map((r) => [r.name, r.unit])).toEqual(Object.entries(unlabelled).sort().flatMap(([name, units]) => units.map((u) => [name, u])));
      expect(stored.every((r) => /^(dead|degenerate) unit: /.test(String(r.reason)))).toBe(true);
      const tops = await rows(store, `SELECT count(*)::int AS n, max(rank)::int AS r FROM neuron_top_images WHERE run_id = ${run1.runId}`);
      expect(tops[0]).toEqual({ n: expectedTops, r: 9 });
      // The rank-0 label of conv1 unit 0 is what the summary printed.
      const unit0 = await rows(store, `SELECT nl.text FROM neuron_labels nl JOIN neurons n ON n.id = nl.neuron_id
        JOIN layers l ON l.id = n.layer_id WHERE nl.run_id = ${run1.runId} AND l.name = 'conv1' AND n.unit = 0 AND nl.rank = 0`);
      expect(unit0[0]!.text).toBe(run1.layers[0]!.firstLabels[0]);
      // Batching, worker threads and checkpoint files keep rows in probe order: compare rows
      // from the middle of a batch and from the last, short batch with a direct computation.
      const [probeSet] = await rows(store, `SELECT id FROM probe_sets`);
      const [clipRow] = await rows(store, `SELECT id FROM clip_models`);
      const emb = (await store.embeddings.images(Number(probeSet!.id), Number(clipRow!.id)))!;
      for (const i of [37, 119]) expectClose(emb.data.subarray(i * emb.cols, (i + 1) * emb.cols), await directClipRow(i, 7));
      const [model] = await rows(store, `SELECT id FROM target_models`);
      const acts = (await store.embeddings.activations(Number(model!.id), 'layer2', Number(probeSet!.id)))!;
      expectClose(acts.data.subarray(53 * 16, 54 * 16), await directActivation(53, 7, 'layer2'));
    });

    // Same inputs again: nothing is recomputed.
    const second = await atlas(dissectArgs('toy:120:7', ['--batch', '16']), env);
    expect(second.code).toBe(0);
    const run2 = parse(second.stdout);
    expect(run2.stats).toMatchObject({ imagesComputed: 0, imageEmbeddingsCached: true, conceptsEncoded: 0 });
    expect(run2.stats.layersCached.sort()).toEqual(Object.keys(UNITS).sort());
    expect(second.stderr).toMatch(/image pass: reused cached image embeddings and activations of 3 layer\(s\) for 120 images/);
    expect(run2.layers.map((l) => l.firstLabels)).toEqual(run1.layers.map((l) => l.firstLabels));

    // A run that died while scoring (left 'running' with one layer written) is resumed, not
    // restarted: the layer it holds is kept and only the others are scored.
    const interrupted = await withStore(env, async (store) => {
      const [done] = await store.runs.list();
      const input = {
        modelId: done!.modelId,
        clipModelId: done!.clipModelId,
        probeSetId: done!.probeSetId,
        conceptSetId: done!.conceptSetId,
        parameters: {
          method: 'clip-dissect',
          similarity: 'soft_wpmi',
          params: done!.params as Record<string, unknown>,
          pool: 'avg' as const,
          activationKey: done!.activationKey ?? undefined,
          device: 'cpu',
        },
      };
      const runId = await store.runs.begin(input);
      await store.runs.writeLayer(runId, {
        layer: { name: 'conv1', kind: 'conv', units: 8 },
        labels: Array.from({ length: 8 }, () => [{ concept: 0, score: 42 }]),
        topImages: Array.from({ length: 8 }, () => [{ ordinal: 0, activation: 1 }]),
      });
      return runId;
    });
    const resumed = await atlas(dissectArgs('toy:120:7', ['--batch', '16']), env);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming run ${interrupted}: 1 of 3 layer\\(s\\) already written`));
    expect(parse(resumed.stdout)).toMatchObject({ runId: interrupted, stats: { resumedRun: true, imagesComputed: 0 } });
    await withStore(env, async (store) => {
      expect((await store.runs.list()).map((r) => r.id).sort()).toEqual([run1.runId, run2.runId, interrupted].sort());
      const scores = await rows(store, `SELECT l.name, max(nl.score) AS s FROM neuron_labels nl JOIN neurons n ON n.id = nl.neuron_id
        JOIN layers l ON l.id = n.layer_id WHERE nl.run_id = ${interrupted} GROUP BY l.name ORDER BY l.name`);
      expect(scores.map((r) => [r.name, Number(r.s) === 42])).toEqual([['conv1', true], ['fc', false], ['layer2', false]]);
    });

    // A new concept set reuses the image pass and encodes only the concepts not seen before.
    const words = join(env.ATLAS_CACHE_DIR!, '..', 'words.txt');
    writeFileSync(words, ['red', 'circle', 'zebra', 'lighthouse', 'red'].join('\n'));
    const third = await atlas(dissectArgs('toy:120:7', [], words), env);
    expect(third.code).toBe(0);
    const run3 = parse(third.stdout);
    expect(run3.stats).toMatchObject({ imagesComputed: 0, concepts: 4, conceptsEncoded: 2 });
    expect(third.stderr).toMatch(/dropped 1 duplicate/);

    // Another pool mode: the stored (average-pooled) activations are not reused; the image
    // embeddings are. The run and the activations it stores carry the new key.
    const maxPool = await atlas(dissectArgs('toy:120:7', ['--pool', 'max']), env);
    expect(maxPool.code).toBe(0);
    const run4 = parse(maxPool.stdout);
    expect(run4.stats).toMatchObject({ imageEmbeddingsCached: true, layersCached: [] });
    expect(run4.stats.imagesComputed).toBe(120);
    await withStore(env, async (store) => {
      const keys = await rows(store, `SELECT DISTINCT r.id, r.pool, r.activation_key AS k FROM dissection_runs r WHERE r.id IN (${run1.runId}, ${run4.runId}) ORDER BY r.id`);
      expect(keys.map((r) => r.pool)).toEqual(['avg', 'max']);
      expect(keys[0]!.k).not.toBe(keys[1]!.k);
      const stored = await rows(store, `SELECT DISTINCT activation_key AS k FROM activations`);
      expect(stored.map((r) => r.k)).toEqual([keys[1]!.k]);
    });
  });

  it('continues from the checkpoint after SIGKILL, and the killed run never becomes visible', async ({ onTestFinished }) => {
    const { env } = await tempEnv();
    const args = dissectArgs('toy:160:3', ['--batch', '8', '--quiet']);
    const checkpoints = join(env.ATLAS_CACHE_DIR!, 'checkpoints');
    const progress = (): number => {
      const dir = readdirSync(checkpoints)[0]!;
      return (JSON.parse(readFileSync(join(checkpoints, dir, 'progress.json'), 'utf8')) as { done: number }).done;
    };
    // The child commits the batch that reaches 40 images, says so and stops itself; the kill
    // lands there, not wherever a timer happened to fire.
    const child = spawnAtlas(args, { ...env, ATLAS_TEST_HALT_AFTER_IMAGES: '40' });
    onTestFinished(() => void child.child.kill('SIGKILL'));
    const halt = await child.stderrLine(/test halt with \d+ images in the checkpoint/);
    child.child.kill('SIGKILL');
    const killed = await child.done;
    expect(killed.signal).toBe('SIGKILL');
    const doneBefore = progress();
    expect(halt).toContain(`with ${doneBefore} images`);
    expect(doneBefore).toBeGreaterThanOrEqual(40);
    expect(doneBefore).toBeLessThan(160);

    const again = await atlas(args, env);
    expect(again.stderr).not.toMatch(/atlas:/);
    expect(again.code).toBe(0);
    const run = parse(again.stdout);
    expect(again.stderr).toMatch(new RegExp(`continuing from checkpoint, ${doneBefore} of 160 images already done`));
    expect(run.stats.imagesFromCheckpoint).toBe(doneBefore);
    expect(run.stats.imagesComputed).toBe(160 - doneBefore);
    expect(existsSync(checkpoints) && readdirSync(checkpoints).length).toBeFalsy();
    await withStore(env, async (store) => {
      expect((await store.runs.list()).map((r) => r.id)).toEqual([run.runId]);
      const [probeSet] = await rows(store, `SELECT id FROM probe_sets`);
      const [clipRow] = await rows(store, `SELECT id FROM clip_models`);
      const emb = (await store.embeddings.images(Number(probeSet!.id), Number(clipRow!.id)))!;
      // Rows on both sides of the kill are right.
      for (const i of [doneBefore - 1, doneBefore, 159]) {
        expectClose(emb.data.subarray(i * emb.cols, (i + 1) * emb.cols), await directClipRow(i, 3));
      }
    });
  });
});
