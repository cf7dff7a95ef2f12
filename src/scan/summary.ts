/** The scan's report: a table of counts per platform, the worst findings with their fix (pure). */
import { totalCounts, type PlatformScan } from './findings.js';

/** Findings listed per platform in the summary. */
export const WORST_LISTED = 10;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

export function scanSummary(image: string, digest: string, scans: PlatformScan[]): string {
  const lines = [
    '### Vulnerability scan',
    '',
    `\`${image}@${digest}\`, packages from each platform's SBOM looked up in [OSV](https://osv.dev)`,
    '',
    '| Platform | Packages | Critical | High | Medium | Low | Unknown |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'
  ];
  for (const s of scans) {
    const c = s.counts;
    const packages = `${s.packages}${s.withoutPurl ? ` (+${s.withoutPurl} without purl)` : ''}`;
    lines.push(
      `| ${s.platform} | ${packages} | ${c.critical} | ${c.high} | ${c.medium} | ${c.low} | ${c.unknown} |`
    );
  }
  for (const s of scans) {
    if (s.findings.length === 0) continue;
    lines.push(
      '',
      `#### ${s.platform}: the worst findings`,
      '',
      '| Severity | Vulnerability | Package | Installed | Fixed in |'
    );
    lines.push('| --- | --- | --- | --- | --- |');
    for (const f of s.findings.slice(0, WORST_LISTED)) {
      const score = f.severity.score !== undefined ? ` ${f.severity.score.toFixed(1)}` : '';
      lines.push(
        `| ${f.severity.severity}${score} | [${cell(f.id)}](https://osv.dev/vulnerability/${encodeURIComponent(f.id)}) | ${cell(f.package.name)} | ${cell(f.package.version)} | ${cell(f.fixed) || '—'} |`
      );
    }
    if (s.findings.length > WORST_LISTED)
      lines.push('', `…and ${s.findings.length - WORST_LISTED} more in the SARIF file.`);
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
