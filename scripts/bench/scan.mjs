// Benchmark of the vulnerability scan (not a test): one platform's SBOM of N packages (SPDX 2.3, a
// purl each; every third package with one to three vulnerabilities) scanned against the OSV
// stand-in (__tests__/support/osv: api.osv.dev over HTTPS with a local CA, requests and answers
// checked against OSV's API description) with injected latency per request. The scan runs in its
// own process, in a private mount namespace whose /etc/hosts names the stand-in (as the e2e tests
// reach it), so the stand-in's work does not count as the scan's. Reports the wall time of
// scanDocuments, the OSV requests and the stand-in's violations.
//
// Usage: node scripts/bench/scan.mjs [--packages 500] [--latency 150] [--rounds 3]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { arg, root, transpile } from './shared.mjs';

process.env.ACTION_ROOT ??= root;
const out = join(root, 'node_modules/.cache/bench-scan');
const packages = arg('packages', 500);
const latency = arg('latency', 150);
const rounds = arg('rounds', 3);

/** The scanning process: reads the SBOM, scans it, prints the time and the requests as JSON. */
const CHILD = `
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
const { scanDocuments } = await import(process.env.SCAN_MAIN);
const { OsvClient } = await import(process.env.SCAN_OSV);
const doc = JSON.parse(readFileSync(process.env.SCAN_SBOM, 'utf8'));
const osv = new OsvClient();
const t0 = performance.now();
const [scan] = await scanDocuments([{ platform: 'linux/amd64', documents: [doc] }], osv);
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, requests: osv.requests, concurrency: osv.concurrency, findings: scan.findings.length, packages: scan.packages }));
`;

// The scan and the stand-in are TypeScript.
transpile(['src/common', 'src/scan', '__tests__/support/osv', '__tests__/support/sigstore'], out);
const { startOsv } = await import(pathToFileURL(join(out, '__tests__/support/osv/index.js')).href);
const { osvRecord } = await import(pathToFileURL(join(out, '__tests__/support/osv/records.js')).href);

const records = [];
const spdxPackages = [];
for (let i = 0; i < packages; i++) {
  const name = `lib${i}`;
  const version = `1.${i}.0-1`;
  spdxPackages.push({
    name,
    SPDXID: `SPDXRef-Package-${i}`,
    versionInfo: version,
    downloadLocation: 'NOASSERTION',
    externalRefs: [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: `pkg:deb/debian/${name}@${version}?arch=amd64`
      }
    ]
  });
  if (i % 3 !== 0) continue;
  for (let v = 0; v <= (i % 3) + (i % 2); v++) {
    records.push(
      osvRecord({
        id: `DEBIAN-CVE-2026-${String(i * 10 + v).padStart(5, '0')}`,
        purl: `pkg:deb/debian/${name}`,
        ecosystem: 'Debian:12',
        name,
        versions: [version],
        fixed: `1.${i}.1-1`,
        cvss3: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N'
      })
    );
  }
}
const osv = await startOsv(records);
osv.latencyMs = latency;
const dir = join(out, 'run');
mkdirSync(dir, { recursive: true });
const sbom = join(dir, 'sbom.spdx.json');
writeFileSync(
  sbom,
  JSON.stringify({
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: 'bench',
    documentNamespace: 'https://push-to-image.invalid/bench',
    creationInfo: { created: new Date().toISOString(), creators: ['Tool: bench'] },
    packages: spdxPackages
  })
);
const child = join(dir, 'scan.mjs');
writeFileSync(child, CHILD);

const results = [];
for (let r = 0; r < rounds; r++) {
  osv.requests.length = 0;
  // The stand-in answers in this process: the scan runs in another, asynchronously.
  const run = await new Promise(resolvePromise => {
    const p = import('node:child_process').then(({ spawn }) => {
      const c = spawn(
        'unshare',
        [
          '-m',
          '--propagation',
          'private',
          process.execPath,
          join(root, '__tests__/support/with-hosts.mjs'),
          osv.hostsFile,
          child
        ],
        {
          env: {
            ...process.env,
            NODE_EXTRA_CA_CERTS: osv.caPath,
            SCAN_MAIN: pathToFileURL(join(out, 'src/scan/main.js')).href,
            SCAN_OSV: pathToFileURL(join(out, 'src/scan/osv.js')).href,
            SCAN_SBOM: sbom
          }
        }
      );
      let text = '';
      c.stdout.on('data', d => (text += d));
      c.stderr.on('data', d => process.stderr.write(d));
      c.on('close', code => resolvePromise({ code, text }));
    });
    void p;
  });
  if (run.code !== 0) throw new Error(`the scan failed (${run.code}): ${run.text}`);
  results.push(JSON.parse(run.text.trim().split('\n').pop()));
}
await osv.close();
void spawnSync;

const times = results.map(r => r.ms).sort((a, b) => a - b);
const last = results.at(-1);
console.log(
  `scan of ${last.packages} packages (${records.length} vulnerabilities, ${last.findings} findings), ${latency} ms per OSV request, ` +
    `${last.concurrency} requests at once: median ${(times[Math.floor(times.length / 2)] / 1000).toFixed(2)} s ` +
    `(rounds: ${times.map(t => (t / 1000).toFixed(2)).join(', ')} s); OSV requests: ${last.requests.querybatch} querybatch + ${last.requests.vulns} vulns; ` +
    `violations: ${osv.violations.length ? osv.violations.slice(0, 3).join('; ') : 'none'}`
);
