// Worker thread of the similarity pool (kernel-pool.ts): runs the kernels of kernel.ts on
// requests from the calling thread, on memory the two share.
import { parentPort } from 'node:worker_threads';
import { accBlock, accFinish, accInit, logLikelihoods, simdSoftmaxInto, subtractPriorIn, type Accumulator } from './kernel.js';
import type { KernelReply, KernelRequest } from './kernel-protocol.js';
import { topLabels } from './labels.js';

const port = parentPort!;
/** The accumulator of the onnx engine's neuron group this worker holds (see AccumulatorWorker). */
let acc: Accumulator | null = null;

const reply = (message: KernelReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

function handle(req: KernelRequest): void {
  switch (req.type) {
    case 'acc-init':
      acc = accInit(req.top, req.union, req.c, req.spec, 0, req.place, req.out);
      return reply({ type: 'ack' });
    case 'acc-block': {
      const st = accumulator();
      // A posted view's buffer is a new object: view the accumulator's own memory instead.
      const q = st.memory && req.q.buffer.byteLength === st.memory.byteLength ? new Float32Array(st.memory, req.q.byteOffset, req.q.length) : req.q;
      accBlock(st, q, req.invSum, req.start, req.end);
      return reply({ type: 'ack' });
    }
    case 'acc-softmax': {
      const invSum = simdSoftmaxInto(accumulator(), req.data, req.c, req.ids, req.stageAddress, req.paddedC, req.outAddress, req.a);
      return reply({ type: 'softmax', invSum }, [invSum.buffer as ArrayBuffer]);
    }
    case 'acc-finish':
      accFinish(accumulator()); // into the shared output given to acc-init
      acc = null;
      return reply({ type: 'finished' });
    case 'prior':
      subtractPriorIn(req.l, req.k, req.c, req.lam, req.c0, req.c1, req.place);
      return reply({ type: 'finished' });
    case 'labels':
      return reply({ type: 'labels', labels: topLabels(req.scores, req.k, req.c, req.topN, req.k0, req.k1) });
    case 'loglik': {
      const result = logLikelihoods(req.src, req.top, req.spec, (done, total) => reply({ type: 'progress', done, total }), req.part);
      return reply({ type: 'done', result }, [result.buffer as ArrayBuffer]);
    }
  }
}

function accumulator(): Accumulator {
  if (!acc) throw new Error('no accumulator: acc-init must come first');
  return acc;
}

port.on('message', (req: KernelRequest) => {
  try {
    handle(req);
  } catch (error) {
    reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
