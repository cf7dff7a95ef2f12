/** One platform's findings: each package's vulnerabilities with severity and fix, and the counts (pure). */
import { fixedVersion } from './fixed.js';
import type { OsvRecord } from './osv-record.js';
import { recordSeverity, type Rated, type RecordSeverity } from './severity.js';
import type { SbomPackage } from './spdx.js';

export interface Finding {
  id: string;
  aliases: string[];
  summary: string;
  severity: RecordSeverity;
  package: SbomPackage;
  /** The fixed version(s), '' when the record names none. */
  fixed: string;
}

export type Counts = Record<Rated, number>;

export interface PlatformScan {
  platform: string;
  /** Packages looked up (with a purl). */
  packages: number;
  /** Packages without a purl: not looked up. */
  withoutPurl: number;
  findings: Finding[];
  counts: Counts;
}

export const RATED: readonly Rated[] = ['critical', 'high', 'medium', 'low', 'unknown'];

export function emptyCounts(): Counts {
  return { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
}

/** The most severe first; then by score, id and package. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    RATED.indexOf(a.severity.severity) - RATED.indexOf(b.severity.severity) ||
    (b.severity.score ?? -1) - (a.severity.score ?? -1) ||
    a.id.localeCompare(b.id) ||
    a.package.purl.localeCompare(b.package.purl)
  );
}

export function platformFindings(
  platform: string,
  packages: SbomPackage[],
  withoutPurl: number,
  idsByPurl: Map<string, string[]>,
  records: Map<string, OsvRecord>,
  queryOf: (purl: string) => string
): PlatformScan {
  const findings: Finding[] = [];
  for (const pkg of packages) {
    for (const id of idsByPurl.get(queryOf(pkg.purl)) ?? []) {
      const record = records.get(id);
      if (!record) continue;
      findings.push({
        id,
        aliases: (record.aliases ?? []).filter(a => typeof a === 'string'),
        summary: record.summary ?? '',
        severity: recordSeverity(record),
        package: pkg,
        fixed: fixedVersion(record, pkg.purl)
      });
    }
  }
  findings.sort(compareFindings);
  const counts = emptyCounts();
  for (const f of findings) counts[f.severity.severity]++;
  return { platform, packages: packages.length, withoutPurl, findings, counts };
}

/** The counts of several platforms added up. */
export function totalCounts(scans: PlatformScan[]): Counts {
  const total = emptyCounts();
  for (const s of scans) for (const k of RATED) total[k] += s.counts[k];
  return total;
}
