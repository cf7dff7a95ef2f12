import { parseAttributes, parseList, splitField } from '../../../src/common/lists.js';

describe('parseList', () => {
  test.each([
    ['', {}, []],
    ['a\nb', {}, ['a', 'b']],
    ['a,b\nc', {}, ['a', 'b', 'c']],
    ['a,b\nc', { ignoreComma: true }, ['a,b', 'c']],
    ['"a,b",c', {}, ['a,b', 'c']],
    ['  a  \n\n  b ', {}, ['a', 'b']],
    ['# note\na\n#b', { comment: '#' }, ['a']],
    ['type=raw,value=a#b', { ignoreComma: true, comment: '#' }, ['type=raw,value=a#b']],
    ['linux/amd64,linux/arm64', {}, ['linux/amd64', 'linux/arm64']]
  ])('%j %j', (input, opts, expected) => {
    expect(parseList(input, opts)).toEqual(expected);
  });
});

describe('parseAttributes and splitField', () => {
  test('quoted values keep their commas', () => {
    expect(parseAttributes('type=raw,"value=a,b",enable=true')).toEqual([
      'type=raw',
      'value=a,b',
      'enable=true'
    ]);
  });
  test('a field splits at its first =', () => {
    expect(splitField(' Pattern = {{a}}=b ')).toEqual(['pattern', '{{a}}=b']);
    expect(splitField('bare')).toEqual(['bare', undefined]);
  });
});
