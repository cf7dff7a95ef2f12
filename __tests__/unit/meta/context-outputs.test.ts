/** Repository data and commit dates from the event payload; the published outputs, bake files and summary. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunContext } from '../../../src/common/run-context.js';
import { payloadCommitDate, payloadRepo } from '../../../src/meta/context.js';
import { repoInfo } from '../../../src/meta/github-api.js';
import { envName, outputValues, writeBakeFiles } from '../../../src/meta/outputs.js';
import { summaryMarkdown } from '../../../src/meta/summary.js';
import { branch, meta, tag } from './helpers.js';

describe('repository data', () => {
  test('from an API response (or a payload repository object)', () => {
    const data = {
      name: 'r',
      description: null,
      html_url: 'https://github.com/o/r',
      license: { spdx_id: 'Apache-2.0' },
      default_branch: 'main'
    };
    expect(repoInfo(data)).toEqual({
      name: 'r',
      description: '',
      htmlUrl: 'https://github.com/o/r',
      license: 'Apache-2.0',
      defaultBranch: 'main'
    });
    expect(repoInfo({})).toEqual({
      name: '',
      description: '',
      htmlUrl: '',
      license: '',
      defaultBranch: undefined
    });
  });

  test('fallback: the payload repository, else GITHUB_REPOSITORY on GITHUB_SERVER_URL', () => {
    const payload = {
      repository: {
        name: 'hello',
        html_url: 'https://github.com/o/hello',
        default_branch: 'dev',
        license: null
      }
    };
    expect(payloadRepo({ ...readRunContext({}), payload })).toEqual({
      name: 'hello',
      description: '',
      htmlUrl: 'https://github.com/o/hello',
      license: '',
      defaultBranch: 'dev'
    });
    expect(
      payloadRepo(readRunContext({ GITHUB_REPOSITORY: 'o/r', GITHUB_SERVER_URL: 'https://ghe.example.com/' }))
    ).toEqual({
      name: 'r',
      description: '',
      htmlUrl: 'https://ghe.example.com/o/r',
      license: ''
    });
  });
});

describe('commit date from the payload', () => {
  const sha = 'abc';
  test.each([
    [
      {
        commits: [
          { id: 'x', timestamp: '2020-01-01T00:00:00Z' },
          { id: sha, timestamp: '2024-03-08T18:30:00+01:00' }
        ]
      },
      '2024-03-08T17:30:00.000Z'
    ],
    [{ head_commit: { id: sha, timestamp: '2023-01-02T03:04:05Z' } }, '2023-01-02T03:04:05.000Z'],
    [{ commits: [], head_commit: { id: sha, timestamp: '2023-01-02T03:04:05Z' } }, '2023-01-02T03:04:05.000Z']
  ])('%j gives %s', (payload, expected) => {
    expect(payloadCommitDate(payload, sha)?.toISOString()).toBe(expected);
  });

  test('another commit: none (the API is asked instead)', () => {
    expect(
      payloadCommitDate({ head_commit: { id: 'other', timestamp: '2023-01-02T03:04:05Z' } }, sha)
    ).toBeUndefined();
  });
});

describe('outputs', () => {
  const files = {
    tags: '/t/tags.json',
    labels: '/t/labels.json',
    annotations: '/t/ann.json',
    all: '/t/all.json'
  };

  test('names, order and separators as metadata-action sets them', () => {
    const result = meta(
      { images: 'a/b\nc/d', tags: 'type=semver,pattern={{version}}', 'sep-tags': ',', 'sep-labels': ';' },
      tag('v1.0.0')
    );
    const values = Object.fromEntries(outputValues(result, files));
    expect(Object.keys(values)).toEqual([
      'version',
      'tags',
      'tag-names',
      'labels',
      'annotations',
      'json',
      'bake-file-tags',
      'bake-file-labels',
      'bake-file-annotations',
      'bake-file'
    ]);
    expect(values.tags).toBe('a/b:1.0.0,a/b:latest,c/d:1.0.0,c/d:latest');
    expect(values['tag-names']).toBe('1.0.0,latest');
    expect(values.labels.split(';')).toEqual(result.labels);
    expect(values.annotations.split('\n')).toEqual(result.annotations);
    expect(JSON.parse(values.json)).toEqual(result.json);
    expect(values['bake-file']).toBe('/t/all.json');
  });

  test.each([
    ['version', 'DOCKER_METADATA_OUTPUT_VERSION'],
    ['tag-names', 'DOCKER_METADATA_OUTPUT_TAG_NAMES'],
    ['bake-file-annotations', 'DOCKER_METADATA_OUTPUT_BAKE_FILE_ANNOTATIONS']
  ])('output %s is exported as %s', (name, variable) => {
    expect(envName(name)).toBe(variable);
  });

  test('bake files go to a new folder under RUNNER_TEMP, with metadata-action file names', () => {
    const temp = mkdtempSync(join(tmpdir(), 'meta-bake-'));
    const result = meta({ images: 'a/b', tags: 'type=raw,value=x' }, branch('main'));
    const paths = writeBakeFiles(result, { RUNNER_TEMP: join(temp, 'runner') });
    expect(paths.tags).toMatch(
      new RegExp(`^${temp}/runner/docker-actions-toolkit-\\w+/docker-metadata-action-bake-tags\\.json$`)
    );
    expect(paths.all).toMatch(/\/docker-metadata-action-bake\.json$/);
    expect(readFileSync(paths.tags, 'utf8')).toBe(JSON.stringify(result.bake.tags, null, 2));
    expect(JSON.parse(readFileSync(paths.labels, 'utf8'))).toEqual({
      target: { 'docker-metadata-action': { labels: result.json.labels } }
    });
  });

  test('the job summary lists the version, tags and labels', () => {
    const md = summaryMarkdown(meta({ images: 'a/b', labels: 'x=a|b' }, branch('main')));
    expect(md).toContain('Version: `main`');
    expect(md).toContain('| `a/b:main` |');
    expect(md).toContain('| `x` | a\\|b |');
    expect(summaryMarkdown(meta({ tags: 'type=ref,event=pr' }, branch('main')))).toContain(
      'No tags were generated.'
    );
  });
});
