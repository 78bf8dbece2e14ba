/**
 * A small RFC 4180 CSV reader that remembers where each record starts, so import errors can name
 * the line and column. (Quoted fields may span lines; `""` inside quotes is a quote.)
 */

export interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
}

/** Input an import cannot use (the caller's fault, not the atlas'). */
export class ImportInputError extends Error {}

export class CsvError extends ImportInputError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number | string | undefined,
    reason: string,
  ) {
    super(`${file}: line ${line}${column === undefined ? '' : `, column ${typeof column === 'number' ? column : column}`}: ${reason}`);
    this.name = 'CsvError';
  }
}

/** Parses CSV text into records (the header is record 0). Blank lines are skipped. */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = src.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let atFieldStart = true;
    let endOfRecord = false;
    while (i < n && !endOfRecord) {
      const ch = src[i]!;
      if (atFieldStart && ch === '"') {
        // Quoted field: runs to the closing quote.
        const quoteLine = line;
        i++;
        let closed = false;
        while (i < n) {
          const c = src[i]!;
          if (c === '"') {
            if (src[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (!closed) throw new CsvError(file, quoteLine, fields.length + 1, 'quoted field is never closed');
        const next = src[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new CsvError(file, line, fields.length + 1, `unexpected ${JSON.stringify(next)} after a closing quote`);
        }
        atFieldStart = false;
        continue;
      }
      if (ch === ',') {
        fields.push(field);
        field = '';
        atFieldStart = true;
        i++;
      } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r' && src[i + 1] === '\n') i++;
        i++;
        line++;
        endOfRecord = true;
      } else {
        if (ch === '"') throw new CsvError(file, line, fields.length + 1, 'a quote inside an unquoted field');
        field += ch;
        atFieldStart = false;
        i++;
      }
    }
    fields.push(field);
    if (fields.length === 1 && fields[0] === '') continue; // blank line
    records.push({ line: startLine, fields });
  }
  return records;
}
