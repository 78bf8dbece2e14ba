// `atlas layers` through the command line, in process (paths relative to the repository root).
import { describe, expect, it } from 'vitest';
import { atlas as runAtlas, type CliResult } from '../support/cli.js';
import { modelPath } from './helpers.js';

const atlas = (...args: string[]): Promise<CliResult> => runAtlas(args);

describe('atlas layers', () => {
  it('prints top-level modules and their children with shapes, kinds and units', async () => {
    const { code, stdout } = await atlas('layers', 'test/fixtures/models/resnet_tiny.onnx');
    expect(code).toBe(0);
    expect(stdout).toContain('input "input" Nx3x32x32');
    expect(stdout).toMatch(/^layer4\s+Relu\s+Nx64x2x2\s+conv\s+64\s+\/layer4\/layer4\.1\/relu_1\/Relu_output_0$/m);
    expect(stdout).toMatch(/^ {2}layer4\.1\s+Relu/m);
    expect(stdout).toMatch(/^fc\s+Gemm\s+Nx10\s+dense\s+10\s+output$/m);
    expect(stdout).not.toContain('layer4.1.conv1');
  });

  it('--all --json lists every level as JSON', async () => {
    const { code, stdout } = await atlas('layers', modelPath('vit_tiny'), '--all', '--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { input: { name: string; dims: (number | null)[] }; layers: { name: string; kind?: string; units?: number; tensor: string }[] };
    expect(parsed.input).toEqual({ name: 'input', dims: [null, 3, 32, 32] });
    const layer = parsed.layers.find((l) => l.name === 'encoder.layers.encoder_layer_1.mlp');
    expect(layer).toMatchObject({ kind: 'token', units: 32, tensor: '/encoder/layers/encoder_layer_1/mlp/mlp.3/Add_output_0' });
  });

  it('fails with the file name for a missing or corrupt model', async () => {
    const missing = await atlas('layers', 'test/fixtures/models/absent.onnx');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ONNX model not found: test/fixtures/models/absent.onnx');
    const corrupt = await atlas('layers', 'test/fixtures/models/cnn_tiny.expected.json');
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain('test/fixtures/models/cnn_tiny.expected.json is not a valid ONNX model');
  });
});
