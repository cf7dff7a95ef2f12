/**
 * The packages of an SPDX 2.x JSON document (an SBOM as BuildKit's generators write it, or the
 * predicate of its in-toto statement): each package's name, version and purl, where it has one.
 */

export interface SbomPackage {
  name: string;
  version: string;
  /** The package's purl (its PACKAGE-MANAGER external reference), '' when it has none. */
  purl: string;
}

export interface SbomPackages {
  /** Packages with a purl, one per distinct purl. */
  withPurl: SbomPackage[];
  /** How many packages have no purl (they cannot be looked up). */
  withoutPurl: number;
}

interface SpdxRef {
  referenceCategory?: unknown;
  referenceType?: unknown;
  referenceLocator?: unknown;
}
interface SpdxPackage {
  name?: unknown;
  versionInfo?: unknown;
  externalRefs?: unknown;
}

/** Throws when `doc` is not an SPDX 2.x document (an in-toto statement is unwrapped first). */
export function spdxDocument(doc: unknown): { packages?: unknown } {
  const d = doc as { predicateType?: unknown; predicate?: unknown; spdxVersion?: unknown } | null;
  if (d && typeof d === 'object' && d.predicateType === 'https://spdx.dev/Document') {
    return spdxDocument(d.predicate);
  }
  if (!d || typeof d !== 'object' || typeof d.spdxVersion !== 'string' || !/^SPDX-2\./.test(d.spdxVersion)) {
    throw new Error('not an SPDX 2.x JSON document');
  }
  return d as { packages?: unknown };
}

function purlOf(pkg: SpdxPackage): string {
  const refs = Array.isArray(pkg.externalRefs) ? (pkg.externalRefs as SpdxRef[]) : [];
  const ref = refs.find(
    r =>
      r &&
      r.referenceType === 'purl' &&
      typeof r.referenceLocator === 'string' &&
      String(r.referenceCategory ?? '').replace('_', '-') === 'PACKAGE-MANAGER'
  );
  return typeof ref?.referenceLocator === 'string' ? ref.referenceLocator.trim() : '';
}

/** The packages of an SPDX document, deduplicated by purl. */
export function sbomPackages(doc: unknown): SbomPackages {
  const spdx = spdxDocument(doc);
  const packages = Array.isArray(spdx.packages) ? (spdx.packages as SpdxPackage[]) : [];
  const seen = new Set<string>();
  const withPurl: SbomPackage[] = [];
  let withoutPurl = 0;
  for (const pkg of packages) {
    if (!pkg || typeof pkg !== 'object') continue;
    const purl = purlOf(pkg);
    if (!purl.startsWith('pkg:')) {
      withoutPurl++;
      continue;
    }
    if (seen.has(purl)) continue;
    seen.add(purl);
    withPurl.push({
      name: typeof pkg.name === 'string' ? pkg.name : '',
      version: typeof pkg.versionInfo === 'string' ? pkg.versionInfo : '',
      purl
    });
  }
  return { withPurl, withoutPurl };
}
