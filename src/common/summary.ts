/**
 * The job summary's Markdown, one vocabulary for every stage: a section heading at one level, tables,
 * and cells whose text cannot end a cell, a row or a code span.
 */

/** Text for a table cell: backslashes and pipes escaped, line breaks as spaces. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * Text as inline code in a cell; '' stays ''. Pipes are escaped (a table ends a cell at a bare one,
 * even in a code span) but backslashes are not: a code span shows them as they are. A backtick,
 * which would end the span, becomes '.
 */
export function code(text: string): string {
  return text ? `\`${text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/`/g, "'")}\`` : '';
}

/** A stage's section heading; every stage's section is at this level. */
export function heading(text: string): string {
  return `### ${text}`;
}

/** A part of a stage's section (one package of a prune), one level below. */
export function subheading(text: string): string {
  return `#### ${text}`;
}

const row = (cells: readonly string[]) => `|${cells.map(c => (c ? ` ${c} ` : ' ')).join('|')}|`;

/**
 * A table of cells already escaped (`cell`, `code`); with `maxRows`, the rows after it are counted
 * under the table instead of shown. Lines, no blank line after.
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  maxRows = Infinity
): string[] {
  const shown = rows.slice(0, maxRows).map(row);
  const more = rows.length > maxRows ? ['', `_and ${rows.length - maxRows} more_`] : [];
  return [row(headers), row(headers.map(() => '---')), ...shown, ...more];
}
