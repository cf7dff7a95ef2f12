/** The build's job summary (pure). */
import { cell, code, heading, table } from '../common/summary.js';
import type { StepCount } from './progress.js';

export interface SummaryFacts {
  tags: string[];
  digest: string;
  platforms: string[];
  pushed: boolean;
  /** Why the image was or was not pushed. */
  pushReason: string;
  durationMs: number;
  buildxMs: number;
  steps: StepCount;
  cache: string;
  retried?: boolean;
  /** The build record's ID, where buildx keeps a history (0.23 and newer). */
  buildRecord?: string;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function buildSummary(f: SummaryFacts): string {
  const rows: [string, string][] = [
    ['Tags', f.tags.length > 0 ? f.tags.map(code).join('<br>') : '(none)'],
    ['Digest', code(f.digest) || '(none)'],
    ['Platforms', f.platforms.length > 0 ? f.platforms.join(', ') : "the builder's default"],
    ['Pushed', `${f.pushed ? 'yes' : 'no'} (${cell(f.pushReason)})${f.retried ? ', on a second try' : ''}`],
    ['Duration', `${seconds(f.durationMs)} (buildx ${seconds(f.buildxMs)})`],
    ['Cached steps', f.steps.total > 0 ? `${f.steps.cached} of ${f.steps.total}` : '0'],
    ['Cache', cell(f.cache)]
  ];
  if (f.buildRecord) rows.push(['Build record', code(`docker buildx history inspect ${f.buildRecord}`)]);
  return summaryTable('Image build', rows);
}

/** A summary section: a heading, then a two-column table of names and values (cells already escaped). */
export function summaryTable(title: string, rows: [string, string][]): string {
  return [heading(title), '', ...table(['', ''], rows), ''].join('\n');
}
