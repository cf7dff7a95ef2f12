import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/common/errors.js';
import { readRunContext } from '../../../src/common/run-context.js';
import { decidePrune, packagesOf, type PruneUpstream } from '../../../src/prune/decide.js';
import { readPruneInputs } from '../../../src/prune/inputs.js';

// an empty Docker config: no registry has credentials in it
const emptyConfig = mkdtempSync(join(tmpdir(), 'prune-decide-'));
afterAll(() => rmSync(emptyConfig, { recursive: true, force: true }));

const runEnv = {
  GITHUB_REPOSITORY: 'Octo/Hello-World',
  GITHUB_REPOSITORY_OWNER: 'Octo',
  GITHUB_ACTOR: 'mona',
  GITHUB_API_URL: 'https://api.github.com'
};

function decide(
  given: Record<string, string>,
  upstream: PruneUpstream,
  env: Record<string, string> = runEnv
) {
  const ctx = readRunContext(env);
  const inputs = readPruneInputs(name => ({ token: 't', ...given })[name] ?? '', ctx, {
    DOCKER_CONFIG: emptyConfig
  });
  return decidePrune(inputs, upstream, ctx);
}

describe('packagesOf', () => {
  test.each([
    [
      ['ghcr.io/octo/app', 'ghcr.io/octo/app/worker', 'ghcr.io/other/x', 'docker.io/octo/app'],
      'ghcr.io',
      'Octo',
      ['app', 'app/worker']
    ],
    [['ghcr.io/Octo/App', 'ghcr.io/octo/app'], 'ghcr.io', 'octo', ['app']],
    [['GHCR.io/octo/app'], 'https://ghcr.io/', 'octo', ['app']],
    [['ghcr.io/octopus/app', 'ghcr.io/octo'], 'ghcr.io', 'octo', []],
    [['127.0.0.1:5003/octo/app'], '127.0.0.1:5003', 'octo', ['app']],
    [['127.0.0.1:5003/octo/app'], '127.0.0.1:5004', 'octo', []]
  ])('%j on %s of %s: %j', (images, registry, owner, expected) => {
    expect(packagesOf(images, registry, owner)).toEqual(expected);
  });
});

describe('decidePrune: which packages', () => {
  test.each<[string, Record<string, string>, PruneUpstream, { packages: string[]; skip?: string }]>([
    ["alone: the repository's own package", {}, {}, { packages: ['hello-world'] }],
    ['alone: the packages input', { packages: 'app\nApp/Worker' }, {}, { packages: ['app', 'app/worker'] }],
    [
      "after a push: the pushed images' packages on the registry",
      {},
      { images: ['ghcr.io/Octo/App', 'docker.io/octo/app'] },
      { packages: ['app'] }
    ],
    [
      'after a push: the packages input wins',
      { packages: 'tools' },
      { images: ['docker.io/octo/app'] },
      { packages: ['tools'] }
    ],
    [
      'after a push: another owner',
      { owner: 'other', packages: 'x' },
      { images: ['ghcr.io/octo/app'] },
      { packages: ['x'] }
    ],
    [
      'after a push: none of the images there',
      {},
      { images: ['docker.io/octo/app'] },
      {
        packages: [],
        skip:
          'Prune skipped: none of the pushed images (docker.io/octo/app) is a package of Octo on ghcr.io; ' +
          'set prune-packages to prune other packages'
      }
    ],
    [
      'after a push: no image on the registry named',
      { registry: 'ghcr.example.com' },
      { images: ['ghcr.io/octo/app'], logins: ['ghcr.example.com'] },
      {
        packages: [],
        skip:
          'Prune skipped: none of the pushed images (ghcr.io/octo/app) is a package of Octo on ghcr.example.com; ' +
          'set prune-packages to prune other packages'
      }
    ]
  ])('%s', (_, given, upstream, expected) => {
    const d = decide(given, upstream);
    expect({ packages: d.packages.map(p => p.name), ...(d.skip ? { skip: d.skip } : {}) }).toEqual(expected);
  });

  test('the whole decision, exactly', () => {
    expect(decide({ owner: 'Octo-Org', packages: 'app', 'dry-run': 'true' }, {})).toEqual({
      token: 't',
      owner: 'Octo-Org',
      registry: 'ghcr.io',
      registryLogin: 'token',
      registryUser: 'mona',
      apiUrl: 'https://api.github.com',
      packages: [{ name: 'app', repository: 'octo-org/app' }],
      policy: {
        keepNTagged: undefined,
        keepNUntagged: undefined,
        keepTags: [],
        deleteTags: [],
        deleteUntagged: true
      },
      dryRun: true,
      maxDeletions: 500
    });
  });

  test('the run context gives the API, the user and the GHES container registry', () => {
    const d = decide(
      { registry: 'containers.ghes.example.com' },
      {},
      {
        GITHUB_REPOSITORY: 'octo/app',
        GITHUB_REPOSITORY_OWNER: 'octo',
        GITHUB_SERVER_URL: 'https://ghes.example.com/'
      }
    );
    expect([d.apiUrl, d.registryUser, d.registryLogin, d.owner, d.packages]).toEqual([
      'https://ghes.example.com/api/v3',
      'github-actions',
      'token',
      'octo',
      [{ name: 'app', repository: 'octo/app' }]
    ]);
  });

  test('no repository and no packages', () => {
    expect(() => decide({ owner: 'o' }, {}, {})).toThrow(
      new InputError('Input "packages" is empty and GITHUB_REPOSITORY names no repository', ['packages'])
    );
  });
});

describe("decidePrune: the registry's credentials", () => {
  test.each<[string, Record<string, string>, PruneUpstream, string]>([
    ["GitHub's own registry: the token", {}, {}, 'token'],
    ["GHE.com's own registry: the token", { registry: 'containers.octo.ghe.com' }, {}, 'token'],
    [
      'another registry a login of this run covers',
      { registry: '127.0.0.1:5003' },
      { logins: ['127.0.0.1:5003'] },
      'docker-config'
    ],
    [
      'the login given as a URL',
      { registry: 'registry.example.com' },
      { logins: ['https://Registry.example.com/'] },
      'docker-config'
    ]
  ])('%s', (_, given, upstream, login) => {
    const env = given.registry?.endsWith('ghe.com')
      ? { ...runEnv, GITHUB_SERVER_URL: 'https://octo.ghe.com' }
      : runEnv;
    expect(decide(given, upstream, env).registryLogin).toBe(login);
  });

  test('another registry without credentials is refused, naming the input', () => {
    expect(() => decide({ registry: '127.0.0.1:5003' }, { logins: ['127.0.0.1:5004'] })).toThrow(
      new InputError(
        'Input "registry" is "127.0.0.1:5003", which is not GitHub\'s container registry (ghcr.io): the token goes ' +
          'only there, so log in to 127.0.0.1:5003 first (the login stage, registry-auth, or docker login)',
        ['registry']
      )
    );
  });
});
