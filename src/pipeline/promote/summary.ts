/** The job summary of a promotion: source, digest, each registry's tags and what was copied (pure). */
import { type CopyTotals, type TargetPlan, totals } from './plan.js';

export function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export interface PromoteSummary {
  source: string;
  digest: string;
  plans: TargetPlan[];
  /** Where the run found its version tags already (a rerun). */
  rerun?: string;
}

function row(plan: TargetPlan, t: CopyTotals): string {
  const tags = plan.tags.map(x => `\`${x.tag}\`${x.action === 'keep' ? ' (kept)' : ''}`).join(' ');
  const cell = (n: number, bytes: number) => (n ? `${n} (${bytesText(bytes)})` : '0');
  return `| \`${plan.target.image}\` | ${tags} | ${cell(t.mounted, t.mountedBytes)} | ${cell(t.copied, t.copiedBytes)} | ${cell(t.skipped, t.skippedBytes)} | ${t.manifestsPut} |`;
}

export function promoteSummary(s: PromoteSummary): string {
  const lines = [
    '### Promoted',
    '',
    `Source \`${s.source}\`, digest \`${s.digest}\`: no build, the same digest in every registry.`,
    ...(s.rerun ? ['', s.rerun] : []),
    '',
    '| Image | Tags | Blobs mounted | Blobs copied | Blobs already there | Manifests written |',
    '| --- | --- | --- | --- | --- | --- |',
    ...s.plans.map(p => row(p, totals(p))),
    ''
  ];
  return lines.join('\n');
}
