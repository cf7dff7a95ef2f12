import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  builderName,
  chooseBuilder,
  createBuilderArgs,
  parseInspect,
  type BuilderInfo
} from '../../../src/build/builder.js';
import { atLeast, features, parseBuildxVersion } from '../../../src/build/buildx.js';
import {
  buildxCurrentFile,
  containerdStore,
  localSocket,
  pluginDirs,
  usesDefaultBuilder
} from '../../../src/build/engine.js';
import { parsePlatform } from '../../../src/build/platforms.js';
import { countSteps, isTransientPushError } from '../../../src/build/progress.js';
import {
  BINFMT_IMAGE,
  emulatorsNeeded,
  installArgs,
  readHandlers,
  runnableArches
} from '../../../src/build/qemu.js';
import { buildSummary } from '../../../src/build/summary.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/build/', import.meta.url));
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const platforms = (...list: string[]) => list.map(p => parsePlatform(p));

describe('buildx version', () => {
  test.each([
    ['github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3', '0.13.1'],
    ['github.com/docker/buildx v0.30.1 9e66234', '0.30.1']
  ])('%s', (output, version) => {
    expect(parseBuildxVersion(output)).toBe(version);
  });

  test('features follow the version', () => {
    expect(features('0.13.1')).toEqual({
      metadataFile: true,
      attestations: true,
      annotations: true,
      call: false,
      ghaCacheV2: false,
      history: false
    });
    expect(features('0.11.2')).toEqual({
      metadataFile: true,
      attestations: true,
      annotations: false,
      call: false,
      ghaCacheV2: false,
      history: false
    });
    expect(features('0.29.1')).toEqual({
      metadataFile: true,
      attestations: true,
      annotations: true,
      call: true,
      ghaCacheV2: true,
      history: true
    });
    expect([atLeast('0.15.0', '0.15.0'), atLeast('1.0.0', '0.21.0'), atLeast('0.9.9', '0.10.0')]).toEqual([
      true,
      true,
      false
    ]);
  });

  test.each<[string, NodeJS.ProcessEnv, string | undefined, boolean]>([
    ['no current file', {}, undefined, true],
    [
      'current file without a name',
      {},
      '{"Key":"unix:///var/run/docker.sock","Name":"","Global":false}',
      true
    ],
    ['current file naming default', {}, '{"Name":"default"}', true],
    ['current file naming a builder', {}, '{"Name":"ci-builder"}', false],
    ['unreadable current file', {}, '{', false],
    ['BUILDX_BUILDER names one', { BUILDX_BUILDER: 'remote' }, undefined, false],
    ['BUILDX_BUILDER=default', { BUILDX_BUILDER: 'default' }, undefined, true]
  ])('default builder? %s', (_name, env, file, expected) => {
    expect(usesDefaultBuilder(env, file)).toBe(expected);
  });

  test('buildx keeps its current builder under DOCKER_CONFIG (or BUILDX_CONFIG)', () => {
    expect(buildxCurrentFile({ DOCKER_CONFIG: '/c' })).toBe('/c/buildx/current');
    expect(buildxCurrentFile({ HOME: '/h' })).toBe('/h/.docker/buildx/current');
    expect(buildxCurrentFile({ BUILDX_CONFIG: '/b', DOCKER_CONFIG: '/c' })).toBe('/b/current');
  });
});

describe('where the engine facts come from', () => {
  test.each<[string, NodeJS.ProcessEnv, object, string | undefined]>([
    ['no DOCKER_HOST, no context: the default socket', {}, {}, '/var/run/docker.sock'],
    ['the default context', {}, { currentContext: 'default' }, '/var/run/docker.sock'],
    ['DOCKER_HOST on a unix socket', { DOCKER_HOST: 'unix:///run/e/docker.sock' }, {}, '/run/e/docker.sock'],
    ['DOCKER_HOST over TCP: ask the CLI', { DOCKER_HOST: 'tcp://10.0.0.2:2376' }, {}, undefined],
    ['DOCKER_HOST over SSH: ask the CLI', { DOCKER_HOST: 'ssh://me@box' }, {}, undefined],
    ['another context in config.json: ask the CLI', {}, { currentContext: 'remote' }, undefined],
    ['DOCKER_CONTEXT: ask the CLI', { DOCKER_CONTEXT: 'remote' }, {}, undefined]
  ])('engine socket: %s', (_name, env, config, socket) => {
    expect(localSocket(env, config)).toBe(socket);
  });

  test("plugin folders in the docker CLI's order", () => {
    expect(pluginDirs({ DOCKER_CONFIG: '/c' }, { cliPluginsExtraDirs: ['/x'] })).toEqual([
      '/c/cli-plugins',
      '/x',
      '/usr/local/lib/docker/cli-plugins',
      '/usr/local/libexec/docker/cli-plugins',
      '/usr/lib/docker/cli-plugins',
      '/usr/libexec/docker/cli-plugins'
    ]);
    expect(pluginDirs({ HOME: '/h' }, {})[0]).toBe('/h/.docker/cli-plugins');
  });

  test("the daemon's DriverStatus names the containerd image store", () => {
    expect(containerdStore([['driver-type', 'io.containerd.snapshotter.v1']])).toBe(true);
    expect(containerdStore([['Backing Filesystem', 'extfs']])).toBe(false);
    expect(containerdStore(undefined)).toBe(false);
  });
});

describe('builder', () => {
  const docker = parseInspect(fixture('inspect-docker.txt'));
  const remote = parseInspect(fixture('inspect-remote.txt'));

  test('inspect output', () => {
    expect({ ...docker, platforms: [...docker.platforms] }).toEqual({
      name: 'default',
      driver: 'docker',
      status: 'running',
      platforms: [
        'linux/amd64',
        'linux/arm64',
        'linux/riscv64',
        'linux/ppc64',
        'linux/ppc64le',
        'linux/s390x',
        'linux/mips64le',
        'linux/mips64',
        'linux/loong64'
      ]
    });
    const inactive = parseInspect(fixture('inspect-container-inactive.txt'));
    expect([inactive.name, inactive.driver, inactive.status, inactive.platforms.size]).toEqual([
      'ci-builder',
      'docker-container',
      'inactive',
      0
    ]);
    expect([...remote.platforms]).toEqual(['linux/arm64', 'linux/arm/v7', 'linux/arm/v6']);
  });

  const facts = (current: BuilderInfo, containerdStore = true, arches = ['amd64', '386', 'arm64']) => ({
    current,
    containerdStore,
    runnableArches: new Set(arches)
  });

  test.each<[string, ReturnType<typeof facts>, string[], string, string]>([
    [
      'docker driver + containerd store: multi-platform',
      facts(docker),
      ['linux/amd64', 'linux/arm64'],
      'use',
      'builder "default" (docker driver) builds these platforms'
    ],
    [
      'docker driver, classic store, several platforms',
      facts(docker, false),
      ['linux/amd64', 'linux/arm64'],
      'create',
      'the docker driver builds several platforms only with the containerd image store'
    ],
    [
      'docker driver, classic store, one platform',
      facts(docker, false),
      ['linux/amd64'],
      'use',
      'builder "default" (docker driver) builds these platforms'
    ],
    [
      '386 is missing from the list but runs natively',
      facts(docker),
      ['linux/386'],
      'use',
      'builder "default" (docker driver) builds these platforms'
    ],
    [
      'arm/v7 with no handler',
      facts(docker),
      ['linux/arm/v7'],
      'create',
      'builder "default" cannot build linux/arm/v7'
    ],
    [
      'remote builder: only its own list counts',
      facts(remote),
      ['linux/arm64', 'linux/amd64'],
      'create',
      'builder "remote-arm" cannot build linux/amd64'
    ],
    [
      'no platforms asked: the current builder',
      facts(remote, false),
      [],
      'use',
      'builder "remote-arm" (remote driver) builds these platforms'
    ]
  ])('%s', (_name, f, wanted, action, reason) => {
    expect(chooseBuilder(platforms(...wanted), f)).toEqual({ action, reason });
  });

  test('a made builder: docker-container, named after the run', () => {
    expect(builderName('42', 'ab12')).toBe('push-to-image-42-ab12');
    expect(createBuilderArgs('b')).toEqual([
      'buildx',
      'create',
      '--name',
      'b',
      '--driver',
      'docker-container',
      '--bootstrap'
    ]);
  });
});

describe('QEMU', () => {
  test.each<[string, string[], string, string[], string[]]>([
    ['amd64 host, arm64 registered', ['linux/amd64', 'linux/arm64'], 'amd64', ['qemu-aarch64'], []],
    [
      'amd64 host, nothing registered',
      ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/386'],
      'amd64',
      [],
      ['arm', 'arm64']
    ],
    ['arm64 host needs amd64', ['linux/amd64', 'linux/arm64'], 'arm64', [], ['amd64']],
    ['windows targets never', ['windows/arm64'], 'amd64', [], []],
    [
      'duplicates once',
      ['linux/arm/v6', 'linux/arm/v7', 'linux/s390x'],
      'amd64',
      ['qemu-aarch64'],
      ['arm', 's390x']
    ]
  ])('%s', (_name, wanted, host, handlers, needed) => {
    expect(emulatorsNeeded(platforms(...wanted), host, new Set(handlers))).toEqual(needed);
  });

  test('runnable arches and the pinned installer', () => {
    expect([...runnableArches('amd64', new Set(['qemu-aarch64', 'qemu-riscv64']))]).toEqual([
      'amd64',
      '386',
      'arm64',
      'riscv64'
    ]);
    expect(BINFMT_IMAGE).toMatch(/^tonistiigi\/binfmt:[\w.-]+@sha256:[0-9a-f]{64}$/);
    expect(installArgs(['arm', 'arm64'])).toEqual([
      'run',
      '--rm',
      '--privileged',
      BINFMT_IMAGE,
      '--install',
      'arm,arm64'
    ]);
  });

  test('enabled handlers only; no binfmt_misc is an empty set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'binfmt-'));
    writeFileSync(join(dir, 'qemu-aarch64'), 'enabled\ninterpreter /usr/bin/qemu-aarch64\nflags: PF\n');
    writeFileSync(join(dir, 'qemu-riscv64'), 'disabled\n');
    writeFileSync(join(dir, 'status'), 'enabled\n');
    mkdirSync(join(dir, 'qemu-dir'));
    expect([...readHandlers(dir)]).toEqual(['qemu-aarch64']);
    expect(readHandlers(join(dir, 'absent')).size).toBe(0);
  });
});

describe('progress and summary', () => {
  test.each([
    ['progress-cold.log', { total: 4, cached: 2 }],
    ['progress-registry-cache.log', { total: 4, cached: 4 }],
    ['progress-run-failed.log', { total: 1, cached: 0 }]
  ])('%s', (name, count) => {
    expect(countSteps(fixture(name))).toEqual(count);
  });

  test.each([
    [
      'ERROR: failed to solve: failed to push 127.0.0.1:5001/a/b:1: unexpected status from HEAD request to http://127.0.0.1:5001/v2/a/b/manifests/sha256:ab: 500 Internal Server Error',
      true
    ],
    [
      'ERROR: failed to solve: failed to push ghcr.io/o/a:1: unexpected status from PUT request to https://ghcr.io/v2/o/a/manifests/1: 503 Service Unavailable',
      true
    ],
    [
      'ERROR: failed to solve: failed to push 127.0.0.1:5001/a/b:1: unexpected status from HEAD request to http://x: 401 Unauthorized',
      false
    ],
    ['ERROR: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3', false]
  ])('transient push error? %s', (line, transient) => {
    expect(isTransientPushError(line)).toBe(transient);
  });

  test('summary of a push that needed a second try', () => {
    const facts = {
      tags: [],
      digest: '',
      platforms: [],
      pushed: true,
      pushReason: 'push: true',
      durationMs: 0,
      buildxMs: 0,
      steps: { total: 0, cached: 0 },
      cache: 'none',
      retried: true
    };
    expect(buildSummary(facts)).toContain('| Pushed | yes (push: true), on a second try |');
    expect(buildSummary({ ...facts, retried: false })).toContain('| Pushed | yes (push: true) |');
  });

  test('summary', () => {
    expect(
      buildSummary({
        tags: ['ghcr.io/o/a:1', 'docker.io/o/a:1'],
        digest: 'sha256:abc',
        platforms: ['linux/amd64', 'linux/arm64'],
        pushed: false,
        pushReason: 'pull_request event',
        durationMs: 6150,
        buildxMs: 5800,
        steps: { total: 4, cached: 3 },
        cache: 'registry cache ghcr.io/o/a:buildcache (read only: not pushing)'
      })
    ).toBe(
      [
        '### Image build',
        '',
        '| | |',
        '| --- | --- |',
        '| Tags | `ghcr.io/o/a:1`<br>`docker.io/o/a:1` |',
        '| Digest | `sha256:abc` |',
        '| Platforms | linux/amd64, linux/arm64 |',
        '| Pushed | no (pull_request event) |',
        '| Duration | 6.2 s (buildx 5.8 s) |',
        '| Cached steps | 3 of 4 |',
        '| Cache | registry cache ghcr.io/o/a:buildcache (read only: not pushing) |',
        ''
      ].join('\n')
    );
  });
});
