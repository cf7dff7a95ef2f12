/**
 * The tests' own SBOM generator image, following BuildKit's SBOM generator protocol (moby/buildkit
 * docs/attestations/sbom-protocol.md): BuildKit runs it with the scanned root filesystem at
 * `$BUILDKIT_SCAN_SOURCE`, and it writes an in-toto statement (predicate type
 * `https://spdx.dev/Document`, an SPDX 2.3 document as predicate) to
 * `$BUILDKIT_SCAN_DESTINATION/<basename of the source>.spdx.json`. It stands in for
 * docker/buildkit-syft-scanner, which cannot be pulled here; everything after it is real BuildKit.
 *
 * The packages come from the scanned image's `/sbom-packages.txt` (lines `name version purl`, `-`
 * for no purl), so a test image chooses them per platform:
 *
 *   COPY packages-${TARGETARCH}.txt /sbom-packages.txt
 *
 * and without that file from DEFAULT_PACKAGES (a few Debian packages). `{arch}` in a purl becomes
 * the scanned platform's architecture, read from the ELF header of its busybox binary, so each
 * platform's SBOM differs; the document is named `e2e-scan-<arch>`. Build with
 * `sbom: generator=<sbomGenerator()>`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The tag names the generator's version: change it with the script. */
export const SBOM_GENERATOR = 'e2e-sbom-generator:2';

export interface SbomPackage {
  name: string;
  version: string;
  purl?: string;
}

/** What an image without `/sbom-packages.txt` lists. */
export const DEFAULT_PACKAGES: SbomPackage[] = [
  ['busybox-static', '1:1.35.0-4+b3'],
  ['libc6', '2.36-9+deb12u10'],
  ['zlib1g', '1:1.2.13.dfsg-1']
].map(([name, version]) => ({
  name,
  version,
  purl: `pkg:deb/debian/${name}@${encodeURIComponent(version)}?arch={arch}&distro=debian-12`
}));

/** One platform's package list as the generator reads it. */
export function packageList(packages: SbomPackage[]): string {
  return packages.map(p => `${p.name} ${p.version} ${p.purl ?? '-'}`).join('\n') + '\n';
}

const SCRIPT = `#!/bin/sh
set -eu
src="$BUILDKIT_SCAN_SOURCE"
out="$BUILDKIT_SCAN_DESTINATION/$(busybox basename "$src").spdx.json"
list="$src/sbom-packages.txt"
[ -f "$list" ] || list=/usr/share/e2e-sbom/default-packages.txt
# The ELF header's machine field tells the scanned platform: 0x3e x86-64, 0xb7 aarch64.
arch=unknown
if [ -f "$src/bin/busybox" ]; then
  case "$(busybox head -c 19 "$src/bin/busybox" | busybox tail -c 1 | busybox od -An -tx1 | busybox tr -d ' \\n')" in
    3e) arch=amd64 ;; b7) arch=arm64 ;;
  esac
fi
files=$(busybox find "$src" -type f 2>/dev/null | busybox wc -l | busybox tr -d ' ')
esc() { printf '%s' "$1" | busybox sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g'; }
{
  printf '{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document","subject":[],'
  printf '"predicate":{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT",'
  printf '"name":"e2e-scan-%s","documentNamespace":"https://e2e.invalid/spdx/%s-%s-%s",' "$arch" "$arch" "$files" "$$"
  printf '"creationInfo":{"created":"%s","creators":["Tool: e2e-sbom-generator"]},' "$(busybox date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '"comment":"%s files scanned","packages":[' "$files"
  n=0
  while read -r name version purl; do
    [ -n "$name" ] || continue
    [ "$n" -eq 0 ] || printf ','
    n=$((n + 1))
    refs=''
    if [ -n "$purl" ] && [ "$purl" != "-" ]; then
      purl=$(printf '%s' "$purl" | busybox sed "s/{arch}/$arch/g")
      refs=$(printf ',"externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"%s"}]' "$(esc "$purl")")
    fi
    printf '{"name":"%s","SPDXID":"SPDXRef-Package-%d","versionInfo":"%s","downloadLocation":"NOASSERTION","licenseConcluded":"NOASSERTION"%s}' \\
      "$(esc "$name")" "$n" "$(esc "$version")" "$refs"
  done < "$list"
  printf ']}}\\n'
} > "$out"
`;

/** Builds the generator image in the tests' engine (once; fast when it is there). */
export function sbomGenerator(): string {
  const env = process.env;
  try {
    execFileSync('docker', ['image', 'inspect', SBOM_GENERATOR], { stdio: 'ignore', env });
    return SBOM_GENERATOR;
  } catch {
    // not built yet
  }
  const dir = mkdtempSync(join(tmpdir(), 'sbom-generator-'));
  writeFileSync(join(dir, 'scan.sh'), SCRIPT, { mode: 0o755 });
  writeFileSync(join(dir, 'default-packages.txt'), packageList(DEFAULT_PACKAGES));
  writeFileSync(
    join(dir, 'Dockerfile'),
    'FROM e2e-base\nCOPY --chmod=755 scan.sh /bin/scan\nCOPY default-packages.txt /usr/share/e2e-sbom/\nENTRYPOINT ["/bin/scan"]\n'
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
