export { ExportInputError, collectExport, type ExportSelection, type ExportedAtlas, type ExportedImage, type ExportedLabel, type ExportedLayer } from './collect.js';
export { EXPORT_FORMATS, assertExportFormat, formatAtlas, type ExportFormat } from './formats.js';
