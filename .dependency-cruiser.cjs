/**
 * The dependency rule of docs/architecture (checked by `npm run lint`):
 *
 *   cli, resolvers -> services -> compute, db -> core
 *
 * with the toy world beside compute (it registers itself in compute's registries), the pure
 * importers/exporters formats beside core, server as the composition root for serving, and no
 * import cycles anywhere. Type-only imports count: a layer's types are part of its surface.
 */

/** What each folder of src/ may import besides itself (and node or npm modules). */
const allowed = {
  core: [],
  compute: ['core'],
  toyworld: ['compute', 'core'],
  importers: ['core'],
  exporters: ['core'],
  db: ['core'],
  services: ['compute', 'db', 'toyworld', 'importers', 'exporters', 'core'],
  resolvers: ['services', 'core', 'generated'],
  // Generated resolver types name the resolvers' parent types (codegen mappers).
  generated: ['resolvers', 'core'],
  server: ['resolvers', 'services', 'core'],
  cli: ['services', 'core', 'server'],
};

const layerRules = Object.entries(allowed).map(([layer, deps]) => ({
  name: `${layer}-imports`,
  comment: `src/${layer} may import only ${deps.length ? deps.map((d) => `src/${d}`).join(', ') : 'nothing else in src'} (see the layer rule above)`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: '^src/', pathNot: `^src/(${[layer, ...deps].join('|')})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'unknown-folder',
      comment: 'every module of src/ lives in one of the layers above',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${Object.keys(allowed).join('|')})/` },
      to: {},
    },
    {
      name: 'no-raw-db-handle',
      comment: 'the database handle behind a store is for tests and benchmarks; src/ goes through the repositories',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/db/atlas-store\\.ts$' },
      to: { path: '^src/db/inspect\\.ts$' },
    },
    {
      name: 'resolvers-no-store',
      comment:
        'resolvers reach the atlas only through the services in the GraphQL context (its plain reads: services/browse.ts); they may not open an atlas or name its store (services/atlas.ts), nor touch seed snapshots',
      severity: 'error',
      from: { path: '^src/resolvers/' },
      to: { path: '^src/services/(atlas|seed)\\.ts$|^src/services/default-atlas/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only ones included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^src/(generated|schema)/.*\\.(graphql|json)$' },
  },
};
