/** latest=auto|true|false, flavor prefix/suffix with onlatest, priorities, and the global expressions. */
import { branch, meta, names, pr, schedule, tag } from './helpers.js';

describe('latest', () => {
  test.each([
    ['type=semver,pattern={{version}}', '', tag('v1.2.3'), ['1.2.3', 'latest']],
    ['type=semver,pattern={{version}}', 'latest=false', tag('v1.2.3'), ['1.2.3']],
    ['type=ref,event=branch', 'latest=true', branch('dev'), ['dev', 'latest']],
    ['type=ref,event=tag', '', tag('sometag'), ['sometag', 'latest']],
    ['type=match,pattern=\\d+', '', tag('v7'), ['7', 'latest']],
    [
      'type=raw,value=foo,priority=1000\ntype=semver,pattern={{version}}',
      '',
      tag('v1.2.3'),
      ['foo', '1.2.3']
    ],
    [
      'type=raw,value=foo,priority=100\ntype=semver,pattern={{version}}',
      '',
      tag('v1.2.3'),
      ['1.2.3', 'foo', 'latest']
    ],
    ['type=ref,event=pr\ntype=semver,pattern={{version}}', '', tag('v1.2.3'), ['1.2.3', 'latest']],
    [
      'type=semver,pattern={{version}}\ntype=ref,event=tag',
      '',
      tag('v2.0.0-rc.1'),
      ['2.0.0-rc.1', 'v2.0.0-rc.1']
    ],
    [
      'type=raw,value=latest\ntype=semver,pattern={{version}}',
      '',
      tag('v1.0.0'),
      ['1.0.0', 'latest', 'latest']
    ],
    ['type=raw,value=a\ntype=raw,value=a\ntype=raw,value=b', '', branch('x'), ['a', 'b']]
  ])('%j with flavor %j on %j gives %j', (tags, flavor, over, expected) => {
    expect(names(tags, over, { flavor }).tags).toEqual(expected);
  });
});

describe('flavor prefix and suffix', () => {
  test.each([
    ['type=ref,event=branch', 'prefix=dev-', branch('main'), ['dev-main']],
    ['type=ref,event=branch', 'suffix=-alpine', branch('main'), ['main-alpine']],
    [
      'type=semver,pattern={{version}}',
      'prefix=dev-\nsuffix=-alpine',
      tag('v1.0.0'),
      ['dev-1.0.0-alpine', 'latest']
    ],
    [
      'type=semver,pattern={{version}}',
      'prefix=dev-,onlatest=true',
      tag('v1.0.0'),
      ['dev-1.0.0', 'dev-latest']
    ],
    [
      'type=semver,pattern={{version}}',
      'suffix=-alpine,onlatest=true',
      tag('v1.0.0'),
      ['1.0.0-alpine', 'latest-alpine']
    ],
    ['type=sha', 'prefix=dev-', branch('main'), ['sha-860c190']],
    ['type=sha,prefix=', 'suffix=-x', branch('main'), ['860c190-x']],
    ['type=sha,prefix=,suffix=', 'suffix=-x', branch('main'), ['860c190']],
    ['type=ref,event=pr', 'prefix=dev-', pr(3), ['pr-3']],
    ['type=raw,value=a', 'prefix={{branch}}-', branch('feat/x'), ['feat-x-a']],
    [
      'type=semver,pattern={{version}}',
      'prefix={{branch}}-,onlatest=true',
      tag('v1.0.0'),
      ['-1.0.0', '-branch--latest']
    ],
    ['type=raw,value=a', 'prefix=a=b', branch('main'), ['aa']]
  ])('%j with flavor %j on %j gives %j', (tags, flavor, over, expected) => {
    expect(names(tags, over, { flavor }).tags).toEqual(expected);
  });
});

describe('images and full tags', () => {
  test('every enabled image gets every tag, lowercased, in image order', () => {
    const result = meta(
      { images: 'org/app\nghcr.io/User/App\nname=x/y,enable=false', tags: 'type=ref,event=branch\ntype=sha' },
      branch('dev')
    );
    expect(result.tags).toEqual([
      'org/app:dev',
      'org/app:sha-860c190',
      'ghcr.io/user/app:dev',
      'ghcr.io/user/app:sha-860c190'
    ]);
    expect(result.images).toEqual(['org/app', 'ghcr.io/user/app']);
    expect(result.version).toBe('dev');
  });

  test('an invalid image name is an error naming its line', () => {
    expect(() => meta({ images: 'org/app\norg/app:1' }, branch('dev'))).toThrow(
      'Input "images", line 2 ("org/app:1"): "org/app:1" is not a valid image name'
    );
  });
});

describe('global expressions', () => {
  const expr = (text: string, over: object) => names(`type=raw,value=${text}`, over).tags[0];
  test.each([
    ['{{branch}}', branch('my/branch'), 'my-branch'],
    ['x{{branch}}', tag('v1'), 'x'],
    ['{{tag}}', tag('v1.2.3'), 'v1.2.3'],
    ['x{{tag}}', branch('main'), 'x'],
    ['{{sha}}', branch('main'), '860c190'],
    ['{{base_ref}}', pr(5, 'develop'), 'develop'],
    ['x{{base_ref}}', branch('main'), 'x'],
    ['{{is_default_branch}}', branch('master'), 'true'],
    ['{{is_default_branch}}', branch('dev'), 'false'],
    ['{{is_default_branch}}', tag('v1'), 'false'],
    ['{{is_default_branch}}', schedule(), 'true'],
    ['{{is_default_branch}}', branch('other', 'create'), 'true'],
    ['{{is_default_branch}}', branch('other', 'issues'), 'true'],
    ['{{is_default_branch}}', branch('other', 'issue_comment'), 'false'],
    ['{{is_not_default_branch}}', branch('dev'), 'true'],
    ["{{date 'YYYY-MM-DD'}}", branch('main'), '2020-01-10'],
    ["{{date 'HH' tz='America/New_York'}}", branch('main'), '19'],
    ["{{commit_date 'YYYYMMDD'}}", branch('main'), '20191231']
  ])('%s on %j is %j', (text, over, expected) => {
    expect(expr(text, over)).toBe(expected);
  });

  test('is_default_branch compares with the payload repository, not the API data', () => {
    const over = { ...branch('trunk'), payload: { repository: { default_branch: 'trunk' } } };
    expect(expr('{{is_default_branch}}', over)).toBe('true');
  });
});
