/**
 * How severe an OSV record is: the highest CVSS v3 base score among its severity entries (the
 * record's and its affected packages'), else the qualitative severity its database or ecosystem
 * gives (`database_specific.severity`, `ecosystem_specific.severity`, Ubuntu's priority).
 */
import { cvss3BaseScore } from './cvss.js';
import type { OsvRecord } from './osv-record.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Rated = Severity | 'unknown';

export interface RecordSeverity {
  severity: Rated;
  /** The CVSS base score it comes from, when it comes from one. */
  score?: number;
  /** Where it comes from: `CVSS_V3`, `database_specific`, ... */
  source: string;
}

/** CVSS's qualitative rating of a base score (0 is none: below every threshold, counted as low). */
export function ratingOf(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

/** The words databases use, on CVSS's scale. */
const WORDS: Record<string, Severity> = {
  critical: 'critical',
  high: 'high',
  important: 'high',
  moderate: 'medium',
  medium: 'medium',
  low: 'low',
  negligible: 'low',
  unimportant: 'low',
  minor: 'low'
};

export function severityWord(value: unknown): Severity | undefined {
  return typeof value === 'string' ? WORDS[value.trim().toLowerCase()] : undefined;
}

/** Whether `a` is at least as severe as `b`. */
export function atLeast(a: Rated, b: Severity): boolean {
  return a !== 'unknown' && SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b);
}

/** The numeric severity code scanning sorts by (`security-severity`): the score, else the rating's middle. */
export function numericSeverity(s: RecordSeverity): string {
  if (s.score !== undefined) return s.score.toFixed(1);
  return { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0', unknown: '0.0' }[s.severity];
}

export function recordSeverity(record: OsvRecord): RecordSeverity {
  const entries = [...(record.severity ?? []), ...(record.affected ?? []).flatMap(a => a.severity ?? [])];
  let best: number | undefined;
  for (const e of entries) {
    if (e?.type !== 'CVSS_V3' || typeof e.score !== 'string') continue;
    const score = cvss3BaseScore(e.score);
    if (score !== undefined && (best === undefined || score > best)) best = score;
  }
  if (best !== undefined) return { severity: ratingOf(best), score: best, source: 'CVSS_V3' };
  const words: [string, unknown][] = [
    ['database_specific', record.database_specific?.severity],
    ...(record.affected ?? []).flatMap((a): [string, unknown][] => [
      ['ecosystem_specific', a.ecosystem_specific?.severity],
      ['database_specific', a.database_specific?.severity]
    ]),
    ...entries.filter(e => e?.type === 'Ubuntu').map((e): [string, unknown] => ['Ubuntu', e.score])
  ];
  let worst: { severity: Severity; source: string } | undefined;
  for (const [source, value] of words) {
    const s = severityWord(value);
    if (s && (!worst || SEVERITIES.indexOf(s) > SEVERITIES.indexOf(worst.severity)))
      worst = { severity: s, source };
  }
  return worst ?? { severity: 'unknown', source: 'none' };
}
