/**
 * `atlas import` / `importAtlas`: reads an atlas made by another tool (CLIP-Dissect, MILAN,
 * Network Dissection CSV) and stores it as one complete run of that method. The file is checked
 * completely before anything is written, and the write is one transaction.
 */
import type { AtlasStore } from '../db/atlas-store.js';
import type { ImportOutcome } from '../db/repositories/runs.js';
import { parseAtlasCsv, type ImportFormat } from './formats.js';
import { ImportInputError } from './csv.js';

export { IMPORT_FORMATS, assertImportFormat, layerFromFileName, parseAtlasCsv, type ImportFormat, type ImportedAtlas } from './formats.js';
export { CsvError, ImportInputError } from './csv.js';

/** Largest CSV accepted (the largest published atlas is well under 1 MB). */
export const MAX_IMPORT_BYTES = 32 << 20;

export interface ImportInput {
  format: ImportFormat | string;
  /** CSV text. */
  csv: string;
  /** File name used in messages (and, for Network Dissection, to find the layer). */
  file: string;
  model: string;
  version: string;
  layer?: string;
}

export interface ImportResult extends ImportOutcome {
  format: ImportFormat;
  labels: number;
}

export async function importAtlas(store: AtlasStore, input: ImportInput): Promise<ImportResult> {
  if (Buffer.byteLength(input.csv, 'utf8') > MAX_IMPORT_BYTES) {
    throw new ImportInputError(`${input.file}: larger than the import limit of ${MAX_IMPORT_BYTES >> 20} MiB`);
  }
  const atlas = parseAtlasCsv(input.format, input.csv, input.file, input.layer ? { layer: input.layer } : {});
  const outcome = await store.runs.importLabels(atlas, { model: input.model, version: input.version, source: input.file });
  return { ...outcome, format: atlas.format, labels: atlas.layers.reduce((n, l) => n + l.labels.length, 0) };
}
