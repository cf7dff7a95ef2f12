/**
 * Dates rendered with moment.js format strings (English locale) in an IANA time zone, as
 * metadata-action's `{{date}}` and `{{commit_date}}` do with moment-timezone. The token grammar,
 * escapes (`[...]`, `\`) and week numbering follow moment; the zone's offset comes from Intl.
 */
import { TOKEN_FUNCTIONS } from './tokens.js';
import { zonedTime } from './zoned-time.js';

const TOKENS =
  /(\[[^[]*\])|(\\)?([Hh]mm(ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[o|w]?|W[o|W]?|Qo?|N{1,5}|YYYYYY|YYYYY|YYYY|YY|y{2,4}|yo?|gg(ggg?)?|GG(GGG?)?|e|E|a|A|hh?|HH?|kk?|mm?|ss?|S{1,9}|x|X|zz?|ZZ?|.)/g;
const LOCALIZED = /(\[[^[]*\])|(\\)?(LTS|LT|LL?L?L?|l{1,4})/g;
const LONG_FORMATS: Record<string, string> = {
  LTS: 'h:mm:ss A',
  LT: 'h:mm A',
  L: 'MM/DD/YYYY',
  LL: 'MMMM D, YYYY',
  LLL: 'MMMM D, YYYY h:mm A',
  LLLL: 'dddd, MMMM D, YYYY h:mm A',
  l: 'M/D/YYYY',
  ll: 'MMM D, YYYY',
  lll: 'MMM D, YYYY h:mm A',
  llll: 'ddd, MMM D, YYYY h:mm A'
};
const DEFAULT_FORMAT = 'YYYY-MM-DDTHH:mm:ssZ';
const DEFAULT_FORMAT_UTC = 'YYYY-MM-DDTHH:mm:ss[Z]';

function literal(token: string): string {
  if (/\[[\s\S]/.test(token)) return token.replace(/^\[|\]$/g, '');
  return token.replace(/\\/g, '');
}

function expandLocalized(format: string): string {
  let out = format;
  for (let i = 0; i < 5 && new RegExp(LOCALIZED.source).test(out); i++) {
    out = out.replace(LOCALIZED, (m: string) => LONG_FORMATS[m] ?? m);
  }
  return out;
}

/** Renders `date` with a moment format string in `timeZone` (an IANA name Intl knows). */
export function formatDate(date: Date, format: string | undefined, timeZone: string): string {
  if (Number.isNaN(date.getTime())) return 'Invalid date';
  const t = zonedTime(date, timeZone);
  const fallback = t.offset === 0 ? DEFAULT_FORMAT_UTC : DEFAULT_FORMAT;
  const tokens = expandLocalized(format || fallback).match(TOKENS) ?? [];
  return tokens.map(tok => (TOKEN_FUNCTIONS[tok] ? TOKEN_FUNCTIONS[tok](t) : literal(tok))).join('');
}
