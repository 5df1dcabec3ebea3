import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** A malformed CSV cell or line: names the file, the 1-based line and column, and what was wrong. */
export class CsvError extends Error {
  readonly code = 'FRAUD_DATASET_CSV_INVALID';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number | string,
    readonly problem: string,
  ) {
    super(`${file}:${line}: column ${typeof column === 'number' ? column : JSON.stringify(column)}: ${problem}`);
    this.name = 'CsvError';
  }
}

/**
 * Splits one CSV line (RFC 4180 quoting: `"a ""b"", c"`; no newlines inside quotes, which the
 * dataset format does not need). `where` is for error messages.
 */
export function splitCsvLine(text: string, where: { file: string; line: number }): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) throw new CsvError(where.file, where.line, out.length + 1, 'unterminated quoted field');
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(value);
      if (i === text.length) return out;
      if (text[i] !== ',') throw new CsvError(where.file, where.line, out.length, 'text after a closing quote');
      i += 1;
    } else {
      const c = text.indexOf(',', i);
      if (c === -1) {
        out.push(text.slice(i).trim());
        return out;
      }
      out.push(text.slice(i, c).trim());
      i = c + 1;
    }
  }
}

export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface CsvRow {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * Streams a CSV file with a header row: yields the header first, then every non-empty row, and
 * checks each row has as many cells as the header.
 */
export async function* readCsv(file: string): AsyncGenerator<{ header: readonly string[] } | CsvRow> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let header: string[] | undefined;
  let line = 0;
  for await (const raw of lines) {
    line += 1;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    const cells = splitCsvLine(text, { file, line });
    if (!header) {
      header = cells;
      yield { header };
      continue;
    }
    if (cells.length !== header.length) throw new CsvError(file, line, Math.min(cells.length, header.length) + 1, `expected ${header.length} cells like the header, found ${cells.length}`);
    yield { line, cells };
  }
  if (!header) throw new CsvError(file, 1, 1, 'the file is empty: expected a header row');
}
