/** An instant's calendar fields and UTC offset in an IANA time zone, from Intl. */

/** The calendar fields of an instant as seen in a time zone. */
export interface ZonedTime {
  year: number;
  month: number; // 0-11
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: number; // 0 = Sunday
  offset: number; // minutes east of UTC
  epochMs: number;
  zone: string;
  intlName: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
      era: 'short'
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone (moment-timezone's names are IANA names too). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function zonedTime(date: Date, timeZone: string): ZonedTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(date)) parts[p.type] = p.value;
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  const ms = ((date.getTime() % 1000) + 1000) % 1000;
  const wall = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
    ms
  );
  const utc = new Date(wall);
  const offset = Math.round((wall - date.getTime()) / 60000);
  return {
    year: utc.getUTCFullYear(),
    month: utc.getUTCMonth(),
    day: utc.getUTCDate(),
    hour: utc.getUTCHours(),
    minute: utc.getUTCMinutes(),
    second: utc.getUTCSeconds(),
    ms,
    weekday: utc.getUTCDay(),
    offset,
    epochMs: date.getTime(),
    zone: timeZone,
    intlName: parts.timeZoneName
  };
}
