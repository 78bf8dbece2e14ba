export { ExportInputError, type ExportSelection, type ExportedAtlas, type ExportedImage, type ExportedLabel, type ExportedLayer } from './atlas.js';
export { EXPORT_FORMATS, assertExportFormat, formatAtlas, type ExportFormat } from './formats.js';
