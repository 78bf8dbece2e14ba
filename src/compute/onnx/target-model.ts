/**
 * The network being dissected: an ONNX model whose chosen layers are exposed as extra outputs,
 * run on NCHW float32 batches and reduced to (images x units) activation matrices.
 */
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { LayerRecord, Matrix } from '../../core/types.js';
import { OnnxGraph, type InputInfo, type LayerInfo } from './graph.js';
import { sha256Bytes } from './hash.js';
import { resolveLayer, zeroInput } from './layers.js';
import { kindOfRank, poolActivations, unitsOf, type LayerKind, type PoolMode } from './pooling.js';
import { exposeTensors } from './rewrite.js';
import { createSession, type Device } from './session.js';

export interface TargetModelOptions {
  /** Layers to expose: module paths, exporter scopes or tensor names (see resolveLayer). */
  layers: string[];
  device?: Device;
  /** Spatial reduction of 4-D outputs (default 'avg'). */
  pool?: PoolMode;
  /** onnxruntime intra-op threads (default: onnxruntime's choice). */
  threads?: number;
  /** Whether idle compute threads spin-wait (session.ts). */
  spinning?: boolean;
  /** Input height = width when the model's spatial dims are symbolic (default 224). */
  inputSize?: number;
}

/** A resolved, exposed layer. */
export interface TargetLayer extends LayerRecord {
  /** Canonical name (module path or tensor name); the key in run()/runRaw() results. */
  name: string;
  kind: LayerKind;
  units: number;
  /** Tensor the layer reads. */
  tensor: string;
  /** Op type producing the tensor. */
  opType: string;
  /** Output dims of one image (batch dim dropped), e.g. [512, 7, 7] or [197, 768]. */
  sampleDims: number[];
}

/** A layer's unpooled output for a batch: row-major data with dims [B, ...sampleDims]. */
export interface RawActivation {
  dims: number[];
  data: Float32Array;
}

export class TargetModel {
  private constructor(
    readonly path: string,
    /** sha256 of the ONNX file. */
    readonly fileHash: string,
    /** Image input; `dims` has the batch dim null when dynamic. */
    readonly input: InputInfo & { channels: number; height: number; width: number },
    readonly layers: TargetLayer[],
    readonly pool: PoolMode,
    readonly device: Device,
    private readonly session: InferenceSession,
  ) {}

  /** Read the model, resolve and expose `options.layers`, open an onnxruntime session and
   *  probe it once with a zero image to learn each layer's shape, kind and unit count. */
  static async load(modelPath: string, options: TargetModelOptions): Promise<TargetModel> {
    if (options.layers.length === 0) throw new Error(`no layers requested for ${modelPath}`);
    const pool = options.pool ?? 'avg';
    if (pool !== 'avg' && pool !== 'max') throw new Error(`unknown pool mode "${String(pool)}"; use avg or max`);
    const device = options.device ?? 'cpu';
    const graph = await OnnxGraph.read(modelPath);
    const resolved: LayerInfo[] = [];
    for (const name of options.layers) {
      const layer = resolveLayer(graph, name);
      if (!resolved.some((r) => r.name === layer.name)) resolved.push(layer);
    }
    const session = await createSession(exposeTensors(graph, resolved.map((l) => l.tensor)), {
      device,
      label: modelPath,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.spinning !== undefined ? { spinning: options.spinning } : {}),
    });
    try {
      const { feed, dims } = zeroInput(graph, options.inputSize ?? 224);
      const probe = await session.run(feed, resolved.map((l) => l.tensor));
      const layers = resolved.map((l): TargetLayer => {
        const out = probe[l.tensor]!;
        if (out.type !== 'float32') throw new Error(`layer "${l.name}" of ${modelPath} is ${out.type}, not float32`);
        const full = out.dims.map(Number);
        const kind = kindOfRank(full.length, l.name);
        return { name: l.name, kind, units: unitsOf(full), tensor: l.tensor, opType: l.opType, sampleDims: full.slice(1) };
      });
      const input = { ...graph.input, channels: dims[1]!, height: dims[2]!, width: dims[3]! };
      return new TargetModel(modelPath, sha256Bytes(graph.bytes), input, layers, pool, device, session);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /** Floats in one image: channels x height x width. */
  get imageSize(): number {
    return this.input.channels * this.input.height * this.input.width;
  }

  /** Raw outputs of every layer for `batchSize` NCHW images packed in `batch`. */
  async runRaw(batch: Float32Array, batchSize: number): Promise<Map<string, RawActivation>> {
    const fixedBatch = this.input.dims[0];
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
    if (fixedBatch !== null && fixedBatch !== undefined && fixedBatch !== batchSize) {
      throw new Error(`${this.path} has a fixed batch size of ${fixedBatch}; got a batch of ${batchSize}`);
    }
    if (batch.length !== batchSize * this.imageSize) {
      const { channels: c, height: h, width: w } = this.input;
      throw new Error(
        `input size mismatch for ${this.path}: got ${batch.length} floats for ${batchSize} image(s); ` +
          `input "${this.input.name}" expects ${batchSize} x ${c} x ${h} x ${w} = ${batchSize * this.imageSize}`,
      );
    }
    const dims = [batchSize, this.input.channels, this.input.height, this.input.width];
    const feed = { [this.input.name]: new Tensor('float32', batch, dims) };
    let results: InferenceSession.ReturnType;
    try {
      results = await this.session.run(feed, this.layers.map((l) => l.tensor));
    } catch (error) {
      throw new Error(`onnxruntime failed on ${this.path}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    const out = new Map<string, RawActivation>();
    for (const layer of this.layers) {
      const t = results[layer.tensor]!;
      out.set(layer.name, { dims: t.dims.map(Number), data: t.data as Float32Array });
    }
    return out;
  }

  /** Pooled activations, one (batchSize x units) matrix per layer, keyed by layer name
   *  (TargetLayer.name), in the order the layers were requested. */
  async run(batch: Float32Array, batchSize: number): Promise<Map<string, Matrix>> {
    const raw = await this.runRaw(batch, batchSize);
    const out = new Map<string, Matrix>();
    for (const [name, r] of raw) out.set(name, poolActivations(r.data, r.dims, this.pool, name));
    return out;
  }

  /** Free the onnxruntime session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}
