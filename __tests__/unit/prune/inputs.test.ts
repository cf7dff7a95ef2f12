import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunContext } from '../../../src/common/run-context.js';
import { InputError } from '../../../src/common/runner.js';
import { decidePrune } from '../../../src/prune/decide.js';
import { parseDuration } from '../../../src/prune/duration.js';
import { DEFAULT_MAX_DELETIONS, githubContainerHost, readPruneInputs } from '../../../src/prune/inputs.js';
import { globToRegExp, parsePattern } from '../../../src/prune/patterns.js';

// an empty Docker config: no credentials but the ones a test writes
const emptyConfig = mkdtempSync(join(tmpdir(), 'prune-inputs-'));
afterAll(() => rmSync(emptyConfig, { recursive: true, force: true }));
const env = {
  GITHUB_REPOSITORY: 'Octo-Org/Hello-World',
  GITHUB_REPOSITORY_OWNER: 'Octo-Org',
  DOCKER_CONFIG: emptyConfig
};
const source = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';
/** Reads the inputs and decides as the stage does when it runs alone: inputs and decision must not throw. */
const read = (inputs: Record<string, string>, more: Record<string, string> = {}) => {
  const ctx = readRunContext({ ...env, ...more });
  const read = readPruneInputs(source({ token: 't', ...inputs }), ctx, { ...env, ...more });
  return { ...read, decision: decidePrune(read, {}, ctx) };
};

describe('parseDuration', () => {
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  const DAY = 24 * HOUR;
  test.each([
    ['30d', 30 * DAY],
    ['90d', 90 * DAY],
    ['2w', 14 * DAY],
    ['12h', 12 * HOUR],
    ['30min', 30 * MIN],
    ['90 minutes', 90 * MIN],
    ['45s', 45_000],
    ['6mo', 180 * DAY],
    ['30 days', 30 * DAY],
    ['1 day', DAY],
    ['2 weeks', 14 * DAY],
    ['6 months', 180 * DAY],
    ['1 month', 30 * DAY],
    ['1 year', 365 * DAY],
    ['2 years', 730 * DAY],
    ['1y', 365 * DAY],
    ['1w3d', 10 * DAY],
    [' 1D 12H ', 36 * HOUR],
    ['2w 3d', 17 * DAY],
    ['1 year 6 months', 545 * DAY],
    ['1 year and 6 months', 545 * DAY],
    ['3 days, 4 hours', 3 * DAY + 4 * HOUR],
    ['6 Months', 180 * DAY],
    ['1h30min', 90 * MIN]
  ])('%j', (text, ms) => expect(parseDuration(text)).toBe(ms));

  test.each([
    ['6m', '"m" could mean minutes or months: write "min" for minutes or "mo" for months'],
    ['6M', '"m" could mean minutes or months: write "min" for minutes or "mo" for months'],
    ['1h 30m', '"m" could mean minutes or months: write "min" for minutes or "mo" for months'],
    ['30', 'expected a whole number and a unit'],
    ['d', 'expected a whole number and a unit'],
    ['', 'expected a whole number and a unit'],
    ['-1d', 'expected a whole number and a unit'],
    ['1.5d', 'expected a whole number and a unit'],
    ['30 days and', 'expected a whole number and a unit'],
    ['3 fortnights', 'unknown unit "fortnights"'],
    ['0d', 'must be longer than zero'],
    ['0 days 0h', 'must be longer than zero'],
    ['99999999999999999999 years', 'is too long']
  ])('%j is refused: %s', (text, message) => expect(() => parseDuration(text)).toThrow(message));
});

describe('tag patterns', () => {
  test.each([
    ['v*', 'v1.2.3', true],
    ['v*', 'xv1', false],
    ['pr-?', 'pr-1', true],
    ['pr-?', 'pr-12', false],
    ['v[0-9].*', 'v1.x', true],
    ['v[!0-9]*', 'v1', false],
    ['{main,develop}-*', 'develop-abc', true],
    ['{main,develop}-*', 'feature-abc', false],
    ['1.0+build', '1.0+build', true],
    ['a.b', 'axb', false],
    ['regex:^sha-[0-9a-f]{7}$', 'sha-abcdef0', true],
    ['regex:^sha-[0-9a-f]{7}$', 'sha-abcdef01', false],
    ['regex:rc', 'v1-rc2', true]
  ])('%j on %j is %j', (pattern, tag, expected) => expect(parsePattern(pattern).test(tag)).toBe(expected));

  test('a glob becomes an anchored expression', () => {
    expect(globToRegExp('v*.{0,1}').source).toBe('^v.*\\.(?:0|1)$');
  });
});

describe('readPruneInputs', () => {
  test('defaults come from the repository', () => {
    const { decision, ...inputs } = read({});
    expect(decision.packages).toEqual([{ name: 'hello-world', repository: 'octo-org/hello-world' }]);
    expect(inputs).toEqual({
      token: 't',
      owner: 'Octo-Org',
      packages: [],
      registry: 'ghcr.io',
      registryLogin: 'token',
      policy: {
        keepNTagged: undefined,
        keepNUntagged: undefined,
        keepTags: [],
        deleteTags: [],
        deleteUntagged: true
      },
      dryRun: false,
      maxDeletions: DEFAULT_MAX_DELETIONS
    });
  });

  test('every input parsed', () => {
    const config = mkdtempSync(join(tmpdir(), 'prune-inputs-'));
    const auth = Buffer.from('mona:registry-password').toString('base64');
    writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { '127.0.0.1:5003': { auth } } }));
    const inputs = readPruneInputs(
      source({
        token: 't',
        owner: 'mona',
        packages: 'app\napp/worker, tools',
        registry: '127.0.0.1:5003',
        'keep-n-tagged': '10',
        'keep-n-untagged': '2',
        'older-than': '2w',
        'keep-tags': 'v*\nregex:^release-\\d{1,3}$',
        'delete-tags': 'pr-*',
        'dry-run': 'true',
        'max-deletions': '50'
      }),
      readRunContext(env),
      { ...env, DOCKER_CONFIG: config }
    );
    rmSync(config, { recursive: true });
    expect(inputs.registryLogin).toBe('docker-config');
    expect(inputs.packages).toEqual(['app', 'app/worker', 'tools']);
    expect(inputs.policy.keepTags.map(p => p.source)).toEqual(['v*', 'regex:^release-\\d{1,3}$']);
    expect(inputs.policy).toMatchObject({
      keepNTagged: 10,
      keepNUntagged: 2,
      olderThanMs: 14 * 86_400_000,
      olderThan: '2w'
    });
    expect([inputs.owner, inputs.registry, inputs.dryRun, inputs.maxDeletions]).toEqual([
      'mona',
      '127.0.0.1:5003',
      true,
      50
    ]);
  });

  test.each([
    [{ token: '' }, 'Input "token" is required (the default is the workflow\'s github.token)'],
    [{ owner: 'bad owner' }, 'Input "owner" must be a GitHub user or organization, got "bad owner"'],
    [{ packages: 'App Name' }, 'Input "packages" has an invalid package name "app name"'],
    [{ packages: 'app//x' }, 'Input "packages" has an invalid package name "app//x"'],
    [{ registry: 'ghcr.io/path' }, 'Input "registry" must be a host[:port], got "ghcr.io/path"'],
    [{ 'keep-n-tagged': '-1' }, 'Input "keep-n-tagged" must be a whole number of at least 0, got "-1"'],
    [{ 'keep-n-untagged': 'two' }, 'Input "keep-n-untagged" must be a whole number of at least 0, got "two"'],
    [{ 'max-deletions': '0' }, 'Input "max-deletions" must be a whole number of at least 1, got "0"'],
    [
      { 'older-than': '30' },
      'Input "older-than" is invalid, got "30": expected a whole number and a unit (s, min, h, d, w, mo, y or the words: minutes, days, months ...), e.g. 30d or 6 months'
    ],
    [
      { 'older-than': '6m' },
      'Input "older-than" is invalid, got "6m": "m" could mean minutes or months: write "min" for minutes or "mo" for months'
    ],
    [
      { 'keep-tags': 'regex:(' },
      'Input "keep-tags" has an invalid pattern "regex:(": Invalid regular expression: /(/: Unterminated group'
    ],
    [{ 'delete-tags': 'v[1' }, 'Input "delete-tags" has an invalid pattern "v[1": unclosed ['],
    [{ 'dry-run': 'yes' }, 'Input "dry-run" must be true or false, got "yes"'],
    [
      { 'keep-n-untagged': '3', 'delete-untagged': 'false', 'keep-n-tagged': '1' },
      'Inputs "keep-n-untagged" (3) and "delete-untagged" (false) contradict each other: keep-n-untagged only applies when untagged versions are deleted'
    ],
    [
      { 'keep-tags': 'v*\npr-*', 'delete-tags': 'pr-*' },
      'Inputs "keep-tags" and "delete-tags" both list the pattern "pr-*"'
    ],
    [
      { 'delete-untagged': 'false' },
      'Inputs "delete-untagged" (false), "keep-n-tagged" (unset) and "delete-tags" (empty) leave nothing to delete'
    ]
  ])('%j is refused', (inputs, message) => {
    expect(() => read(inputs)).toThrow(new InputError(message, []));
  });

  test.each([
    ['https://github.com', 'ghcr.io'],
    [undefined, 'ghcr.io'],
    ['https://ghes.example.com', 'containers.ghes.example.com'],
    ['https://octo.ghe.com/', 'containers.octo.ghe.com']
  ])('the job token goes to the container registry of %s: %s', (server, host) => {
    expect(githubContainerHost(server ?? '')).toBe(host);
    const more: Record<string, string> = server ? { GITHUB_SERVER_URL: server } : {};
    expect(read({ registry: host }, more).decision.registryLogin).toBe('token');
  });

  test.each([
    ['127.0.0.1:5003', 'https://github.com'],
    ['registry.example.com', 'https://github.com'],
    ['ghcr.io', 'https://ghes.example.com'],
    ['containers.ghes.example.com.evil.example', 'https://ghes.example.com']
  ])('registry %s (server %s) without credentials given for it is refused', (registry, server) => {
    expect(() => read({ registry }, { GITHUB_SERVER_URL: server })).toThrow(
      new InputError(
        `Input "registry" is "${registry}", which is not GitHub's container registry (${githubContainerHost(server)}): ` +
          `the token goes only there, so log in to ${registry} first (the login stage, registry-auth, or docker login)`,
        ['registry']
      )
    );
  });

  test('no repository and no packages', () => {
    const ctx = readRunContext({});
    expect(() => decidePrune(readPruneInputs(source({ token: 't', owner: 'o' }), ctx, {}), {}, ctx)).toThrow(
      'Input "packages" is empty and GITHUB_REPOSITORY names no repository'
    );
  });
});
