/** type=schedule, edge, ref, raw and sha: the event and the entry in, the tag names out. */
import { branch, ctx, meta, names, pr, schedule, tag } from './helpers.js';

describe('type=schedule', () => {
  test.each([
    ['type=schedule', ['nightly']],
    ['type=schedule,pattern=nightly', ['nightly']],
    ["type=schedule,pattern={{date 'YYYYMMDD'}}", ['20200110']],
    ["type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}", ['20200110-093000']],
    ["type=schedule,pattern={{commit_date 'YYYY-MM-DD'}}", ['2019-12-31']],
    ["type=schedule,pattern=n-{{date 'YYYY'}},prefix=p-,suffix=-s", ['p-n-2020-s']],
    ['type=schedule,pattern={{branch}}x', ['x']]
  ])('%j on a schedule gives %j', (tags, expected) => {
    expect(names(tags, schedule()).tags).toEqual(expected);
  });

  test('only on schedule events', () => {
    expect(names('type=schedule', branch('master')).tags).toEqual([]);
  });

  test('an unknown date attribute is an error naming the line', () => {
    expect(() => meta({ tags: "type=schedule,pattern={{date 'YYYY' zone='UTC'}}" }, schedule())).toThrow(
      `Input "tags", line 1 ("type=schedule,pattern={{date 'YYYY' zone='UTC'}}"): cannot render "{{date 'YYYY' zone='UTC'}}": Unknown zone attribute (expected tz='Area/City')`
    );
  });

  test('an unknown time zone renders in UTC with a warning', () => {
    const result = meta({ tags: "type=schedule,pattern={{date 'HH' tz='Mars/Olympus'}}" }, schedule());
    expect(result.tagNames).toEqual(['00']);
    expect(result.warnings).toContain('Unknown time zone "Mars/Olympus": dates are rendered in UTC');
  });
});

describe('type=edge', () => {
  test.each([
    ['type=edge', branch('master'), ['edge']],
    ['type=edge', branch('dev'), []],
    ['type=edge,branch=dev', branch('dev'), ['edge']],
    ['type=edge,branch=dev', branch('master'), []],
    ['type=edge,suffix=-x', branch('master'), ['edge-x']],
    ['type=edge', tag('v1.0.0'), []]
  ])('%j on %j gives %j', (tags, over, expected) => {
    expect(names(tags, over).tags).toEqual(expected);
  });

  test('the default branch comes from the repository data', () => {
    const repoInfo = { ...ctx().repoInfo, defaultBranch: 'trunk' };
    expect(names('type=edge', { ...branch('trunk'), repoInfo }).tags).toEqual(['edge']);
    expect(names('type=edge', { ...branch('master'), repoInfo }).tags).toEqual([]);
  });
});

describe('type=ref', () => {
  test.each([
    ['type=ref,event=branch', branch('master'), ['master']],
    ['type=ref,event=branch', branch('my/branch'), ['my-branch']],
    ['type=ref,event=branch', branch('feat/Login_Page+x'), ['feat-Login_Page-x']],
    ['type=ref,event=branch', tag('v1.2.3'), []],
    ['type=ref,event=branch', branch('master', 'workflow_dispatch'), ['master']],
    ['type=ref,event=tag', tag('v1.2.3'), ['v1.2.3', 'latest']],
    ['type=ref,event=tag', tag('v2.0.8-beta.67'), ['v2.0.8-beta.67', 'latest']],
    ['type=ref,event=tag', tag('p1/v1.0.0'), ['p1-v1.0.0', 'latest']],
    ['type=ref,event=tag', branch('master'), []],
    ['type=ref,event=pr', pr(2), ['pr-2']],
    ['type=ref,event=pr,prefix=', pr(2), ['2']],
    ['type=ref,event=pr,prefix=pull-,suffix=-x', pr(2), ['pull-2-x']],
    ['type=ref,event=pr', branch('master'), []],
    ['type=ref,event=branch,prefix=br-,suffix=-dev', branch('feat/login'), ['br-feat-login-dev']]
  ])('%j on %j gives %j', (tags, over, expected) => {
    expect(names(tags, over).tags).toEqual(expected);
  });

  test('the default entries', () => {
    expect(names('', branch('master')).tags).toEqual(['master']);
    expect(names('', tag('v1.2.3')).tags).toEqual(['v1.2.3', 'latest']);
    expect(names('', pr(7)).tags).toEqual(['pr-7']);
    expect(names('', schedule()).tags).toEqual(['nightly', 'master']);
  });
});

describe('type=raw', () => {
  test.each([
    ['type=raw,value=foo\ntype=raw,value=bar', branch('master'), ['foo', 'bar']],
    ['foo\nbar', branch('master'), ['foo', 'bar']],
    ['type=raw,value=bar,enable=false\nbaz', branch('master'), ['baz']],
    ['type=raw,value=latest,enable={{is_default_branch}}', branch('master'), ['latest']],
    ['type=raw,value=latest,enable={{is_default_branch}}', branch('dev'), []],
    ['type=raw,value=x,enable={{is_not_default_branch}}', branch('dev'), ['x']],
    ['type=raw,value={{branch}}-{{sha}}', branch('dev'), ['dev-860c190']],
    ['type=raw,value=mytag-{{branch}}', branch('a/b'), ['mytag-a-b']],
    ['type=raw,value={{tag}}', tag('v1.0'), ['v1.0']],
    ['type=raw,value={{base_ref}}-pr', pr(3, 'develop'), ['develop-pr']],
    ["type=raw,value={{date 'YYYYMMDD'}}", branch('master'), ['20200110']],
    ["type=raw,value={{commit_date 'YYYYMMDD-HHmm' tz='Europe/Paris'}}", branch('master'), ['20191231-2310']],
    ['type=raw,value=x/y z', branch('master'), ['x-y-z']],
    ['type=raw,value={{unknown}}', branch('master'), []],
    ['"type=raw,value=a,b"', branch('master'), ['b']],
    ['"type=raw,""value=a,b"""', branch('master'), ['a-b']]
  ])('%j on %j gives %j', (tags, over, expected) => {
    expect(names(tags, over).tags).toEqual(expected);
  });

  test('{{base_ref}} of a tag push is the payload base_ref', () => {
    const over = { ...tag('v1'), payload: { base_ref: 'refs/heads/main' } };
    expect(names('type=raw,value={{base_ref}}', over).tags).toEqual(['main']);
  });

  test('enable must render to true or false', () => {
    expect(() => meta({ tags: 'type=raw,value=a,enable=yes' }, branch('master'))).toThrow(
      'Input "tags", line 1 ("type=raw,value=a,enable=yes"): Invalid value for enable attribute: yes (expected enable=true, enable=false or an expression that gives one of them)'
    );
  });

  test('an unknown expression renders empty with a warning naming the line', () => {
    const result = meta({ tags: 'type=raw,value=v{{nope}}' }, branch('master'));
    expect(result.tagNames).toEqual(['v']);
    expect(result.warnings).toContain(
      'Input "tags", line 1 ("type=raw,value=v{{nope}}"): unknown expression {{nope}} renders empty'
    );
  });

  test('a tag Docker would refuse is kept with a warning naming the line', () => {
    const result = meta({ tags: 'type=raw,value={{branch}}-x' }, tag('v1'));
    expect(result.tagNames).toEqual(['-x']);
    expect(result.warnings).toContain(
      'Input "tags", line 1 ("type=raw,value={{branch}}-x"): "-x" is not a valid Docker tag (it must start with a letter, a digit or _); a push with it will fail'
    );
  });

  test('a tag over 128 characters is shortened deterministically', () => {
    const long = 'b'.repeat(140);
    const result = meta({ tags: 'type=ref,event=branch' }, branch(long));
    expect(result.tagNames).toEqual([`${'b'.repeat(119)}-d8d0c1db`]);
    expect(result.version).toHaveLength(128);
    expect(result.warnings[0]).toMatch(/is longer than 128 characters; using "b{119}-d8d0c1db"$/);
  });
});

describe('type=sha', () => {
  test.each([
    ['type=sha', {}, ['sha-860c190']],
    ['type=sha,format=long', {}, ['sha-860c1904a1ce19322e91ac35af1ab07466440c37']],
    ['type=sha,prefix=,suffix=-git', {}, ['860c190-git']],
    ['type=sha', { DOCKER_METADATA_SHORT_SHA_LENGTH: '12' }, ['sha-860c1904a1ce']],
    [
      'type=sha',
      { DOCKER_METADATA_SHORT_SHA_LENGTH: '99' },
      ['sha-860c1904a1ce19322e91ac35af1ab07466440c37']
    ],
    ['type=raw,value={{sha}}', { DOCKER_METADATA_SHORT_SHA_LENGTH: '4' }, ['860c']]
  ])('%j with %j gives %j', (tags, env, expected) => {
    expect(names(tags, branch('master'), {}, env).tags).toEqual(expected);
  });

  test('no SHA, no tag', () => {
    expect(names('type=sha', { ...branch('master'), sha: '' }).tags).toEqual([]);
  });

  test('an invalid DOCKER_METADATA_SHORT_SHA_LENGTH fails when a short SHA is needed', () => {
    const env = { DOCKER_METADATA_SHORT_SHA_LENGTH: 'abc' };
    expect(() => names('type=sha', branch('master'), {}, env)).toThrow(
      'DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: abc'
    );
    expect(names('type=sha,format=long', branch('master'), {}, env).tags).toHaveLength(1);
  });
});
