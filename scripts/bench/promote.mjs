// Benchmark of release by digest on the local e2e stack (not a test): `mode: promote` of a
// two-platform image (with provenance) to two registries, against a cached rebuild and push of the
// same image by the root action in `mode: build`, in interleaved rounds. Each round publishes to
// fresh repositories in both registries, so both sides start from targets that hold nothing: the
// rebuild pushes every layer to both; the promotion mounts them inside the source's registry and
// streams them to the other. The source is built once (a branch build with `type=sha`).
// Usage: npm run bench:promote [-- --rounds N] [-- --artifact MB]
//   --rounds N    interleaved rounds (default 5)
//   --artifact M  the image's RUN step writes M MB of incompressible data per platform (default 8)
//   --trace       print each step's log lines with their time from its start
// The goal: promote wall time <= 0.5x the cached rebuild, and 0 layer bytes copied within a registry.
import { Buffer } from 'node:buffer';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { load } from 'js-yaml';
import { actionNode, arg, root, useE2eEngine } from './shared.mjs';

const rounds = arg('rounds', 5);
const artifactMb = arg('artifact', 8);
const trace = process.argv.includes('--trace');
const node = actionNode();
useE2eEngine();
const GHCR = `127.0.0.1:${process.env.E2E_GHCR_PORT}`;
const HUB = `127.0.0.1:${process.env.E2E_HUB_PORT}`;
const AUTH = Buffer.from('e2e-user:e2e-password').toString('base64');
const SHA = 'b'.repeat(40);

/** The root action's main step as the runner runs it; returns wall time, stdout and outputs. */
async function runRoot(inputs, env) {
  const yaml = load(readFileSync(join(root, 'action.yml'), 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'bench-promote-'));
  const event = join(dir, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      ref: env.GITHUB_REF,
      repository: { name: 'app', full_name: 'o/app', owner: { login: 'o' } }
    })
  );
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_HOST: process.env.DOCKER_HOST,
    DOCKER_CONFIG: config,
    RUNNER_TEMP: dir,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'o/app',
    GITHUB_SHA: SHA,
    GITHUB_WORKSPACE: context,
    ...env
  };
  for (const [name, spec] of Object.entries(yaml.inputs ?? {}))
    childEnv[`INPUT_${name.toUpperCase()}`] = String(spec?.default ?? '').replace(/\$\{\{[^}]*\}\}/g, '');
  for (const [name, value] of Object.entries(inputs)) childEnv[`INPUT_${name.toUpperCase()}`] = value;
  for (const file of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV']) {
    childEnv[file] = join(dir, file);
    writeFileSync(childEnv[file], '');
  }
  const started = performance.now();
  const { code, stdout } = await new Promise((res, rej) => {
    const child = spawn(node, [join(root, yaml.runs.main)], {
      env: childEnv,
      cwd: context,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let out = '';
    child.stdout.on('data', c => {
      if (trace)
        for (const line of String(c).split('\n').filter(Boolean))
          console.log(`  ${s(performance.now() - started)} ${line.slice(0, 160)}`);
      out += c;
    });
    child.stderr.on('data', c => (out += c));
    child.on('error', rej);
    child.on('close', c => res({ code: c, stdout: out }));
  });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`the root action failed:\n${stdout.split('\n').slice(-20).join('\n')}`);
  const outputs = [...readFileSync(childEnv.GITHUB_OUTPUT, 'utf8').matchAll(/^digest<<(\S+)\n(.*)\n\1$/gm)];
  const digest = outputs.at(-1)?.[2] ?? '';
  return { wallMs, stdout, digest };
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = ms => (ms / 1000).toFixed(2);

execFileSync('bash', [join(root, 'scripts/e2e/up.sh')], { stdio: 'ignore' });
const config = mkdtempSync(join(tmpdir(), 'bench-docker-'));
symlinkSync(process.env.E2E_PLUGINS, join(config, 'cli-plugins'));
writeFileSync(
  join(config, 'config.json'),
  JSON.stringify({ auths: { [GHCR]: { auth: AUTH }, [HUB]: { auth: AUTH } } })
);
const context = mkdtempSync(join(tmpdir(), 'bench-promote-ctx-'));
const token = `${Date.now().toString(36)}`;
writeFileSync(join(context, 'hello.txt'), 'hello\n');
writeFileSync(
  join(context, 'Dockerfile'),
  `FROM e2e-base\nCOPY hello.txt /hello.txt\nRUN head -c ${artifactMb * 1024 * 1024} /dev/urandom > /artifact && echo ${token} > /token\n`
);
const ns = `bench-promote/${token}`;
const common = { cache: 'none', attest: 'false', platforms: 'linux/amd64,linux/arm64' };

console.log(
  `source: a branch build of ${GHCR}/${ns}/src (two platforms, ${artifactMb} MB layer each, provenance)`
);
const branch = await runRoot(
  { ...common, images: `${GHCR}/${ns}/src`, tags: 'type=ref,event=branch\ntype=sha' },
  { GITHUB_REF: 'refs/heads/main' }
);
console.log(`  cold build and push: ${s(branch.wallMs)} s, ${branch.digest}`);

const rebuild = [];
const promote = [];
let copiedWithin = 0;
for (let i = 0; i < rounds; i++) {
  const release = { GITHUB_REF: `refs/tags/v1.0.${i}` };
  const tags = 'type=semver,pattern={{version}}';
  const b = await runRoot({ ...common, images: `${GHCR}/${ns}/b${i}\n${HUB}/${ns}/b${i}`, tags }, release);
  const p = await runRoot(
    {
      ...common,
      mode: 'promote',
      source: `${GHCR}/${ns}/src@${branch.digest}`,
      images: `${GHCR}/${ns}/p${i}\n${HUB}/${ns}/p${i}`,
      tags
    },
    release
  );
  if (p.digest !== branch.digest) throw new Error(`promote output ${p.digest}, not ${branch.digest}`);
  const within = new RegExp(
    `^${GHCR.replace(/\./g, '\\.')}/${ns}/p${i}: (\\d+) blobs mounted \\(([^)]+)\\), (\\d+) copied \\(([^)]+)\\)`,
    'm'
  ).exec(p.stdout);
  const across = new RegExp(
    `^${HUB.replace(/\./g, '\\.')}/${ns}/p${i}: (\\d+) blobs mounted \\(([^)]+)\\), (\\d+) copied \\(([^)]+)\\)`,
    'm'
  ).exec(p.stdout);
  copiedWithin += Number(within?.[3] ?? NaN);
  rebuild.push(b.wallMs);
  promote.push(p.wallMs);
  console.log(
    `round ${i + 1}: cached rebuild+push ${s(b.wallMs)} s, promote ${s(p.wallMs)} s ` +
      `(${GHCR}: ${within?.[1]} mounted ${within?.[2]}, ${within?.[3]} copied; ${HUB}: ${across?.[3]} copied ${across?.[4]})`
  );
}
const ratio = median(promote) / median(rebuild);
console.log(
  `median: cached rebuild+push ${s(median(rebuild))} s, promote ${s(median(promote))} s, ratio ${ratio.toFixed(2)} (goal <= 0.5); ` +
    `blobs copied within ${GHCR}: ${copiedWithin} (goal 0)`
);
