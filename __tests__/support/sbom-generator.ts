/**
 * An SBOM generator image for BuildKit's SBOM protocol (moby/buildkit
 * docs/attestations/sbom-protocol.md), since the usual one cannot be pulled here: its entrypoint
 * reads `$BUILDKIT_SCAN_SOURCE/sbom-packages.txt` from the scanned image (lines `name version purl`,
 * `-` for no purl) and writes an in-toto statement with an SPDX 2.3 document to
 * `$BUILDKIT_SCAN_DESTINATION/<source>.spdx.json`. Test images choose their packages per platform:
 *
 *   COPY packages-${TARGETARCH}.txt /sbom-packages.txt
 *
 * and are built with `sbom: generator=<sbomGenerator()>`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SBOM_GENERATOR_IMAGE = 'e2e-sbom-generator:spdx23';

const SCRIPT = `#!/bin/sh
set -eu
src="$BUILDKIT_SCAN_SOURCE"
out="$BUILDKIT_SCAN_DESTINATION/$(basename "$src").spdx.json"
list="$src/sbom-packages.txt"
esc() { printf '%s' "$1" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g'; }
{
  printf '{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document","subject":[],'
  printf '"predicate":{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT",'
  printf '"name":"%s","documentNamespace":"https://push-to-image.invalid/sbom/%s-%s",' "$(basename "$src")" "$(basename "$src")" "$$"
  printf '"creationInfo":{"created":"%s","creators":["Tool: e2e-sbom-generator"]},"packages":[' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  n=0
  if [ -f "$list" ]; then
    while read -r name version purl; do
      [ -n "$name" ] || continue
      [ "$n" -eq 0 ] || printf ','
      n=$((n + 1))
      refs=''
      if [ -n "$purl" ] && [ "$purl" != "-" ]; then
        refs=$(printf ',"externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"%s"}]' "$(esc "$purl")")
      fi
      printf '{"name":"%s","SPDXID":"SPDXRef-Package-%d","versionInfo":"%s","downloadLocation":"NOASSERTION"%s}' \\
        "$(esc "$name")" "$n" "$(esc "$version")" "$refs"
    done < "$list"
  fi
  printf ']}}\\n'
} > "$out"
`;

/** Builds the generator image in the test engine's image store (once; fast when it is there). */
export function sbomGenerator(): string {
  try {
    execFileSync('docker', ['image', 'inspect', SBOM_GENERATOR_IMAGE], { stdio: 'ignore', env: process.env });
    return SBOM_GENERATOR_IMAGE;
  } catch {
    // not built yet
  }
  const dir = mkdtempSync(join(tmpdir(), 'sbom-generator-'));
  writeFileSync(join(dir, 'generate.sh'), SCRIPT, { mode: 0o755 });
  writeFileSync(
    join(dir, 'Dockerfile'),
    'FROM e2e-base\nCOPY generate.sh /generate.sh\nENTRYPOINT ["/bin/sh", "/generate.sh"]\n'
  );
  execFileSync(
    'docker',
    [
      'buildx',
      'build',
      '--quiet',
      '--provenance=false',
      '--platform',
      'linux/amd64',
      '-t',
      SBOM_GENERATOR_IMAGE,
      '--load',
      dir
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: process.env }
  );
  return SBOM_GENERATOR_IMAGE;
}

/** One platform's package list as the generator reads it. */
export function packageList(packages: { name: string; version: string; purl?: string }[]): string {
  return packages.map(p => `${p.name} ${p.version} ${p.purl ?? '-'}`).join('\n') + '\n';
}
