import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';

/** Runs `atlas <args>` in this process and collects what it wrote. */
async function atlas(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await runCli(args, { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

describe('runCli', () => {
  it('runs a command in process and writes its output to the given streams', async () => {
    const { code, stdout, stderr } = await atlas('layers', 'test/fixtures/models/cnn_tiny.onnx', '--json', '--no-shapes');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({ model: 'test/fixtures/models/cnn_tiny.onnx', input: { name: 'input' } });
  });

  it('prints help with exit code 0 and lists every command', async () => {
    const { code, stdout } = await atlas('--help');
    expect(code).toBe(0);
    for (const name of ['layers', 'score', 'dissect', 'serve', 'db', 'toyworld']) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it('shows a command\'s own help from its module, also as `help NAME`', async () => {
    const own = await atlas('layers', '--help');
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('--input-size <pixels>');
    expect((await atlas('help', 'layers')).stdout).toBe(own.stdout);
  });

  it('returns 1 with commander\'s message for an unknown command or option, without exiting', async () => {
    const unknown = await atlas('bogus');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'bogus'");
    const option = await atlas('layers', '--bogus', 'x');
    expect(option.code).toBe(1);
    expect(option.stderr).toContain("unknown option '--bogus'");
  });

  it('returns 1 and prints the error of a failing command, prefixed with atlas:', async () => {
    const { code, stderr } = await atlas('layers', 'test/fixtures/models/missing.onnx');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^atlas: .*missing\.onnx/m);
  });
});
