/** Resolvers of src/schema/activations.graphql: a stored model run on an uploaded image. */
import type { Resolvers } from '../generated/graphql.js';
import { decodeImageArgument } from '../services/image-activations.js';
import { badInput, coded } from './errors.js';
import { pageSize } from './lookup.js';

/** Most units per layer (and concepts) one answer lists. */
export const MAX_IMAGE_UNITS = 100;

export const activationResolvers: Resolvers = {
  Query: {
    imageActivations: (_p, args, ctx) =>
      coded(async () => {
        const first = pageSize(args.first, 10, MAX_IMAGE_UNITS);
        const image = decodeImageArgument(args.image);
        const model = await ctx.browse.model(args.model, args.version);
        const names = args.layers ?? (await ctx.browse.layersOf(model.id)).map((l) => l.name);
        if (names.length === 0) throw badInput('`layers` is empty: name at least one layer, or leave it out for every layer', 'layers');
        if (new Set(names).size !== names.length) throw badInput('`layers` names a layer twice', 'layers');
        const layers = [];
        for (const name of names) {
          const { layer, run } = await ctx.browse.layerRun({ model: model.name, version: model.version, layer: name });
          layers.push({ layer, run });
        }
        const result = await ctx.services.imageActivations.activate(model, layers, image, first);
        return {
          model,
          layers: result.layers.map((l) => ({ layer: l.layer.name, run: l.run, pool: l.pool, units: l.units })),
          concepts: result.concepts,
          clipModel: result.clipModelId === null ? null : ((await ctx.browse.clipModel(result.clipModelId)) ?? null),
          conceptsUnavailable: result.conceptsUnavailable,
        };
      }),
  },
};
