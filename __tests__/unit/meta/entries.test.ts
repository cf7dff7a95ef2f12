import { parseEntries, parseFields, splitEvery, splitFirst, where } from '../../../src/meta/entries.js';

const values = (text: string) => parseEntries('tags', text).map(e => [e.line, e.value]);

describe('list entries', () => {
  test.each([
    ['', []],
    [
      'a\nb',
      [
        [1, 'a'],
        [2, 'b']
      ]
    ],
    [
      'type=raw,value=a,b\nc',
      [
        [1, 'type=raw,value=a,b'],
        [2, 'c']
      ]
    ],
    ['#comment\n\n  x  \n#y', [[3, 'x']]],
    [
      'mylabel=foo#bar\n#comment\nanother=bar',
      [
        [1, 'mylabel=foo#bar'],
        [3, 'another=bar']
      ]
    ],
    ['  # indented is not a comment', [[1, '# indented is not a comment']]],
    [
      '"type=raw,value=a"\nb',
      [
        [1, 'type=raw,value=a'],
        [2, 'b']
      ]
    ],
    [
      '"a\nb",c\nd',
      [
        [1, 'a\nb,c'],
        [3, 'd']
      ]
    ],
    [
      'a\r\nb',
      [
        [1, 'a'],
        [2, 'b']
      ]
    ],
    [
      'x\n   \ny',
      [
        [1, 'x'],
        [3, 'y']
      ]
    ]
  ])('%j gives %j', (text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  test('an entry names its input and line', () => {
    expect(where(parseEntries('labels', 'a=1\n\nb=2')[1])).toBe('Input "labels", line 3 ("b=2")');
  });
});

describe('fields of an entry', () => {
  const entry = (value: string) => ({ input: 'tags', line: 4, value });

  test.each([
    ['type=raw,value=foo', ['type=raw', 'value=foo']],
    ['type=raw,"value=a,b"', ['type=raw', 'value=a,b']],
    ['a,,b', ['a', '', 'b']],
    [' spaced , out ', [' spaced ', ' out ']]
  ])('%j splits into %j', (value, expected) => {
    expect(parseFields(entry(value))).toEqual(expected);
  });

  test('a quote inside a field is an error naming the line and what was expected', () => {
    expect(() => parseFields(entry('type=raw,value=a"b'))).toThrow(
      'Input "tags", line 4 ("type=raw,value=a\\"b"): Invalid Opening Quote: a quote is found on field 1 at line 1, value is "value=a"; expected comma-separated key=value fields, quoted as CSV'
    );
  });

  test.each([
    ['Key = a=b', ['key', 'a=b']],
    ['bare', ['bare']],
    ['=x', ['=x']]
  ])('splitFirst(%j) is %j', (field, expected) => {
    expect(splitFirst(field)).toEqual(expected);
  });

  test.each([
    ['Prefix=a=b', ['prefix', 'a']],
    ['name', ['name']],
    ['k= v ', ['k', 'v']]
  ])('splitEvery(%j) is %j', (field, expected) => {
    expect(splitEvery(field)).toEqual(expected);
  });
});

describe('the quote-free shortcut reads lists as csv-parse does', () => {
  test.each(['a\nb', 'type=raw,value=a,b\n\n#c\n  d  \n# e\nf#g', '  # x\n,\n a , b ', 'x\n   \ny', 'one'])(
    '%j',
    text => {
      const withQuotes = parseEntries('tags', `${text}\n"q"`);
      expect(parseEntries('tags', text)).toEqual(withQuotes.slice(0, -1));
    }
  );

  test.each(['type=raw,value=foo', 'a,,b', ' spaced , out ', ',', 'x'])('fields of %j', value => {
    const entry = { input: 'tags', line: 1, value };
    const quoted = parseFields({ ...entry, value: `${value},"q"` });
    expect(parseFields(entry)).toEqual(quoted.slice(0, -1));
  });
});
