/**
 * Resolvers of src/schema/listing.graphql: concept sets, model deletion, the model version and
 * layer of a page of neurons, and why a neuron has no label. Merged by src/resolvers/index.ts.
 */
import type { Resolvers } from '../generated/graphql.js';
import { coded } from './errors.js';
import { pageSize, MAX_LIST_SIZE, MAX_PAGE_SIZE } from './lookup.js';
import { requireApiKey } from './queries/auth.js';

export const listingResolvers: Resolvers = {
  NeuronOrder: { UNIT: 'unit', SCORE_DESC: 'score_desc', SCORE_ASC: 'score_asc' },

  Query: {
    conceptSets: (_p, args, ctx) =>
      coded(async () => {
        const first = pageSize(args.first, 50, MAX_PAGE_SIZE);
        return ctx.browse.conceptSets(first);
      }),
  },

  Mutation: {
    deleteModel: (_p, args, ctx) =>
      coded(async () => {
        requireApiKey(ctx);
        return ctx.services.models.delete(args.name, args.version);
      }),
  },

  ConceptSet: {
    sample: async (c, args, ctx) => {
      const first = pageSize(args.first, 10, MAX_LIST_SIZE);
      return (await ctx.browse.conceptSample(c.id)).slice(0, first);
    },
  },

  Neuron: {
    unlabelledReason: (n, _a, ctx) => ctx.browse.unlabelledReason(n),
  },
};
