/** Creating onnxruntime sessions on the requested device. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

export type Device = 'cpu' | 'cuda';

export interface SessionOptions {
  device?: Device;
  /** Intra-op threads; onnxruntime's default (all cores) when absent. */
  threads?: number;
  /** Used in error messages; the file's path when a path is given. */
  label?: string;
  /**
   * Whether idle compute threads spin-wait for work (onnxruntime's default, true): fastest when
   * inference has the cores to itself, but a process that overlaps inference with other work (a
   * queue worker writing one shard while the next one's pass runs) loses that work's CPU to the spinning.
   */
  spinning?: boolean;
}

/** An InferenceSession for model bytes or an ONNX file. `device: 'cuda'` fails with a clear
 *  message when the CUDA execution provider (and its CUDA/cuDNN libraries) is not installed,
 *  never silently falling back to the CPU. */
export async function createSession(
  model: Uint8Array | string,
  options: SessionOptions = {},
): Promise<ort.InferenceSession> {
  const device = options.device ?? 'cpu';
  const label = options.label ?? (typeof model === 'string' ? model : 'model');
  if (device !== 'cpu' && device !== 'cuda') throw new Error(`unknown device "${String(device)}"; use cpu or cuda`);
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [device],
    graphOptimizationLevel: 'all',
    // Errors reach the caller as exceptions; keep onnxruntime's own log for fatal ones only.
    logSeverityLevel: 4,
  };
  if (options.spinning === false) {
    sessionOptions.extra = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };
  }
  if (options.threads !== undefined) {
    if (!Number.isInteger(options.threads) || options.threads < 1) {
      throw new Error(`threads must be a positive integer, got ${options.threads}`);
    }
    sessionOptions.intraOpNumThreads = options.threads;
  }
  const cudaHint =
    'onnxruntime-node needs its CUDA provider libraries (installed with ' +
    '`npm install onnxruntime-node --onnxruntime-node-install=cuda12`) plus CUDA 12 and cuDNN 9 on the ' +
    'library path; use --device cpu otherwise.';
  if (device === 'cuda' && !cudaProviderInstalled()) {
    throw new Error(`cannot run ${label} on cuda: the CUDA execution provider is not installed. ${cudaHint}`);
  }
  try {
    return typeof model === 'string'
      ? await ort.InferenceSession.create(model, sessionOptions)
      : await ort.InferenceSession.create(model, sessionOptions);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (device === 'cuda') {
      throw new Error(
        `cannot run ${label} on cuda: the CUDA execution provider is not available (${message}). ${cudaHint}`,
        { cause: error },
      );
    }
    throw new Error(`onnxruntime cannot load ${label}: ${message}`, { cause: error });
  }
}

/** Whether onnxruntime-node's CUDA provider library sits next to its native binding. Checked up
 *  front because onnxruntime otherwise logs a long native error before throwing. Platforms whose
 *  layout we do not know are let through to onnxruntime's own check. */
function cudaProviderInstalled(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const root = path.dirname(require.resolve('onnxruntime-node/package.json'));
    const dir = path.join(root, 'bin', 'napi-v6', process.platform, process.arch);
    if (!existsSync(dir)) return true;
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return existsSync(path.join(dir, lib));
  } catch {
    return true;
  }
}

/** Declared input names and shapes of a session (for optional inputs and static dimensions). */
export function inputShapes(session: ort.InferenceSession): Map<string, readonly (number | string)[]> {
  const shapes = new Map<string, readonly (number | string)[]>();
  for (const meta of session.inputMetadata) {
    shapes.set(meta.name, meta.isTensor ? meta.shape : []);
  }
  return shapes;
}
