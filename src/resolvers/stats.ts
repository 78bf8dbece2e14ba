/** Resolvers of src/schema/stats.graphql: a neuron's activation statistics. */
import type { Resolvers } from '../generated/graphql.js';
import { histogramOf, quantilesOf } from '../services/neuron-stats.js';
import { badInput, coded, notFound } from './errors.js';

/** Most quantiles one `quantiles(p:)` returns (percentiles and both ends). */
export const MAX_QUANTILES = 101;
/** Most histogram bins. */
export const MAX_BINS = 200;

export const statsResolvers: Resolvers = {
  Neuron: {
    stats: (n, _a, ctx) => coded(() => ctx.stats.of(n)),
  },
  NeuronStats: {
    probeSet: async (s, _a, ctx) => {
      const set = await ctx.browse.probeSet(s.probeSetId);
      if (!set) throw notFound(`the probe set of these statistics is missing`);
      return set;
    },
    quantiles: (s, args) => {
      const ps = args.p ?? [];
      if (ps.length > MAX_QUANTILES) throw badInput(`\`p\` lists ${ps.length} probabilities, at most ${MAX_QUANTILES} are allowed`, 'p');
      const bad = ps.find((p) => !(p >= 0 && p <= 1));
      if (bad !== undefined) throw badInput(`\`p\` must hold probabilities in [0, 1], got ${bad}`, 'p');
      return quantilesOf(s, ps);
    },
    histogram: (s, args) => {
      const bins = args.bins ?? 20;
      if (!Number.isInteger(bins) || bins < 1 || bins > MAX_BINS) throw badInput(`\`bins\` must be 1 to ${MAX_BINS}, got ${bins}`, 'bins');
      return histogramOf(s, bins);
    },
  },
};
