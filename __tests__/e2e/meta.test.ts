/**
 * The meta bundle run as the runner runs it (INPUT_*, GITHUB_EVENT_PATH, GITHUB_OUTPUT/GITHUB_ENV
 * files, job summary), against a local stand-in for GitHub's repos API.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type StepResult } from '../support/action-runner.js';
import { startReposApi } from '../support/repos-api.js';

const SHA = '0fa3b7c1d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2';
const repository = {
  name: 'hello-world',
  full_name: 'octo-org/hello-world',
  owner: { login: 'octo-org' },
  html_url: 'https://github.com/octo-org/hello-world',
  default_branch: 'main'
};
const apiRepo = { ...repository, description: 'Sample service', license: { spdx_id: 'Apache-2.0' } };

interface Api {
  url: string;
  requests: { path: string; headers: IncomingHttpHeaders }[];
  status: number;
  close(): Promise<void>;
}

async function startApi(): Promise<Api> {
  const api = { requests: [], status: 200 } as unknown as Api;
  const server: Server = createServer((req, res) => {
    api.requests.push({ path: req.url ?? '', headers: req.headers });
    const commit = /^\/repos\/octo-org\/hello-world\/commits\/(\w+)$/.exec(req.url ?? '');
    const body =
      api.status !== 200
        ? { message: 'Server Error' }
        : req.url === '/repos/octo-org/hello-world'
          ? apiRepo
          : commit
            ? { sha: commit[1], commit: { committer: { date: '2024-02-29T11:22:33Z' } } }
            : { message: 'Not Found' };
    res.writeHead(
      api.status === 200 && (commit || req.url === '/repos/octo-org/hello-world')
        ? 200
        : api.status === 200
          ? 404
          : api.status,
      {
        'content-type': 'application/json'
      }
    );
    res.end(JSON.stringify(body));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () => new Promise(resolve => server.close(() => resolve()));
  return api;
}

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests = [];
  api.status = 200;
});

const tagPush = {
  env: {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/tags/v1.2.3',
    GITHUB_SHA: SHA,
    SOURCE_DATE_EPOCH: '1700000000'
  },
  event: {
    ref: 'refs/tags/v1.2.3',
    head_commit: { id: SHA, timestamp: '2024-03-08T18:30:00+01:00' },
    repository
  }
};

function run(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  opts: { action?: string; event?: object } = {}
) {
  return runAction({
    action: opts.action ?? 'meta/action.yml',
    inputs,
    env: { ...tagPush.env, GITHUB_API_URL: api.url, ...env },
    event: opts.event ?? tagPush.event
  });
}

const labels = (version: string, created: string, extra: { description?: string; license?: string } = {}) => [
  `org.opencontainers.image.created=${created}`,
  `org.opencontainers.image.description=${extra.description ?? 'Sample service'}`,
  `org.opencontainers.image.licenses=${extra.license ?? 'Apache-2.0'}`,
  `org.opencontainers.image.revision=${SHA}`,
  'org.opencontainers.image.source=https://github.com/octo-org/hello-world',
  'org.opencontainers.image.title=hello-world',
  'org.opencontainers.image.url=https://github.com/octo-org/hello-world',
  `org.opencontainers.image.version=${version}`
];

function expectNoStackTrace(step: StepResult): void {
  expect(step.stdout + step.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

describe('meta stage, as the runner runs it', () => {
  test('tag push: every output, the exported variables, bake files and the summary', async () => {
    const step = await run({
      images: 'ghcr.io/Octo-Org/Hello-World\noctoorg/hello-world',
      tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha',
      annotations: 'org.opencontainers.image.vendor=Octo'
    });
    expect(step.code).toBe(0);
    const o = step.outputs;
    expect(o.version).toBe('1.2.3');
    expect(o.tags.split('\n')).toEqual([
      'ghcr.io/octo-org/hello-world:1.2.3',
      'ghcr.io/octo-org/hello-world:1.2',
      'ghcr.io/octo-org/hello-world:sha-0fa3b7c',
      'ghcr.io/octo-org/hello-world:latest',
      'octoorg/hello-world:1.2.3',
      'octoorg/hello-world:1.2',
      'octoorg/hello-world:sha-0fa3b7c',
      'octoorg/hello-world:latest'
    ]);
    expect(o['tag-names']).toBe('1.2.3\n1.2\nsha-0fa3b7c\nlatest');
    expect(o.labels.split('\n')).toEqual(labels('1.2.3', '2023-11-14T22:13:20.000Z'));
    expect(o.annotations.split('\n')).toContain('manifest:org.opencontainers.image.vendor=Octo');
    expect(JSON.parse(o.json)).toEqual({
      tags: o.tags.split('\n'),
      'tag-names': o['tag-names'].split('\n'),
      labels: Object.fromEntries(
        o.labels.split('\n').map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
      ),
      annotations: o.annotations.split('\n')
    });
    const bake = JSON.parse(readFileSync(o['bake-file'], 'utf8'));
    expect(bake.target['docker-metadata-action'].args).toEqual({
      DOCKER_META_IMAGES: 'ghcr.io/octo-org/hello-world,octoorg/hello-world',
      DOCKER_META_VERSION: '1.2.3'
    });
    expect(o['bake-file-tags'].startsWith(join(step.workdir, 'runner-temp'))).toBe(true);
    expect(
      JSON.parse(readFileSync(o['bake-file-annotations'], 'utf8')).target['docker-metadata-action']
        .annotations
    ).toEqual(o.annotations.split('\n'));
    for (const [name, value] of Object.entries(o)) {
      expect(step.exported[`DOCKER_METADATA_OUTPUT_${name.replace(/\W/g, '_').toUpperCase()}`]).toBe(value);
    }
    expect(step.notices).toEqual([
      'GHCR requires lower-case image names: using "ghcr.io/octo-org/hello-world" for "ghcr.io/Octo-Org/Hello-World"'
    ]);
    expect(step.warnings).toEqual([]);
    expect(step.summary).toContain('| `octoorg/hello-world:1.2.3` |');
    expect(step.summary).toContain('| `org.opencontainers.image.licenses` | Apache-2.0 |');
    expect(api.requests.map(r => r.path)).toEqual(['/repos/octo-org/hello-world']);
    expect(api.requests[0].headers.authorization).toBe('Bearer ghs_testtoken');
  });

  test('the repos API failing: labels from the event payload, with a warning', async () => {
    api.status = 500;
    const step = await run({ images: 'octoorg/app' });
    expect(step.code).toBe(0);
    expect(step.warnings).toEqual([
      `Cannot read ${api.url}/repos/octo-org/hello-world: HTTP 500 (Server Error); using the event payload's repository instead`
    ]);
    expect(step.outputs.tags).toBe('octoorg/app:v1.2.3\noctoorg/app:latest');
    expect(step.outputs.labels.split('\n')).toEqual(
      labels('v1.2.3', '2023-11-14T22:13:20.000Z', { description: '', license: '' })
    );
  });

  test('floating-tags: highest leaves 1.2 and latest on the higher releases the Git tags name', async () => {
    const github = await startReposApi({
      owner: 'octo-org',
      repo: 'hello-world',
      token: 'ghs_testtoken',
      tags: ['v1.2.2', 'v1.2.5', 'v2.0.0', 'v2.1.0-rc.1', 'v1.2.3']
    });
    try {
      const step = await run(
        {
          images: 'octoorg/app',
          tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}',
          'floating-tags': 'highest'
        },
        { GITHUB_API_URL: github.url }
      );
      expect({ code: step.code, warnings: step.warnings }).toEqual({ code: 0, warnings: [] });
      expect(step.outputs.tags).toBe('octoorg/app:1.2.3');
      expect(step.notices).toEqual([
        '1.2 stays on 1.2.5, which is higher than 1.2.3 (floating-tags: highest)',
        '1 stays on 1.2.5, which is higher than 1.2.3 (floating-tags: highest)',
        'latest stays on 2.0.0, which is higher than 1.2.3 (floating-tags: highest)'
      ]);
      expect(step.summary).toContain('- `latest` stays on 2.0.0');
      expect(github.requests.map(r => r.path)).toEqual([
        '/repos/octo-org/hello-world',
        '/repos/octo-org/hello-world/git/matching-refs/tags'
      ]);
      expect(github.violations).toEqual([]);
    } finally {
      await github.close();
    }
  }, 60_000);

  test('floating-tags: highest without a readable tag list: a warning, and the tags of always', async () => {
    const step = await run({
      images: 'octoorg/app',
      tags: 'type=semver,pattern={{major}}',
      'floating-tags': 'highest'
    });
    expect(step.code).toBe(0);
    expect(step.warnings).toEqual([
      `Cannot read the repository's Git tags (${api.url}/repos/octo-org/hello-world/git/matching-refs/tags): HTTP 404 (Not Found); floating tags move as with floating-tags: always`
    ]);
    expect(step.outputs.tags).toBe('octoorg/app:1\noctoorg/app:latest');
  });

  test('{{commit_date}} of a pull request comes from the commits API', async () => {
    const event = {
      number: 15,
      pull_request: { base: { ref: 'develop' }, head: { sha: 'b'.repeat(40) } },
      repository
    };
    const env = {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/15/merge',
      DOCKER_METADATA_PR_HEAD_SHA: 'true'
    };
    const step = await run(
      { tags: "type=ref,event=pr\ntype=raw,value={{base_ref}}-{{commit_date 'YYYYMMDD'}}" },
      env,
      { event }
    );
    expect(step.code).toBe(0);
    expect(step.outputs.tags).toBe('pr-15\ndevelop-20240229');
    expect(step.outputs.labels).toContain(`org.opencontainers.image.revision=${'b'.repeat(40)}`);
    expect(api.requests.map(r => r.path).sort()).toEqual([
      '/repos/octo-org/hello-world',
      `/repos/octo-org/hello-world/commits/${'b'.repeat(40)}`
    ]);
  });

  test('a bad entry: one error line naming the input line, no outputs, no stack trace', async () => {
    const step = await run({ tags: 'type=sha\n# comment\ntype=foo,value=bar' });
    expect(step.code).toBe(1);
    expect(step.errors).toEqual([
      'Input "tags", line 3 ("type=foo,value=bar"): Unknown tag type attribute: foo (expected type=schedule, type=semver, type=pep440, type=match, type=edge, type=ref, type=raw, type=sha)'
    ]);
    expect(step.outputs).toEqual({});
    expect(api.requests).toEqual([]);
    expectNoStackTrace(step);
  });

  test('DOCKER_METADATA_SET_OUTPUT_ENV=false: outputs only; separators as given', async () => {
    const step = await run({ images: 'a/b', 'sep-tags': ' | ' }, { DOCKER_METADATA_SET_OUTPUT_ENV: 'false' });
    expect(step.code).toBe(0);
    expect(step.outputs.tags).toBe('a/b:v1.2.3 | a/b:latest');
    expect(step.exported).toEqual({});
  });

  test('context=git reads the ref and commit of the checkout', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'meta-git-'));
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: repo,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'a',
          GIT_AUTHOR_EMAIL: 'a@b',
          GIT_COMMITTER_NAME: 'a',
          GIT_COMMITTER_EMAIL: 'a@b',
          GIT_COMMITTER_DATE: '2023-05-06T07:08:09+02:00'
        }
      })
        .toString()
        .trim();
    git('init', '-q', '-b', 'feature/x');
    writeFileSync(join(repo, 'f'), 'x');
    git('add', 'f');
    git('commit', '-q', '-m', 'm');
    const step = await run(
      {
        context: 'git',
        tags: "type=ref,event=branch\ntype=sha\ntype=raw,value={{commit_date 'YYYYMMDD-HHmm'}}"
      },
      { GITHUB_WORKSPACE: repo }
    );
    expect(step.errors).toEqual([]);
    expect(step.outputs.tags.split('\n')).toEqual([
      'feature-x',
      '20230506-0508',
      `sha-${git('rev-parse', '--short=7', 'HEAD')}`
    ]);
  });
});
