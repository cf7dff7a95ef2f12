import { cell, code, heading, subheading, table } from '../../../src/common/summary.js';

describe('the job summary vocabulary', () => {
  test.each([
    ['plain', 'plain'],
    ['a|b', 'a\\|b'],
    ['C:\\dir', 'C:\\\\dir'],
    ['ends in \\', 'ends in \\\\'],
    ['two\nlines\r\nthree', 'two lines three'],
    ['`tick`', '`tick`']
  ])('cell(%j) is %j', (text, expected) => {
    expect(cell(text)).toBe(expected);
  });

  test.each([
    ['', ''],
    ['ghcr.io/o/app:1.2', '`ghcr.io/o/app:1.2`'],
    ['a|b', '`a\\|b`'],
    ['C:\\dir', '`C:\\dir`'],
    ['a `b` c', "`a 'b' c`"],
    ['two\nlines', '`two lines`']
  ])('code(%j) is %j', (text, expected) => {
    expect(code(text)).toBe(expected);
  });

  test('one heading level for every section, one below for its parts', () => {
    expect(heading('Prune')).toBe('### Prune');
    expect(subheading('octo-org/app')).toBe('#### octo-org/app');
  });

  test('a table, with empty headers, and with rows past a limit counted', () => {
    expect(table(['Label', 'Value'], [['`a`', 'b']])).toEqual([
      '| Label | Value |',
      '| --- | --- |',
      '| `a` | b |'
    ]);
    expect(table(['', ''], [['Tags', 'x']])).toEqual(['| | |', '| --- | --- |', '| Tags | x |']);
    expect(table(['n'], [['1'], ['2'], ['3']], 2)).toEqual([
      '| n |',
      '| --- |',
      '| 1 |',
      '| 2 |',
      '',
      '_and 1 more_'
    ]);
  });
});
