/**
 * Labels and annotations from meta and from the inputs, and the index annotations GHCR reads a
 * multi-arch image's description, source and licenses from.
 */

export const INDEX_KEYS = [
  'org.opencontainers.image.description',
  'org.opencontainers.image.source',
  'org.opencontainers.image.licenses'
];

function keyOf(item: string): string {
  return item.slice(0, item.indexOf('='));
}

/** Meta's items first, then the input's; a later item with the same key replaces an earlier one. */
export function mergeKeyed(first: string[], second: string[]): string[] {
  const byKey = new Map<string, string>();
  for (const item of [...first, ...second]) {
    const key = keyOf(item);
    byKey.delete(key);
    byKey.set(key, item);
  }
  return [...byKey.values()];
}

export function mergeUnique(first: string[], second: string[]): string[] {
  return [...new Set([...first, ...second])];
}

/** The levels an annotation applies to: `index,manifest:key=v` → [index, manifest]; none → [manifest]. */
function levels(annotation: string): { levels: string[]; key: string } {
  const key = keyOf(annotation);
  const colon = key.indexOf(':');
  if (colon < 0 || !/^[a-z-]+(\[[^\]]*\])?(,[a-z-]+(\[[^\]]*\])?)*$/.test(key.slice(0, colon))) {
    return { levels: ['manifest'], key };
  }
  return {
    levels: key
      .slice(0, colon)
      .split(',')
      .map(l => l.replace(/\[.*\]$/, '')),
    key: key.slice(colon + 1)
  };
}

/**
 * `index:` annotations for the description, source and licenses labels, unless an index annotation
 * with that key is already given.
 */
export function indexAnnotations(labels: string[], annotations: string[]): string[] {
  const present = new Set(annotations.map(levels).flatMap(a => (a.levels.includes('index') ? [a.key] : [])));
  const values = new Map<string, string>();
  for (const label of labels) {
    const key = keyOf(label);
    if (INDEX_KEYS.includes(key)) values.set(key, label.slice(key.length + 1));
  }
  return INDEX_KEYS.filter(k => values.has(k) && values.get(k) !== '' && !present.has(k)).map(
    k => `index:${k}=${values.get(k)}`
  );
}

/** Whether the pushed or exported result is an image index rather than a single manifest. */
export function makesIndex(opts: {
  platforms: string[];
  provenance: string;
  sbom: string;
  attestationsByDefault: boolean;
}): boolean {
  if (opts.platforms.length > 1) return true;
  const on = (v: string) => v !== '' && !/^false$/i.test(v);
  const provenance = opts.provenance === '' ? opts.attestationsByDefault : on(opts.provenance);
  return provenance || on(opts.sbom);
}
