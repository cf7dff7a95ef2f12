/** The job summary: version, tags and labels as Markdown. */
import type { MetaResult } from './main.js';

const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const code = (text: string) => (text ? `\`${cell(text).replace(/`/g, "'")}\`` : '');

export function summaryMarkdown(result: MetaResult): string {
  const lines = ['### Docker metadata', '', `Version: ${code(result.version) || '_none_'}`, ''];
  if (result.tags.length) {
    lines.push('| Tags |', '| --- |', ...result.tags.map(t => `| ${code(t)} |`), '');
  } else {
    lines.push('No tags were generated.', '');
  }
  if (result.held.length) {
    lines.push(
      'Floating tags left on a higher release (floating-tags: highest):',
      '',
      ...result.held.map(h => `- ${code(h.tag)} stays on ${cell(h.heldBy)}`),
      ''
    );
  }
  lines.push('| Label | Value |', '| --- | --- |');
  for (const label of result.labels) {
    const at = label.indexOf('=');
    lines.push(`| ${code(label.slice(0, at))} | ${cell(label.slice(at + 1))} |`);
  }
  lines.push('');
  return lines.join('\n');
}
