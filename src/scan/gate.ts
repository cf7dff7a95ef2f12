/** The gate: findings at or above `scan-fail-on` (pure). */
import type { PlatformScan } from './findings.js';
import type { FailOn } from './inputs.js';
import { atLeast } from './severity.js';

/** Why the gate refuses (findings at or above `failOn`), or undefined when it lets the image pass. */
export function gateProblem(scans: PlatformScan[], failOn: FailOn): string | undefined {
  if (failOn === 'none') return undefined;
  const over = scans.flatMap(s =>
    s.findings.filter(f => atLeast(f.severity.severity, failOn)).map(f => ({ s, f }))
  );
  if (over.length === 0) return undefined;
  const ids = [...new Set(over.map(o => o.f.id))];
  const platforms = [...new Set(over.map(o => o.s.platform))];
  const shown = ids.slice(0, 5).join(', ') + (ids.length > 5 ? `, and ${ids.length - 5} more` : '');
  return `${over.length} finding${over.length === 1 ? '' : 's'} at or above ${failOn} (scan-fail-on) on ${platforms.join(', ')}: ${shown}`;
}
