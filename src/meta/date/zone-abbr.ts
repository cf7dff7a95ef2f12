/**
 * Time zone abbreviations as the tz database (and so moment-timezone's `z` token) spells them.
 * Intl only names North American zones (EST, PDT ...); for the zones people commonly use elsewhere a
 * table gives the standard and summer names, and every other zone gets the tz database's numeric
 * form (+04, -0330).
 */
const CET = ['CET', 'CEST'];
const EET = ['EET', 'EEST'];
const AEST = ['AEST', 'AEDT'];
const NAMED: Record<string, string[]> = {
  'Europe/London': ['GMT', 'BST'],
  'Europe/Dublin': ['GMT', 'IST'],
  'Europe/Lisbon': ['WET', 'WEST'],
  'Atlantic/Canary': ['WET', 'WEST'],
  'Europe/Moscow': ['MSK'],
  'Europe/Istanbul': ['+03'],
  'Asia/Tokyo': ['JST'],
  'Asia/Seoul': ['KST'],
  'Asia/Shanghai': ['CST'],
  'Asia/Taipei': ['CST'],
  'Asia/Hong_Kong': ['HKT'],
  'Asia/Macau': ['CST'],
  'Asia/Kolkata': ['IST'],
  'Asia/Calcutta': ['IST'],
  'Asia/Jerusalem': ['IST', 'IDT'],
  'Asia/Tel_Aviv': ['IST', 'IDT'],
  'Asia/Karachi': ['PKT'],
  'Asia/Manila': ['PST'],
  'Asia/Jakarta': ['WIB'],
  'Australia/Brisbane': ['AEST'],
  'Australia/Adelaide': ['ACST', 'ACDT'],
  'Australia/Darwin': ['ACST'],
  'Australia/Perth': ['AWST'],
  'Pacific/Auckland': ['NZST', 'NZDT'],
  'Pacific/Honolulu': ['HST'],
  'Africa/Johannesburg': ['SAST'],
  'Africa/Lagos': ['WAT'],
  'Africa/Nairobi': ['EAT'],
  'Africa/Cairo': EET,
  'America/St_Johns': ['NST', 'NDT'],
  'America/Halifax': ['AST', 'ADT'],
  'America/Puerto_Rico': ['AST']
};
for (const z of 'Sydney Melbourne Hobart Canberra ACT NSW Victoria Tasmania Currie'.split(' ')) {
  NAMED[`Australia/${z}`] = AEST;
}
for (const z of 'Paris Berlin Madrid Rome Amsterdam Brussels Vienna Zurich Stockholm Oslo Copenhagen Warsaw Prague Budapest Belgrade Bratislava Ljubljana Zagreb Luxembourg Monaco Malta Andorra Tirane Sarajevo Skopje Podgorica Vaduz San_Marino Vatican Gibraltar Busingen'.split(
  ' '
)) {
  NAMED[`Europe/${z}`] = CET;
}
for (const z of 'Athens Helsinki Kiev Kyiv Bucharest Sofia Riga Tallinn Vilnius Chisinau Mariehamn'.split(
  ' '
)) {
  NAMED[`Europe/${z}`] = EET;
}

const numeric = (offset: number): string => {
  const abs = Math.abs(offset);
  const hh = String(Math.trunc(abs / 60)).padStart(2, '0');
  const mm = abs % 60 ? String(abs % 60).padStart(2, '0') : '';
  return `${offset < 0 ? '-' : '+'}${hh}${mm}`;
};

/**
 * `intlName` is Intl's short zone name (en-US) at that instant, `offset` the offset in minutes and
 * `summer` whether that offset is the zone's daylight-saving one.
 */
export function zoneAbbreviation(zone: string, intlName: string, offset: number, summer: boolean): string {
  if (/^(UTC|Etc\/UTC|Etc\/UCT|UCT|Etc\/Universal|Universal|Zulu|Etc\/Zulu)$/i.test(zone)) return 'UTC';
  if (/^(GMT|Etc\/GMT|Etc\/GMT[+-]0|Etc\/GMT0|GMT0|Greenwich|Etc\/Greenwich)$/i.test(zone)) return 'GMT';
  const named = Object.entries(NAMED).find(([name]) => name.toLowerCase() === zone.toLowerCase())?.[1];
  if (named) return named[summer && named.length > 1 ? 1 : 0];
  if (/^[A-Z]{3,5}$/.test(intlName)) return intlName;
  return numeric(offset);
}
