/**
 * Ages such as `30d`, `6 months`, `2 years`, `12h`, `2w`, `30min` or `1 year 6 months`, in
 * milliseconds.
 *
 * The lengths are fixed and calendar-free, so an age means the same on every day of the year:
 * a day is 24 hours, a week 7 days, a month 30 days and a year 365 days. A bare `m` is refused:
 * some tools read it as minutes, others as months, and the two differ by a factor of 43 200.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** 24 hours. */
const DAY = 24 * HOUR;
/** 7 days. */
const WEEK = 7 * DAY;
/** 30 days. */
const MONTH = 30 * DAY;
/** 365 days. */
const YEAR = 365 * DAY;

/** Every accepted spelling of a unit, lower case. */
const UNIT_MS: ReadonlyMap<string, number> = new Map(
  (
    [
      [SECOND, ['s', 'sec', 'secs', 'second', 'seconds']],
      [MINUTE, ['min', 'mins', 'minute', 'minutes']],
      [HOUR, ['h', 'hr', 'hrs', 'hour', 'hours']],
      [DAY, ['d', 'day', 'days']],
      [WEEK, ['w', 'wk', 'wks', 'week', 'weeks']],
      [MONTH, ['mo', 'mos', 'month', 'months']],
      [YEAR, ['y', 'yr', 'yrs', 'year', 'years']]
    ] as const
  ).flatMap(([ms, spellings]) => spellings.map(unit => [unit, ms] as const))
);

const EXPECTED =
  'expected a whole number and a unit (s, min, h, d, w, mo, y or the words: minutes, days, months ...), e.g. 30d or 6 months';

/** One `<number><unit>` part, the unit optionally after spaces; parts may be joined by spaces, commas or "and". */
const PART = /(\d+)\s*([a-z]+)/y;
const SEPARATOR = /(?:\s*,\s*|\s+and\s+|\s*)/y;

/**
 * Parses an age; throws when the text is not one or more `<number><unit>` parts, when a unit is a
 * bare `m`, or when the sum is zero.
 */
export function parseDuration(text: string): number {
  const lower = text.trim().toLowerCase();
  let ms = 0;
  let at = 0;
  let parts = 0;
  while (at < lower.length) {
    if (parts > 0) {
      SEPARATOR.lastIndex = at;
      at += SEPARATOR.exec(lower)![0].length;
    }
    PART.lastIndex = at;
    const part = PART.exec(lower);
    if (!part) throw new Error(EXPECTED);
    const [whole, count, unit] = part;
    if (unit === 'm')
      throw new Error('"m" could mean minutes or months: write "min" for minutes or "mo" for months');
    const unitMs = UNIT_MS.get(unit);
    if (unitMs === undefined) throw new Error(`unknown unit "${unit}"; ${EXPECTED}`);
    ms += Number(count) * unitMs;
    at += whole.length;
    parts++;
  }
  if (parts === 0) throw new Error(EXPECTED);
  if (!Number.isSafeInteger(ms)) throw new Error('is too long');
  if (ms <= 0) throw new Error('must be longer than zero');
  return ms;
}
