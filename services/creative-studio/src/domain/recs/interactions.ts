/**
 * The interaction file: a purchase log any shop can export, for evaluating the recommender offline.
 *
 *   user,item,timestamp
 *   u-1873,p-0934,2026-11-21T09:15:02Z
 *   u-1873,p-1102,1763716502
 *
 * - UTF-8 CSV with a header. Columns are matched by name, in any order; `user`, `item` and
 *   `timestamp` are required (aliases: user_id/customer_id; item_id/product_id/article_id;
 *   time/date/t_dat, so the H&M `transactions_train.csv` reads as it is). Other columns are ignored.
 * - One purchase per row (a quantity of two is two rows or one; the evaluation counts distinct items).
 * - timestamp: ISO 8601 date or date-time (UTC when no offset is given), or Unix epoch
 *   seconds (below 1e11) or milliseconds.
 * - Fields may be double-quoted ("a, b"; "" for a quote); a field cannot span lines.
 *
 * Rows are read one line at a time, so a log of any size streams through in constant memory
 * (what is kept is the caller's business: see `InteractionLog`).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Interaction {
  user: string;
  item: string;
  /** Epoch milliseconds. */
  at: number;
}

export const INTERACTIONS_HEADER = 'user,item,timestamp';

const ALIASES: Readonly<Record<'user' | 'item' | 'timestamp', readonly string[]>> = {
  user: ['user', 'user_id', 'userid', 'customer_id', 'shopper_id'],
  item: ['item', 'item_id', 'itemid', 'product_id', 'article_id'],
  timestamp: ['timestamp', 'time', 'date', 't_dat', 'placed_at'],
};

export class InteractionFileError extends Error {
  readonly code = 'INVALID_INTERACTION_FILE';
  readonly file: string;
  readonly line: number;
  readonly problem: string;
  constructor(file: string, line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'InteractionFileError';
    this.file = file;
    this.line = line;
    this.problem = problem;
  }
}

/** Splits one CSV line; throws a plain message for the caller to place. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new Error('a quoted field is not closed (fields cannot span lines)');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      if (i < line.length && line[i] !== ',') throw new Error(`unexpected character after a quoted field: ${JSON.stringify(line.slice(i, i + 10))}`);
      out.push(value);
      i++;
    } else {
      const end = line.indexOf(',', i);
      if (end < 0) {
        out.push(line.slice(i));
        break;
      }
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms of a timestamp field, or undefined when it is neither ISO 8601 nor epoch seconds/ms. */
export function parseTimestamp(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) {
    const n = Number(t);
    return n < 1e11 ? n * 1000 : n;
  }
  const m = ISO.exec(t);
  if (!m) return undefined;
  // Without an offset, a date-time is UTC (Date.parse would take it as local time).
  const withZone = t.length > 10 && m[1] === undefined ? `${t.replace(' ', 'T')}Z` : t.replace(' ', 'T');
  const ms = Date.parse(withZone);
  return Number.isFinite(ms) ? ms : undefined;
}

interface Columns {
  user: number;
  item: number;
  timestamp: number;
  count: number;
}

function headerColumns(file: string, header: string): Columns {
  let names: string[];
  try {
    names = splitCsvLine(header.replace(/^\ufeff/, '')).map((n) => n.trim().toLowerCase());
  } catch (err) {
    throw new InteractionFileError(file, 1, `bad header (${(err as Error).message}); expected "${INTERACTIONS_HEADER}"`);
  }
  const find = (key: keyof typeof ALIASES): number => names.findIndex((n) => ALIASES[key].includes(n));
  const cols = { user: find('user'), item: find('item'), timestamp: find('timestamp'), count: names.length };
  const missing = (['user', 'item', 'timestamp'] as const).filter((k) => cols[k] < 0);
  if (missing.length > 0) {
    throw new InteractionFileError(
      file,
      1,
      `header ${JSON.stringify(header.slice(0, 120))} has no ${missing.join(', ')} column; expected "${INTERACTIONS_HEADER}" (a header line is required)`,
    );
  }
  return cols;
}

/** Streams a file's interactions in file order. Every malformed row stops the read with an `InteractionFileError` naming file, line and what was expected. */
export async function* readInteractions(file: string, opts: { onBytes?: (bytesRead: number) => void } = {}): AsyncGenerator<Interaction> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  if (opts.onBytes) {
    const report = opts.onBytes;
    input.on('data', () => report(input.bytesRead));
  }
  let n = 0;
  let cols: Columns | undefined;
  try {
    for await (const raw of lines) {
      n++;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (!cols) {
        if (line.trim() === '') throw new InteractionFileError(file, n, `empty header line; expected "${INTERACTIONS_HEADER}"`);
        cols = headerColumns(file, line);
        continue;
      }
      if (line.trim() === '') continue;
      yield parseRow(file, n, line, cols);
    }
  } finally {
    lines.close();
  }
  if (!cols) throw new InteractionFileError(file, 1, `the file is empty; expected a header "${INTERACTIONS_HEADER}" and one row per purchase`);
}

function parseRow(file: string, n: number, line: string, cols: Columns): Interaction {
  let fields: string[];
  try {
    fields = splitCsvLine(line);
  } catch (err) {
    throw new InteractionFileError(file, n, (err as Error).message);
  }
  if (fields.length !== cols.count) {
    throw new InteractionFileError(file, n, `expected ${cols.count} columns as in the header, found ${fields.length}: ${JSON.stringify(line.slice(0, 120))}`);
  }
  const user = (fields[cols.user] as string).trim();
  const item = (fields[cols.item] as string).trim();
  const ts = fields[cols.timestamp] as string;
  if (user === '') throw new InteractionFileError(file, n, 'user is empty; expected a user id');
  if (item === '') throw new InteractionFileError(file, n, 'item is empty; expected an item id');
  const at = parseTimestamp(ts);
  if (at === undefined) {
    throw new InteractionFileError(file, n, `timestamp ${JSON.stringify(ts)} is not an ISO 8601 date/date-time or epoch seconds/milliseconds`);
  }
  return { user, item, at };
}

/** Writes the interaction file format (header, then one row per purchase). */
export function formatInteraction(i: Interaction): string {
  const q = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return `${q(i.user)},${q(i.item)},${new Date(i.at).toISOString()}`;
}

/** Grows by doubling; a million rows cost 8 MB of times instead of a million objects. */
class Column<T extends Int32Array | Float64Array> {
  #data: T;
  readonly #make: (n: number) => T;
  length = 0;
  constructor(make: (n: number) => T) {
    this.#make = make;
    this.#data = make(1024);
  }
  push(v: number): void {
    if (this.length === this.#data.length) {
      const next = this.#make(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.length++] = v;
  }
  get view(): T {
    return this.#data.subarray(0, this.length) as T;
  }
}

/** A purchase log held compactly: ids interned to integers, columns in typed arrays. */
export class InteractionLog {
  readonly users: string[] = [];
  readonly items: string[] = [];
  readonly #userIndex = new Map<string, number>();
  readonly #itemIndex = new Map<string, number>();
  readonly #u = new Column((n) => new Int32Array(n));
  readonly #i = new Column((n) => new Int32Array(n));
  readonly #t = new Column((n) => new Float64Array(n));

  get length(): number {
    return this.#t.length;
  }

  add(x: Interaction): void {
    let u = this.#userIndex.get(x.user);
    if (u === undefined) {
      u = this.users.length;
      this.users.push(x.user);
      this.#userIndex.set(x.user, u);
    }
    let i = this.#itemIndex.get(x.item);
    if (i === undefined) {
      i = this.items.length;
      this.items.push(x.item);
      this.#itemIndex.set(x.item, i);
    }
    this.#u.push(u);
    this.#i.push(i);
    this.#t.push(x.at);
  }

  get userCol(): Int32Array {
    return this.#u.view;
  }
  get itemCol(): Int32Array {
    return this.#i.view;
  }
  get timeCol(): Float64Array {
    return this.#t.view;
  }
}
