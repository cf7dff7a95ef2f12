import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildArgv, commandLine, type BuildPlan } from '../../../src/build/args.js';
import type { BuildInputs } from '../../../src/build/inputs.js';
import { secretArgs, writeSecretFiles } from '../../../src/build/secrets.js';
import { DEFAULTS } from './defaults.js';

function plan(inputs: Partial<BuildInputs>, rest: Partial<BuildPlan> = {}): BuildPlan {
  return {
    inputs: { ...DEFAULTS, ...inputs },
    tags: [],
    labels: [],
    annotations: [],
    push: false,
    cacheFrom: [],
    cacheTo: [],
    secrets: [],
    builder: '',
    metadataFile: '/tmp/m.json',
    ...rest
  };
}

const HEAD = ['buildx', 'build', '--progress', 'plain'];
const TAIL = ['--metadata-file', '/tmp/m.json', '--', '.'];

describe('buildArgv', () => {
  test.each<[string, BuildPlan, string[]]>([
    ['nothing set', plan({}), []],
    [
      'file, target',
      plan({ file: 'docker/Dockerfile', target: 'runtime' }),
      ['--file', 'docker/Dockerfile', '--target', 'runtime']
    ],
    [
      'platforms joined',
      plan({ platforms: ['linux/amd64', 'linux/arm64'] }),
      ['--platform', 'linux/amd64,linux/arm64']
    ],
    ['build-args, each', plan({ buildArgs: ['A=1,2', 'B'] }), ['--build-arg', 'A=1,2', '--build-arg', 'B']],
    [
      'build-contexts',
      plan({ buildContexts: ['alpine=docker-image://alpine:3'] }),
      ['--build-context', 'alpine=docker-image://alpine:3']
    ],
    [
      'tags, labels, annotations from the plan',
      plan({}, { tags: ['a/b:1', 'c/d:1'], labels: ['x=1'], annotations: ['index:y=2'] }),
      ['--tag', 'a/b:1', '--tag', 'c/d:1', '--label', 'x=1', '--annotation', 'index:y=2']
    ],
    [
      'cache from/to from the plan',
      plan({}, { cacheFrom: ['type=gha,scope=s'], cacheTo: ['type=gha,scope=s,mode=max'] }),
      ['--cache-from', 'type=gha,scope=s', '--cache-to', 'type=gha,scope=s,mode=max']
    ],
    [
      'secrets from the plan, ssh',
      plan({ ssh: ['default'] }, { secrets: ['id=a,src=/t/secret-0'] }),
      ['--secret', 'id=a,src=/t/secret-0', '--ssh', 'default']
    ],
    ['outputs', plan({ outputs: ['type=local,dest=out'] }), ['--output', 'type=local,dest=out']],
    [
      'provenance and sbom',
      plan({ provenance: 'mode=max', sbom: 'true' }),
      ['--provenance', 'mode=max', '--sbom', 'true']
    ],
    ['provenance off', plan({ provenance: 'false' }), ['--provenance', 'false']],
    ['call', plan({ call: 'check' }), ['--call', 'check']],
    [
      'network, shm-size, ulimit, add-hosts',
      plan({ network: 'host', shmSize: '2g', ulimit: ['nofile=1024:2048'], addHosts: ['db:10.0.0.1'] }),
      ['--network', 'host', '--shm-size', '2g', '--ulimit', 'nofile=1024:2048', '--add-host', 'db:10.0.0.1']
    ],
    [
      'flags',
      plan({ noCache: true, pull: true, load: true }, { push: true }),
      ['--no-cache', '--pull', '--load', '--push']
    ],
    ['a created builder', plan({}, { builder: 'push-to-image-1-ab' }), ['--builder', 'push-to-image-1-ab']],
    [
      'allow, each entitlement',
      plan({ allow: ['network.host', 'security.insecure'] }),
      ['--allow', 'network.host', '--allow', 'security.insecure']
    ],
    ['cgroup-parent', plan({ cgroupParent: 'builds.slice' }), ['--cgroup-parent', 'builds.slice']],
    [
      'no-cache-filters, each stage, after no-cache',
      plan({ noCache: true, noCacheFilters: ['deps', 'test'] }),
      ['--no-cache', '--no-cache-filter', 'deps', '--no-cache-filter', 'test']
    ],
    [
      'attests, each entry',
      plan({ attests: ['type=sbom,generator=docker/buildkit-syft-scanner', 'type=provenance,mode=max'] }),
      ['--attest', 'type=sbom,generator=docker/buildkit-syft-scanner', '--attest', 'type=provenance,mode=max']
    ],
    [
      'the provenance input wins over an attests entry of its type',
      plan({ provenance: 'mode=min', attests: ['type=provenance,mode=max', 'type=sbom'] }),
      ['--provenance', 'mode=min', '--attest', 'type=sbom']
    ],
    [
      'the sbom input wins over an attests entry of its type, even false',
      plan({ sbom: 'false', attests: ['type=sbom', 'type=provenance,disabled=true'] }),
      ['--sbom', 'false', '--attest', 'type=provenance,disabled=true']
    ],
    [
      'every new input together, in order',
      plan({
        provenance: 'false',
        attests: ['type=sbom'],
        addHosts: ['db:10.0.0.1'],
        allow: ['network.host'],
        cgroupParent: 'ci',
        noCacheFilters: ['test'],
        pull: true
      }),
      [
        '--provenance',
        'false',
        '--attest',
        'type=sbom',
        '--add-host',
        'db:10.0.0.1',
        '--allow',
        'network.host',
        '--cgroup-parent',
        'ci',
        '--no-cache-filter',
        'test',
        '--pull'
      ]
    ]
  ])('%s', (_name, p, middle) => {
    expect(buildArgv(p)).toEqual([...HEAD, ...middle, ...TAIL]);
  });

  test('the builder comes first and the context last; no metadata file when buildx cannot write one', () => {
    expect(
      buildArgv(plan({ context: './app', platforms: ['linux/arm64'] }, { builder: 'b', metadataFile: '' }))
    ).toEqual([...HEAD, '--builder', 'b', '--platform', 'linux/arm64', '--', './app']);
  });

  test.each<[string, Partial<BuildInputs>, string[]]>([
    ['a context that looks like a flag stays a path', { context: '--push' }, ['--', '--push']],
    ['a context of one dash after --', { context: '-x' }, ['--', '-x']],
    [
      'a URL context',
      { context: 'https://github.com/o/r.git#main' },
      ['--', 'https://github.com/o/r.git#main']
    ],
    [
      'flag values stay values: build-args and labels that start with "-"',
      { buildArgs: ['--push'], context: 'ctx' },
      ['--build-arg', '--push', '--metadata-file', '/tmp/m.json', '--', 'ctx']
    ]
  ])('positionals after --: %s', (_name, inputs, tail) => {
    const argv = buildArgv(plan(inputs));
    expect(argv.slice(-tail.length)).toEqual(tail);
    // exactly one `--`, right before the context
    expect(argv.filter(a => a === '--')).toHaveLength(1);
    expect(argv.indexOf('--')).toBe(argv.length - 2);
  });

  test('commandLine quotes what the shell would split', () => {
    expect(commandLine(['docker', 'buildx', 'build', '--label', "a=it's here", '--tag', 'a/b:1', '.'])).toBe(
      "docker buildx build --label 'a=it'\\''s here' --tag a/b:1 ."
    );
  });

  test('commandLine leaves out build-arg values, keeping their keys', () => {
    expect(
      commandLine(['docker', 'buildx', 'build', '--build-arg', 'TOKEN=sekret', '--build-arg', 'BARE', '.'])
    ).toBe("docker buildx build --build-arg 'TOKEN=(hidden)' --build-arg BARE .");
  });
});

describe('secrets', () => {
  const spec = {
    secrets: [
      { id: 'token', value: 'a,b=c' },
      { id: 'npm', value: 'x' }
    ],
    secretFiles: ['key=./k.pem'],
    secretEnvs: ['gh=GH_TOKEN']
  };

  test('--secret arguments by reference', () => {
    expect(secretArgs(spec, n => `/t/s${n}`)).toEqual([
      'id=token,src=/t/s0',
      'id=npm,src=/t/s1',
      'id=key,src=./k.pem',
      'id=gh,env=GH_TOKEN'
    ]);
  });

  test('values are written to private 0600 files in the folder given', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sec-'));
    const args = writeSecretFiles(spec, folder);
    const file = args[0].replace(/^id=token,src=/, '');
    expect(file).toBe(join(folder, 'secret-0'));
    expect(readFileSync(file, 'utf8')).toBe('a,b=c');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
