/**
 * List inputs as the docker/* actions read them: one item per line, or comma separated, with CSV
 * quoting so that an item may hold a comma ("a,b" stays one item) and `#` comments when asked.
 */
import { parse } from 'csv-parse/sync';

export interface ListOptions {
  /** Keep commas inside a line: one item per line. */
  ignoreComma?: boolean;
  /** A character that starts a comment line. */
  comment?: string;
  /** Quote character; false turns quoting off. */
  quote?: string | false;
}

export function parseList(input: string, opts: ListOptions = {}): string[] {
  if (input === '') return [];
  const records = parse(input, {
    columns: false,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    comment: opts.comment,
    comment_no_infix: opts.comment ? true : undefined,
    quote: opts.quote === false ? null : opts.quote
  }) as string[][];
  const items: string[] = [];
  for (const record of records) {
    if (record.length === 1) {
      items.push(...(opts.ignoreComma ? [record[0]] : record[0].split(',')));
    } else {
      items.push(...(opts.ignoreComma ? [record.join(',')] : record));
    }
  }
  return items.filter(item => item).map(item => item.trim());
}

/** A CSV record of a list input, with where it ends (`info.lines`, 1-based) for errors that name a line. */
export interface LineRecord {
  record: string[];
  info: { lines: number };
}

/** The CSV records of a list input, each with the line it ends on; `comment` starts a comment line. */
export function parseRecords(text: string, comment?: string): LineRecord[] {
  return parse(text, {
    columns: false,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    comment,
    comment_no_infix: comment ? true : undefined,
    info: true
  }) as unknown as LineRecord[];
}

/** Splits one `key=value` field at its first `=`; the key is trimmed and lowercased. */
export function splitField(field: string): [key: string, value: string | undefined] {
  const at = field.indexOf('=');
  if (at < 0) return [field.trim(), undefined];
  return [field.slice(0, at).trim().toLowerCase(), field.slice(at + 1).trim()];
}

/** Parses one line of comma-separated `key=value` attributes, honouring CSV quotes. */
export function parseAttributes(line: string): string[] {
  const records = parse(line, {
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true
  }) as string[][];
  return (records[0] ?? []).map(field => field.toString());
}
