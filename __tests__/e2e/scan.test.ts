/**
 * The vulnerability scan of a pushed two-platform index: each platform's SBOM (from the tests'
 * generator image, BuildKit's SBOM protocol) read back from the registry, its purls looked up in
 * the OSV stand-in under api.osv.dev, counts and SARIF exact per platform, the SARIF uploaded to the
 * code scanning stand-in; the gate after the push; OSV down with `scan: auto` and `scan: true`.
 */
import { jest } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction } from '../support/action-runner.js';
import { startCodeScanningApi, type CodeScanningApi } from '../support/code-scanning-api.js';
import { startOsv, type OsvStandIn } from '../support/osv/index.js';
import { osvRecord } from '../support/osv/records.js';
import { checkSarif } from '../support/osv/spec.js';
import { packageList, sbomGenerator } from '../support/sbom-generator.js';
import { RegistryClient } from '../support/registry-client.js';
import {
  buildContext,
  dockerConfig,
  ensureStack,
  GHCR,
  PASSWORD,
  unique,
  USER
} from '../support/e2e-stack.js';

jest.setTimeout(300_000);

const TOKEN = 'ghs_scantoken';
const repo = `e2e-scan/${unique('app')}`;
const image = `${GHCR}/${repo}`;
const repository = {
  name: 'hello-world',
  full_name: 'octo-org/hello-world',
  owner: { login: 'octo-org' },
  visibility: 'public',
  private: false
};

const OPENSSL = 'pkg:deb/debian/openssl';
const records = [
  osvRecord({
    id: 'DEBIAN-CVE-2026-10001',
    aliases: ['CVE-2026-10001'],
    purl: OPENSSL,
    ecosystem: 'Debian:12',
    name: 'openssl',
    versions: ['3.0.11-1'],
    fixed: '3.0.13-1',
    cvss3: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'
  }),
  osvRecord({
    id: 'DEBIAN-CVE-2026-10002',
    purl: OPENSSL,
    ecosystem: 'Debian:12',
    name: 'openssl',
    versions: ['3.0.11-1'],
    fixed: '3.0.13-1',
    cvss3: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N'
  }),
  osvRecord({
    id: 'DEBIAN-CVE-2026-10003',
    purl: OPENSSL,
    ecosystem: 'Debian:12',
    name: 'openssl',
    versions: ['3.0.11-1']
  }),
  osvRecord({
    id: 'DEBIAN-CVE-2026-10004',
    purl: 'pkg:deb/debian/zlib',
    ecosystem: 'Debian:12',
    name: 'zlib',
    versions: ['1:1.2.13.dfsg-1'],
    fixed: '1:1.3.dfsg-1',
    databaseSeverity: 'HIGH'
  }),
  osvRecord({
    id: 'ALPINE-CVE-2026-10005',
    purl: 'pkg:apk/alpine/musl',
    ecosystem: 'Alpine:v3.20',
    name: 'musl',
    versions: ['1.2.4-r0'],
    fixed: '1.2.4-r2',
    cvss3: 'CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N'
  }),
  // a version the images do not have
  osvRecord({
    id: 'DEBIAN-CVE-2026-10006',
    purl: OPENSSL,
    ecosystem: 'Debian:12',
    name: 'openssl',
    versions: ['3.0.9-1'],
    fixed: '3.0.11-1',
    cvss3: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'
  })
];

const amd64 = packageList([
  { name: 'openssl', version: '3.0.11-1', purl: `${OPENSSL}@3.0.11-1?arch=amd64&distro=debian-12` },
  { name: 'zlib1g', version: '1:1.2.13.dfsg-1', purl: 'pkg:deb/debian/zlib@1%3A1.2.13.dfsg-1?arch=amd64' },
  { name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' },
  { name: 'busybox', version: '1.35.0' }
]);
const arm64 = packageList([
  { name: 'openssl', version: '3.0.11-1', purl: `${OPENSSL}@3.0.11-1?arch=arm64&distro=debian-12` },
  { name: 'musl', version: '1.2.4-r0', purl: 'pkg:apk/alpine/musl@1.2.4-r0?arch=aarch64' }
]);

function context(): string {
  const tok = unique('tok');
  const dir = buildContext(
    tok,
    `FROM e2e-base\nARG TARGETARCH\nCOPY packages-\${TARGETARCH}.txt /sbom-packages.txt\nLABEL test.token=${tok}\n`
  );
  writeFileSync(join(dir, 'packages-amd64.txt'), amd64);
  writeFileSync(join(dir, 'packages-arm64.txt'), arm64);
  return dir;
}

let osv: OsvStandIn;
let api: CodeScanningApi;
let generator: string;

beforeAll(async () => {
  ensureStack();
  generator = sbomGenerator();
  // Two vulnerabilities a page: openssl's three take a second round.
  osv = await startOsv(records, { pageSize: 2 });
  api = await startCodeScanningApi(TOKEN);
});
afterAll(async () => {
  await osv?.close();
  await api?.close();
});
afterEach(() => {
  osv.fault = undefined;
  api.fault = undefined;
});

function release(inputs: Record<string, string> = {}) {
  const env = {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_API_URL: api.url,
    GITHUB_WORKSPACE: context(),
    DOCKER_CONFIG: dockerConfig(),
    ...osv.env
  };
  return runAction({
    action: 'action.yml',
    githubToken: TOKEN,
    hostsFile: osv.hostsFile,
    inputs: {
      images: image,
      tags: 'type=raw,value=scan',
      'registry-auth': JSON.stringify([{ registry: GHCR, username: USER, password: PASSWORD }]),
      cache: 'none',
      attest: 'false',
      sbom: `generator=${generator}`,
      ...inputs
    },
    event: { ref: 'refs/heads/main', repository },
    env
  });
}

const counts = {
  'linux/amd64': { critical: 1, high: 1, medium: 1, low: 0, unknown: 1 },
  'linux/arm64': { critical: 1, high: 0, medium: 1, low: 1, unknown: 1 }
};

test('both platforms are scanned: exact counts and SARIF per platform, uploaded to code scanning', async () => {
  const requestsBefore = osv.requests.length;
  const uploadsBefore = api.uploads.length;
  const step = await release();
  console.log(step.stdout.match(/^Scanned .*$/m)?.[0] ?? step.stdout + step.stderr);
  expect(step.errors).toEqual([]);
  expect(step.code).toBe(0);
  const digest = step.outputs.digest;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

  expect(JSON.parse(step.outputs['scan-counts'])).toEqual(counts);
  expect([step.outputs['scan-critical'], step.outputs['scan-high'], step.outputs['scan-medium']]).toEqual([
    '2',
    '1',
    '2'
  ]);
  expect([step.outputs['scan-low'], step.outputs['scan-unknown']]).toEqual(['1', '2']);

  // OSV: the four distinct purls in one batch, openssl's second page, each record read once.
  expect(osv.violations).toEqual([]);
  const asked = osv.requests.slice(requestsBefore);
  const batches = asked.filter(r => r.path === '/v1/querybatch');
  expect(batches.map(b => [b.queries, b.pageTokens])).toEqual([
    [4, 0],
    [1, 1]
  ]);
  expect(
    asked
      .filter(r => r.path.startsWith('/v1/vulns/'))
      .map(r => r.path)
      .sort()
  ).toEqual(
    [
      'ALPINE-CVE-2026-10005',
      'DEBIAN-CVE-2026-10001',
      'DEBIAN-CVE-2026-10002',
      'DEBIAN-CVE-2026-10003',
      'DEBIAN-CVE-2026-10004'
    ].map(id => `/v1/vulns/${id}`)
  );

  // The SARIF file: valid SARIF 2.1.0, one run per platform with its category and exact results.
  const sarif = JSON.parse(readFileSync(step.outputs['scan-sarif'], 'utf8'));
  expect(checkSarif(sarif)).toEqual([]);
  const runs = (
    sarif.runs as {
      automationDetails: { id: string };
      results: { ruleId: string; level: string; properties: Record<string, string> }[];
    }[]
  ).map(r => ({
    category: r.automationDetails.id,
    results: r.results.map(x => [x.ruleId, x.level, x.properties.fixedVersion])
  }));
  expect(runs).toEqual([
    {
      category: `push-to-image/${image}/linux/amd64/`,
      results: [
        ['DEBIAN-CVE-2026-10001', 'error', '3.0.13-1'],
        ['DEBIAN-CVE-2026-10004', 'error', '1:1.3.dfsg-1'],
        ['DEBIAN-CVE-2026-10002', 'warning', '3.0.13-1'],
        ['DEBIAN-CVE-2026-10003', 'warning', '']
      ]
    },
    {
      category: `push-to-image/${image}/linux/arm64/`,
      results: [
        ['DEBIAN-CVE-2026-10001', 'error', '3.0.13-1'],
        ['DEBIAN-CVE-2026-10002', 'warning', '3.0.13-1'],
        ['ALPINE-CVE-2026-10005', 'note', '1.2.4-r2'],
        ['DEBIAN-CVE-2026-10003', 'warning', '']
      ]
    }
  ]);
  const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'DEBIAN-CVE-2026-10001');
  expect(rule.properties['security-severity']).toBe('9.8');

  // Code scanning got the same SARIF for this commit.
  expect(api.violations).toEqual([]);
  expect(api.uploads.length).toBe(uploadsBefore + 1);
  const upload = api.uploads.at(-1)!;
  expect(upload).toMatchObject({ owner: 'octo-org', repo: 'hello-world', ref: 'refs/heads/main' });
  expect(upload.commitSha).toBe('0123456789abcdef0123456789abcdef01234567');
  expect(upload.sarif).toEqual(sarif);

  expect(step.summary).toContain('| linux/amd64 | 3 (+1 without purl) | 1 | 1 | 1 | 0 | 1 |');
  expect(step.summary).toContain('| linux/arm64 | 2 | 1 | 0 | 1 | 1 | 1 |');
  expect(step.summary).toMatch(
    /\| critical 9\.8 \| \[DEBIAN-CVE-2026-10001\]\([^)]+\) \| openssl \| 3\.0\.11-1 \| 3\.0\.13-1 \|/
  );
  expect(step.stdout).toContain('linux/amd64: 1 packages without a purl could not be looked up');
});

test('scan-fail-on: high fails the step after the push, and says so', async () => {
  const step = await release({ 'scan-fail-on': 'high' });
  expect(step.code).toBe(1);
  const digest = step.outputs.digest;
  expect(digest).toMatch(/^sha256:/);
  expect(step.errors).toEqual([
    `The image was pushed (${image}@${digest}), but the vulnerability scan found 3 findings at or above high ` +
      '(scan-fail-on) on linux/amd64, linux/arm64: DEBIAN-CVE-2026-10001, DEBIAN-CVE-2026-10004'
  ]);
  // The push happened: the registry has the index under its tag.
  const client = new RegistryClient(`http://${GHCR}`, USER, PASSWORD);
  expect((await client.manifest(repo, 'scan'))?.digest).toBe(digest);
  expect(JSON.parse(step.outputs['scan-counts'])).toEqual(counts);
});

test('scan-fail-on: high refuses a promotion before any tag moves', async () => {
  const built = await release();
  expect(built.code).toBe(0);
  const digest = built.outputs.digest;
  const step = await release({
    mode: 'promote',
    source: `${image}@${digest}`,
    tags: 'type=raw,value=promoted',
    'scan-fail-on': 'high'
  });
  expect(step.code).toBe(1);
  expect(step.errors).toEqual([
    `Not promoting ${image}@${digest}: the vulnerability scan found 3 findings at or above high ` +
      '(scan-fail-on) on linux/amd64, linux/arm64: DEBIAN-CVE-2026-10001, DEBIAN-CVE-2026-10004; ' +
      'no tag was moved'
  ]);
  expect(JSON.parse(step.outputs['scan-counts'])).toEqual(counts);
  // Nothing moved: the promoted tag is nowhere in the registry.
  const client = new RegistryClient(`http://${GHCR}`, USER, PASSWORD);
  expect((await client.manifest(repo, 'promoted'))?.digest).toBeUndefined();
});

test('OSV down: scan auto warns and passes, scan true fails; never a silent pass', async () => {
  osv.fault = 503;
  const auto = await release();
  expect(auto.code).toBe(0);
  expect(auto.errors).toEqual([]);
  expect(auto.warnings.filter(w => !w.startsWith('Cannot read'))).toEqual([
    expect.stringMatching(
      /^Vulnerability scan not done \(scan: auto\): OSV \(api\.osv\.dev\) could not be asked: POST https:\/\/api\.osv\.dev\/v1\/querybatch: HTTP 503 \(4 attempts\)$/
    )
  ]);
  expect(auto.outputs['scan-counts']).toBe('');

  osv.fault = 'down';
  const required = await release({ scan: 'true' });
  expect(required.code).toBe(1);
  expect(required.errors).toEqual([
    expect.stringMatching(
      /^The image was pushed \(.+@sha256:[0-9a-f]{64}\), but it could not be scanned: OSV \(api\.osv\.dev\) could not be asked: POST https:\/\/api\.osv\.dev\/v1\/querybatch: .+ \(4 attempts\)$/
    )
  ]);
});

test('code scanning off or the permission missing: the upload is skipped with a notice', async () => {
  api.fault = 403;
  const step = await release();
  expect(step.code).toBe(0);
  expect(step.errors).toEqual([]);
  expect(step.notices).toContainEqual(
    expect.stringMatching(
      /^Code scanning upload skipped: the token may not upload code scanning results \(it needs security-events: write/
    )
  );
  expect(JSON.parse(step.outputs['scan-counts'])).toEqual(counts);
  expect(api.violations).toEqual([]);
});
