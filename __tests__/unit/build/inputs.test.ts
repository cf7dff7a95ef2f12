import { InputError } from '../../../src/common/runner.js';
import { readBuildInputs, type BuildInputs } from '../../../src/build/inputs.js';
import { DEFAULTS } from './defaults.js';

const source = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('readBuildInputs', () => {
  test('empty inputs give the defaults', () => {
    expect(readBuildInputs(source({}))).toEqual(DEFAULTS);
  });

  test.each<[string, Record<string, string>, Partial<BuildInputs>]>([
    [
      'platforms split at commas and lines',
      { platforms: 'linux/amd64,linux/arm64\nlinux/arm/v7' },
      { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] }
    ],
    ['build-args keep their commas', { 'build-args': 'A=1,2\nB="x"' }, { buildArgs: ['A=1,2', 'B="x"'] }],
    ['CSV quoting keeps a comma in a tag list item', { tags: 'a:1,"b:2"' }, { tags: ['a:1', 'b:2'] }],
    ['labels one per line', { labels: 'a=1,2\nb=' }, { labels: ['a=1,2', 'b='] }],
    // buildx reads `--label novalue` as the label novalue with an empty value.
    [
      'a label without = is an empty label, as buildx reads it',
      { labels: 'novalue' },
      { labels: ['novalue='] }
    ],
    [
      'every documented cache type, a bare reference and CSV quoting',
      {
        'cache-from':
          'type=registry,ref=ghcr.io/o/app:cache\ntype=local,src=/tmp/c\ntype=gha\n"type=s3,region=eu-west-1,bucket=b"\ntype=azblob,name=c\nghcr.io/o/app:cache',
        'cache-to': 'type=inline\nname=c,type=azblob'
      },
      {
        cacheFrom: [
          'type=registry,ref=ghcr.io/o/app:cache',
          'type=local,src=/tmp/c',
          'type=gha',
          'type=s3,region=eu-west-1,bucket=b',
          'type=azblob,name=c',
          'ghcr.io/o/app:cache'
        ],
        cacheTo: ['type=inline', 'name=c,type=azblob']
      }
    ],
    [
      'outputs are not unquoted',
      { outputs: 'type=image,"name=a,b"' },
      { outputs: ['type=image,"name=a,b"'] }
    ],
    ['push true/false/auto', { push: 'false' }, { push: false }],
    ['push TRUE', { push: 'TRUE' }, { push: true }],
    ['cache false means none', { cache: 'false' }, { cache: 'none' }],
    ['cache registry', { cache: 'registry' }, { cache: 'registry' }],
    [
      'booleans',
      { load: 'true', 'no-cache': 'true', pull: 'True' },
      { load: true, noCache: true, pull: true }
    ],
    [
      'secrets keep commas and =',
      { secrets: 'tok=a,b=c\nother=x' },
      {
        secrets: [
          { id: 'tok', value: 'a,b=c' },
          { id: 'other', value: 'x' }
        ]
      }
    ],
    ['secret-envs split at commas', { 'secret-envs': 'a=A,b=B' }, { secretEnvs: ['a=A', 'b=B'] }],
    [
      'attestation attributes',
      { provenance: 'mode=max,builder-id=x', sbom: 'false' },
      { provenance: 'mode=max,builder-id=x', sbom: 'false' }
    ],
    [
      'attests one per line, commas kept',
      { attests: 'type=sbom,generator=image\ntype=provenance,mode=max' },
      { attests: ['type=sbom,generator=image', 'type=provenance,mode=max'] }
    ],
    [
      'allow and no-cache-filters split at commas and lines',
      {
        allow: 'network.host,security.insecure',
        'no-cache-filters': 'deps\ntest',
        'cgroup-parent': 'ci.slice'
      },
      {
        allow: ['network.host', 'security.insecure'],
        noCacheFilters: ['deps', 'test'],
        cgroupParent: 'ci.slice'
      }
    ],
    ['an entitlement with a value', { allow: 'device=nvidia.com/gpu' }, { allow: ['device=nvidia.com/gpu'] }],
    [
      'shm-size and ulimit and hosts',
      { 'shm-size': '2g', ulimit: 'nofile=1024:2048', 'add-hosts': 'db:10.0.0.1,api=10.0.0.2' },
      { shmSize: '2g', ulimit: ['nofile=1024:2048'], addHosts: ['db:10.0.0.1', 'api=10.0.0.2'] }
    ]
  ])('%s', (_name, values, expected) => {
    expect(readBuildInputs(source(values))).toEqual({ ...DEFAULTS, ...expected });
  });

  test.each([
    [
      { platforms: 'linux/amd64,linux/x86_64' },
      'Input "platforms": "linux/x86_64" has an unknown architecture'
    ],
    [{ tags: 'ghcr.io/o/app:1,ghcr.io/O/app:2' }, 'Input "tags": "ghcr.io/O/app:2" has upper case'],
    [{ tags: 'ghcr.io/o/app:bad!tag' }, 'Input "tags": "ghcr.io/o/app:bad!tag" has an invalid tag "bad!tag"'],
    [{ push: 'yes' }, 'Input "push" must be auto, true or false, got "yes"'],
    [{ cache: 's3' }, 'Input "cache" must be one of auto, gha, registry, none, got "s3"'],
    [{ load: 'on' }, 'Input "load" must be true or false, got "on"'],
    [{ secrets: 'ok=1\nnovalue' }, 'Input "secrets" line 2 is not id=value'],
    [{ secrets: 'tok=' }, 'Input "secrets" line 1 has an empty value'],
    [{ 'secret-files': '=x' }, 'Input "secret-files" item 1 is not id=path'],
    [{ annotations: 'novalue' }, 'Input "annotations" item 1 "novalue" is not [type:]key=value'],
    [
      { 'cache-from': 'type=foo,ref=x' },
      'Input "cache-from" item 1 has unknown type "foo" (buildx\'s cache types: registry, local, inline, gha, s3, azblob)'
    ],
    [
      { 'cache-to': 'type=gha\nmode=max,ref=x' },
      'Input "cache-to" item 2 has no type= (buildx\'s cache types: registry, local, inline, gha, s3, azblob)'
    ],
    [{ 'cache-to': 'type=registry2,ref=x' }, 'Input "cache-to" item 1 has unknown type "registry2"'],
    [{ 'add-hosts': 'db' }, 'Input "add-hosts" item 1 "db" is not host:ip'],
    [{ ulimit: 'nofile' }, 'Input "ulimit" item 1 "nofile" is not name=soft[:hard]'],
    [{ 'shm-size': 'lots' }, 'Input "shm-size" must be a size such as 2g or 512m, got "lots"'],
    [
      { attests: 'mode=max' },
      'Input "attests" item 1 "mode=max" is not type=<provenance|sbom>[,key=value...]'
    ],
    [
      { attests: 'type=sbom\ntype=provenance\nTYPE=sbom,generator=x' },
      'Input "attests" names type=sbom twice (item 3 "TYPE=sbom,generator=x"); give one entry per type'
    ],
    [
      { allow: 'network host' },
      'Input "allow" item 1 "network host" is not an entitlement such as network.host'
    ],
    [{ 'no-cache-filters': 'deps test' }, 'Input "no-cache-filters" item 1 "deps test" is not a stage name'],
    [
      { provenance: 'maximum' },
      'Input "provenance" must be true, false or key=value attributes, got "maximum"'
    ]
  ])('%j fails: %s', (values, message) => {
    expect(() => readBuildInputs(source(values))).toThrow(InputError);
    expect(() => readBuildInputs(source(values))).toThrow(message);
  });

  const messageOf = (values: Record<string, string>) => {
    try {
      readBuildInputs(source(values));
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      return (err as Error).message;
    }
    throw new Error('no error');
  };

  test.each([
    ['build-args', 'A=1\nTOK EN=sekret-ba1', 'Input "build-args" item 2 is not NAME=value', 'sekret-ba1'],
    ['build-args', '=sekret-ba2', 'Input "build-args" item 1 is not NAME=value', 'sekret-ba2'],
    [
      'cache-to',
      'type=s3,region=x,secret_access_key=sekret-ca1\nmode=max,access_key_id=sekret-ca2',
      'Input "cache-to" item 2 has no type=',
      'sekret-ca'
    ],
    [
      'cache-from',
      'type=azblob2,account_url=x,secret_access_key=sekret-cf1',
      'Input "cache-from" item 1 has unknown type "azblob2"',
      'sekret-cf1'
    ],
    ['cache-from', 'type=sekret cf2,ref=x', 'Input "cache-from" item 1 has unknown type (', 'sekret'],
    ['secrets', 'tok=ok\nsekret-se1', 'Input "secrets" line 2 is not id=value', 'sekret-se1'],
    ['secrets', '"tok=sekret-se2\n', 'Input "secrets" line 1 is not a list of id=value', 'sekret-se2']
  ])('%s: the error names the input and the item, never the value', (input, value, start, secret) => {
    const message = messageOf({ [input]: value });
    expect(message.startsWith(start)).toBe(true);
    expect(message).not.toContain(secret);
  });

  test.each([
    [
      { platforms: 'linux/amd64,linux/amd64' },
      'Input "platforms" lists "linux/amd64" twice: list each platform once'
    ],
    [
      { platforms: 'linux/arm64,linux/amd64,linux/arm64/v8' },
      'Input "platforms" lists "linux/arm64" and "linux/arm64/v8", the same platform: list each platform once'
    ],
    [
      { platforms: 'linux/arm,linux/arm/v7' },
      'Input "platforms" lists "linux/arm" and "linux/arm/v7", the same platform: list each platform once'
    ],
    [
      { call: 'bogus' },
      'Input "call" must be one of build, check, lint, outline, targets, subrequests.describe'
    ],
    [{ call: 'check,error=true' }, 'Input "call" option "error=true" is not one of format=, ignorestatus='],
    [{ call: 'Check' }, 'Input "call" must be one of'],
    [{ file: '-' }, 'Input "file" is "-", which reads stdin: a step has none'],
    [
      { file: '--push' },
      'Input "file" starts with "-" ("--push"), which buildx would read as an option: write it as ./--push'
    ],
    [{ builder: '-b' }, 'Input "builder" starts with "-" ("-b"), which buildx would read as an option']
  ])('%j fails before anything runs: %s', (values, message) => {
    expect(messageOf(values).startsWith(message)).toBe(true);
  });

  test.each([
    'build',
    'check',
    'check,format=json',
    'outline,format=json',
    'targets',
    'lint',
    'check,ignorestatus=true'
  ])('call %s is taken', call => {
    expect(readBuildInputs(source({ call })).call).toBe(call);
  });

  test('platforms that differ only where buildx does not dedupe them are kept', () => {
    expect(
      readBuildInputs(source({ platforms: 'linux/amd64,linux/amd64/v2,linux/arm/v6,linux/arm/v7' })).platforms
    ).toEqual(['linux/amd64', 'linux/amd64/v2', 'linux/arm/v6', 'linux/arm/v7']);
  });

  test('a bad secret never shows its value', () => {
    expect(() => readBuildInputs(source({ secrets: 'hunter2' }))).toThrow(
      new InputError(
        'Input "secrets" line 1 is not id=value with an id of letters, digits, ".", "_" or "-"; ' +
          'a value over several lines must be quoted as a whole item ("id=line 1<newline>line 2"), quotes inside doubled',
        ['secrets']
      )
    );
  });
});
