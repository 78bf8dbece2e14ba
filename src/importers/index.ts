/**
 * Atlases made by other tools (CLIP-Dissect, MILAN, Network Dissection CSV), read into plain
 * records; src/services/import.ts stores them.
 */
export { IMPORT_FORMATS, assertImportFormat, layerFromFileName, parseAtlasCsv, type ImportFormat, type ImportedAtlas } from './formats.js';
export { CsvError, ImportInputError } from './csv.js';

/** Largest CSV accepted (the largest published atlas is well under 1 MB). */
export const MAX_IMPORT_BYTES = 32 << 20;
