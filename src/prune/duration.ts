/** Ages such as `30d`, `2w`, `12h`, `90m` or `1w3d`, in milliseconds. */

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
};

/** Parses an age; throws when the text is not one or more `<number><unit>` parts (s, m, h, d, w). */
export function parseDuration(text: string): number {
  const compact = text.replace(/\s+/g, '').toLowerCase();
  if (!/^(\d+[smhdw])+$/.test(compact))
    throw new Error('expected a number and a unit (s, m, h, d, w), e.g. 30d');
  let ms = 0;
  for (const [, n, unit] of compact.matchAll(/(\d+)([smhdw])/g)) ms += Number(n) * UNIT_MS[unit];
  if (ms <= 0) throw new Error('must be longer than zero');
  return ms;
}
