/**
 * floating-tags: highest leaves latest, {{major}} and {{major}}.{{minor}} on the highest release the
 * repository's Git tags hold; always (the stage's default) gives metadata-action's tags exactly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { InputError } from '../../../src/common/runner.js';
import { parseLinkHeader } from '../../../src/common/pages.js';
import { wantsGitTags } from '../../../src/meta/git-tags.js';
import { summaryMarkdown } from '../../../src/meta/summary.js';
import { ROOT } from '../../support/action-runner.js';
import { branch, inputs, meta, tag } from './helpers.js';

const SEMVER =
  'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}';

function run(
  event: string,
  gitTags: string[] | undefined,
  mode = 'highest',
  extra: Record<string, string> = {}
) {
  const result = meta({ tags: SEMVER, 'floating-tags': mode, ...extra }, { ...tag(event), gitTags }, {});
  return {
    tags: result.tagNames,
    held: result.held.map(h => `${h.tag} stays on ${h.heldBy}`),
    version: result.version
  };
}

describe('release histories with floating-tags: highest', () => {
  test.each([
    [
      'v1.4.1 after v2.0.0 keeps its line but not latest',
      'v1.4.1',
      ['v1.0.0', 'v1.4.0', 'v2.0.0', 'v1.4.1'],
      ['1.4.1', '1.4', '1'],
      ['latest stays on 2.0.0']
    ],
    [
      'v1.3.9 after v1.4.1 gets its own version and minor only',
      'v1.3.9',
      ['v1.0.0', 'v1.3.8', 'v1.4.1', 'v2.0.0', 'v1.3.9'],
      ['1.3.9', '1.3'],
      ['1 stays on 1.4.1', 'latest stays on 2.0.0']
    ],
    [
      'v2.0.1 after both gets everything',
      'v2.0.1',
      ['v1.3.9', 'v1.4.1', 'v2.0.0', 'v2.0.1'],
      ['2.0.1', '2.0', '2', 'latest'],
      []
    ],
    ['the first release ever gets everything', 'v1.0.0', ['v1.0.0'], ['1.0.0', '1.0', '1', 'latest'], []],
    ['a repository without tags: everything', 'v0.1.0', [], ['0.1.0', '0.1', '0', 'latest'], []],
    [
      'a pre-release in the history changes nothing',
      'v2.0.1',
      ['v2.0.0', 'v2.1.0-rc.1', 'v3.0.0-beta.2', 'v2.0.2-alpha'],
      ['2.0.1', '2.0', '2', 'latest'],
      []
    ],
    [
      'tags that are no versions are ignored',
      'v1.2.0',
      ['v1.1.0', 'nightly', 'release-9', 'v9', 'foo/v9.0.0'],
      ['1.2.0', '1.2', '1', 'latest'],
      []
    ],
    [
      'the same release again (a re-run) moves nothing back',
      'v2.0.0',
      ['v1.0.0', 'v2.0.0', '2.0.0'],
      ['2.0.0', '2.0', '2', 'latest'],
      []
    ],
    [
      'the highest release that covers the tag holds it',
      'v1.2.3',
      ['v1.2.4', 'v1.2.10', 'v1.9.0', 'v3.0.0', 'v10.0.0'],
      ['1.2.3'],
      ['1.2 stays on 1.2.10', '1 stays on 1.9.0', 'latest stays on 10.0.0']
    ]
  ])('%s', (_, event, gitTags, tags, held) => {
    expect(run(event, gitTags)).toEqual({ tags, held, version: tags[0] });
  });

  test('a pre-release event gets its version only, whatever the history', () => {
    expect(run('v3.0.0-rc.1', ['v2.0.0'])).toEqual({ tags: ['3.0.0-rc.1'], held: [], version: '3.0.0-rc.1' });
  });

  test('when the tags could not be read, tags are computed as with always', () => {
    expect(run('v1.3.9', undefined)).toEqual({
      tags: ['1.3.9', '1.3', '1', 'latest'],
      held: [],
      version: '1.3.9'
    });
  });
});

describe('floating-tags: always reproduces metadata-action', () => {
  const histories: [string, string[]][] = [
    ['v1.4.1', ['v2.0.0', 'v1.4.1']],
    ['v1.3.9', ['v1.4.1', 'v2.0.0', 'v1.3.9']],
    ['v2.0.1', ['v1.3.9', 'v1.4.1', 'v2.0.0']]
  ];
  test.each(histories)('%s after %j moves every floating tag', (event, gitTags) => {
    const version = event.slice(1);
    const [major, minor] = version.split('.');
    const expected = [version, `${major}.${minor}`, major, 'latest'];
    expect(run(event, gitTags, 'always')).toEqual({ tags: expected, held: [], version });
    // The stage's default is always: the same outputs as without the input.
    const plain = meta({ tags: SEMVER }, { ...tag(event), gitTags });
    const always = meta({ tags: SEMVER, 'floating-tags': 'always' }, { ...tag(event), gitTags });
    expect(always).toEqual(plain);
    expect(plain.tagNames).toEqual(expected);
  });
});

describe('which tags float', () => {
  const history = ['v1.4.1', 'v2.0.0'];
  test.each([
    [
      'prefix and suffix on the rule',
      'type=semver,pattern={{major}},prefix=v,suffix=-slim\ntype=semver,pattern={{major}}.{{minor}},prefix=v',
      '',
      ['v1.3']
    ],
    [
      'a flavor suffix with onlatest',
      'type=semver,pattern={{version}}',
      'suffix=-alpine,onlatest=true',
      ['1.3.9-alpine']
    ],
    ['a full version with {{patch}}', 'type=semver,pattern={{major}}.{{minor}}.{{patch}}', '', ['1.3.9']],
    ['{{raw}} is the whole tag', 'type=semver,pattern={{raw}}', '', ['v1.3.9']],
    ['a constant pattern does not float', 'type=semver,pattern=stable', '', ['stable']],
    ['{{major}} with another part of the version', 'type=semver,pattern={{major}}-{{patch}}', '', ['1-9']],
    ['a raw tag with the same name stays', 'type=semver,pattern={{major}}\ntype=raw,value=1', '', ['1']],
    [
      'type=raw latest stays',
      'type=semver,pattern={{version}}\ntype=raw,value=latest',
      '',
      ['1.3.9', 'latest']
    ],
    [
      'latest=true is asked for, not floating',
      'type=semver,pattern={{version}}',
      'latest=true',
      ['1.3.9', 'latest']
    ],
    [
      'type=ref on a release tag: the full tag stays, latest floats',
      'type=ref,event=tag\ntype=semver,pattern={{major}},priority=100',
      '',
      ['v1.3.9']
    ],
    ['type=match on a release tag: latest floats', 'type=match,pattern=v(.*),group=1', '', ['1.3.9']]
  ])('%s', (_, tags, flavor, expected) => {
    const result = meta({ tags, flavor, 'floating-tags': 'highest' }, { ...tag('v1.3.9'), gitTags: history });
    expect(result.tagNames).toEqual(expected);
  });

  test.each([
    ['v1.4.1', ['v2.0.0'], ['v1.4.1'], ['latest stays on 2.0.0']],
    ['1.4.1', ['v2.0.0'], ['1.4.1'], ['latest stays on 2.0.0']],
    ['v2.0.1', ['v2.0.0', 'v2.1.0-rc.1'], ['v2.0.1', 'latest'], []],
    ['release-a', ['v2.0.0'], ['release-a', 'latest'], []],
    ['v1.5.0-rc.1', ['v2.0.0'], ['v1.5.0-rc.1', 'latest'], []],
    ['1.0', ['2.0', '3.0rc1', 'v9.0.0-beta'], ['1.0'], ['latest stays on 2.0']],
    ['1.0', ['1.0.post1', '1.1.dev0'], ['1.0', 'latest'], []]
  ])('the default tags on %s after %j: %j', (event, gitTags, expected, held) => {
    const result = meta({ 'floating-tags': 'highest' }, { ...tag(event), gitTags });
    expect(result.tagNames).toEqual(expected);
    expect(result.held.map(h => `${h.tag} stays on ${h.heldBy}`)).toEqual(held);
  });

  test('match= reads the Git tags the way it reads the event tag', () => {
    const result = meta(
      {
        tags: 'type=semver,pattern={{major}},match=app-v(.*)\ntype=semver,pattern={{version}},match=app-v(.*)',
        'floating-tags': 'highest'
      },
      { ...tag('app-v1.3.9'), gitTags: ['lib-v9.0.0', 'app-v1.3.0', 'v5.0.0', 'app-v2.0.0'] }
    );
    expect(result.tagNames).toEqual(['1', '1.3.9']);
    expect(result.held.map(h => `${h.tag} stays on ${h.heldBy}`)).toEqual(['latest stays on 2.0.0']);
  });

  test('value= sets the version; the Git tags are read as releases', () => {
    const result = meta(
      { tags: 'type=semver,pattern={{major}}.{{minor}},value=1.3.9', 'floating-tags': 'highest' },
      { ...branch('main'), gitTags: ['v1.3.10', 'v1.2.0'] }
    );
    expect(result.tagNames).toEqual([]);
    expect(result.held.map(h => `${h.tag} stays on ${h.heldBy}`)).toEqual([
      '1.3 stays on 1.3.10',
      'latest stays on 1.3.10'
    ]);
  });

  test('pep440: pre, post and dev releases never count as higher', () => {
    const tags = 'type=pep440,pattern={{version}}\ntype=pep440,pattern={{major}}.{{minor}}';
    const run440 = (event: string, gitTags: string[]) =>
      meta({ tags, 'floating-tags': 'highest' }, { ...tag(event), gitTags }).tagNames;
    expect(run440('1.4.1', ['2.0.0', '1.4.0'])).toEqual(['1.4.1', '1.4']);
    expect(run440('1.4.1', ['1.4.2rc1', '1.4.1.post1', '1.4.3.dev0', '2.0a1'])).toEqual([
      '1.4.1',
      '1.4',
      'latest'
    ]);
    expect(run440('1.4.1', ['1.4.2', '1!0.1'])).toEqual(['1.4.1']);
  });
});

describe('outputs agree with what is pushed', () => {
  test('when the first tag is held, the next one is the version, in labels, json and bake files', () => {
    const result = meta(
      {
        images: 'ghcr.io/octo/app',
        tags: 'type=semver,pattern={{major}}\ntype=semver,pattern={{version}},priority=800',
        'floating-tags': 'highest'
      },
      { ...tag('v1.3.9'), gitTags: ['v1.4.1', 'v2.0.0'] }
    );
    expect(result.version).toBe('1.3.9');
    expect(result.tags).toEqual(['ghcr.io/octo/app:1.3.9']);
    expect(result.json.tags).toEqual(['ghcr.io/octo/app:1.3.9']);
    expect(result.json.labels['org.opencontainers.image.version']).toBe('1.3.9');
    expect(result.labels).toContain('org.opencontainers.image.version=1.3.9');
    expect(result.annotations).toContain('manifest:org.opencontainers.image.version=1.3.9');
    expect(result.bake.all.target['docker-metadata-action'].tags).toEqual(['ghcr.io/octo/app:1.3.9']);
    expect(result.bake.all.target['docker-metadata-action'].args).toEqual({
      DOCKER_META_IMAGES: 'ghcr.io/octo/app',
      DOCKER_META_VERSION: '1.3.9'
    });
  });

  test('a notice and a summary line per held tag name the release that holds it', () => {
    const result = meta(
      { images: 'ghcr.io/octo/app', tags: SEMVER, 'floating-tags': 'highest' },
      { ...tag('v1.3.9'), gitTags: ['v1.4.1', 'v2.0.0'] }
    );
    expect(result.notices).toEqual([
      '1 stays on 1.4.1, which is higher than 1.3.9 (floating-tags: highest)',
      'latest stays on 2.0.0, which is higher than 1.3.9 (floating-tags: highest)'
    ]);
    const summary = summaryMarkdown(result);
    expect(summary).toContain(
      [
        'Floating tags left on a higher release (floating-tags: highest):',
        '',
        '- `1` stays on 1.4.1',
        '- `latest` stays on 2.0.0',
        ''
      ].join('\n')
    );
    expect(summary).toContain('| `ghcr.io/octo/app:1.3` |');
    expect(summary).not.toContain('| `ghcr.io/octo/app:latest` |');
  });
});

describe('the input', () => {
  test('highest or always; anything else is an error that names the input', () => {
    expect(inputs({}).floatingTags).toBe('always');
    expect(inputs({ 'floating-tags': 'highest' }).floatingTags).toBe('highest');
    expect(() => inputs({ 'floating-tags': 'newest' })).toThrow(
      new InputError('Input "floating-tags" must be highest or always, got "newest"', ['floating-tags'])
    );
  });

  test('the stage defaults to always, the root action to highest', () => {
    const yaml = (file: string) =>
      load(readFileSync(join(ROOT, file), 'utf8')) as { inputs: Record<string, { default?: string }> };
    expect(yaml('meta/action.yml').inputs['floating-tags'].default).toBe('always');
    expect(yaml('action.yml').inputs['floating-tags'].default).toBe('highest');
  });

  test('the Git tags are read only when a semver or pep440 rule can make a release tag', () => {
    const wants = (values: Record<string, string>, ref: string) => wantsGitTags(inputs(values), ref);
    const highest = { 'floating-tags': 'highest' };
    expect(wants({ ...highest, tags: SEMVER }, 'refs/tags/v1.0.0')).toBe(true);
    expect(wants({ ...highest, tags: 'type=pep440,pattern={{major}}' }, 'refs/tags/1.0')).toBe(true);
    expect(wants({ ...highest, tags: SEMVER }, 'refs/heads/main')).toBe(false);
    expect(wants({ ...highest, tags: 'type=semver,pattern={{major}},value=1.2.3' }, 'refs/heads/main')).toBe(
      true
    );
    expect(wants({ ...highest, tags: 'type=ref,event=tag' }, 'refs/tags/v1.0.0')).toBe(true);
    expect(wants({ ...highest }, 'refs/pull/1/merge')).toBe(false);
    expect(wants({ tags: SEMVER }, 'refs/tags/v1.0.0')).toBe(false);
  });

  test('the next page of the tag list comes from the Link header', () => {
    const nextLink = (link: string) => parseLinkHeader(link).get('next');
    const api = 'https://api.github.com/repositories/1/git/matching-refs/tags';
    expect(nextLink(`<${api}?page=2>; rel="next", <${api}?page=5>; rel="last"`)).toBe(`${api}?page=2`);
    expect(nextLink(`<${api}?page=1>; rel="prev", <${api}?page=1>; rel="first"`)).toBeUndefined();
    expect(nextLink('')).toBeUndefined();
  });
});
