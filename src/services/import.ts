/**
 * `atlas import` / `importAtlas`: an atlas made by another tool (CLIP-Dissect, MILAN, Network
 * Dissection CSV, read by src/importers) stored as one complete run of that method. The file is
 * checked completely before anything is written, and the write is one transaction. Afterwards
 * the new labels get text embeddings when a CLIP model is configured, so they are searchable.
 */
import { ConflictError, type Audience } from '../core/errors.js';
import type { AtlasStore } from '../db/atlas-store.js';
import { ImportConflictError, type ImportOutcome } from '../db/repositories/runs.js';
import { ImportInputError, MAX_IMPORT_BYTES, parseAtlasCsv, type ImportFormat } from '../importers/index.js';
import type { TextEncoders } from './text-encoders.js';

export { IMPORT_FORMATS, MAX_IMPORT_BYTES } from '../importers/index.js';

export interface ImportInput {
  format: ImportFormat | string;
  /** CSV text. */
  csv: string;
  /** File name used in messages (and, for Network Dissection, to find the layer). */
  file: string;
  model: string;
  version: string;
  layer?: string;
  /** Whose words messages use: GraphQL arguments ('api') or command-line flags ('cli', the default). */
  audience?: Audience;
}

export interface ImportResult extends ImportOutcome {
  format: ImportFormat;
  labels: number;
}

/** Stores a parsed atlas as one complete run (no text encoding: see ImportService.embedLabelsIfConfigured). */
export async function importAtlas(store: AtlasStore, input: ImportInput): Promise<ImportResult> {
  if (Buffer.byteLength(input.csv, 'utf8') > MAX_IMPORT_BYTES) {
    throw new ImportInputError(`${input.file}: larger than the import limit of ${MAX_IMPORT_BYTES >> 20} MiB`);
  }
  // Checked before the file is read; the store would refuse them only as an internal error.
  for (const [name, value] of [['model', input.model], ['version', input.version]] as const) {
    if (!value.trim()) throw new ImportInputError(`\`${name}\` is blank: give the ${name === 'model' ? 'name of the model' : 'model version'} the labels belong to`, { argumentName: name });
  }
  const atlas = parseAtlasCsv(input.format, input.csv, input.file, { ...(input.layer ? { layer: input.layer } : {}), ...(input.audience ? { audience: input.audience } : {}) });
  let outcome: ImportOutcome;
  try {
    outcome = await store.runs.importLabels(atlas, { model: input.model, version: input.version, source: input.file });
  } catch (error) {
    if (error instanceof ImportConflictError) throw new ConflictError(error.message, { cause: error });
    throw error;
  }
  await store.runs.refreshStatistics();
  return { ...outcome, format: atlas.format, labels: atlas.layers.reduce((n, l) => n + l.labels.length, 0) };
}

export class ImportService {
  constructor(
    private readonly store: AtlasStore,
    private readonly encoders: TextEncoders,
  ) {}

  importAtlas(input: ImportInput): Promise<ImportResult> {
    return importAtlas(this.store, input);
  }

  /** Embeds the labels of the atlas under the configured CLIP model (ATLAS_CLIP); returns how many neurons are searchable under it (0 when none is configured). */
  async embedLabelsIfConfigured(log?: (line: string) => void): Promise<number> {
    const clip = await this.encoders.configured().catch((error: unknown) => {
      log?.(`labels not embedded: ${(error as Error).message}`);
      return undefined;
    });
    if (!clip) return 0;
    await this.store.search.refresh(clip.id, clip.dim, {
      embedConcepts: async (texts) => void (await this.encoders.concepts(clip.id, texts, clip.dim)),
      ...(log ? { log } : {}),
    });
    return this.store.search.searchableNeurons(clip.id);
  }
}
