/** The job summary: version, tags and labels as Markdown. */
import { cell, code, heading, table } from '../common/summary.js';
import type { MetaResult } from './result.js';

export function summaryMarkdown(result: MetaResult): string {
  const lines = [heading('Docker metadata'), '', `Version: ${code(result.version) || '_none_'}`, ''];
  if (result.tags.length) {
    lines.push(
      ...table(
        ['Tags'],
        result.tags.map(t => [code(t)])
      ),
      ''
    );
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
  const labels = result.labels.map(label => {
    const at = label.indexOf('=');
    return [code(label.slice(0, at)), cell(label.slice(at + 1))];
  });
  lines.push(...table(['Label', 'Value'], labels), '');
  return lines.join('\n');
}
