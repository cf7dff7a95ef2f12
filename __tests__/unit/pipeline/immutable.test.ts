import {
  guardTags,
  immutableTagNames,
  readImmutableTags,
  TagMoveRefused
} from '../../../src/pipeline/immutable.js';
import { InputError } from '../../../src/common/runner.js';
import { meta, tag, branch } from '../meta/helpers.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const SHA = '1'.repeat(40);

describe('which tags are version tags (meta)', () => {
  test.each([
    [
      'semver patterns: the exact version, not the floating ones or latest',
      'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}',
      tag('v1.2.3'),
      ['1.2.3', '1.2', '1', 'latest'],
      ['1.2.3']
    ],
    [
      'the pushed Git tag',
      'type=ref,event=tag\ntype=sha',
      tag('v1.2.3'),
      ['v1.2.3', 'sha-860c190', 'latest'],
      ['v1.2.3']
    ],
    ['pep440', 'type=pep440,pattern={{version}}', tag('1.0.0rc1'), ['1.0.0rc1'], ['1.0.0rc1']],
    [
      'a branch build has none',
      'type=ref,event=branch\ntype=sha',
      branch('main'),
      ['main', 'sha-860c190'],
      []
    ],
    [
      'raw tags are not version tags',
      'type=raw,value=stable\ntype=semver,pattern={{version}}',
      tag('v2.0.0'),
      ['2.0.0', 'stable', 'latest'],
      ['2.0.0']
    ]
  ])('%s', (_, tags, event, all, version) => {
    const result = meta({ tags, images: 'ghcr.io/o/app' }, event);
    expect(result.tagNames).toEqual(all);
    expect(result.versionTags).toEqual(version);
  });
});

describe('immutable-tags', () => {
  test('default, none, a list with globs', () => {
    const names = ['1.2.3', '1.2', 'latest', 'v1.2.3'];
    expect(immutableTagNames(readImmutableTags(''), names, ['1.2.3'])).toEqual(['1.2.3']);
    expect(immutableTagNames(readImmutableTags('none'), names, ['1.2.3'])).toEqual([]);
    expect(immutableTagNames(readImmutableTags('v*, latest'), names, [])).toEqual(['latest', 'v1.2.3']);
    expect(immutableTagNames(readImmutableTags('1.2'), names, [])).toEqual(['1.2']);
  });
  test('a value that is no tag name is an input error naming it', () => {
    expect(() => readImmutableTags('v1/2')).toThrow(InputError);
    expect(() => readImmutableTags('v1/2')).toThrow('Input "immutable-tags" has "v1/2"');
  });
});

describe('guardTags', () => {
  const at = (image: string, digest?: string, revision?: string) => ({
    image,
    tag: '1.2.3',
    digest,
    revision
  });
  test('nothing there: clear', () => {
    expect(guardTags([at('r1/app'), at('r2/app')], { sha: SHA })).toEqual({ kind: 'clear' });
  });
  test('promote: another digest is refused, naming tag, image and both digests', () => {
    expect(() => guardTags([at('r1/app', A), at('r2/app')], { digest: B, sha: SHA })).toThrow(TagMoveRefused);
    expect(() => guardTags([at('r1/app', A)], { digest: B, sha: SHA })).toThrow(
      `The version tag 1.2.3 exists in r1/app at ${A}, and this run would point it at ${B}`
    );
  });
  test('promote: the same digest is a rerun', () => {
    expect(guardTags([at('r1/app', A), at('r2/app')], { digest: A, sha: SHA })).toMatchObject({
      kind: 'rerun',
      digest: A,
      image: 'r1/app'
    });
  });
  test('build: an image of another commit, or of no commit, is refused', () => {
    expect(() => guardTags([at('r1/app', A, '2'.repeat(40))], { sha: SHA })).toThrow(
      `an image of commit ${'2'.repeat(40)}, and this run builds commit ${SHA}`
    );
    expect(() => guardTags([at('r1/app', A, '')], { sha: SHA })).toThrow(/names no commit/);
    expect(() => guardTags([at('r1/app', A, '')], { sha: '' })).toThrow(/GITHUB_SHA is empty/);
  });
  test('build: an image of this commit is a rerun from its digest; two digests of it are refused', () => {
    expect(guardTags([at('r1/app', A, SHA), at('r2/app')], { sha: SHA })).toMatchObject({
      kind: 'rerun',
      digest: A
    });
    expect(() => guardTags([at('r1/app', A, SHA), at('r2/app', B, SHA)], { sha: SHA })).toThrow(
      /point to different images/
    );
  });
});
