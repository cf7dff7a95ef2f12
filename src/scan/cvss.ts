/**
 * The base score of a CVSS v3.0 or v3.1 vector (FIRST's specification, section 7: the base metric
 * equations and their weights). A vector without every base metric, or with an unknown value, has
 * no score.
 */

const WEIGHTS = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 }
} as const;
/** Privileges Required weighs more when the scope changes. */
const PR = { U: { N: 0.85, L: 0.62, H: 0.27 }, C: { N: 0.85, L: 0.68, H: 0.5 } } as const;

/** v3.1's Roundup: the smallest one-decimal number at or above x, free of floating-point noise. */
function roundUp31(x: number): number {
  const whole = Math.round(x * 100000);
  return whole % 10000 === 0 ? whole / 100000 : (Math.floor(whole / 10000) + 1) / 10;
}

/** v3.0's round up to one decimal. */
function roundUp30(x: number): number {
  return Math.ceil(x * 10) / 10;
}

function pick<T extends Record<string, number>>(table: T, value: string | undefined): number | undefined {
  return value !== undefined && value in table ? table[value as keyof T] : undefined;
}

/** The base score of a `CVSS:3.x/...` vector, or undefined when it is not one. */
export function cvss3BaseScore(vector: string): number | undefined {
  const m = /^CVSS:3\.([01])\/(.*)$/.exec(vector.trim());
  if (!m) return undefined;
  const metrics = new Map<string, string>();
  for (const part of m[2].split('/')) {
    const [key, value, ...rest] = part.split(':');
    if (!key || value === undefined || rest.length > 0 || metrics.has(key)) return undefined;
    metrics.set(key, value);
  }
  const scope = metrics.get('S');
  if (scope !== 'U' && scope !== 'C') return undefined;
  const av = pick(WEIGHTS.AV, metrics.get('AV'));
  const ac = pick(WEIGHTS.AC, metrics.get('AC'));
  const pr = pick(PR[scope], metrics.get('PR'));
  const ui = pick(WEIGHTS.UI, metrics.get('UI'));
  const c = pick(WEIGHTS.CIA, metrics.get('C'));
  const i = pick(WEIGHTS.CIA, metrics.get('I'));
  const a = pick(WEIGHTS.CIA, metrics.get('A'));
  if ([av, ac, pr, ui, c, i, a].some(v => v === undefined)) return undefined;
  const iss = 1 - (1 - c!) * (1 - i!) * (1 - a!);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  const exploitability = 8.22 * av! * ac! * pr! * ui!;
  if (impact <= 0) return 0;
  const roundUp = m[1] === '1' ? roundUp31 : roundUp30;
  const sum = scope === 'U' ? impact + exploitability : 1.08 * (impact + exploitability);
  return roundUp(Math.min(sum, 10));
}
