/**
 * Per-neuron activation statistics from the stored activations of its layer: over the probe set of
 * the run whose labels the neuron shows (with that run's activation key), else over the newest
 * probe set holding activations of every image for the layer. A request's neurons of one layer
 * share one matrix load (a DataLoader per request, like the browse reads), and the matrix stays
 * in the store's cache while its rows are unchanged.
 */
import DataLoader from 'dataloader';
import { histogram, quantile, unitStats, type HistogramBin, type UnitStats } from '../compute/stats/index.js';
import type { Matrix } from '../core/types.js';
import type { AtlasStore } from '../db/atlas-store.js';
import type { NeuronView } from './browse.js';

export interface NeuronStats extends UnitStats {
  probeSetId: number;
}

interface MatrixKey {
  layer: { id: number; modelId: number; name: string };
  /** The run's probe set and activation key, or null: the newest probe set with activations. */
  probeSetId: number | null;
  activationKey: string | null;
}

const keyString = (k: MatrixKey): string => `${k.layer.id}:${k.probeSetId ?? '-'}:${k.activationKey ?? ''}`;

export class NeuronStatsService {
  constructor(private readonly store: AtlasStore) {}

  forRequest(): NeuronStatsReads {
    return new NeuronStatsReads(this.store);
  }
}

/** One request's statistics reads: one activation matrix load per (layer, probe set) however many neurons ask. */
export class NeuronStatsReads {
  readonly #matrices: DataLoader<MatrixKey, { probeSetId: number; matrix: Matrix } | null, string>;

  constructor(store: AtlasStore) {
    this.#matrices = new DataLoader(
      (keys) =>
        Promise.all(
          keys.map(async (k) => {
            const candidates = k.probeSetId !== null ? [k.probeSetId] : await store.embeddings.probeSetsWithActivations(k.layer.id);
            for (const probeSetId of candidates) {
              const matrix = await store.embeddings.cachedActivations(k.layer, probeSetId, k.activationKey);
              if (matrix) return { probeSetId, matrix };
            }
            return null;
          }),
        ),
      { cacheKeyFn: keyString },
    );
  }

  /** The neuron's statistics, or null when no probe set holds activations of its layer (imported atlases). */
  async of(n: NeuronView): Promise<NeuronStats | null> {
    const run = n.run;
    // A run with its own probe set reads the activations it was labelled from; others take the newest.
    const own = run?.probeSetId != null ? { probeSetId: run.probeSetId, activationKey: run.activationKey } : { probeSetId: null, activationKey: null };
    let found = await this.#matrices.load({ layer: n.layer, ...own });
    // A run whose activations were replaced since (another pool mode) falls back to what is stored.
    if (!found && own.probeSetId !== null) found = await this.#matrices.load({ layer: n.layer, probeSetId: null, activationKey: null });
    if (!found || n.unit >= found.matrix.cols) return null;
    return { ...unitStats(found.matrix, n.unit), probeSetId: found.probeSetId };
  }
}

/** The activation quantiles of `s` at probabilities `ps` (see compute/stats' quantile). */
export function quantilesOf(s: NeuronStats, ps: readonly number[]): { p: number; value: number }[] {
  return ps.map((p) => ({ p, value: quantile(s.sorted, p) }));
}

/** `bins` equal-width bins from min to max (see compute/stats' histogram). */
export function histogramOf(s: NeuronStats, bins: number): HistogramBin[] {
  return histogram(s.sorted, bins);
}
