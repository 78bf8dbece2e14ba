/**
 * CSV records (RFC 4180, read by csv-parse) with the line each record starts on, so import errors
 * can name the line and column. Quoted fields may span lines; `""` inside quotes is a quote;
 * `\r\n`, `\n` and `\r` all end a line, even mixed in one file.
 */
import { BadInputError } from '../core/errors.js';
import { CsvError as CsvParseError, parse } from 'csv-parse/sync';

export interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
}

/** Input an import cannot use (the caller's fault, not the atlas'). */
export class ImportInputError extends BadInputError {}

export class CsvError extends ImportInputError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number | string | undefined,
    reason: string,
  ) {
    super(`${file}: line ${line}${column === undefined ? '' : `, column ${column}`}: ${reason}`);
    this.name = 'CsvError';
  }
}

/** What went wrong, in the words of this project, for csv-parse's error codes. */
function reasonFor(err: CsvParseError, text: string): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'quoted field is never closed';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote inside an unquoted field';
    case 'CSV_INVALID_CLOSING_QUOTE': {
      // csv-parse names the character in its message: `got "y" at line 2 ...`.
      const got = /got "(.*?)" at line/s.exec(err.message)?.[1];
      return got === undefined ? 'unexpected text after a closing quote' : `unexpected ${JSON.stringify(got)} after a closing quote`;
    }
    default:
      // Not expected with the options below; keep csv-parse's words, without its own line number.
      return text;
  }
}

/** Parses CSV text into records (the header is record 0). Blank lines are skipped. */
export function parseCsv(text: string, file: string): CsvRecord[] {
  let lastLine = 0; // line on which the previous record ended
  let header: string[] | undefined;
  const starts: number[] = [];
  try {
    const rows = parse(text, {
      bom: true,
      // The formats check field counts themselves, with the header's count in the message.
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      // Every line belongs to some record (blank lines are one-field records, dropped here), so a
      // record starts on the line after the previous one ended.
      on_record: (fields, info) => {
        const line = lastLine + 1;
        lastLine = info.lines;
        if (fields.length === 1 && fields[0] === '') return null;
        header ??= fields.map((f) => f.trim());
        starts.push(line);
        return fields;
      },
    });
    return rows.map((fields, i) => ({ line: starts[i]!, fields }));
  } catch (err) {
    if (!(err instanceof CsvParseError)) throw err;
    // Quote errors are reported where csv-parse stood; a quote never closed, where its record began.
    const line = err.code === 'CSV_QUOTE_NOT_CLOSED' ? lastLine + 1 : typeof err.lines === 'number' ? err.lines : lastLine + 1;
    const index = typeof err.column === 'number' ? err.column : undefined;
    const name = index === undefined ? undefined : header?.[index];
    const column = index === undefined ? undefined : name ? `${index + 1} (${name})` : index + 1;
    const reason = reasonFor(err, err.message.replace(/\s*at line \d+/, ''));
    throw new CsvError(file, line, column, reason);
  }
}
