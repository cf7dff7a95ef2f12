/**
 * moment.js format tokens (English locale): month and day names, ordinals, the locale (Sunday, 1st
 * week holds Jan 1st) and ISO week numbering, eras, offsets and zone names.
 */
import { zoneAbbreviation } from './zone-abbr.js';
import { zonedTime, type ZonedTime } from './zoned-time.js';

const MONTHS = 'January February March April May June July August September October November December'.split(
  ' '
);
const DAYS = 'Sunday Monday Tuesday Wednesday Thursday Friday Saturday'.split(' ');

const pad = (n: number, width: number): string => {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
};

export function ordinal(n: number): string {
  const b = n % 10;
  const suffix =
    Math.trunc((n % 100) / 10) === 1 ? 'th' : b === 1 ? 'st' : b === 2 ? 'nd' : b === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function dayOfYear(t: ZonedTime): number {
  return Math.round((Date.UTC(t.year, t.month, t.day) - Date.UTC(t.year, 0, 1)) / 864e5) + 1;
}

function firstWeekOffset(year: number, dow: number, doy: number): number {
  const fwd = 7 + dow - doy;
  const fwdlw = (7 + new Date(Date.UTC(year, 0, fwd)).getUTCDay() - dow) % 7;
  return -fwdlw + fwd - 1;
}

function weeksInYear(year: number, dow: number, doy: number): number {
  const days = isLeap(year) ? 366 : 365;
  return (days - firstWeekOffset(year, dow, doy) + firstWeekOffset(year + 1, dow, doy)) / 7;
}

/** Week number and week-year, moment's weekOfYear (dow/doy: 0/6 for the English locale, 1/4 for ISO). */
export function weekOfYear(t: ZonedTime, dow: number, doy: number): { week: number; year: number } {
  const week = Math.floor((dayOfYear(t) - firstWeekOffset(t.year, dow, doy) - 1) / 7) + 1;
  if (week < 1) return { week: week + weeksInYear(t.year - 1, dow, doy), year: t.year - 1 };
  const weeks = weeksInYear(t.year, dow, doy);
  if (week > weeks) return { week: week - weeks, year: t.year + 1 };
  return { week, year: t.year };
}

function offsetString(minutes: number, sep: string): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.trunc(abs / 60), 2)}${sep}${pad(abs % 60, 2)}`;
}

function zoneName(t: ZonedTime): string {
  const jan = zonedTime(new Date(Date.UTC(t.year, 0, 1)), t.zone).offset;
  const jul = zonedTime(new Date(Date.UTC(t.year, 6, 1)), t.zone).offset;
  return zoneAbbreviation(t.zone, t.intlName, t.offset, jan !== jul && t.offset === Math.max(jan, jul));
}

function hour12(t: ZonedTime): number {
  return t.hour % 12 || 12;
}

const era = (t: ZonedTime) =>
  t.year >= 1
    ? { abbr: 'AD', name: 'Anno Domini', year: t.year }
    : { abbr: 'BC', name: 'Before Christ', year: 1 - t.year };

export const TOKEN_FUNCTIONS: Record<string, (t: ZonedTime) => string> = {
  M: t => String(t.month + 1),
  Mo: t => ordinal(t.month + 1),
  MM: t => pad(t.month + 1, 2),
  MMM: t => MONTHS[t.month].slice(0, 3),
  MMMM: t => MONTHS[t.month],
  Q: t => String(Math.ceil((t.month + 1) / 3)),
  Qo: t => ordinal(Math.ceil((t.month + 1) / 3)),
  D: t => String(t.day),
  Do: t => ordinal(t.day),
  DD: t => pad(t.day, 2),
  DDD: t => String(dayOfYear(t)),
  DDDo: t => ordinal(dayOfYear(t)),
  DDDD: t => pad(dayOfYear(t), 3),
  d: t => String(t.weekday),
  do: t => ordinal(t.weekday),
  dd: t => DAYS[t.weekday].slice(0, 2),
  ddd: t => DAYS[t.weekday].slice(0, 3),
  dddd: t => DAYS[t.weekday],
  e: t => String(t.weekday),
  E: t => String(t.weekday || 7),
  w: t => String(weekOfYear(t, 0, 6).week),
  wo: t => ordinal(weekOfYear(t, 0, 6).week),
  ww: t => pad(weekOfYear(t, 0, 6).week, 2),
  W: t => String(weekOfYear(t, 1, 4).week),
  Wo: t => ordinal(weekOfYear(t, 1, 4).week),
  WW: t => pad(weekOfYear(t, 1, 4).week, 2),
  Y: t => (t.year <= 9999 ? pad(t.year, 4) : `+${t.year}`),
  YY: t => pad(t.year % 100, 2),
  YYYY: t => (t.year <= 9999 ? pad(t.year, 4) : `+${t.year}`),
  YYYYY: t => pad(t.year, 5),
  YYYYYY: t => `${t.year >= 0 ? '+' : '-'}${pad(Math.abs(t.year), 6)}`,
  gg: t => pad(weekOfYear(t, 0, 6).year % 100, 2),
  gggg: t => pad(weekOfYear(t, 0, 6).year, 4),
  ggggg: t => pad(weekOfYear(t, 0, 6).year, 5),
  GG: t => pad(weekOfYear(t, 1, 4).year % 100, 2),
  GGGG: t => pad(weekOfYear(t, 1, 4).year, 4),
  GGGGG: t => pad(weekOfYear(t, 1, 4).year, 5),
  N: t => era(t).abbr,
  NN: t => era(t).abbr,
  NNN: t => era(t).abbr,
  NNNN: t => era(t).name,
  NNNNN: t => era(t).abbr,
  y: t => String(era(t).year),
  yo: t => ordinal(era(t).year),
  yy: t => pad(era(t).year, 2),
  yyy: t => pad(era(t).year, 3),
  yyyy: t => pad(era(t).year, 4),
  a: t => (t.hour < 12 ? 'am' : 'pm'),
  A: t => (t.hour < 12 ? 'AM' : 'PM'),
  H: t => String(t.hour),
  HH: t => pad(t.hour, 2),
  h: t => String(hour12(t)),
  hh: t => pad(hour12(t), 2),
  k: t => String(t.hour || 24),
  kk: t => pad(t.hour || 24, 2),
  hmm: t => `${hour12(t)}${pad(t.minute, 2)}`,
  hmmss: t => `${hour12(t)}${pad(t.minute, 2)}${pad(t.second, 2)}`,
  Hmm: t => `${t.hour}${pad(t.minute, 2)}`,
  Hmmss: t => `${t.hour}${pad(t.minute, 2)}${pad(t.second, 2)}`,
  m: t => String(t.minute),
  mm: t => pad(t.minute, 2),
  s: t => String(t.second),
  ss: t => pad(t.second, 2),
  x: t => String(t.epochMs),
  X: t => String(Math.floor(t.epochMs / 1000)),
  z: t => zoneName(t),
  zz: t => zoneName(t),
  Z: t => offsetString(t.offset, ':'),
  ZZ: t => offsetString(t.offset, '')
};
for (let n = 1; n <= 9; n++) {
  TOKEN_FUNCTIONS['S'.repeat(n)] = t => pad(t.ms, 3).padEnd(9, '0').slice(0, n);
}
