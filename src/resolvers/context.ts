/**
 * Per-request context: the services, and this request's reads (whose DataLoaders batch the
 * lookups of a page of neurons). It holds no store: resolvers reach the atlas through services.
 */
import type { AtlasServices } from '../services/atlas-services.js';
import type { BrowseReads } from '../services/browse.js';
import type { NeuronStatsReads } from '../services/neuron-stats.js';

export interface AtlasContext {
  /** The use cases (search, rescoring, comparison, imports, ...), built once at start-up. */
  readonly services: AtlasServices;
  /** The API's plain reads (listings and lookups), batched and cached for this request only. */
  readonly browse: BrowseReads;
  /** Per-neuron activation statistics, one matrix load per layer for this request. */
  readonly stats: NeuronStatsReads;
  /** The request's Authorization header, for the query features that write. */
  readonly authorization?: string;
}

export function createContext(services: AtlasServices, extra: { authorization?: string } = {}): AtlasContext {
  return { services, browse: services.browse.forRequest(), stats: services.stats.forRequest(), ...extra };
}
