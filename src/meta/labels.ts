/**
 * OCI labels and annotations: the ones derived from the repository and the version, then the
 * custom entries (which override them), one value per key, sorted by key.
 */
import type { Entry } from './entries.js';
import type { Templates } from './templates.js';

export interface RepoInfo {
  name: string;
  description: string;
  htmlUrl: string;
  license: string;
  defaultBranch?: string;
}

export interface OciFacts {
  repo: RepoInfo;
  version: string | undefined;
  created: Date;
  revision: string;
}

export function ociDefaults({ repo, version, created, revision }: OciFacts): string[] {
  return [
    `org.opencontainers.image.title=${repo.name}`,
    `org.opencontainers.image.description=${repo.description}`,
    `org.opencontainers.image.url=${repo.htmlUrl}`,
    `org.opencontainers.image.source=${repo.htmlUrl}`,
    `org.opencontainers.image.version=${version || ''}`,
    `org.opencontainers.image.created=${created.toISOString()}`,
    `org.opencontainers.image.revision=${revision}`,
    `org.opencontainers.image.licenses=${repo.license}`
  ];
}

/**
 * Defaults plus rendered custom entries, the last value of a key wins. An entry without `=` is
 * dropped, as metadata-action drops it (its outputs stay the same); `warn` names it, since the
 * drop is silent there.
 */
export function mergeLabels(
  defaults: string[],
  custom: Entry[],
  templates: Templates,
  warn: (message: string) => void = () => {},
  input = 'labels'
): string[] {
  const rendered = custom.map(entry => templates.global(entry.value, entry));
  rendered.forEach(entry => {
    if (!entry.includes('=')) warn(`Input "${input}": "${entry}" has no "=" (key=value) and is ignored`);
  });
  const byKey = new Map<string, string>();
  for (const label of [...defaults, ...rendered]) {
    const [key, ...values] = label.split('=');
    if (values.length > 0) byKey.set(key, values.join('='));
  }
  return sortByKey([...byKey]).map(([key, value]) => `${key}=${value}`);
}

const PLAIN_KEY = /^[a-z0-9.-]*$/;

/**
 * Sorted as metadata-action sorts them, with String.localeCompare. For keys of lower-case letters,
 * digits, dots and dashes in an English or POSIX locale that order is the code point order, which
 * spares loading ICU's collation data (a noticeable part of a run's start-up).
 */
export function sortByKey<T>(entries: [string, T][], env: NodeJS.ProcessEnv = process.env): [string, T][] {
  const locale = env.LC_ALL || env.LC_COLLATE || env.LANG || 'C';
  const plain = /^(C|POSIX|en)([._@-]|$)/.test(locale) && entries.every(([key]) => PLAIN_KEY.test(key));
  return entries.sort(
    plain ? (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) : (a, b) => a[0].localeCompare(b[0])
  );
}

/** `key=value` lines as an object, split at the first `=` (as the json output and bake files do). */
export function labelObject(labels: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const label of labels) {
    const m = label.match(/([^=]*)=(.*)/);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** Annotations at each level: `manifest:key=value`, `index:key=value` ... */
export function withLevels(annotations: string[], levels: string[]): string[] {
  return levels.flatMap(level => annotations.map(a => `${level}:${a}`));
}
