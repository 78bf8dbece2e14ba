import cliProgress from 'cli-progress';

export interface Progress {
  /** Advance by `by` units. */
  increment(by?: number): void;
  stop(): void;
}

function formatRate(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2);
}

/**
 * One progress bar per pipeline stage on stderr, with rate and ETA. Off a terminal (logs, CI,
 * tests) it prints a line every few seconds instead of redrawing. `quiet` silences it.
 */
export function startProgress(label: string, total: number, unit: string, opts: { quiet?: boolean; start?: number } = {}): Progress {
  if (opts.quiet || total <= 0) {
    return { increment() {}, stop() {} };
  }
  const began = Date.now();
  const startValue = opts.start ?? 0;
  let value = startValue;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label.padEnd(22)} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
      barsize: 24,
      etaBuffer: 50,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      hideCursor: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, value, { rate: '-' });
  return {
    increment(by = 1) {
      value += by;
      const seconds = (Date.now() - began) / 1000;
      bar.update(value, { rate: seconds > 0 ? formatRate((value - startValue) / seconds) : '-' });
    },
    stop() {
      bar.stop();
    },
  };
}
