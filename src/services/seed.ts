/** Seed snapshots of the atlas (seed/atlas.jsonl.gz): written by `atlas db export-seed`, loaded into an empty atlas at start-up. */
export { defaultSeedPath, exportSeed, importSeed, loadSeedIfEmpty } from '../db/seed.js';
