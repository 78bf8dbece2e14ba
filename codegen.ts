import type { CodegenConfig } from '@graphql-codegen/cli';

// `npm run codegen`: resolver types for src/schema/*.graphql into src/generated/, and the explorer's
// typed operations (its `graphql(...)` documents) into web/explorer/src/gql/ (both committed).
const config: CodegenConfig = {
  schema: 'src/schema/*.graphql',
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useIndexSignature: true,
        contextType: '../resolvers/context.js#AtlasContext',
        mappers: {
          Model: '../resolvers/parents.js#ModelParent',
          Layer: '../resolvers/parents.js#LayerParent',
          Neuron: '../resolvers/parents.js#NeuronParent',
          NeuronConnection: '../resolvers/parents.js#NeuronConnectionParent',
          Dissection: '../resolvers/parents.js#DissectionParent',
          ClipModel: '../resolvers/parents.js#ClipModelParent',
          ProbeSet: '../resolvers/parents.js#ProbeSetParent',
          ConceptSet: '../resolvers/parents.js#ConceptSetParent',
          ProbeImage: '../resolvers/queries/parents.js#ProbeImageParent',
          NeuronStats: '../resolvers/parents.js#NeuronStatsParent',
        },
        scalars: { DateTime: 'Date', JSON: 'unknown' },
        enumValues: {
          RunStatus: { RUNNING: 'running', COMPLETE: 'complete', FAILED: 'failed' },
          LayerKind: { conv: 'conv', token: 'token', dense: 'dense' },
          SimilarityFunction: {
            SOFT_WPMI: 'soft_wpmi',
            WPMI: 'wpmi',
            COS_SIMILARITY: 'cos_similarity',
            COS_SIMILARITY_CUBED: 'cos_similarity_cubed',
            RANK_REORDER: 'rank_reorder',
          },
          ImportFormat: { CLIP_DISSECT: 'clip-dissect', MILAN: 'milan', NETDISSECT: 'netdissect' },
          ExportFormat: { CLIP_DISSECT: 'clip-dissect', MILAN: 'milan', NETDISSECT: 'netdissect', JSON: 'json' },
          NeuronOrder: { UNIT: 'unit', SCORE_DESC: 'score_desc', SCORE_ASC: 'score_asc' },
        },
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
      },
    },
    'web/explorer/src/gql/': {
      documents: ['web/explorer/src/**/*.{ts,tsx}', '!web/explorer/src/gql/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Operations as plain strings (no parsed AST in the bundle), enums as string unions.
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
      },
    },
  },
};
export default config;
