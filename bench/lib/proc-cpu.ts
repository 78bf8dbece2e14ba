/**
 * CPU seconds spent by processes, from Linux's /proc (user + system). The search benchmark
 * reports what one request costs the server and a local Postgres, which says more about a run
 * on a shared machine than latency does: a slower or busier machine shows as higher
 * latency at the same CPU per request. Elsewhere (no /proc) the figures are null.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function statOf(pid: number): { comm: string; seconds: number } | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return { comm, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined; // exited meanwhile
  }
}

export interface CpuSnapshot {
  server: number;
  postgres: number;
}

/** CPU seconds so far of `serverPid` and of every process named postgres on this machine; undefined without /proc. */
export function cpuSnapshot(serverPid: number): CpuSnapshot | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  let postgres = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat?.comm === 'postgres') postgres += stat.seconds;
  }
  return { server: statOf(serverPid)?.seconds ?? 0, postgres };
}

/** Milliseconds of CPU per request between two snapshots. */
export function cpuPerRequest(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined, requests: number): CpuSnapshot | undefined {
  if (!before || !after || requests === 0) return undefined;
  const ms = (a: number, b: number) => Number(((1000 * (b - a)) / requests).toFixed(3));
  return { server: ms(before.server, after.server), postgres: ms(before.postgres, after.postgres) };
}
