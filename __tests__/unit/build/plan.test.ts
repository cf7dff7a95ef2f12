import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexAnnotations, makesIndex, mergeKeyed, mergeUnique } from '../../../src/build/annotations.js';
import { ghaAvailable, ghaScope, planCache, type CacheContext } from '../../../src/build/cache.js';
import type { BuildInputs } from '../../../src/build/inputs.js';
import { checkLocalPaths } from '../../../src/build/paths.js';
import { planForAnyVersion, resolveBuild } from '../../../src/build/plan.js';
import { readRunContext } from '../../../src/common/run-context.js';
import { decidePush } from '../../../src/build/push.js';
import { InputError } from '../../../src/common/runner.js';
import { judgeEvent } from '../../../src/common/trust.js';
import { DEFAULTS } from './defaults.js';

/** What a run with `env` gives the plan: its event's verdict and its cache service, read as the stage reads them. */
function runOf(env: NodeJS.ProcessEnv) {
  const ctx = readRunContext(env);
  return { env, trust: judgeEvent(ctx.eventName, ctx.payload), cacheService: ctx.actionsCache };
}
const service = (env: NodeJS.ProcessEnv) => readRunContext(env).actionsCache;

const DESC = 'org.opencontainers.image.description';
const SRC = 'org.opencontainers.image.source';
const LIC = 'org.opencontainers.image.licenses';

describe('push decision', () => {
  const on = (event: string) => judgeEvent(event, {});
  test.each([
    ['auto', 'push', ['a:1'], { push: true, build: true, reason: 'push: auto on a push event' }],
    ['auto', 'pull_request', ['a:1'], { push: false, build: true, reason: 'pull_request event' }],
    ['auto', 'release', [], { push: false, build: true, reason: 'no tags' }],
    [false, 'push', ['a:1'], { push: false, build: true, reason: 'push: false' }]
  ] as const)('push %j on %s with %j', (mode, event, tags, expected) => {
    expect(decidePush(mode, on(event), [...tags])).toEqual(expected);
  });

  test('push: true on pull_request pushes, with a warning naming the event', () => {
    expect(decidePush(true, on('pull_request'), ['a:1'])).toEqual({
      push: true,
      build: true,
      reason: 'push: true',
      warning:
        'Pushing on a pull_request event because "push" is true, though the code built is a pull request\'s'
    });
  });

  test('push: true without tags fails naming push', () => {
    expect(() => decidePush(true, on('push'), [])).toThrow(
      new InputError('Input "push" is true but there are no tags to push (set "tags")', ['push', 'tags'])
    );
  });
});

describe('cache', () => {
  const base: CacheContext = {
    mode: 'auto',
    cacheFrom: [],
    cacheTo: [],
    push: true,
    firstImage: 'ghcr.io/octo-org/app',
    platforms: ['linux/amd64', 'linux/arm64'],
    buildxVersion: '0.21.0',
    service: service({})
  };
  const GHA = { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'https://results/' };
  const scope = 'octo-org-app@linux-amd64+linux-arm64';

  test.each<[string, Partial<CacheContext>, string[], string[]]>([
    ['auto without the cache service: none', {}, [], []],
    [
      'auto with the cache service: gha, scoped, errors ignored',
      { service: service(GHA) },
      [`type=gha,scope=${scope}`],
      [`type=gha,scope=${scope},mode=max,ignore-error=true`]
    ],
    [
      'auto on a buildx too old for the v2 service: none',
      { service: service(GHA), buildxVersion: '0.13.1' },
      [],
      []
    ],
    [
      'auto with the v1 service URL: gha on any buildx',
      { service: service({ ...GHA, ACTIONS_CACHE_URL: 'https://c/' }), buildxVersion: '0.13.1' },
      [`type=gha,scope=${scope}`],
      [`type=gha,scope=${scope},mode=max,ignore-error=true`]
    ],
    [
      'registry when pushing',
      { mode: 'registry' },
      ['type=registry,ref=ghcr.io/octo-org/app:buildcache'],
      ['type=registry,ref=ghcr.io/octo-org/app:buildcache,mode=max,ignore-error=true']
    ],
    [
      'registry, read only when not pushing',
      { mode: 'registry', push: false },
      ['type=registry,ref=ghcr.io/octo-org/app:buildcache'],
      []
    ],
    ['none', { mode: 'none', service: service(GHA) }, [], []],
    [
      'user cache-from wins (no default cache-to either)',
      { mode: 'registry', service: service(GHA), cacheFrom: ['type=local,src=/c'] },
      ['type=local,src=/c'],
      []
    ],
    ['user cache-to wins', { service: service(GHA), cacheTo: ['type=inline'] }, [], ['type=inline']]
  ])('%s', (_name, ctx, from, to) => {
    const planned = planCache({ ...base, ...ctx });
    expect([planned.from, planned.to]).toEqual([from, to]);
  });

  test('registry cache without an image fails naming cache', () => {
    expect(() => planCache({ ...base, mode: 'registry', firstImage: '' })).toThrow(
      new InputError('Input "cache" is registry, which needs at least one image in "tags"', ['cache', 'tags'])
    );
  });

  test.each([
    ['ghcr.io/o/app', ['linux/amd64'], 'o-app@linux-amd64'],
    ['127.0.0.1:5001/a/b', [], 'a-b@default'],
    ['octo/app', ['linux/arm/v7'], 'octo-app@linux-arm-v7'],
    ['', [], 'image@default']
  ])('ghaScope(%j, %j) = %s', (image, platforms, expected) => {
    expect(ghaScope(image, platforms)).toBe(expected);
  });

  test('gha needs the runtime token', () => {
    expect(ghaAvailable(service({ ACTIONS_RESULTS_URL: 'x' }), '0.30.0')).toBe(false);
  });
});

describe('labels and annotations', () => {
  test('merging: later keys replace, order of first appearance of the survivor', () => {
    expect(mergeKeyed(['a=1', 'b=2'], ['a=3', 'c=4'])).toEqual(['b=2', 'a=3', 'c=4']);
    expect(mergeUnique(['x:1', 'y:1'], ['y:1', 'z:1'])).toEqual(['x:1', 'y:1', 'z:1']);
  });

  test.each([
    [
      'description, source, licenses become index annotations',
      [
        `${DESC}=Hello, world`,
        `${SRC}=https://github.com/o/r`,
        `${LIC}=MIT`,
        'org.opencontainers.image.title=x'
      ],
      [],
      [`index:${DESC}=Hello, world`, `index:${SRC}=https://github.com/o/r`, `index:${LIC}=MIT`]
    ],
    [
      'an index annotation given already wins',
      [`${DESC}=a`, `${LIC}=MIT`],
      [`index:${DESC}=b`],
      [`index:${LIC}=MIT`]
    ],
    ['index,manifest levels count as index', [`${DESC}=a`], [`index,manifest:${DESC}=b`], []],
    [
      'a manifest annotation does not',
      [`${DESC}=a`],
      [`manifest:${DESC}=b`, `${DESC}=c`],
      [`index:${DESC}=a`]
    ],
    ['empty values are left out', [`${DESC}=`], [], []]
  ])('%s', (_name, labels, annotations, expected) => {
    expect(indexAnnotations(labels, annotations)).toEqual(expected);
  });

  test.each([
    [['linux/amd64', 'linux/arm64'], 'false', '', false, true],
    [['linux/amd64'], '', '', true, true],
    [['linux/amd64'], '', '', false, false],
    [['linux/amd64'], 'false', '', true, false],
    [[], 'mode=max', '', false, true],
    [[], 'false', 'true', false, true]
  ])(
    'makesIndex(%j, provenance %j, sbom %j, default attestations %j) = %j',
    (platforms, provenance, sbom, byDefault, expected) => {
      expect(makesIndex({ platforms, provenance, sbom, attestationsByDefault: byDefault })).toBe(expected);
    }
  );
});

describe('resolveBuild', () => {
  const ctx = { buildxVersion: '0.13.1', containerdStore: true, ...runOf({ GITHUB_EVENT_NAME: 'push' }) };
  const inputs = (i: Partial<BuildInputs>): BuildInputs => ({ ...DEFAULTS, ...i });

  test('meta values come first; index annotations when a multi-platform image is pushed', () => {
    const r = resolveBuild(
      inputs({
        platforms: ['linux/amd64', 'linux/arm64'],
        tags: ['127.0.0.1:5002/o/app:1'],
        labels: [`${DESC}=mine`],
        cache: 'registry'
      }),
      {
        tags: ['127.0.0.1:5001/o/app:1'],
        labels: [`${DESC}=meta`, `${SRC}=https://x`],
        annotations: [`manifest:${SRC}=https://x`]
      },
      ctx
    );
    expect(r.tags).toEqual(['127.0.0.1:5001/o/app:1', '127.0.0.1:5002/o/app:1']);
    expect(r.labels).toEqual([`${SRC}=https://x`, `${DESC}=mine`]);
    expect(r.annotations).toEqual([
      `manifest:${SRC}=https://x`,
      `index:${DESC}=mine`,
      `index:${SRC}=https://x`
    ]);
    expect(r.decision).toEqual({ push: true, reason: 'push: auto on a push event' });
    expect(r.cache.from).toEqual(['type=registry,ref=127.0.0.1:5001/o/app:buildcache']);
    expect(r.metadataFile).toBe(true);
  });

  test('no index annotations when nothing is pushed or exported as an image', () => {
    const r = resolveBuild(
      inputs({ platforms: ['linux/amd64', 'linux/arm64'], tags: ['o/app:1'], labels: [`${DESC}=x`] }),
      {},
      { ...ctx, ...runOf({ GITHUB_EVENT_NAME: 'pull_request' }) }
    );
    expect([r.decision.push, r.annotations]).toEqual([false, []]);
  });

  test.each<[string, Partial<BuildInputs>, NodeJS.ProcessEnv, boolean]>([
    [
      'an sbom asked through attests',
      { attests: ['type=sbom'] },
      { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' },
      true
    ],
    ['provenance turned off through attests', { attests: ['type=provenance,disabled=true'] }, {}, false],
    [
      'provenance off by its input, whatever attests says',
      { provenance: 'false', attests: ['type=provenance,mode=max'] },
      {},
      false
    ],
    ['default provenance: an index', {}, {}, true],
    ['no attestation at all: one manifest', {}, { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' }, false]
  ])('one platform pushed, %s: index annotations %j', (_name, i, env, index) => {
    const r = resolveBuild(
      inputs({ platforms: ['linux/amd64'], labels: [`${DESC}=x`], ...i }),
      { tags: ['ghcr.io/o/app:1'] },
      { ...ctx, ...runOf({ GITHUB_EVENT_NAME: 'push', ...env }) }
    );
    expect(r.annotations).toEqual(index ? [`index:${DESC}=x`] : []);
  });

  test.each<[string, Partial<BuildInputs>, Partial<typeof ctx>, string]>([
    ['upper case in a meta tag', {}, {}, 'Input "tags": "ghcr.io/O/app:1" has upper case'],
    [
      'load of several platforms without the containerd store',
      { load: true, platforms: ['linux/amd64', 'linux/arm64'] },
      { containerdStore: false },
      'Input "load" is true with 2 platforms (linux/amd64, linux/arm64), but this Docker engine has no containerd image store'
    ],
    [
      'call on buildx 0.13',
      { call: 'check' },
      {},
      'Input "call" needs buildx 0.15.0 or newer; this runner has buildx 0.13.1 (got "check")'
    ],
    [
      'annotations on buildx 0.11',
      { annotations: ['a=b'] },
      { buildxVersion: '0.11.2' },
      'Input "annotations" needs buildx 0.12.0 or newer; this runner has buildx 0.11.2'
    ],
    [
      'attests on buildx 0.9',
      { attests: ['type=sbom'] },
      { buildxVersion: '0.9.1' },
      'Input "attests" needs buildx 0.10.0 or newer; this runner has buildx 0.9.1 (got "type=sbom")'
    ],
    [
      'sbom on buildx 0.9',
      { sbom: 'true' },
      { buildxVersion: '0.9.1' },
      'Input "sbom" needs buildx 0.10.0 or newer'
    ]
  ])('%s fails', (_name, i, c, message) => {
    const meta = _name.startsWith('upper') ? { tags: ['ghcr.io/O/app:1'] } : {};
    expect(() => resolveBuild(inputs(i), meta, { ...ctx, ...c })).toThrow(InputError);
    expect(() => resolveBuild(inputs(i), meta, { ...ctx, ...c })).toThrow(message);
  });

  test('local paths: the context and the Dockerfile must exist, URLs are left to buildx', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctx-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    expect(() => checkLocalPaths(inputs({ context: '.', file: 'Dockerfile' }), dir)).not.toThrow();
    expect(() => checkLocalPaths(inputs({ context: 'https://github.com/o/r.git#main' }), dir)).not.toThrow();
    expect(() => checkLocalPaths(inputs({ context: 'app' }), dir)).toThrow(
      `Input "context": "app" does not exist (in ${dir})`
    );
    expect(() => checkLocalPaths(inputs({ file: 'app.Dockerfile' }), dir)).toThrow(
      'Input "file": "app.Dockerfile" does not exist'
    );
  });

  test('local paths: the default Dockerfile, secret-files and a stdin context, each named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctx-'));
    mkdirSync(join(dir, 'app'));
    mkdirSync(join(dir, 'lower'));
    writeFileSync(join(dir, 'lower', 'dockerfile'), 'FROM scratch\n');
    writeFileSync(join(dir, 'token.txt'), 'x');
    const error = (i: Partial<BuildInputs>) => {
      try {
        checkLocalPaths(inputs(i), dir);
        return '';
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        return (err as Error).message;
      }
    };
    expect(error({ context: 'app' })).toBe(
      `Input "file" is not set, and the context "app" has no Dockerfile (in ${dir}): add one, or name it in "file"`
    );
    expect(error({ context: 'lower' })).toBe('');
    expect(error({ context: 'lower', secretFiles: ['tok=token.txt', 'key=./keys/id'] })).toBe(
      `Input "secret-files" item 2 (id "key"): "./keys/id" does not exist (in ${dir})`
    );
    expect(error({ context: '-' })).toBe(
      'Input "context" is "-", which reads the context from stdin: a step has none; name a path or URL'
    );
    // a remote context brings its own Dockerfile; its secret files are still local
    expect(error({ context: 'https://github.com/o/r.git#main', secretFiles: ['a=gone'] })).toMatch(
      /^Input "secret-files" item 1 \(id "a"\)/
    );
  });
});

describe('planForAnyVersion: buildx may start before its version is known', () => {
  const inputs = (i: Partial<BuildInputs>): BuildInputs => ({ ...DEFAULTS, ...i });
  const push = { GITHUB_EVENT_NAME: 'push' };
  const gha = { ...push, ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'https://results/' };
  test.each<[string, Partial<BuildInputs>, NodeJS.ProcessEnv, boolean]>([
    [
      'two platforms, two registries, annotations from meta',
      { platforms: ['linux/amd64', 'linux/arm64'] },
      push,
      true
    ],
    [
      'registry cache and attestations asked',
      { cache: 'registry', provenance: 'mode=max', sbom: 'true' },
      push,
      true
    ],
    [
      'attests, allow, cgroup-parent, no-cache-filters: the same on every supported buildx',
      { attests: ['type=sbom'], allow: ['network.host'], cgroupParent: 'ci', noCacheFilters: ['test'] },
      push,
      true
    ],
    ['call: check needs buildx 0.15', { call: 'check' }, push, false],
    ['the cache service only buildx 0.21 reaches (cache: auto)', {}, gha, false],
    [
      'the legacy cache service every buildx reaches',
      {},
      { ...gha, ACTIONS_CACHE_URL: 'https://cache/' },
      true
    ],
    ['refused inputs: left to the exact plan', { cache: 'registry', tags: [] }, push, false]
  ])('%s', (_name, i, env, known) => {
    const meta = { tags: ['ghcr.io/o/app:1', 'docker.io/o/app:1'], annotations: ['manifest:a=b'] };
    const given = i.tags ? {} : meta;
    const plan = planForAnyVersion(inputs(i), given, { containerdStore: true, ...runOf(env) });
    expect(plan !== undefined).toBe(known);
    if (plan) {
      expect(plan).toEqual(
        resolveBuild(inputs(i), given, { containerdStore: true, ...runOf(env), buildxVersion: '0.13.1' })
      );
      expect(plan).toEqual(
        resolveBuild(inputs(i), given, { containerdStore: true, ...runOf(env), buildxVersion: '0.29.1' })
      );
    }
  });
});
