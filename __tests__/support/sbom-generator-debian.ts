/**
 * An SBOM generator image of the tests' own, following BuildKit's SBOM generator protocol (moby/buildkit
 * docs/attestations/sbom-protocol.md): BuildKit runs it with the scanned root filesystem at
 * $BUILDKIT_SCAN_SOURCE, and it writes an in-toto statement (predicate type https://spdx.dev/Document,
 * an SPDX 2.3 document as predicate) to $BUILDKIT_SCAN_DESTINATION/<basename of the source>.spdx.json.
 * It stands in for docker/buildkit-syft-scanner, which cannot be pulled here; everything after it is
 * real BuildKit. The document lists a few Debian packages with purls (pkg:deb/debian/...), their
 * architecture read from the scanned busybox binary, so that each platform's SBOM differs and a
 * scanner has package URLs to look up.
 *
 *   const generator = ensureSbomGenerator();   // image name, built once per engine
 *   inputs: { sbom: `generator=${generator}` }
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SBOM_GENERATOR = 'e2e-sbom-generator:1';

/** The packages each SBOM lists (name, Debian version); the purl adds the scanned architecture. */
export const SBOM_PACKAGES: [string, string][] = [
  ['busybox-static', '1:1.35.0-4+b3'],
  ['libc6', '2.36-9+deb12u10'],
  ['zlib1g', '1:1.2.13.dfsg-1']
];

function script(): string {
  const packages = SBOM_PACKAGES.map(
    ([name, version], i) =>
      `{"name":"${name}","SPDXID":"SPDXRef-Package-${i + 1}","versionInfo":"${version}",` +
      `"downloadLocation":"NOASSERTION","licenseConcluded":"NOASSERTION",` +
      `"externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl",` +
      `"referenceLocator":"pkg:deb/debian/${name}@${encodeURIComponent(version)}?arch=$arch&distro=debian-12"}]}`
  ).join(',');
  return `#!/bin/sh
set -eu
src="$BUILDKIT_SCAN_SOURCE"
out="$BUILDKIT_SCAN_DESTINATION/$(busybox basename "$src").spdx.json"
# The ELF header's machine field tells the scanned platform: 0x3e x86-64, 0xb7 aarch64.
arch=unknown
if [ -f "$src/bin/busybox" ]; then
  case "$(busybox head -c 19 "$src/bin/busybox" | busybox tail -c 1 | busybox od -An -tx1 | busybox tr -d ' \\n')" in
    3e) arch=amd64 ;; b7) arch=arm64 ;;
  esac
fi
files=$(busybox find "$src" -type f 2>/dev/null | busybox wc -l | busybox tr -d ' ')
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat >"$out" <<JSON
{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document","subject":[],
"predicate":{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT",
"name":"e2e-scan-$arch","documentNamespace":"https://e2e.invalid/spdx/$arch-$files-$$",
"creationInfo":{"created":"$now","creators":["Tool: e2e-sbom-generator"]},
"comment":"$files files scanned","packages":[${packages}]}}
JSON
`;
}

/** Builds the generator image in the tests' engine (once; the tag names its version). */
export function ensureSbomGenerator(): string {
  const env = process.env;
  try {
    execFileSync('docker', ['image', 'inspect', SBOM_GENERATOR], { stdio: 'ignore', env });
    return SBOM_GENERATOR;
  } catch {
    // not built yet
  }
  const dir = mkdtempSync(join(tmpdir(), 'sbom-generator-'));
  writeFileSync(join(dir, 'scan.sh'), script(), { mode: 0o755 });
  writeFileSync(
    join(dir, 'Dockerfile'),
    'FROM e2e-base\nCOPY --chmod=755 scan.sh /bin/scan\nENTRYPOINT ["/bin/scan"]\n'
  );
  execFileSync(
    'docker',
    ['buildx', 'build', '--quiet', '--provenance=false', '-t', SBOM_GENERATOR, '--load', dir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env
    }
  );
  return SBOM_GENERATOR;
}
