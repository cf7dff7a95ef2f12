/**
 * Package URLs (github.com/package-url/purl-spec): the parts OSV matches on, and the OSV ecosystem a
 * purl's type (and namespace, for the Linux distributions) stands for.
 */

export interface Purl {
  type: string;
  namespace: string;
  name: string;
  version: string;
}

/** Distributions named by a purl's type and namespace; other types name their ecosystem alone. */
const BY_TYPE_AND_NAMESPACE: Record<string, string> = {
  'deb/debian': 'Debian',
  'deb/ubuntu': 'Ubuntu',
  'apk/alpine': 'Alpine',
  'apk/wolfi': 'Wolfi',
  'apk/chainguard': 'Chainguard',
  'rpm/redhat': 'Red Hat',
  'rpm/almalinux': 'AlmaLinux',
  'rpm/rocky-linux': 'Rocky Linux',
  'rpm/opensuse': 'openSUSE',
  'rpm/suse': 'SUSE'
};
const BY_TYPE: Record<string, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
  cargo: 'crates.io',
  gem: 'RubyGems',
  nuget: 'NuGet',
  composer: 'Packagist',
  hex: 'Hex',
  pub: 'Pub',
  hackage: 'Hackage',
  cran: 'CRAN',
  swift: 'SwiftURL'
};

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Parses `pkg:type/namespace/name@version?qualifiers#subpath`; undefined for anything else. */
export function parsePurl(text: string): Purl | undefined {
  const m = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/+([^?#]+?)(?:@([^?#]*))?(?:\?[^#]*)?(?:#.*)?$/.exec(text.trim());
  if (!m) return undefined;
  const parts = m[2].split('/').filter(Boolean).map(decode);
  const name = parts.pop();
  if (!name) return undefined;
  return { type: m[1].toLowerCase(), namespace: parts.join('/'), name, version: decode(m[3] ?? '') };
}

/** The OSV ecosystem (without a release suffix) a purl names, or '' when OSV has none for it. */
export function ecosystemOf(p: Purl): string {
  return BY_TYPE_AND_NAMESPACE[`${p.type}/${p.namespace.toLowerCase()}`] ?? BY_TYPE[p.type] ?? '';
}

/** The package's name as its ecosystem writes it (`@scope/name`, `group:artifact`, `module/path`). */
export function ecosystemName(p: Purl): string {
  if (!p.namespace || BY_TYPE_AND_NAMESPACE[`${p.type}/${p.namespace.toLowerCase()}`]) return p.name;
  if (p.type === 'maven') return `${p.namespace}:${p.name}`;
  return `${p.namespace}/${p.name}`;
}

/** The purl OSV is asked about: type, namespace, name and version, without qualifiers or subpath. */
export function queryPurl(text: string): string {
  return text.trim().replace(/[?#].*$/, '');
}
