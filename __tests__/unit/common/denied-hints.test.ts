import { deniedHint, tokenKind, type HintContext } from '../../../src/common/denied-hints.js';

const PERMISSIONS = 'lacks `permissions: packages: write`';
const LINKED = '"Manage Actions access", add this repository';
const APP = 'GitHub App installation token needs';
const FORK = 'pull_request event';

describe('tokenKind', () => {
  test.each([
    ['anything', true, 'github-token'],
    ['ghp_abc', false, 'pat-classic'],
    ['github_pat_abc', false, 'pat-fine-grained'],
    ['ghs_abc', false, 'app'],
    ['gho_abc', false, 'oauth'],
    ['hunter2', false, 'unknown']
  ])('%j (github-token input: %j) → %s', (password, fromInput, kind) => {
    expect(tokenKind(password, fromInput)).toBe(kind);
  });
});

describe('deniedHint', () => {
  const push = 'failed to push ghcr.io/o/app:1: denied: permission_denied: write_package';
  test.each<[string, HintContext, string[], string[]]>([
    ['not GHCR: nothing', { registry: 'docker.io', message: 'denied: requested access' }, [], []],
    ['GHCR but not a denial: nothing', { registry: 'ghcr.io', message: 'connection reset by peer' }, [], []],
    [
      'GITHUB_TOKEN push denied: permissions and package link',
      { registry: 'ghcr.io', message: push, kind: 'github-token' },
      ['Likely causes for ghcr.io: (1)', PERMISSIONS, `(2) the package exists but is not linked`],
      [APP, FORK]
    ],
    [
      'GITHUB_TOKEN on pull_request: the fork comes first',
      { registry: 'ghcr.io', message: push, kind: 'github-token', event: 'pull_request' },
      [`(1) this is a ${FORK}`, `(2) the workflow or job ${PERMISSIONS}`, LINKED],
      [APP]
    ],
    [
      'unknown token (build stage alone): all three',
      { registry: 'ghcr.io', message: push },
      [PERMISSIONS, LINKED, APP],
      [FORK]
    ],
    [
      'App installation refused',
      { registry: 'ghcr.io', message: 'denied: installation not allowed to Write organization package' },
      ['Likely cause for ghcr.io: (1) a ' + APP],
      [PERMISSIONS]
    ],
    [
      'classic PAT: scope',
      { registry: 'ghcr.io', message: push, kind: 'pat-classic' },
      ['lacks the write:packages scope', LINKED],
      [APP]
    ],
    [
      'fine-grained PAT',
      { registry: 'ghcr.io', message: 'denied: denied', kind: 'pat-fine-grained', login: true },
      ['fine-grained personal access tokens cannot push to ghcr.io'],
      [PERMISSIONS]
    ],
    [
      'login refused: the token itself',
      { registry: 'ghcr.io', message: 'denied: denied', kind: 'github-token', login: true },
      ['the token is expired, revoked or not a GitHub token'],
      [PERMISSIONS]
    ]
  ])('%s', (_name, ctx, has, hasNot) => {
    const hint = deniedHint(ctx);
    if (has.length === 0) expect(hint).toBe('');
    for (const text of has) expect(hint).toContain(text);
    for (const text of hasNot) expect(hint).not.toContain(text);
  });
});
