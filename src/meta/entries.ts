/**
 * List inputs as metadata-action reads them (one entry per line, `#` comment lines, CSV quoting
 * that may keep several lines in one entry), keeping each entry's line so errors can name it; and
 * the split of one entry into its comma-separated fields.
 */
import { parse } from 'csv-parse/sync';
import { parseRecords, type LineRecord } from '../common/lists.js';
import { InputError } from '../common/runner.js';
import { errorMessage } from '../common/errors.js';

export interface Entry {
  /** The input the entry comes from, e.g. `tags`. */
  input: string;
  /** 1-based line of the input where the entry starts. */
  line: number;
  value: string;
}

/**
 * Without quotes or carriage returns, CSV records are the lines themselves: a shortcut that gives
 * the same entries as csv-parse and spares its cold start on every run.
 */
function plainEntries(input: string, text: string): Entry[] {
  const entries: Entry[] = [];
  text.split('\n').forEach((line, i) => {
    const value = line.startsWith('#') ? '' : line.trim();
    if (value) entries.push({ input, line: i + 1, value });
  });
  return entries;
}

/** Entries of a list input: newline separated, commas kept inside an entry. */
export function parseEntries(input: string, text: string): Entry[] {
  if (text === '') return [];
  if (!/["\r]/.test(text)) return plainEntries(input, text);
  let records: LineRecord[];
  try {
    records = parseRecords(text, '#');
  } catch (err) {
    throw new InputError(`Input "${input}": cannot read the list: ${errorMessage(err)}`, [input]);
  }
  const entries: Entry[] = [];
  for (const { record, info } of records) {
    const value = (record.length === 1 ? record[0] : record.join(',')).trim();
    const newlines = record.join(',').split('\n').length - 1;
    if (value) entries.push({ input, line: info.lines - newlines, value });
  }
  return entries;
}

/** Where an entry came from, for messages: `Input "tags", line 2 ("type=foo")`. */
export function where(entry: Entry): string {
  return `Input "${entry.input}", line ${entry.line} (${JSON.stringify(entry.value)})`;
}

/** An InputError about one entry: names the input, the line and what was expected. */
export function entryError(entry: Entry, message: string): InputError {
  return new InputError(`${where(entry)}: ${message}`, [entry.input]);
}

/** The comma-separated fields of one entry; quotes keep a comma inside a field. */
export function parseFields(entry: Entry): string[] {
  if (!/["\r\n]/.test(entry.value)) return entry.value.split(',');
  try {
    const records = parse(entry.value, { relax_column_count: true, skip_empty_lines: true }) as string[][];
    return (records[0] ?? []).map(field => field.toString());
  } catch (err) {
    throw entryError(entry, `${errorMessage(err)}; expected comma-separated key=value fields, quoted as CSV`);
  }
}

/** A field split at its first `=`: [key (trimmed, lower case), value (trimmed)]; no `=`: [field]. */
export function splitFirst(field: string): [string] | [string, string] {
  const parts = field.split(/(?<=^[^=]+?)=/).map(item => item.trim());
  return parts.length === 1 ? [parts[0]] : [parts[0].toLowerCase(), parts[1]];
}

/**
 * A field split the way metadata-action splits flavor and image fields: at every `=`, keeping only
 * the text between the first and the second one.
 */
export function splitEvery(field: string): [string] | [string, string] {
  const parts = field.split('=').map(item => item.trim());
  return parts.length === 1 ? [parts[0]] : [parts[0].toLowerCase(), parts[1]];
}
