// Worker thread: decodes batches of probe images (decode-batch.ts) so that decoding overlaps
// with inference on the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { READY, decodeBatch, loadRenderer, type DecodeRequest, type DecodeWorkerData } from './decode-batch.js';

// Parallelism comes from the pool of workers; one libvips thread each avoids oversubscription.
sharp.concurrency(1);
sharp.cache(false);

parentPort!.on('message', (req: DecodeRequest) => {
  decodeBatch(req).then(
    (reply) => {
      const transfer = 'tensors' in reply ? reply.tensors.map((t) => t.buffer as ArrayBuffer) : [];
      parentPort!.postMessage(reply, transfer);
    },
    (error: unknown) => parentPort!.postMessage({ id: req.id, error: error instanceof Error ? error.message : String(error) }),
  );
});

await Promise.all(((workerData as DecodeWorkerData | undefined)?.preload ?? []).map(loadRenderer));
parentPort!.postMessage(READY);
