import * as ort from 'onnxruntime-node';

export type Device = 'cpu' | 'cuda';

export interface SessionOptions {
  device?: Device;
  /** onnxruntime intra-op threads; default: let onnxruntime decide (all cores). */
  threads?: number;
}

/**
 * Open an onnxruntime session on the requested device. onnxruntime-node ships the CUDA provider
 * as a separate download, so a missing provider is turned into an error that says what to do.
 */
export async function createSession(path: string, opts: SessionOptions = {}): Promise<ort.InferenceSession> {
  const device = opts.device ?? 'cpu';
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
  };
  if (opts.threads) options.intraOpNumThreads = opts.threads;
  try {
    return await ort.InferenceSession.create(path, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (device === 'cuda' && /cuda|providers_shared|shared library/i.test(message)) {
      throw new Error(
        `--device cuda: the CUDA execution provider of onnxruntime-node is not available (${message.trim()}); ` +
          'install onnxruntime-node with its CUDA binaries (npm install onnxruntime-node --onnxruntime-node-install-cuda=v12) ' +
          'on a machine with an NVIDIA driver and CUDA 12, or use --device cpu',
        { cause: error },
      );
    }
    throw new Error(`cannot load ONNX model ${path}: ${message}`, { cause: error });
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
