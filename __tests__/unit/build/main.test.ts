import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildInputs } from '../../../src/build/inputs.js';
import type { AttestInputs } from '../../../src/build/attest/mode.js';
import { BUILDER_STATE, buildRecord, resultIds, type BuildDeps } from '../../../src/build/main.js';
import type { MetaValues } from '../../../src/build/plan.js';
import { checkBuildInputs, createBuildFace } from '../../../src/build/stage.js';
import { readRunContext } from '../../../src/common/run-context.js';
import { checkResult } from '../../../src/build/run.js';
import { BINFMT_IMAGE } from '../../../src/build/qemu.js';
import { ExecError, type ExecOptions, type ExecResult } from '../../../src/common/exec.js';
import { InputError } from '../../../src/common/runner.js';
import { mainKey, sign } from '../../../src/common/state.js';
import { stateValues } from '../../support/action-runner.js';
import { DEFAULTS } from './defaults.js';
import { runnerSandbox } from '../../support/runner-sandbox.js';

/** The build face over parsed inputs, as its step runs it: read's checks, then decide and run. */
async function runBuild(
  i: BuildInputs & Partial<AttestInputs>,
  meta: MetaValues,
  d: BuildDeps & { cwd?: string }
) {
  const env = d.env ?? process.env;
  const ctx = readRunContext(env);
  const face = createBuildFace(d);
  const all = { attest: 'false' as const, sign: 'false' as const, githubToken: '', ...i };
  checkBuildInputs(all, ctx, { env, cwd: d.cwd ?? process.cwd() });
  return face.run(face.decide(all, meta, ctx));
}

/** The face's post step with `deps`. */
function postBuild(deps: BuildDeps) {
  return createBuildFace(deps).post!(readRunContext(deps.env ?? process.env));
}

const FIXTURES = fileURLToPath(new URL('../../fixtures/build/', import.meta.url));
const CONTAINERD = '[["driver-type","io.containerd.snapshotter.v1"]]';
const CLASSIC = '[["Backing Filesystem","extfs"]]';
const DIGEST = `sha256:${'d'.repeat(64)}`;

interface FakeOptions {
  driverStatus?: string;
  version?: string;
  /** `docker info` fails (no daemon for the client): buildx is asked its version itself. */
  infoFails?: boolean;
  /** Errors (stderr) of successive buildx build runs; '' is a success. */
  builds?: string[];
  /** The fixture `docker buildx inspect` answers with. */
  inspect?: string;
}

/** A docker CLI stand-in: answers the engine questions, writes buildx's metadata file, records argv. */
function fakeDocker(opts: FakeOptions = {}) {
  const calls: string[][] = [];
  const builds = [...(opts.builds ?? [''])];
  const run = async (_cmd: string, args: string[], o: ExecOptions = {}): Promise<ExecResult> => {
    calls.push(args);
    const ok = (stdout: string, stderr = '') => ({ code: 0, stdout, stderr });
    const [a, b] = args;
    if (a === 'buildx' && b === 'version')
      return ok(`github.com/docker/buildx ${opts.version ?? '0.13.1+ds1'} 0.13.1+ds1-3\n`);
    if (a === 'buildx' && b === 'inspect' && args.at(-1) === 'nosuch') {
      return { code: 1, stdout: '', stderr: 'ERROR: no builder "nosuch" found\n' };
    }
    if (a === 'buildx' && b === 'inspect')
      return ok(readFileSync(join(FIXTURES, opts.inspect ?? 'inspect-docker.txt'), 'utf8'));
    if (a === 'info' && opts.infoFails)
      return { code: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon\n' };
    if (a === 'info')
      return ok(`plugin buildx ${opts.version ?? '0.13.1+ds1'}\n${opts.driverStatus ?? CONTAINERD}\n`);
    if (a === 'buildx' && b === 'imagetools') return ok('{"schemaVersion":2}');
    if (a === 'buildx' && b === 'build') {
      const error = builds.shift() ?? '';
      if (error) {
        const result = {
          code: 1,
          stdout: '',
          stderr: `${readFileSync(join(FIXTURES, 'progress-cold.log'), 'utf8')}${error}\n`
        };
        if (o.allowFailure) return result;
        throw new ExecError('docker buildx failed', result);
      }
      const file = args[args.indexOf('--metadata-file') + 1];
      if (args.includes('--metadata-file'))
        writeFileSync(
          file,
          JSON.stringify({ 'containerimage.digest': DIGEST, 'containerimage.config.digest': DIGEST })
        );
      return ok('', readFileSync(join(FIXTURES, 'progress-registry-cache.log'), 'utf8'));
    }
    return ok('');
  };
  return { run, calls };
}

describe('runBuild with a stand-in docker', () => {
  const runner = runnerSandbox('build-main-');
  let dir = '';
  beforeEach(() => {
    dir = runner.dir;
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
  });
  const printed = runner.printed;
  const inputs = (i: Partial<BuildInputs>): BuildInputs => ({ ...DEFAULTS, ...i });
  const deps = (run: ReturnType<typeof fakeDocker>['run'], handlers: string[] = ['qemu-aarch64']) => {
    const binfmt = mkdtempSync(join(tmpdir(), 'binfmt-'));
    for (const h of handlers) writeFileSync(join(binfmt, h), 'enabled\n');
    return {
      run,
      env: { GITHUB_EVENT_NAME: 'pull_request', RUNNER_TEMP: dir, DOCKER_CONFIG: dir },
      cwd: dir,
      binfmtDir: binfmt,
      // every registry answers the preflight
      get: async () => ({ status: 200, statusText: 'OK', header: () => '', body: '' }),
      // No plugin binary, no engine socket: the engine facts come from `docker info`.
      probes: { pluginDirs: [], daemonInfo: () => Promise.reject(new Error('no engine socket')) }
    };
  };
  const builds = (calls: string[][]) => calls.filter(c => c[1] === 'build');

  test('the current builder, exact argv, outputs from the metadata file, cached steps counted', async () => {
    const docker = fakeDocker();
    const result = await runBuild(
      inputs({
        platforms: ['linux/amd64', 'linux/arm64'],
        tags: ['ghcr.io/o/app:1'],
        secrets: [{ id: 'tok', value: 's3cret' }]
      }),
      { labels: ['org.opencontainers.image.source=https://github.com/o/app'] },
      deps(docker.run)
    );
    const [argv] = builds(docker.calls);
    const secretFile = argv[argv.indexOf('--secret') + 1].replace('id=tok,src=', '');
    const metadataFile = argv[argv.indexOf('--metadata-file') + 1];
    expect(argv).toEqual([
      'buildx',
      'build',
      '--progress',
      'plain',
      '--platform',
      'linux/amd64,linux/arm64',
      '--tag',
      'ghcr.io/o/app:1',
      '--label',
      'org.opencontainers.image.source=https://github.com/o/app',
      '--secret',
      `id=tok,src=${secretFile}`,
      '--metadata-file',
      metadataFile,
      '--',
      '.'
    ]);
    expect(secretFile.startsWith(dir)).toBe(true);
    expect(printed().match(/::add-mask::s3cret\n/g)).toHaveLength(1);
    expect(printed()).not.toMatch(/^(?!::add-mask::).*s3cret/m);
    expect(result).toEqual(
      expect.objectContaining({
        digest: DIGEST,
        imageid: DIGEST,
        pushed: false,
        pushReason: 'pull_request event',
        builder: 'default',
        steps: { total: 4, cached: 4 }
      })
    );
    expect(docker.calls.some(c => c[0] === 'run')).toBe(false);
    // No plugin binary in the folders given: `docker buildx version`, once.
    expect(docker.calls.filter(c => c[1] === 'version')).toEqual([['buildx', 'version']]);
  });

  test('several platforms on a classic image store: a docker-container builder is made, and removed by post', async () => {
    const docker = fakeDocker({ driverStatus: CLASSIC });
    await runBuild(inputs({ platforms: ['linux/amd64', 'linux/arm64'] }), {}, deps(docker.run));
    const create = docker.calls.find(c => c[1] === 'create') as string[];
    const name = create[3];
    expect(create).toEqual([
      'buildx',
      'create',
      '--name',
      name,
      '--driver',
      'docker-container',
      '--bootstrap'
    ]);
    expect(builds(docker.calls)[0].slice(4, 6)).toEqual(['--builder', name]);
    const state = runner.state();
    expect(stateValues(state)[BUILDER_STATE]).toBe(name);
    process.env[`STATE_${BUILDER_STATE}`] = state[BUILDER_STATE];
    const post = fakeDocker();
    await postBuild({ run: post.run, probes: { pluginDirs: [] }, env: deps(post.run).env });
    expect(post.calls).toEqual([['buildx', 'rm', name]]);
  });

  test.each([
    ['written by no main step', (name: string) => name],
    [
      'signed, but not a name the build makes',
      () => sign(mainKey({ RUNNER_TEMP: dir }), BUILDER_STATE, 'my-builder')
    ],
    [
      'signed, a made name of another run',
      (name: string) => sign(mainKey({ RUNNER_TEMP: dir }), BUILDER_STATE, name)
    ]
  ])('a builder state %s: post removes nothing and warns', async (_, state) => {
    process.env[`STATE_${BUILDER_STATE}`] = state('push-to-image-7-0123abcd');
    const post = fakeDocker();
    await postBuild({
      run: post.run,
      probes: { pluginDirs: [] },
      env: { RUNNER_TEMP: dir, GITHUB_RUN_ID: '8' }
    });
    expect(post.calls).toEqual([]);
    expect(printed().match(/^::warning::.*$/gm)).toEqual([
      expect.stringMatching(/^::warning::Ignoring the state entry "build-builder": /)
    ]);
  });

  test('a build the system refuses to start (spawn E2BIG) names the input "tags" and the count', async () => {
    const docker = fakeDocker();
    const run: typeof docker.run = async (cmd, args, o) => {
      if (args[1] === 'build')
        throw new ExecError('docker: spawn E2BIG', { code: -1, stdout: '', stderr: '' });
      return docker.run(cmd, args, o);
    };
    const tags = Array.from({ length: 40000 }, (_, i) => `ghcr.io/o/app:t${i}`);
    await expect(runBuild(inputs({ tags }), { labels: ['a=b'] }, deps(run))).rejects.toThrow(
      'The system refused to start docker buildx build: its command line is too long (E2BIG) with ' +
        '40000 tags from input "tags" (and 1 labels, 0 annotations). Give fewer tags, or push the others in another step'
    );
  });

  test('QEMU is installed for a foreign platform without a handler, before the build', async () => {
    const docker = fakeDocker();
    await runBuild(
      inputs({ platforms: ['linux/amd64', 'linux/arm64', 'linux/riscv64'] }),
      {},
      deps(docker.run, ['qemu-aarch64'])
    );
    const order = docker.calls.map(c => c.slice(0, 2).join(' '));
    expect(docker.calls.find(c => c[0] === 'run')).toEqual([
      'run',
      '--rm',
      '--privileged',
      BINFMT_IMAGE,
      '--install',
      'riscv64'
    ]);
    expect(order.indexOf('run --rm')).toBeLessThan(order.indexOf('buildx build'));
  });

  test('transient registry errors are retried twice; a third one fails with its line', async () => {
    const transient =
      'ERROR: failed to solve: failed to push a/b:1: unexpected status from HEAD request to http://x/v2/a/b/manifests/1: 500 Internal Server Error';
    const once = fakeDocker({ builds: [transient, ''] });
    const env = {
      ...deps(once.run),
      env: {
        GITHUB_EVENT_NAME: 'push',
        RUNNER_TEMP: dir,
        DOCKER_CONFIG: dir
      }
    };
    // Cached steps come from the run that built (2 of 4), not from the second, all-cached one.
    await expect(runBuild(inputs({ tags: ['a/b:1'] }), {}, env)).resolves.toEqual(
      expect.objectContaining({ digest: DIGEST, retried: true, steps: { total: 4, cached: 2 } })
    );
    expect(builds(once.calls)).toHaveLength(2);
    expect(printed()).toContain('::warning::The registry failed transiently');
    const thrice = fakeDocker({ builds: [transient, transient, transient] });
    await expect(runBuild(inputs({ tags: ['a/b:1'] }), {}, { ...env, run: thrice.run })).rejects.toThrow(
      `buildx build failed: ${transient}`
    );
    expect(builds(thrice.calls)).toHaveLength(3);
  });

  test('each line of a multi-line secret is masked too', async () => {
    await runBuild(
      inputs({ secrets: [{ id: 'key', value: 'line-one\nline-two' }] }),
      {},
      deps(fakeDocker().run)
    );
    expect(printed()).toContain(
      '::add-mask::line-one%0Aline-two\n::add-mask::line-one\n::add-mask::line-two\n'
    );
  });

  test('a builder chosen with `docker buildx use` is inspected; the default one is known without', async () => {
    const platforms = ['linux/amd64', 'linux/arm64'];
    const plain = fakeDocker();
    await runBuild(inputs({ platforms }), {}, deps(plain.run));
    expect(plain.calls.some(c => c[1] === 'inspect')).toBe(false);
    mkdirSync(join(dir, 'buildx'));
    writeFileSync(
      join(dir, 'buildx', 'current'),
      '{"Key":"unix:///var/run/docker.sock","Name":"ci","Global":false}'
    );
    const chosen = fakeDocker();
    await runBuild(inputs({ platforms }), {}, deps(chosen.run));
    expect(chosen.calls.filter(c => c[1] === 'inspect')).toEqual([['buildx', 'inspect']]);
  });

  test('no platforms asked: the builder is not even inspected', async () => {
    const docker = fakeDocker();
    const result = await runBuild(inputs({}), {}, deps(docker.run));
    expect(docker.calls.map(c => c.slice(0, 2).join(' '))).toEqual([
      'buildx version',
      'info --format',
      'buildx build'
    ]);
    expect(result.builder).toBe('current');
  });

  test('without docker info, buildx names its version and the image store counts as classic', async () => {
    const docker = fakeDocker({ infoFails: true });
    await runBuild(inputs({ platforms: ['linux/amd64', 'linux/arm64'] }), {}, deps(docker.run));
    expect(docker.calls.filter(c => c[1] === 'version')).toEqual([['buildx', 'version']]);
    expect(docker.calls.some(c => c[1] === 'create')).toBe(true);
  });

  test('a buildx without --metadata-file: the pushed digest is read back from the registry', async () => {
    const docker = fakeDocker({ version: 'v0.5.1' });
    const env = {
      ...deps(docker.run),
      env: { GITHUB_EVENT_NAME: 'push', RUNNER_TEMP: dir, DOCKER_CONFIG: dir }
    };
    const result = await runBuild(inputs({ tags: ['a/b:1'] }), {}, env);
    // buildx started before its version was known, with the plan of every supported buildx; the
    // version (older than those) stopped it, and the build ran again with this version's plan.
    expect(builds(docker.calls).map(argv => argv.includes('--metadata-file'))).toEqual([true, false]);
    expect(printed()).toContain('::warning::buildx 0.5.1 is older than 0.13.1');
    expect(docker.calls.at(-1)).toEqual(['buildx', 'imagetools', 'inspect', '--raw', '--', 'a/b:1']);
    expect(result.digest).toBe(`sha256:${createHash('sha256').update('{"schemaVersion":2}').digest('hex')}`);
  });

  test('an unknown builder fails naming the input, before anything runs', async () => {
    const docker = fakeDocker();
    await expect(runBuild(inputs({ builder: 'nosuch' }), {}, deps(docker.run))).rejects.toThrow(
      new InputError('Input "builder": "nosuch" cannot be used: ERROR: no builder "nosuch" found', [
        'builder'
      ])
    );
    expect(builds(docker.calls)).toEqual([]);
  });

  test('a GHCR denial on push carries the likely causes', async () => {
    const denied =
      'ERROR: failed to solve: failed to push ghcr.io/o/app:1: denied: permission_denied: write_package';
    const docker = fakeDocker({ builds: [denied] });
    const env = {
      ...deps(docker.run),
      env: {
        GITHUB_EVENT_NAME: 'push',
        RUNNER_TEMP: dir,
        DOCKER_CONFIG: dir
      }
    };
    await expect(runBuild(inputs({ tags: ['ghcr.io/o/app:1'] }), {}, env)).rejects.toThrow(
      /^buildx build failed: ERROR: .*write_package Likely causes for ghcr\.io: \(1\) the workflow or job lacks `permissions: packages: write`/
    );
  });

  test.each([
    [
      'the default builder (docker driver): its push exporter also loads, no second --load',
      '',
      [],
      ['--push']
    ],
    [
      'a remote builder chosen with `docker buildx use`: load and push as two exporters',
      'inspect-remote.txt',
      [['buildx', 'inspect']],
      ['--load', '--push']
    ]
  ])('push and load with %s', async (_name, fixture, inspected, flags) => {
    if (fixture) {
      mkdirSync(join(dir, 'buildx'));
      writeFileSync(join(dir, 'buildx', 'current'), '{"Name":"remote-arm"}');
    }
    const docker = fakeDocker(fixture ? { inspect: fixture } : {});
    const env = {
      ...deps(docker.run),
      env: { GITHUB_EVENT_NAME: 'push', RUNNER_TEMP: dir, DOCKER_CONFIG: dir, HTTPS_PROXY: 'http://skip' }
    };
    await runBuild(inputs({ tags: ['ghcr.io/o/app:1'], push: true, load: true }), {}, env);
    expect(docker.calls.filter(c => c[1] === 'inspect')).toEqual(inspected);
    const argv = builds(docker.calls)[0];
    expect(argv.filter(a => a === '--load' || a === '--push')).toEqual(flags);
  });

  test('load without push keeps --load on the docker driver', async () => {
    const docker = fakeDocker();
    await runBuild(inputs({ tags: ['ghcr.io/o/app:1'], load: true }), {}, deps(docker.run));
    expect(builds(docker.calls)[0].filter(a => a === '--load' || a === '--push')).toEqual(['--load']);
  });

  test('the buildx binary and the engine socket answer: no docker info, one process before buildx', async () => {
    const docker = fakeDocker({ version: '0.29.1+ds1' });
    const plugins = mkdtempSync(join(tmpdir(), 'plugins-'));
    writeFileSync(join(plugins, 'docker-buildx'), '', { mode: 0o755 });
    const commands: string[] = [];
    const run = (cmd: string, args: string[], o?: ExecOptions) => {
      commands.push(cmd);
      // The plugin binary itself answers `version` as `docker buildx version` would.
      return docker.run(cmd, cmd.endsWith('/docker-buildx') ? ['buildx', ...args] : args, o);
    };
    const sockets: string[] = [];
    const result = await runBuild(
      inputs({ platforms: ['linux/amd64', 'linux/arm64'] }),
      {},
      {
        ...deps(run),
        env: {
          GITHUB_EVENT_NAME: 'pull_request',
          RUNNER_TEMP: dir,
          DOCKER_CONFIG: dir,
          DOCKER_HOST: 'unix:///e/d.sock'
        },
        probes: {
          pluginDirs: [join(dir, 'none'), plugins],
          daemonInfo: async socket => {
            sockets.push(socket);
            return { DriverStatus: JSON.parse(CONTAINERD) as unknown };
          }
        }
      }
    );
    // The plugin binary runs buildx itself: no docker CLI process at all.
    expect(commands).toEqual([join(plugins, 'docker-buildx'), join(plugins, 'docker-buildx')]);
    expect(docker.calls.map(c => c.slice(0, 2).join(' '))).toEqual(['buildx version', 'buildx build']);
    expect(sockets).toEqual(['/e/d.sock']);
    expect([result.buildxVersion, result.builder]).toEqual(['0.29.1', 'default']);
  });

  test('buildx starts before its version is known, its output held until the version confirms the plan', async () => {
    const events: string[] = [];
    let answer: () => void = () => {};
    const answered = new Promise<void>(res => (answer = res));
    const docker = fakeDocker({ version: '0.29.1' });
    const run = async (cmd: string, args: string[], o: ExecOptions = {}) => {
      events.push(args.slice(0, 2).join(' '));
      if (args[1] === 'version') await answered;
      // The version answers only once buildx runs: a build that waited for it would never start.
      if (args[1] === 'build') answer();
      return docker.run(cmd, args, o);
    };
    const result = await runBuild(inputs({ platforms: ['linux/amd64', 'linux/arm64'] }), {}, deps(run));
    expect(events).toEqual(['buildx version', 'info --format', 'buildx build']);
    expect(result.buildxVersion).toBe('0.29.1');
    // The version is logged once known, after the command line (exec's tests: buildx's output waits).
    expect(printed().indexOf('buildx 0.29.1\n')).toBeGreaterThan(
      printed().indexOf('buildx build --progress')
    );
  });

  test('call: the version decides the plan, so buildx waits for it', async () => {
    const events: string[] = [];
    const docker = fakeDocker({ version: '0.29.1' });
    const run = async (cmd: string, args: string[], o: ExecOptions = {}) => {
      events.push(args.slice(0, 2).join(' '));
      const result = await docker.run(cmd, args, o);
      if (args[1] === 'version') events.push('version answered');
      return result;
    };
    await runBuild(inputs({ call: 'check' }), {}, deps(run));
    expect(events.indexOf('version answered')).toBeLessThan(events.indexOf('buildx build'));
  });

  test.each<[string, Record<string, string>, { digest: string; imageid: string }]>([
    [
      'config digest (one platform, or buildx before 0.15)',
      { 'containerimage.digest': DIGEST, 'containerimage.config.digest': `sha256:${'c'.repeat(64)}` },
      { digest: DIGEST, imageid: `sha256:${'c'.repeat(64)}` }
    ],
    [
      'no config digest (several platforms on buildx 0.15+): the digest, as --iidfile',
      { 'containerimage.digest': DIGEST },
      { digest: DIGEST, imageid: DIGEST }
    ],
    ['nothing built', {}, { digest: '', imageid: '' }]
  ])('imageid and digest: %s', (_name, metadata, expected) => {
    expect(resultIds(metadata)).toEqual(expected);
  });

  test('the build record is named from buildx 0.23 on', () => {
    const metadata = { 'buildx.build.ref': 'default/default/abc123' };
    expect([
      buildRecord(metadata, '0.29.1'),
      buildRecord(metadata, '0.22.0'),
      buildRecord({}, '0.29.1')
    ]).toEqual(['abc123', '', '']);
  });

  test('call: check evaluates the build: not pushed, no cache export, no digest', async () => {
    const docker = fakeDocker({ version: '0.29.1' });
    const env = {
      ...deps(docker.run),
      env: {
        GITHUB_EVENT_NAME: 'push',
        RUNNER_TEMP: dir,
        DOCKER_CONFIG: dir,
        HTTPS_PROXY: 'http://skip-preflight'
      }
    };
    const result = await runBuild(
      inputs({ tags: ['ghcr.io/o/app:1'], call: 'check', cache: 'registry' }),
      {},
      env
    );
    const [argv] = builds(docker.calls);
    expect(argv).toContain('--call');
    expect(argv.filter(a => /^--(push|cache-to|cache-from|annotation)$/.test(a))).toEqual([]);
    expect([result.pushed, result.pushReason, result.digest, result.imageid]).toEqual([
      false,
      'call: check evaluates the build, nothing is published',
      '',
      ''
    ]);
  });

  test('call: check on buildx 0.13 is refused naming the input, before anything runs', async () => {
    const docker = fakeDocker({ version: '0.13.1' });
    await expect(runBuild(inputs({ call: 'check' }), {}, deps(docker.run))).rejects.toThrow(
      new InputError(
        'Input "call" needs buildx 0.15.0 or newer; this runner has buildx 0.13.1 (got "check")',
        ['call']
      )
    );
    expect(builds(docker.calls)).toEqual([]);
  });

  test("a check that finds problems fails with buildx's verdict and the first rule", () => {
    const out =
      'Check complete, 1 warning has been found!\n\nWARNING: ConsistentInstructionCasing - https://x\nmore\n';
    expect(checkResult(out)).toBe(
      'Check complete, 1 warning has been found! WARNING: ConsistentInstructionCasing - https://x'
    );
    expect(checkResult('ERROR: failed to solve\n')).toBe('');
  });
});
