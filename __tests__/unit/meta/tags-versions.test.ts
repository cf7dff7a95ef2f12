/** type=semver, type=pep440 and type=match: the event and the entry in, the tag names out. */
import { branch, meta, names, tag } from './helpers.js';

describe('type=semver', () => {
  test.each([
    ['v1.2.3', 'type=semver,pattern={{raw}}', ['v1.2.3', 'latest']],
    ['v1.2.3', 'type=semver,pattern={{version}}', ['1.2.3', 'latest']],
    ['v1.2.3', 'type=semver,pattern={{major}}.{{minor}}', ['1.2', 'latest']],
    ['v1.2.3', 'type=semver,pattern=v{{major}}', ['v1', 'latest']],
    ['v1.2.3', 'type=semver,pattern={{minor}}', ['2', 'latest']],
    ['v1.2.3', 'type=semver,pattern={{patch}}', ['3', 'latest']],
    ['v1.2.3', 'type=semver,pattern={{ raw }}', ['v1.2.3', 'latest']],
    [
      'v1.2.3',
      'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}',
      ['1.2.3', '1.2', '1', 'latest']
    ],
    ['1.2.3', 'type=semver,pattern={{raw}}\ntype=semver,pattern={{version}}', ['1.2.3', 'latest']],
    ['v0.1.2', 'type=semver,pattern={{major}}', ['0', 'latest']],
    ['v2.0.8-beta.67', 'type=semver,pattern={{raw}}', ['v2.0.8-beta.67']],
    ['v2.0.8-beta.67', 'type=semver,pattern={{version}}', ['2.0.8-beta.67']],
    ['v2.0.8-beta.67', 'type=semver,pattern={{major}}', ['2.0.8-beta.67']],
    ['v2.0.8-beta.67', 'type=semver,pattern={{major}}.{{minor}}', ['2.0.8-beta.67']],
    ['v1.0.0-rc.1+build.5', 'type=semver,pattern={{raw}}', ['v1.0.0-rc.1-build.5']],
    ['v1.0.0-rc.1+build.5', 'type=semver,pattern={{version}}', ['1.0.0-rc.1']],
    ['v1.2.3', 'type=semver,pattern={{prerelease}}', []],
    ['v2.0.8-beta.67', 'type=semver,pattern={{prerelease}}', ['2.0.8-beta.67']],
    ['p1/v1.2.3', 'type=semver,pattern={{version}},match=v(\\d.\\d.\\d)$', ['1.2.3', 'latest']],
    [
      'v1.2.3',
      'type=semver,pattern={{major}}.{{minor}}.{{patch}},prefix=foo-,suffix=-bar',
      ['foo-1.2.3-bar', 'latest']
    ],
    ['sometag', 'type=semver,pattern={{version}}', []],
    ['1.2', 'type=semver,pattern={{version}}', []],
    ['p1/v1.0.0', 'type=semver,pattern={{version}}', []]
  ])('tag %s with %j gives %j', (ref, tags, expected) => {
    expect(names(tags, tag(ref)).tags).toEqual(expected);
  });

  test('value= works on any ref and is rendered first', () => {
    expect(names('type=semver,pattern={{version}},value=v3.4.5', branch('dev')).tags).toEqual([
      '3.4.5',
      'latest'
    ]);
    expect(names('type=semver,pattern={{version}},value={{branch}}', branch('1.0.0')).tags).toEqual([
      '1.0.0',
      'latest'
    ]);
  });

  test('without value= a branch push gives nothing', () => {
    expect(names('type=semver,pattern={{version}}', branch('master'))).toEqual({ version: '', tags: [] });
  });

  test('an invalid version is skipped with metadata-action warning', () => {
    const result = meta({ tags: 'type=semver,pattern={{version}}' }, tag('sometag'));
    expect(result.warnings).toContain('sometag is not a valid semver. More info: https://semver.org/');
  });

  test('a match= that does not match keeps the value and warns', () => {
    const result = meta({ tags: 'type=semver,pattern={{version}},match=^x(.*)' }, tag('v1.2.3'));
    expect(result.tagNames).toEqual(['1.2.3', 'latest']);
    expect(result.warnings).toContain('^x(.*) does not match v1.2.3.');
  });

  test('a match= without a capture group is an error naming the line', () => {
    expect(() =>
      meta({ tags: 'type=raw,value=a\ntype=semver,pattern={{version}},match=v\\d' }, tag('v1.2.3'))
    ).toThrow(
      'Input "tags", line 2 ("type=semver,pattern={{version}},match=v\\\\d"): match=v\\d captured nothing in v1.2.3 (expected a capture group, e.g. v(\\d+\\.\\d+\\.\\d+)$)'
    );
  });
});

describe('type=pep440', () => {
  test.each([
    ['1.2.3', 'type=pep440,pattern={{raw}}', ['1.2.3', 'latest']],
    ['1.2.3', 'type=pep440,pattern={{version}}', ['1.2.3', 'latest']],
    ['v1.2.3', 'type=pep440,pattern={{version}}', ['1.2.3', 'latest']],
    ['1.2.3', 'type=pep440,pattern={{major}}.{{minor}}', ['1.2', 'latest']],
    ['1.2.3', 'type=pep440,pattern=v{{major}}', ['v1', 'latest']],
    ['1.2', 'type=pep440,pattern={{major}}.{{minor}}.{{patch}}', ['1.2.0', 'latest']],
    ['v1.2.3rc2', 'type=pep440,pattern={{raw}}', ['v1.2.3rc2']],
    ['1.2.3rc2', 'type=pep440,pattern={{version}}', ['1.2.3rc2']],
    ['1.2.3rc2', 'type=pep440,pattern={{major}}.{{minor}}', ['1.2.3rc2']],
    ['1.2.3post1', 'type=pep440,pattern={{major}}.{{minor}}', ['1.2.3.post1']],
    ['1.2.3beta2', 'type=pep440,pattern={{major}}.{{minor}}', ['1.2.3b2']],
    ['1.0dev4', 'type=pep440,pattern={{major}}.{{minor}}', ['1.0.dev4']],
    ['1.1beta2', 'type=pep440,pattern={{raw}}', ['1.1beta2']],
    ['p1/v1.2.3', 'type=pep440,pattern={{version}},match=v(\\d.\\d.\\d)$', ['1.2.3', 'latest']],
    ['sometag', 'type=pep440,pattern={{version}}', []]
  ])('tag %s with %j gives %j', (ref, tags, expected) => {
    expect(names(tags, tag(ref)).tags).toEqual(expected);
  });

  test('value= works on any ref', () => {
    expect(names('type=pep440,pattern={{major}}.{{minor}},value=2.5.1', branch('dev')).tags).toEqual([
      '2.5',
      'latest'
    ]);
    expect(names('type=pep440,pattern={{version}},value=2.5.1rc1', branch('dev')).tags).toEqual(['2.5.1rc1']);
  });

  test('an invalid version warns as metadata-action does', () => {
    expect(meta({ tags: 'type=pep440,pattern={{version}}' }, tag('release1')).warnings).toContain(
      'release1 does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440'
    );
  });
});

describe('type=match', () => {
  test.each([
    ['v1.2.3', 'type=match,pattern=\\d.\\d.\\d', ['1.2.3', 'latest']],
    ['v2.0.8-beta.67', 'type=match,pattern=v(.*),group=1', ['2.0.8-beta.67', 'latest']],
    ['v2.0.8-beta.67', 'type=match,pattern=v(\\d.\\d),group=1', ['2.0', 'latest']],
    ['20200110-RC2', 'type=match,pattern=\\d+', ['20200110', 'latest']],
    ['p1/v1.2.3', 'type=match,pattern=p1/v(\\d.\\d.\\d),group=1', ['1.2.3', 'latest']],
    ['V3.4', '"type=match,pattern=/^v(\\d)/i,group=1"', ['3', 'latest']],
    ['v1.2.3', 'type=match,pattern=^x', []],
    ['v1.2.3', 'type=match,pattern=(x)?v,group=1', []],
    ['v1.2.3', 'type=match,pattern=v(.*),group=2', []]
  ])('tag %s with %j gives %j', (ref, tags, expected) => {
    expect(names(tags, tag(ref)).tags).toEqual(expected);
  });

  test('value= is matched on any ref', () => {
    expect(names('type=match,pattern=v(.*),group=1,value=v1.0.0', branch('dev')).tags).toEqual([
      '1.0.0',
      'latest'
    ]);
  });

  test('misses warn with metadata-action wording', () => {
    expect(meta({ tags: 'type=match,pattern=^x' }, tag('v1')).warnings).toContain('^x does not match v1.');
    expect(meta({ tags: 'type=match,pattern=v(.*),group=2' }, tag('v1')).warnings).toContain(
      'Group 2 does not exist for v(.*) pattern.'
    );
  });

  test('an invalid regular expression is an error naming the line', () => {
    expect(() => meta({ tags: 'type=match,pattern=v(' }, tag('v1'))).toThrow(
      'Input "tags", line 1 ("type=match,pattern=v("): Invalid regular expression: /v(/: Unterminated group (expected a JavaScript regular expression)'
    );
  });
});
