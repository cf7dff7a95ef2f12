import { parseEntries } from '../../../src/meta/entries.js';
import { parseTag, parseTags } from '../../../src/meta/tags/parse.js';

const one = (value: string) => {
  const t = parseTag({ input: 'tags', line: 1, value });
  return { type: t.type, ...t.attrs };
};
const order = (text: string) => parseTags(parseEntries('tags', text)).map(t => t.entry.value);

describe('tags input entries', () => {
  test.each([
    ['type=schedule', { type: 'schedule', pattern: 'nightly', enable: 'true', priority: '1000' }],
    [
      "type=schedule,pattern={{date 'YYYYMMDD'}}",
      { type: 'schedule', pattern: "{{date 'YYYYMMDD'}}", enable: 'true', priority: '1000' }
    ],
    [
      'type=semver,pattern={{version}}',
      { type: 'semver', pattern: '{{version}}', value: '', match: '', enable: 'true', priority: '900' }
    ],
    [
      'type=pep440,pattern={{raw}},value=1.0',
      { type: 'pep440', pattern: '{{raw}}', value: '1.0', match: '', enable: 'true', priority: '900' }
    ],
    [
      'type=match,pattern=\\d.\\d',
      { type: 'match', pattern: '\\d.\\d', group: '0', value: '', enable: 'true', priority: '800' }
    ],
    ['type=edge', { type: 'edge', branch: '', enable: 'true', priority: '700' }],
    ['type=ref,event=branch', { type: 'ref', event: 'branch', enable: 'true', priority: '600' }],
    ['type=ref,event=pr', { type: 'ref', event: 'pr', prefix: 'pr-', enable: 'true', priority: '600' }],
    ['type=ref,event=pr,prefix=', { type: 'ref', event: 'pr', prefix: '', enable: 'true', priority: '600' }],
    ['type=raw,value=foo', { type: 'raw', value: 'foo', enable: 'true', priority: '200' }],
    ['foo', { type: 'raw', value: 'foo', enable: 'true', priority: '200' }],
    ['type=raw,bar', { type: 'raw', value: 'bar', enable: 'true', priority: '200' }],
    ['type=sha', { type: 'sha', prefix: 'sha-', format: 'short', enable: 'true', priority: '100' }],
    [
      'type=sha,format=long,prefix=,priority=5',
      { type: 'sha', prefix: '', format: 'long', enable: 'true', priority: '5' }
    ],
    [
      'TYPE=raw,Value= a=b ,Custom=x',
      { type: 'raw', value: 'a=b', custom: 'x', enable: 'true', priority: '200' }
    ],
    ['type=raw,"value=a,b"', { type: 'raw', value: 'a,b', enable: 'true', priority: '200' }],
    ['type=raw,value=foo#bar', { type: 'raw', value: 'foo#bar', enable: 'true', priority: '200' }]
  ])('%j parses to %j', (value, expected) => {
    expect(one(value)).toEqual(expected);
  });

  const types =
    'type=schedule, type=semver, type=pep440, type=match, type=edge, type=ref, type=raw, type=sha';
  test.each([
    ['type=foo,value=bar', `Unknown tag type attribute: foo (expected ${types})`],
    ['type=Semver,pattern={{version}}', `Unknown tag type attribute: Semver (expected ${types})`],
    [
      'type=semver',
      'Missing pattern attribute for type=semver (expected e.g. type=semver,pattern={{version}})'
    ],
    [
      'type=pep440',
      'Missing pattern attribute for type=pep440 (expected e.g. type=pep440,pattern={{version}})'
    ],
    [
      'type=match',
      'Missing pattern attribute for type=match (expected e.g. type=match,pattern=v(.*),group=1)'
    ],
    [
      'type=match,pattern=x,group=one',
      'Invalid match group for type=match,pattern=x,group=one (expected a group number, e.g. group=1)'
    ],
    ['type=ref', 'Missing event attribute for type=ref (expected e.g. type=ref,event=branch)'],
    [
      'type=ref,event=push',
      'Invalid event for type=ref,event=push (expected event=branch, event=tag, event=pr)'
    ],
    ['type=raw', 'Missing value attribute for type=raw (expected e.g. type=raw,value=latest)'],
    [
      'type=sha,format=medium',
      'Invalid format for type=sha,format=medium (expected format=short, format=long)'
    ]
  ])('%j fails: %s', (value, message) => {
    expect(() => parseTag({ input: 'tags', line: 3, value })).toThrow(
      `Input "tags", line 3 (${JSON.stringify(value)}): ${message}`
    );
  });

  test('an empty tags input means the default entries', () => {
    expect(order('')).toEqual([
      'type=schedule',
      'type=ref,event=branch',
      'type=ref,event=tag',
      'type=ref,event=pr'
    ]);
  });

  test('entries sort by priority, highest first, keeping the order of equal ones', () => {
    expect(
      order(
        'type=sha\ntype=raw,value=a\ntype=semver,pattern={{version}}\ntype=raw,value=b,priority=901\ntype=raw,value=c\ntype=schedule'
      )
    ).toEqual([
      'type=schedule',
      'type=raw,value=b,priority=901',
      'type=semver,pattern={{version}}',
      'type=raw,value=a',
      'type=raw,value=c',
      'type=sha'
    ]);
  });
});
