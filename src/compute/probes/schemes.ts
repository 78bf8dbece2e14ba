/**
 * Probe sets that are generated rather than read from disk (such as the toy world's `toy:N:SEED`)
 * register a scheme here, so that compute resolves them without knowing who generates them.
 */
import type { ProbeSet } from './types.js';

export interface ProbeScheme {
  /** The prefix before the first colon of a spec, e.g. `toy` for `toy:500:42`. */
  readonly name: string;
  /** The probe set a spec `NAME:...` names (throws a message naming the spec when malformed). */
  resolve(spec: string): ProbeSet | Promise<ProbeSet>;
}

const schemes = new Map<string, ProbeScheme>();

/** Adds (or replaces, so registering twice is harmless) the scheme for specs `NAME:...`. */
export function registerProbeScheme(scheme: ProbeScheme): void {
  schemes.set(scheme.name, scheme);
}

/** The registered scheme a spec starts with, if any. */
export function probeSchemeOf(spec: string): ProbeScheme | undefined {
  const colon = spec.indexOf(':');
  return colon > 0 ? schemes.get(spec.slice(0, colon)) : undefined;
}
