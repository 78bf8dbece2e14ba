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
  /** Used in error messages. */
  label?: string;
}

/** An InferenceSession for model bytes. `device: 'cuda'` fails with a clear message when the
 *  CUDA execution provider (and its CUDA/cuDNN libraries) is not installed, never silently
 *  falling back to the CPU. */
export async function createSession(bytes: Uint8Array, options: SessionOptions = {}): Promise<ort.InferenceSession> {
  const device = options.device ?? 'cpu';
  const label = options.label ?? 'model';
  if (device !== 'cpu' && device !== 'cuda') throw new Error(`unknown device "${String(device)}"; use cpu or cuda`);
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [device],
    graphOptimizationLevel: 'all',
    // Errors reach the caller as exceptions; keep onnxruntime's own log for fatal ones only.
    logSeverityLevel: 4,
  };
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
    return await ort.InferenceSession.create(bytes, sessionOptions);
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
