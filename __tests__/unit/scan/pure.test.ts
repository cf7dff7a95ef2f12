import { cvss3BaseScore } from '../../../src/scan/cvss.js';
import { readScanInputs } from '../../../src/scan/inputs.js';
import { ecosystemName, ecosystemOf, parsePurl, queryPurl } from '../../../src/scan/purl.js';
import { sbomPackages } from '../../../src/scan/spdx.js';
import { recordSeverity } from '../../../src/scan/severity.js';
import { fixedVersion } from '../../../src/scan/fixed.js';
import { gateProblem } from '../../../src/scan/gate.js';
import { platformFindings } from '../../../src/scan/findings.js';
import { sarifLog } from '../../../src/scan/sarif.js';
import { dockerfileUri } from '../../../src/scan/artifact.js';
import { checkSarif } from '../../support/osv/spec.js';
import { osvRecord } from '../../support/osv/records.js';
import type { OsvRecord } from '../../../src/scan/osv-record.js';

test.each([
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10],
  ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', 5.9],
  ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
  ['CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N', 2.9],
  ['CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H', 9.1],
  ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', undefined],
  ['CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', undefined],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', undefined],
  ['AV:N/AC:L/Au:N/C:P/I:P/A:P', undefined]
])('CVSS %s scores %p', (vector, score) => {
  expect(cvss3BaseScore(vector)).toBe(score);
});

test('inputs: defaults, values, and a clear error naming the input', () => {
  expect(readScanInputs(() => '')).toEqual({ scan: 'auto', failOn: 'none' });
  const src = (v: Record<string, string>) => (n: string) => v[n] ?? '';
  expect(readScanInputs(src({ scan: 'true', 'scan-fail-on': 'High' }))).toEqual({
    scan: 'true',
    failOn: 'high'
  });
  expect(() => readScanInputs(src({ scan: 'yes' }))).toThrow(
    'Input "scan" must be one of auto, true, false, got "yes"'
  );
  expect(() => readScanInputs(src({ 'scan-fail-on': 'severe' }))).toThrow(
    'Input "scan-fail-on" must be one of none, low, medium, high, critical, got "severe"'
  );
});

test('purls: parts, ecosystem, name as the ecosystem writes it, the query form', () => {
  const deb = parsePurl('pkg:deb/debian/zlib@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12');
  expect(deb).toEqual({ type: 'deb', namespace: 'debian', name: 'zlib', version: '1:1.2.13.dfsg-1' });
  expect(ecosystemOf(deb!)).toBe('Debian');
  expect(ecosystemName(deb!)).toBe('zlib');
  const npm = parsePurl('pkg:npm/%40babel/core@7.0.0')!;
  expect([ecosystemOf(npm), ecosystemName(npm)]).toEqual(['npm', '@babel/core']);
  const maven = parsePurl('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1')!;
  expect([ecosystemOf(maven), ecosystemName(maven)]).toEqual([
    'Maven',
    'org.apache.logging.log4j:log4j-core'
  ]);
  expect(parsePurl('not-a-purl')).toBeUndefined();
  expect(queryPurl('pkg:apk/alpine/musl@1.2.4-r0?arch=aarch64')).toBe('pkg:apk/alpine/musl@1.2.4-r0');
});

const spdx = (packages: object[]) => ({ spdxVersion: 'SPDX-2.3', packages });
const purlRef = (p: string, category = 'PACKAGE-MANAGER') => ({
  externalRefs: [{ referenceCategory: category, referenceType: 'purl', referenceLocator: p }]
});

test('SPDX: packages with purls (either category spelling), deduplicated; the others counted', () => {
  const doc = spdx([
    { name: 'a', versionInfo: '1', ...purlRef('pkg:npm/a@1') },
    { name: 'a', versionInfo: '1', ...purlRef('pkg:npm/a@1') },
    { name: 'b', versionInfo: '2', ...purlRef('pkg:npm/b@2', 'PACKAGE_MANAGER') },
    { name: 'c', versionInfo: '3' },
    {
      name: 'd',
      versionInfo: '4',
      externalRefs: [
        { referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:a' }
      ]
    }
  ]);
  expect(sbomPackages(doc)).toEqual({
    withPurl: [
      { name: 'a', version: '1', purl: 'pkg:npm/a@1' },
      { name: 'b', version: '2', purl: 'pkg:npm/b@2' }
    ],
    withoutPurl: 2
  });
  // an in-toto statement is unwrapped
  expect(sbomPackages({ predicateType: 'https://spdx.dev/Document', predicate: doc }).withPurl).toHaveLength(
    2
  );
  expect(() => sbomPackages({ bomFormat: 'CycloneDX' })).toThrow('not an SPDX 2.x JSON document');
});

const rec = (extra: Partial<OsvRecord>): OsvRecord => ({ id: 'X-1', ...extra });

test('severity: the highest CVSS v3 score, else the database or ecosystem rating, else unknown', () => {
  expect(
    recordSeverity(
      rec({
        severity: [
          { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N' },
          { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }
        ],
        affected: [
          { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H' }] }
        ],
        database_specific: { severity: 'LOW' }
      })
    )
  ).toEqual({ severity: 'high', score: 7.8, source: 'CVSS_V3' });
  expect(recordSeverity(rec({ database_specific: { severity: 'MODERATE' } }))).toEqual({
    severity: 'medium',
    source: 'database_specific'
  });
  expect(recordSeverity(rec({ affected: [{ ecosystem_specific: { severity: 'critical' } }] }))).toEqual({
    severity: 'critical',
    source: 'ecosystem_specific'
  });
  expect(recordSeverity(rec({ severity: [{ type: 'Ubuntu', score: 'negligible' }] }))).toEqual({
    severity: 'low',
    source: 'Ubuntu'
  });
  expect(recordSeverity(rec({}))).toEqual({ severity: 'unknown', source: 'none' });
});

test('fixed version: from the ranges of the matching package only', () => {
  const record = osvRecord({
    id: 'DEBIAN-CVE-1',
    purl: 'pkg:deb/debian/openssl',
    ecosystem: 'Debian:12',
    name: 'openssl',
    versions: ['1'],
    fixed: '3.0.13-1'
  }) as unknown as OsvRecord;
  expect(fixedVersion(record, 'pkg:deb/debian/openssl@3.0.11-1?arch=amd64')).toBe('3.0.13-1');
  expect(fixedVersion(record, 'pkg:deb/debian/curl@8')).toBe('');
  expect(fixedVersion(record, 'pkg:deb/ubuntu/openssl@3')).toBe('');
});

function scans() {
  const records = new Map<string, OsvRecord>(
    [
      osvRecord({
        id: 'A-1',
        purl: 'pkg:npm/a',
        ecosystem: 'npm',
        name: 'a',
        versions: ['1'],
        fixed: '2',
        databaseSeverity: 'HIGH'
      }),
      osvRecord({
        id: 'A-2',
        purl: 'pkg:npm/a',
        ecosystem: 'npm',
        name: 'a',
        versions: ['1'],
        cvss3: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'
      }),
      osvRecord({ id: 'B-1', purl: 'pkg:npm/b', ecosystem: 'npm', name: 'b', versions: ['1'] })
    ].map(r => [String(r.id), r as unknown as OsvRecord])
  );
  const ids = new Map([
    ['pkg:npm/a@1', ['A-1', 'A-2']],
    ['pkg:npm/b@1', ['B-1']]
  ]);
  const pkgs = [
    { name: 'a', version: '1', purl: 'pkg:npm/a@1' },
    { name: 'b', version: '1', purl: 'pkg:npm/b@1' }
  ];
  return [
    platformFindings('linux/amd64', pkgs, 1, ids, records, p => p),
    platformFindings('linux/arm64', pkgs.slice(1), 0, ids, records, p => p)
  ];
}

test('findings: sorted worst first, counted; the gate names the findings at or above its level', () => {
  const [amd, arm] = scans();
  expect(amd.findings.map(f => [f.id, f.severity.severity, f.fixed])).toEqual([
    ['A-2', 'critical', ''],
    ['A-1', 'high', '2'],
    ['B-1', 'unknown', '']
  ]);
  expect(amd.counts).toEqual({ critical: 1, high: 1, medium: 0, low: 0, unknown: 1 });
  expect(arm.counts).toEqual({ critical: 0, high: 0, medium: 0, low: 0, unknown: 1 });
  expect(gateProblem([amd, arm], 'none')).toBeUndefined();
  expect(gateProblem([amd, arm], 'critical')).toBe(
    '1 finding at or above critical (scan-fail-on) on linux/amd64: A-2'
  );
  expect(gateProblem([amd, arm], 'low')).toBe(
    '2 findings at or above low (scan-fail-on) on linux/amd64: A-2, A-1'
  );
  expect(gateProblem([arm], 'low')).toBeUndefined();
});

test('SARIF: valid 2.1.0, a run per platform with its category, rules once per run', () => {
  const log = sarifLog(
    [{ image: 'ghcr.io/o/app', digest: 'sha256:' + 'a'.repeat(64), scans: scans() }],
    'Dockerfile'
  ) as {
    runs: {
      automationDetails: { id: string };
      results: unknown[];
      tool: { driver: { rules: { id: string }[] } };
    }[];
  };
  expect(checkSarif(log)).toEqual([]);
  expect(
    log.runs.map(r => [r.automationDetails.id, r.results.length, r.tool.driver.rules.map(x => x.id)])
  ).toEqual([
    ['push-to-image/ghcr.io/o/app/linux/amd64/', 3, ['A-2', 'A-1', 'B-1']],
    ['push-to-image/ghcr.io/o/app/linux/arm64/', 1, ['B-1']]
  ]);
  // a result without a required part fails the schema: the check can fail
  expect(checkSarif({ version: '2.1.0', runs: [{ results: [] }] })).not.toEqual([]);
});

test('the Dockerfile path code scanning shows', () => {
  expect(dockerfileUri('.', '')).toBe('Dockerfile');
  expect(dockerfileUri('app', '')).toBe('app/Dockerfile');
  expect(dockerfileUri('.', './docker/Dockerfile.prod')).toBe('docker/Dockerfile.prod');
  expect(dockerfileUri('https://github.com/o/r.git#main', '')).toBe('Dockerfile');
});
