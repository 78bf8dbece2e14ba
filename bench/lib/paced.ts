/**
 * An open-loop HTTP load at a fixed rate: request i is due at start + i / rate whether or not
 * earlier ones have been answered (as independent users arrive), and its latency counts from
 * when it was due, so time spent queued behind a slow server is not hidden (no coordinated
 * omission). autocannon's own rate option sends each second's quota as fast as it can and then
 * idles, which measures bursts, not a steady rate.
 */
import { Agent, request } from 'node:http';

export interface PacedResult {
  /** requests answered per second over the run */
  rps: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  requests: number;
  errors: number;
}

export async function pacedLoad(opts: {
  url: string;
  rate: number;
  seconds: number;
  body: (i: number) => string;
  /** most requests in flight at once (sockets); a request due when all are busy waits, and its wait counts */
  maxSockets?: number;
}): Promise<PacedResult> {
  const target = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64 });
  const total = Math.round(opts.rate * opts.seconds);
  const latencies: number[] = [];
  let errors = 0;
  let answered = 0;
  const start = performance.now() + 20;
  const one = (i: number): Promise<void> =>
    new Promise((resolve) => {
      const due = start + (i * 1000) / opts.rate;
      const payload = opts.body(i);
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) errors++;
            latencies.push(performance.now() - due);
            answered++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(payload);
    });

  const inFlight: Promise<void>[] = [];
  let next = 0;
  await new Promise<void>((done) => {
    const tick = (): void => {
      const now = performance.now();
      while (next < total && start + (next * 1000) / opts.rate <= now) inFlight.push(one(next++));
      if (next >= total) return done();
      setTimeout(tick, Math.max(0, start + (next * 1000) / opts.rate - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => Number((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN).toFixed(2));
  return {
    rps: Math.round(answered / elapsed),
    p50_ms: pct(0.5),
    p90_ms: pct(0.9),
    p99_ms: pct(0.99),
    max_ms: pct(1),
    requests: answered,
    errors,
  };
}
