import { formatDate } from '../../../src/meta/date/format.js';
import { ordinal, weekOfYear } from '../../../src/meta/date/tokens.js';
import { zonedTime } from '../../../src/meta/date/zoned-time.js';

const D = new Date('2020-01-10T00:30:00.000Z');
const T = new Date('2024-03-09T23:45:06.789Z');

describe('moment-compatible date formats', () => {
  test.each([
    [D, 'YYYYMMDD', 'UTC', '20200110'],
    [D, 'YYYYMMDD-HHmmss', 'Asia/Tokyo', '20200110-093000'],
    [D, 'dddd, MMMM Do YYYY, h:mm:ss a', 'UTC', 'Friday, January 10th 2020, 12:30:00 am'],
    [T, 'YYYY-MM-DDTHH:mm:ss.SSS[Z]', 'UTC', '2024-03-09T23:45:06.789Z'],
    [T, 'YYYYMMDD', 'Asia/Tokyo', '20240310'],
    [T, 'YYYY-MM-DD HH:mm Z ZZ', 'America/New_York', '2024-03-09 18:45 -05:00 -0500'],
    [T, 'HH:mm Z', 'Asia/Kolkata', '05:15 +05:30'],
    [T, 'M Mo MM MMM MMMM', 'UTC', '3 3rd 03 Mar March'],
    [T, 'Q Qo D Do DD DDD DDDo DDDD', 'UTC', '1 1st 9 9th 09 69 69th 069'],
    [T, 'd do dd ddd dddd e E', 'UTC', '6 6th Sa Sat Saturday 6 6'],
    [T, 'w wo ww W Wo WW gg gggg GG GGGG', 'UTC', '10 10th 10 10 10th 10 24 2024 24 2024'],
    [T, 'YY YYYY YYYYY YYYYYY', 'UTC', '24 2024 02024 +002024'],
    [T, 'a A H HH h hh k kk m mm s ss', 'UTC', 'pm PM 23 23 11 11 23 23 45 45 6 06'],
    [T, 'S SS SSS SSSS x X', 'UTC', '7 78 789 7890 1710027906789 1710027906'],
    [T, 'Hmm Hmmss hmm hmmss', 'UTC', '2345 234506 1145 114506'],
    [T, 'LT LTS L LL', 'UTC', '11:45 PM 11:45:06 PM 03/09/2024 March 9, 2024'],
    [T, 'LLL LLLL', 'UTC', 'March 9, 2024 11:45 PM Saturday, March 9, 2024 11:45 PM'],
    [T, 'l ll lll llll', 'UTC', '3/9/2024 Mar 9, 2024 Mar 9, 2024 11:45 PM Sat, Mar 9, 2024 11:45 PM'],
    [T, 'N NNNN y yo', 'UTC', 'AD Anno Domini 2024 2024th'],
    [T, '[today is] dddd \\Y\\Y [x', 'UTC', 'today is Saturday YY [1710027906789'],
    [T, 'z zz', 'UTC', 'UTC UTC'],
    [T, 'z', 'Asia/Tokyo', 'JST'],
    [T, 'z', 'Europe/Paris', 'CET'],
    [new Date('2024-07-01T12:00:00Z'), 'z', 'Europe/Paris', 'CEST'],
    [T, 'z', 'America/Los_Angeles', 'PST'],
    [T, 'z', 'Asia/Dubai', '+04'],
    [T, 'z', 'Asia/Kathmandu', '+0545'],
    [T, '', 'UTC', '2024-03-09T23:45:06Z'],
    [T, '', 'Asia/Tokyo', '2024-03-10T08:45:06+09:00'],
    [T, 'YYYY\nMM', 'UTC', '202403']
  ])('%s as %j in %s', (date, format, tz, expected) => {
    expect(formatDate(date, format, tz)).toBe(expected);
  });

  test('an invalid date renders as moment does', () => {
    expect(formatDate(new Date('nope'), 'YYYY', 'UTC')).toBe('Invalid date');
  });

  test('week numbers around the new year follow the locale and ISO rules', () => {
    const at = (iso: string) => zonedTime(new Date(iso), 'UTC');
    expect(weekOfYear(at('2021-01-01T00:00:00Z'), 1, 4)).toEqual({ week: 53, year: 2020 });
    expect(weekOfYear(at('2021-01-01T00:00:00Z'), 0, 6)).toEqual({ week: 1, year: 2021 });
    expect(weekOfYear(at('2024-12-30T12:00:00Z'), 1, 4)).toEqual({ week: 1, year: 2025 });
    expect(weekOfYear(at('2019-12-29T00:00:00Z'), 0, 6)).toEqual({ week: 1, year: 2020 });
  });

  test.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [112, '112th'],
    [2021, '2021st']
  ])('ordinal %d is %s', (n, expected) => {
    expect(ordinal(n)).toBe(expected);
  });
});
