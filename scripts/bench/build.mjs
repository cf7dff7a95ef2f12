// Benchmark of the build stage on the local e2e stack (not a test). First the overhead: the build
// stage against raw `docker buildx build` with the same argv (the one the stage logs), side by side in
// interleaved rounds, on a cached two-platform build pushed to both registries; with the breakdown of
// the stage's fixed cost (Node start-up, engine facts, preflight, builder, summary). The stage runs
// buildx's plugin binary itself, which spares the docker CLI's own start and its extra run of the
// plugin (for its metadata): each round also times that raw command, the floor of the stage's buildx. Then the
// multi-arch build and push of the e2e fixture to both registries and the rebuild from the
// registry cache. Each cycle uses a fresh RUN step, so the first build of a cycle is cold; its
// rebuild starts as on a fresh runner (no local build cache for that step, no local image), with only
// the registry cache (`cache: registry`, <first image>:buildcache) to build from.
// Usage: npm run bench:build [-- --pairs N] [-- --cycles N] [-- --work SECONDS] [-- --artifact MB]
//   --pairs N    rounds of stage / raw docker buildx / raw plugin (default 7, 0 to skip); target <= 1.15
//   --cycles N   cold build + rebuild cycles (default 3, 0 to skip)
//   --work S     S seconds of CPU work in the RUN step, per platform (a stand-in for compiling;
//                default 10, 0 for the bare floor)
//   --artifact M the RUN step also writes M MB of incompressible output per platform (default 4)
// The target is a cached rebuild under 25% of the cold build. The rebuild costs a fixed floor
// (buildx start-up, export and push to both registries, cache export) whatever the RUN step costs,
// so with --work 0 the ratio says little: the printed breakdown shows the floor.
import { Buffer } from 'node:buffer';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { load } from 'js-yaml';
import { actionNode, arg, root, useE2eEngine } from './shared.mjs';

const pairs = arg('pairs', 7);
const cycles = arg('cycles', 3);
const work = arg('work', 10);
const artifactMb = arg('artifact', 4);
const node = actionNode();
useE2eEngine();
const GHCR = `127.0.0.1:${process.env.E2E_GHCR_PORT}`;
const HUB = `127.0.0.1:${process.env.E2E_HUB_PORT}`;
const AUTH = Buffer.from('e2e-user:e2e-password').toString('base64');

/** Runs an action's main step as the runner would (inputs with defaults, runner files); returns its wall time. */
async function runMain(action, inputs, env) {
  const yaml = load(readFileSync(join(root, action), 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'bench-step-'));
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_HOST: process.env.DOCKER_HOST,
    RUNNER_TEMP: dir,
    GITHUB_EVENT_NAME: 'push',
    ...env
  };
  for (const [name, spec] of Object.entries(yaml.inputs ?? {})) {
    childEnv[`INPUT_${name.toUpperCase()}`] = String(spec?.default ?? '').replace(/\$\{\{[^}]*\}\}/g, '');
  }
  for (const [name, value] of Object.entries(inputs)) childEnv[`INPUT_${name.toUpperCase()}`] = value;
  for (const file of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV']) {
    childEnv[file] = join(dir, file);
    writeFileSync(childEnv[file], '');
  }
  const script = join(root, action, '..', yaml.runs.main);
  const started = performance.now();
  const { code, stdout } = await new Promise((res, rej) => {
    const child = spawn(node, [script], {
      env: childEnv,
      cwd: env.GITHUB_WORKSPACE ?? dir,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let out = '';
    child.stdout.on('data', c => (out += c));
    child.stderr.on('data', c => (out += c));
    child.on('error', rej);
    child.on('close', c => res({ code: c, stdout: out }));
  });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`${action} failed:\n${stdout.split('\n').slice(-15).join('\n')}`);
  const buildx = /^buildx took ([\d.]+) s$/m.exec(stdout);
  // The RUN steps' own time (buildx's `#N DONE 1.2s` for each `#N [platform k/n] RUN ...`).
  const runIds = [...stdout.matchAll(/^#(\d+) \[[^\]]*\] RUN /gm)].map(m => m[1]);
  const runS = runIds.map(id => Number(new RegExp(`^#${id} DONE ([\\d.]+)s`, 'm').exec(stdout)?.[1] ?? 0));
  const steps = /\| Cached steps \| (\d+) of (\d+) \|/.exec(
    readFileSync(childEnv.GITHUB_STEP_SUMMARY, 'utf8')
  );
  const timings = /^::debug::timings (\{.*\})$/m.exec(stdout);
  return {
    wallMs,
    stdout,
    timings: timings ? JSON.parse(timings[1]) : {},
    buildxMs: buildx ? Number(buildx[1]) * 1000 : 0,
    cached: steps ? `${steps[1]}/${steps[2]}` : '-',
    runStepMs: Math.max(0, ...runS) * 1000
  };
}

/** What a fresh runner lacks: the local build cache of the cycle's RUN step and the built image. */
function dropLocal(token, tags) {
  execFileSync('docker', ['image', 'rm', '-f', ...tags], { stdio: 'ignore' });
  const du = execFileSync('docker', ['buildx', 'du', '--verbose'], { encoding: 'utf8' });
  let id = '';
  for (const line of du.split('\n')) {
    if (line.startsWith('ID:')) id = line.split(/\s+/)[1];
    if (line.startsWith('Description:') && line.includes(token)) {
      execFileSync('docker', ['builder', 'prune', '-af', '--filter', `id=${id}`], { stdio: 'ignore' });
    }
  }
}

async function cleanup(repo, tags) {
  execFileSync('docker', ['image', 'rm', '-f', ...tags], { stdio: 'ignore' });
  for (const registry of [GHCR, HUB]) {
    const headers = { authorization: `Basic ${AUTH}`, accept: 'application/vnd.oci.image.index.v1+json' };
    for (const tag of ['1', 'buildcache']) {
      const res = await fetch(`http://${registry}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers });
      const digest = res.headers.get('docker-content-digest');
      if (digest)
        await fetch(`http://${registry}/v2/${repo}/manifests/${digest}`, { method: 'DELETE', headers });
    }
  }
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = ms => (ms / 1000).toFixed(2);

execFileSync('bash', [join(root, 'scripts/e2e/up.sh')], { stdio: 'ignore' });
const config = mkdtempSync(join(tmpdir(), 'bench-docker-'));
// The engine's buildx, found first through the config folder (as the e2e tests' DOCKER_CONFIGs).
symlinkSync(process.env.E2E_PLUGINS, join(config, 'cli-plugins'));
writeFileSync(
  join(config, 'config.json'),
  JSON.stringify({ auths: { [GHCR]: { auth: AUTH }, [HUB]: { auth: AUTH } } })
);

/** Splits the stage's logged command line (its own quoting: '...' with '\\'' inside). */
function splitCommandLine(line) {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map(m => m[2] ?? m[1].replace(/'\\''/g, "'"));
}

/** The engine's docker CLI binary itself (scripts/e2e's `docker` is a wrapper script around it). */
const dockerCli = existsSync(join(process.env.E2E_PLUGINS, '..', 'usr/bin/docker'))
  ? join(process.env.E2E_PLUGINS, '..', 'usr/bin/docker')
  : 'docker';

/** Raw buildx with the stage's argv, its output read as the runner reads a step's: its wall time. */
async function runRaw(argv, cwd) {
  const started = performance.now();
  const code = await new Promise((res, rej) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DOCKER_CONFIG: config }
    });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', rej);
    child.on('close', res);
  });
  if (code !== 0) throw new Error(`${argv.join(' ')} failed (${code})`);
  return performance.now() - started;
}

async function overhead() {
  const token = `benchoh${Date.now().toString(36)}`;
  const repo = `bench/${token}`;
  const tags = [`${GHCR}/${repo}:1`, `${HUB}/${repo}:1`];
  const context = mkdtempSync(join(tmpdir(), 'bench-ctx-'));
  writeFileSync(join(context, 'hello.txt'), 'hello\n');
  writeFileSync(
    join(context, 'Dockerfile'),
    `FROM e2e-base\nCOPY hello.txt /hello.txt\nRUN echo ${token} > /token && uname -m > /arch\n`
  );
  const inputs = { platforms: 'linux/amd64,linux/arm64', tags: tags.join(','), cache: 'none' };
  const env = { DOCKER_CONFIG: config, GITHUB_WORKSPACE: context };
  try {
    // The first build fills the cache; every later build, ours or raw, is the same cached build and push.
    const first = await runMain('build/action.yml', inputs, env);
    const line = /^(?:docker buildx|\S*\/docker-buildx) build .*$/m.exec(first.stdout)[0];
    const logged = splitCommandLine(line);
    const meta = logged.indexOf('--metadata-file');
    if (meta > 0) logged[meta + 1] = join(mkdtempSync(join(tmpdir(), 'bench-raw-')), 'metadata.json');
    // What a user runs (`docker buildx build ...`), and the plugin binary as the stage runs it.
    const args = logged[0] === 'docker' ? logged.slice(2) : logged.slice(1);
    const plugin = logged[0] === 'docker' ? join(config, 'cli-plugins', 'docker-buildx') : logged[0];
    const argv = [dockerCli, 'buildx', ...args];
    const action = [];
    const raw = [];
    const rawPlugin = [];
    const runs = [
      async () => action.push(await runMain('build/action.yml', inputs, env)),
      async () => raw.push(await runRaw(argv, context)),
      async () => rawPlugin.push(await runRaw([plugin, ...args], context))
    ];
    for (let i = 0; i < pairs; i++) {
      // Interleaved, in rotating order, so drift in the machine's load hits all alike.
      for (let k = 0; k < runs.length; k++) await runs[(i + k) % runs.length]();
      console.log(
        `round ${i + 1}: build stage ${s(action.at(-1).wallMs)} s (buildx inside ${s(action.at(-1).buildxMs)} s), ` +
          `raw docker buildx ${s(raw.at(-1))} s, raw plugin ${s(rawPlugin.at(-1))} s`
      );
    }
    const ms = x => Math.round(x);
    const phase = name => ms(median(action.map(a => a.timings[name] ?? 0)));
    const wall = median(action.map(a => a.wallMs));
    const rawWall = median(raw);
    const breakdown = {
      nodeStartAndLoadMs: phase('start'),
      buildxVersionMs: phase('version'),
      engineFactsMs: phase('engine'),
      preflightMs: phase('preflight'),
      engineAndPreflightWallMs: phase('checked'),
      readyForBuildxMs: phase('ready'),
      afterBuildxMs: ms(
        median(action.map(a => a.wallMs - a.buildxMs - (a.timings.start ?? 0) - (a.timings.ready ?? 0)))
      ),
      totalOverheadMs: ms(median(action.map(a => a.wallMs - a.buildxMs)))
    };
    const pluginWall = median(rawPlugin);
    return {
      command: line.replace(/--metadata-file \S+/, '--metadata-file FILE'),
      pairs,
      loadAverage: Number(loadavg()[0].toFixed(1)),
      stageMedianS: Number(s(wall)),
      rawBuildxMedianS: Number(s(rawWall)),
      rawPluginMedianS: Number(s(pluginWall)),
      ratio: Number((wall / rawWall).toFixed(2)),
      ratioToPlugin: Number((wall / pluginWall).toFixed(2)),
      breakdown
    };
  } finally {
    await cleanup(repo, tags);
  }
}

if (pairs > 0) {
  const result = await overhead();
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `build stage ${result.stageMedianS} s against raw docker buildx build ${result.rawBuildxMedianS} s (medians of ${pairs} ` +
      `interleaved rounds): ${result.ratio}x, target <= 1.15x: ${result.ratio <= 1.15 ? 'met' : 'MISSED'}; ` +
      `against the plugin binary run raw (${result.rawPluginMedianS} s): ${result.ratioToPlugin}x`
  );
}

const rows = [];
for (let cycle = 1; cycle <= cycles; cycle++) {
  const token = `bench${Date.now().toString(36)}${cycle}`;
  const repo = `bench/${token}`;
  const tags = [`${GHCR}/${repo}:1`, `${HUB}/${repo}:1`];
  const context = mkdtempSync(join(tmpdir(), 'bench-ctx-'));
  writeFileSync(join(context, 'hello.txt'), 'hello\n');
  const artifact = artifactMb > 0 ? ` && head -c ${artifactMb * 1048576} /dev/urandom > /artifact` : '';
  // A busy shell for exactly `work` seconds (timeout ends it with 143).
  const spin = work > 0 ? ` && { timeout ${work} sh -c 'while :; do :; done' || [ $? = 143 ]; }` : '';
  writeFileSync(
    join(context, 'Dockerfile'),
    `FROM e2e-base\nCOPY hello.txt /hello.txt\nRUN echo ${token} > /token && uname -m > /arch${artifact}${spin}\n`
  );
  const inputs = { platforms: 'linux/amd64,linux/arm64', tags: tags.join(','), cache: 'registry' };
  const env = { DOCKER_CONFIG: config, GITHUB_WORKSPACE: context };
  try {
    const cold = await runMain('build/action.yml', inputs, env);
    dropLocal(token, tags);
    const cached = await runMain('build/action.yml', inputs, env);
    const local = await runMain('build/action.yml', inputs, env);
    rows.push({ cold, cached, local });
    console.log(
      `cycle ${cycle}: cold ${s(cold.wallMs)} s (buildx ${s(cold.buildxMs)}, RUN step ${s(cold.runStepMs)}, ` +
        `cached steps ${cold.cached}); registry-cache rebuild ${s(cached.wallMs)} s (buildx ${s(cached.buildxMs)}, ` +
        `${cached.cached}); local-cache rebuild ${s(local.wallMs)} s (${local.cached}); ` +
        `ratio ${(cached.wallMs / cold.wallMs).toFixed(2)}`
    );
  } finally {
    await cleanup(repo, tags);
  }
}

if (cycles === 0) process.exit(0);
const overheads = rows.flatMap(r => [r.cold, r.cached, r.local].map(x => x.wallMs - x.buildxMs));
const cold = median(rows.map(r => r.cold.wallMs));
const cached = median(rows.map(r => r.cached.wallMs));
const summary = {
  cycles,
  loadAverage: Number(loadavg()[0].toFixed(1)),
  workSecondsPerPlatform: work,
  artifactMbPerPlatform: artifactMb,
  coldBuildPushS: Number(s(cold)),
  coldRunStepS: Number(s(median(rows.map(r => r.cold.runStepMs)))),
  overheadMinS: Number(s(Math.min(...overheads))),
  overheadMedianS: Number(s(median(overheads))),
  overheadMaxS: Number(s(Math.max(...overheads))),
  registryCacheRebuildS: Number(s(cached)),
  registryCacheRebuildBuildxS: Number(s(median(rows.map(r => r.cached.buildxMs)))),
  localCacheRebuildS: Number(s(median(rows.map(r => r.local.wallMs)))),
  cachedToColdRatio: Number((cached / cold).toFixed(2))
};
console.log(JSON.stringify(summary, null, 2));
console.log(
  `cold build+push ${s(cold)} s (RUN step ${summary.coldRunStepS} s), registry-cache rebuild ${s(cached)} s: ` +
    `ratio ${summary.cachedToColdRatio} (medians of ${cycles} cycles)`
);
console.log(
  `overhead target < 1 s (median): ${summary.overheadMedianS < 1 ? 'met' : 'MISSED'}; ` +
    `cached rebuild < 25% of cold: ${summary.cachedToColdRatio < 0.25 ? 'met' : 'MISSED'}` +
    (work === 0 ? ' (--work 0: the cold build has no real work, the ratio is the floor over itself)' : '')
);
