/** The job summary: per package, what was (or would be) deleted and why, and what was kept and why. */
import { cell, code, heading, subheading, table as markdownTable } from '../common/summary.js';
import type { PackageReport, PruneResult } from './result.js';
import { shortDigest } from './plan.js';

/** Rows shown per table; the rest is counted. */
const MAX_ROWS = 200;

function tags(list: readonly string[]): string {
  return list.length ? list.map(code).join(' ') : '_untagged_';
}

/** A table of at most MAX_ROWS rows and a blank line; nothing without rows. */
function table(header: string[], rows: string[][]): string[] {
  return rows.length === 0 ? [] : [...markdownTable(header, rows, MAX_ROWS), ''];
}

function packageSection(p: PackageReport, dryRun: boolean): string[] {
  const lines = [subheading(cell(p.repository)), ''];
  if (p.plan.blocked) lines.push(`> [!WARNING]`, `> Nothing deleted: ${cell(p.plan.blocked)}`, '');
  const deleted = dryRun
    ? p.plan.deletions.map(d => ({ ...d, note: '' }))
    : [
        ...(p.outcome?.deleted ?? []).map(d => ({
          ...d,
          note: d.outcome === 'gone' ? ' (already gone)' : ''
        })),
        ...(p.outcome?.placeholder ? [{ ...p.outcome.placeholder, note: '' }] : [])
      ];
  lines.push(`**${dryRun ? 'Would delete' : 'Deleted'}: ${deleted.length}**`, '');
  lines.push(
    ...table(
      ['version', 'digest', 'tags', 'reason'],
      deleted.map(d => [String(d.id), `\`${shortDigest(d.digest)}\``, tags(d.tags), cell(d.reason + d.note)])
    )
  );
  const removals = dryRun ? p.plan.tagRemovals : (p.outcome?.tagsRemoved ?? []);
  if (removals.length) {
    lines.push(`**Tags ${dryRun ? 'to remove' : 'removed'} (the images stay):**`, '');
    lines.push(
      ...table(
        ['tags', 'image', 'reason'],
        removals.map(r => [tags(r.tags), `\`${shortDigest(r.digest)}\``, cell(r.reason)])
      )
    );
  }
  const backlog = p.outcome?.backlog ?? [];
  if (backlog.length)
    lines.push(`**Left for the next run: ${backlog.length}** (${cell(p.outcome?.stop?.message ?? '')})`, '');
  if (p.issues.length) {
    lines.push(`**Verification failed**; restored ${p.restored} versions:`, '');
    lines.push(
      ...table(
        ['tag', 'problem'],
        p.issues.map(i => [code(i.tag), cell(i.problem)])
      )
    );
  }
  // Versions GitHub refused to delete (and their parts) are kept, with GitHub's reason.
  const kept = [...(p.outcome?.skipped ?? []).map(s => ({ ...s.deletion, reason: s.why })), ...p.plan.kept];
  lines.push(`<details><summary>Kept: ${kept.length}</summary>`, '');
  lines.push(
    ...table(
      ['version', 'digest', 'tags', 'kept because'],
      kept.map(k => [String(k.id), `\`${shortDigest(k.digest)}\``, tags(k.tags), cell(k.reason)])
    )
  );
  lines.push('</details>', '');
  return lines;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function pacing(result: PruneResult): string {
  const p = result.pace;
  if (p.writes === 0 && p.limitAnswers === 0) return 'No writes to pace.';
  const limits = p.limitAnswers
    ? `; ${p.limitAnswers} rate-limit ${p.limitAnswers > 1 ? 'answers' : 'answer'}, ${seconds(p.limitWaitMs)} waited after ${p.limitAnswers > 1 ? 'them' : 'it'}`
    : '; no rate-limit answer';
  return (
    `Writes: ${p.writes}, one at a time, ${p.intervalMs} ms apart at the end; ` +
    `${seconds(p.spacingMs)} spent spacing them${limits}.`
  );
}

export function renderSummary(result: PruneResult): string {
  const lines = [
    heading(`Prune${result.dryRun ? ' (dry run: nothing deleted)' : ''}`),
    '',
    `${result.dryRun ? 'Would delete' : 'Deleted'} ${result.deleted.length} versions, kept ${result.keptCount}, ` +
      `${result.dryRun ? 'would remove' : 'removed'} ${result.removedTags.length} tags, backlog ${result.backlog}. ` +
      `API requests: ${result.apiRequests}, registry requests: ${result.registryRequests}.`,
    '',
    pacing(result),
    ''
  ];
  if (result.failure) lines.push(`> [!CAUTION]`, `> ${cell(result.failure)}`, '');
  for (const p of result.packages) lines.push(...packageSection(p, result.dryRun));
  return lines.join('\n');
}
