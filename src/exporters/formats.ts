/**
 * An exported atlas as text, in the formats `atlas import` reads (so that other tools, and
 * another atlas, can read ours) plus JSON with every rank and the runs behind the labels:
 * - clip-dissect: `layer,unit,description,similarity,confidence`, units from 0;
 * - milan: `layer,unit,description,confidence`, units from 0;
 * - netdissect: `unit,category,label,score,confidence`, one layer, units from 1 (category left
 *   empty: the atlas does not keep Broden's categories);
 * - json: `{ model, version, layers: [{ name, units, run, neurons: [{ unit, labels, topImages? }] }] }`.
 * The CSV formats hold each neuron's best label only. `confidence` (0 to 1) is an extra column that
 * the other tools ignore and `atlas import` reads back; it is written when some label has one (a
 * file imported without confidences is written back as it came), empty where a label has none.
 */
import { stringify } from 'csv-stringify/sync';
import { optionName, type Audience } from '../core/errors.js';
import { ExportInputError, type ExportedAtlas, type ExportedLayer } from './atlas.js';

export const EXPORT_FORMATS = ['clip-dissect', 'milan', 'netdissect', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function assertExportFormat(format: string): ExportFormat {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ExportInputError(`unknown export format '${format}'; expected one of ${EXPORT_FORMATS.join(', ')}`);
  }
  return format as ExportFormat;
}

/** A layer's best label per neuron; a score is required unless `scoreless` is fine. */
function best(layer: ExportedLayer, format: ExportFormat, needScore: boolean) {
  return layer.neurons.map(({ unit, labels }) => {
    const top = labels[0];
    // A unit the run left unlabelled: an empty label (and score), never a made-up one.
    if (!top) return { unit, label: '', score: '' as const, confidence: '' as const };
    if (needScore && top.score === null) {
      throw new ExportInputError(
        `the labels of layer ${layer.name} come from a ${layer.run.method} run, which has no scores; ` +
          `the ${format} format needs one: export it as milan or json`,
      );
    }
    return { unit, label: top.label, score: top.score, confidence: top.confidence ?? ('' as const) };
  });
}

/** Whether some label of the export has a confidence (its CSV then gets a `confidence` column). */
function hasConfidence(atlas: ExportedAtlas): boolean {
  return atlas.layers.some((l) => l.neurons.some((n) => n.labels.some((x) => x.confidence !== null)));
}

export function formatAtlas(format: ExportFormat, atlas: ExportedAtlas, audience: Audience = 'cli'): string {
  const confident = format !== 'json' && hasConfidence(atlas);
  const withConfidence = (row: (string | number)[], cell: string | number) => (confident ? [...row, cell] : row);
  switch (format) {
    case 'json':
      return `${JSON.stringify(atlas, null, 2)}\n`;
    case 'clip-dissect':
    case 'milan': {
      // csv-stringify quotes a field with a comma, quote or line break (RFC 4180), as the importers read it.
      const scored = format === 'clip-dissect';
      const rows: (string | number)[][] = [withConfidence(scored ? ['layer', 'unit', 'description', 'similarity'] : ['layer', 'unit', 'description'], 'confidence')];
      for (const layer of atlas.layers) {
        for (const n of best(layer, format, scored)) {
          rows.push(withConfidence(scored ? [layer.name, n.unit, n.label, n.score!] : [layer.name, n.unit, n.label], n.confidence));
        }
      }
      return stringify(rows);
    }
    case 'netdissect': {
      if (atlas.layers.length !== 1) {
        throw new ExportInputError(
          `a netdissect file holds one layer, and this export has ${atlas.layers.length} (${atlas.layers.map((l) => l.name).join(', ')}): name one in ${optionName(audience, 'layers', '--layer')}`,
        );
      }
      const rows: (string | number)[][] = [withConfidence(['unit', 'category', 'label', 'score'], 'confidence')];
      for (const n of best(atlas.layers[0]!, format, true)) rows.push(withConfidence([n.unit + 1, '', n.label, n.score!], n.confidence));
      return stringify(rows);
    }
  }
}
