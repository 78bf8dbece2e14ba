/** Seed snapshots of the atlas (seed/atlas.jsonl.gz): written by `atlas db export-seed`, loaded into an empty atlas at start-up. */
import { existsSync } from 'node:fs';
import { config } from '../core/config.js';
import type { AtlasStore } from '../db/index.js';
import { resolveSource } from './paths.js';

export { defaultSeedPath, exportSeed, importSeed, loadSeedIfEmpty } from '../db/seed.js';

/**
 * What the atlas's complete runs lack of what rescoring, search and comparison read, each line
 * naming the model, layers, probe set or CLIP model and how to get it back (empty when nothing).
 */
export async function missingForQueries(store: AtlasStore): Promise<string[]> {
  const lines: string[] = [];
  const clipFolders = new Map<string, string | null>();
  for (const run of await store.embeddings.runCoverage()) {
    const needs: string[] = [];
    if (!run.imageEmbeddings) needs.push(`the ${run.clipModel} image embeddings of probe set ${run.probeSet} (rescoring, image search)`);
    if (run.layersWithoutActivations.length) {
      needs.push(`activations of ${run.layersWithoutActivations.join(', ')} over probe set ${run.probeSet} (rescoring, comparison)`);
    }
    if (run.labelsWithoutEmbeddings > 0) needs.push(`text embeddings of ${run.labelsWithoutEmbeddings} label(s) (search encodes them again on first use)`);
    if (needs.length) lines.push(`${run.model}, run ${run.runId}: no ${needs.join('; no ')}`);
    clipFolders.set(run.clipModel, run.clipSource);
  }
  if (lines.length) {
    lines.push(
      'to restore them, import a snapshot exported with its embeddings (`atlas db export-seed` writes them unless --labels-only), ' +
        'or run `atlas dissect` on those layers again (it stores embeddings and activations)',
    );
  }
  // ATLAS_CLIP stands in for every CLIP model's folder.
  for (const [name, source] of config().clip ? [] : clipFolders) {
    const folder = source ? resolveSource(source) : undefined;
    if (!folder || !existsSync(folder)) {
      lines.push(`CLIP model ${name}: its folder ${source ?? '(unknown)'} is not here; search and rescoring encode text with it: set ATLAS_CLIP to a copy of it`);
    }
  }
  return lines;
}
