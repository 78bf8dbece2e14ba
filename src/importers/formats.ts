/**
 * Neuron atlases made by other tools, read into one shape:
 * - CLIP-Dissect: `layer,unit,description,similarity` (units from 0);
 * - MILAN: `layer,unit,description` (units from 0, no score);
 * - Network Dissection: `unit,category,label,score,...`, one file per layer, units from 1.
 * Each may add a `confidence` column (0 to 1, as this atlas exports); labels without one get none.
 * Every problem is reported with the file, line and column; nothing is written here.
 */
import { basename } from 'node:path';
import type { Audience } from '../core/errors.js';
import { CsvError, ImportInputError, parseCsv, type CsvRecord } from './csv.js';

export const IMPORT_FORMATS = ['clip-dissect', 'milan', 'netdissect'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Longest label text accepted (a description longer than this is almost surely a broken file). */
export const MAX_LABEL_LENGTH = 1000;
/**
 * Most units a layer may have (its largest unit + 1): a typo like 999999 must not create a million
 * neurons. The widest layers of usual vision networks have a few thousand units.
 */
export const MAX_UNITS_PER_LAYER = 65_536;
/** Most layers one file may hold. */
export const MAX_LAYERS_PER_FILE = 256;
/**
 * Sparse files are refused: a layer is as wide as its largest unit + 1, and all the layers of a
 * file together may be at most SPARSE_FLOOR units wide, or SPARSE_RATIO units per label when that is
 * more. So a small file creates a few thousand neurons at most, and a complete atlas any number.
 */
export const SPARSE_FLOOR = 4096;
export const SPARSE_RATIO = 16;

export interface ImportedLabel {
  unit: number;
  label: string;
  /** null when the tool gives no score (MILAN). */
  score: number | null;
  /**
   * Probability that the label is right, from an optional `confidence` column (as this atlas
   * exports); null without one: a file holds each unit's best label, not its score row over all
   * concepts, so no confidence can be computed for it.
   */
  confidence: number | null;
  /** Line in the file (for errors found later, e.g. against the atlas). */
  line: number;
}

export interface ImportedLayer {
  name: string;
  /** One more than the largest unit in the file. */
  units: number;
  labels: ImportedLabel[];
}

export interface ImportedAtlas {
  format: ImportFormat;
  /** The method stored with the run. */
  method: string;
  file: string;
  layers: ImportedLayer[];
}

export function assertImportFormat(format: string): ImportFormat {
  if (!(IMPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ImportInputError(`unknown import format '${format}'; expected one of ${IMPORT_FORMATS.join(', ')}`);
  }
  return format as ImportFormat;
}

/** The layer a Network Dissection file is about, from a name ending in `_<layer>.csv`. */
export function layerFromFileName(file: string): string | undefined {
  const m = /_([^_/\\]+)\.csv$/i.exec(basename(file));
  return m?.[1];
}

const COLUMNS: Record<ImportFormat, { required: string[]; score?: string; label: string; layer?: string }> = {
  'clip-dissect': { required: ['layer', 'unit', 'description', 'similarity'], label: 'description', score: 'similarity', layer: 'layer' },
  milan: { required: ['layer', 'unit', 'description'], label: 'description', layer: 'layer' },
  netdissect: { required: ['unit', 'category', 'label', 'score'], label: 'label', score: 'score' },
};

/** Optional column in every format: a label's confidence (0 to 1), as this atlas exports it; empty for none. */
const CONFIDENCE = 'confidence';

export interface ParseOptions {
  /** Layer name for formats that hold one layer (Network Dissection); overrides the file name. */
  layer?: string;
  /** Whose words messages use: GraphQL arguments ('api') or command-line flags ('cli', the default). */
  audience?: Audience;
}

export function parseAtlasCsv(formatName: string, text: string, file: string, opts: ParseOptions = {}): ImportedAtlas {
  const format = assertImportFormat(formatName);
  const records = parseCsv(text, file);
  const header = records[0];
  if (!header) throw new CsvError(file, 1, undefined, 'the file is empty (expected a header line)');
  const spec = COLUMNS[format];
  const names = header.fields.map((f) => f.trim());
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  for (const col of spec.required) {
    if (!index.has(col)) {
      throw new CsvError(
        file,
        header.line,
        undefined,
        `missing column "${col}" for the ${format} format (expected ${spec.required.join(',')}; found ${names.join(',')})`,
      );
    }
  }

  let fixedLayer: string | undefined;
  if (!spec.layer) {
    fixedLayer = opts.layer ?? layerFromFileName(file);
    if (!fixedLayer) {
      throw new ImportInputError(
        opts.audience === 'api'
          ? `${file}: a ${format} file holds one layer: pass \`layer\``
          : `${file}: a ${format} file holds one layer: pass --layer, or name the file <anything>_<layer>.csv`,
        ...(opts.audience === 'api' ? [{ argumentName: 'layer' }] : []),
      );
    }
  }
  // Multi-layer formats: `layer` keeps only that layer's rows.
  const unitBase = format === 'netdissect' ? 1 : 0;

  const byLayer = new Map<string, Map<number, ImportedLabel>>();
  const cell = (r: CsvRecord, col: string): string => r.fields[index.get(col)!] ?? '';
  const where = (col: string) => `${index.get(col)! + 1} (${col})`;
  for (const r of records.slice(1)) {
    if (r.fields.length !== names.length) {
      throw new CsvError(file, r.line, undefined, `${r.fields.length} fields, the header has ${names.length}`);
    }
    const layer = fixedLayer ?? cell(r, spec.layer!).trim();
    if (!layer) throw new CsvError(file, r.line, where(spec.layer!), 'empty layer name');
    if (spec.layer && opts.layer && layer !== opts.layer) continue;

    const unitText = cell(r, 'unit').trim();
    if (!/^\d{1,7}$/.test(unitText)) throw new CsvError(file, r.line, where('unit'), `unit ${JSON.stringify(unitText)} is not a whole number`);
    const rawUnit = Number(unitText);
    if (rawUnit < unitBase) {
      throw new CsvError(file, r.line, where('unit'), `unit ${rawUnit}: ${format} numbers units from ${unitBase}`);
    }
    const unit = rawUnit - unitBase;
    if (unit >= MAX_UNITS_PER_LAYER) {
      throw new CsvError(file, r.line, where('unit'), `unit ${rawUnit} is larger than ${MAX_UNITS_PER_LAYER - 1 + unitBase}, the largest unit a layer may have`);
    }

    const label = cell(r, spec.label).trim();
    // An empty label with no score is a unit left unlabelled (as exports write dead units): skipped.
    if (!label && (!spec.score || cell(r, spec.score).trim() === '')) continue;
    if (!label) throw new CsvError(file, r.line, where(spec.label), 'empty label');
    if (label.length > MAX_LABEL_LENGTH) {
      throw new CsvError(file, r.line, where(spec.label), `label is ${label.length} characters, more than ${MAX_LABEL_LENGTH}`);
    }

    let score: number | null = null;
    if (spec.score) {
      const scoreText = cell(r, spec.score).trim();
      score = scoreText === '' ? NaN : Number(scoreText);
      if (!Number.isFinite(score)) throw new CsvError(file, r.line, where(spec.score), `score ${JSON.stringify(scoreText)} is not a number`);
    }

    let confidence: number | null = null;
    const confidenceText = index.has(CONFIDENCE) ? cell(r, CONFIDENCE).trim() : '';
    if (confidenceText !== '') {
      confidence = Number(confidenceText);
      if (!(confidence >= 0 && confidence <= 1)) {
        throw new CsvError(file, r.line, where(CONFIDENCE), `confidence ${JSON.stringify(confidenceText)} is not a number from 0 to 1`);
      }
    }

    const units = byLayer.get(layer) ?? new Map<number, ImportedLabel>();
    if (!byLayer.has(layer) && byLayer.size >= MAX_LAYERS_PER_FILE) {
      throw new CsvError(file, r.line, spec.layer ? where(spec.layer) : undefined, `layer ${layer} is one more than the ${MAX_LAYERS_PER_FILE} layers a file may hold`);
    }
    byLayer.set(layer, units);
    const earlier = units.get(unit);
    if (earlier) {
      throw new CsvError(file, r.line, where('unit'), `layer ${layer} unit ${rawUnit} already appears on line ${earlier.line}`);
    }
    units.set(unit, { unit, label, score, confidence, line: r.line });
  }
  if (byLayer.size === 0) {
    const why = spec.layer && opts.layer ? `no rows for layer ${opts.layer}` : 'no data rows after the header';
    throw new CsvError(file, header.line, undefined, why);
  }
  const layers: ImportedLayer[] = [...byLayer.entries()].map(([name, units]) => {
    const labels = [...units.values()].sort((a, b) => a.unit - b.unit);
    return { name, units: labels[labels.length - 1]!.unit + 1, labels };
  });
  const labelCount = layers.reduce((n, l) => n + l.labels.length, 0);
  const allowed = Math.max(SPARSE_FLOOR, SPARSE_RATIO * labelCount);
  if (layers.reduce((n, l) => n + l.units, 0) > allowed) {
    // Named at the largest unit of the widest layer: the line that makes the file sparse.
    const widest = layers.reduce((a, b) => (b.units > a.units ? b : a));
    const last = widest.labels[widest.labels.length - 1]!;
    throw new CsvError(
      file,
      last.line,
      where('unit'),
      `unit ${last.unit + unitBase} makes layer ${widest.name} ${widest.units} units wide for ${labelCount} label${labelCount === 1 ? '' : 's'}; ` +
        `a file may create at most ${SPARSE_FLOOR} neurons or ${SPARSE_RATIO} per label (the file is too sparse)`,
    );
  }
  return { format, method: format, file, layers };
}
