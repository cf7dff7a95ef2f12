/** The scan's report: a table of counts per platform, the worst findings with their fix (pure). */
import { cell, code, heading, subheading, table } from '../common/summary.js';
import { totalCounts, type PlatformScan } from './findings.js';

/** Findings listed per platform in the summary. */
export const WORST_LISTED = 10;

export function scanSummary(image: string, digest: string, scans: PlatformScan[]): string {
  const lines = [
    heading('Vulnerability scan'),
    '',
    `${code(`${image}@${digest}`)}, packages from each platform's SBOM looked up in [OSV](https://osv.dev)`,
    '',
    ...table(
      ['Platform', 'Packages', 'Critical', 'High', 'Medium', 'Low', 'Unknown'],
      scans.map(({ platform, packages, withoutPurl, counts: c }) => [
        cell(platform),
        `${packages}${withoutPurl ? ` (+${withoutPurl} without purl)` : ''}`,
        ...[c.critical, c.high, c.medium, c.low, c.unknown].map(String)
      ])
    )
  ];
  for (const s of scans) {
    if (s.findings.length === 0) continue;
    const rows = s.findings.map(f => {
      const score = f.severity.score !== undefined ? ` ${f.severity.score.toFixed(1)}` : '';
      const link = `[${cell(f.id)}](https://osv.dev/vulnerability/${encodeURIComponent(f.id)})`;
      return [
        `${f.severity.severity}${score}`,
        link,
        cell(f.package.name),
        cell(f.package.version),
        cell(f.fixed) || '—'
      ];
    });
    lines.push(
      '',
      subheading(`${s.platform}: the worst findings`),
      '',
      ...table(['Severity', 'Vulnerability', 'Package', 'Installed', 'Fixed in'], rows, WORST_LISTED)
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One log line per platform. */
export function scanLines(scans: PlatformScan[]): string[] {
  return scans.map(s => {
    const c = s.counts;
    const missing = s.withoutPurl ? `; ${s.withoutPurl} without a purl, not looked up` : '';
    return `${s.platform}: ${s.packages} packages, ${s.findings.length} findings (critical ${c.critical}, high ${c.high}, medium ${c.medium}, low ${c.low}, unknown ${c.unknown})${missing}`;
  });
}

export function totalsLine(scans: PlatformScan[]): string {
  const t = totalCounts(scans);
  return `critical ${t.critical}, high ${t.high}, medium ${t.medium}, low ${t.low}, unknown ${t.unknown}`;
}
