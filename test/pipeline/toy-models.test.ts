import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DissectResult } from '../../src/services/dissect.js';
import { openStore } from '../../src/db/index.js';
import { atlas } from '../support/cli.js';
import { repoRoot, tempEnv } from './helpers.js';
import { databaseOf } from '../../src/db/inspect.js';

const toyTarget = join(repoRoot, 'models/toy/resnet-v1.onnx');
const toyClip = join(repoRoot, 'models/toy/clip');
const haveToyModels = existsSync(toyTarget) && existsSync(join(toyClip, 'onnx/vision_model.onnx'));

describe('atlas dissect on the trained toy-world models', () => {
  // CLIP-Dissect's final-layer check: a classifier's output unit k should be labelled with the
  // name of class k. The toy ResNet classifies the main object's shape; the toy vocabulary
  // holds the shape names among 33 concepts.
  it('labels most output units of the toy ResNet with their own class', async (ctx) => {
    ctx.skip(!haveToyModels, 'needs models/toy/resnet-v1.onnx and models/toy/clip (part of the repository)');
    const { env } = await tempEnv();
    const classes = (JSON.parse(readFileSync(toyTarget.replace(/\.onnx$/, '.json'), 'utf8')) as { classes: string[] }).classes;
    const res = await atlas(
      ['dissect', '--model', toyTarget, '--layers', 'layer4,fc', '--clip', toyClip, '--probe', 'toy:400:2024',
        '--concepts', 'builtin:toy', '--top-n', '1', '--json', '--quiet'],
      env,
    );
    expect(res.stderr).not.toMatch(/atlas:/);
    expect(res.code).toBe(0);
    const result = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as DissectResult;
    const store = await openStore({ dataDir: env.ATLAS_DATA_DIR! });
    try {
      const rows = (
        await databaseOf(store).execute(`SELECT n.unit, nl.text FROM neuron_labels nl JOIN neurons n ON n.id = nl.neuron_id
          JOIN layers l ON l.id = n.layer_id WHERE nl.run_id = ${result.runId} AND l.name = 'fc' AND nl.rank = 0 ORDER BY n.unit`)
      ).rows as { unit: number; text: string }[];
      expect(rows).toHaveLength(classes.length);
      const correct = rows.filter((r) => r.text === classes[r.unit]).length;
      expect(correct).toBeGreaterThanOrEqual(Math.ceil(classes.length * 0.75));
    } finally {
      await store.close();
    }
  });
});
