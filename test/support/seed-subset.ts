/**
 * A copy of the real default-atlas snapshot (seed/) keeping the runs of some models only, so that a
 * test which needs the default atlas loads (and recomputes activations for) just what it reads.
 * The copy's folder also gets the snapshot's caches file, as a server's ATLAS_SEED expects.
 */
import { copyFileSync, createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { defaultSeedPath } from '../../src/db/seed.js';
import { CACHES_FILE } from '../../src/services/default-atlas/startup.js';

/** Writes the snapshot to `out`, keeping every record but the runs of models not in `models`. */
export async function seedOfModels(out: string, models: readonly string[]): Promise<void> {
  const lines = createInterface({ input: createReadStream(defaultSeedPath).pipe(createGunzip()), crlfDelay: Infinity });
  const gzip = createGzip();
  const file = gzip.pipe(createWriteStream(out));
  const modelKeys = new Set<string>();
  const keptRuns = new Set<string>();
  for await (const text of lines) {
    if (!text.trim()) continue;
    const line = JSON.parse(text) as { type: string; key?: string; model?: string; run?: string; record?: { name?: string } };
    if (line.type === 'model' && models.includes(line.record?.name ?? '')) modelKeys.add(line.key!);
    if (line.type === 'run' && modelKeys.has(line.model ?? '')) keptRuns.add(line.key!);
    const ofRun = line.type === 'run' ? line.key : line.type === 'layerResult' || line.type === 'runComplete' ? line.run : undefined;
    if (ofRun === undefined || keptRuns.has(ofRun)) gzip.write(`${text}\n`);
  }
  gzip.end();
  await once(file, 'close');
  copyFileSync(join(dirname(defaultSeedPath), CACHES_FILE), join(dirname(out), CACHES_FILE));
}
