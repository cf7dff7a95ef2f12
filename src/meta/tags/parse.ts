/**
 * The `tags` input: one `type=...,attr=...` entry per line (a bare value is `type=raw`), defaults
 * per type, the default entries when the input is empty, and the stable sort by priority.
 */
import { entryError, parseFields, splitFirst, type Entry } from '../entries.js';

export const TAG_TYPES = ['schedule', 'semver', 'pep440', 'match', 'edge', 'ref', 'raw', 'sha'] as const;
export type TagType = (typeof TAG_TYPES)[number];

export interface TagEntry {
  type: TagType;
  /** Attributes by lower-case key; values as written (trimmed). */
  attrs: Record<string, string>;
  entry: Entry;
}

const DEFAULT_PRIORITIES: Record<TagType, string> = {
  schedule: '1000',
  semver: '900',
  pep440: '900',
  match: '800',
  edge: '700',
  ref: '600',
  raw: '200',
  sha: '100'
};

const DEFAULT_TAGS = ['type=schedule', 'type=ref,event=branch', 'type=ref,event=tag', 'type=ref,event=pr'];

const has = (attrs: Record<string, string>, key: string) => Object.prototype.hasOwnProperty.call(attrs, key);

function setDefault(attrs: Record<string, string>, key: string, value: string): void {
  if (!has(attrs, key)) attrs[key] = value;
}

function requireAttr(tag: TagEntry, key: string, example: string): void {
  if (!has(tag.attrs, key)) {
    throw entryError(tag.entry, `Missing ${key} attribute for ${tag.entry.value} (expected e.g. ${example})`);
  }
}

function oneOf(tag: TagEntry, key: string, allowed: string[], label: string): void {
  if (!allowed.includes(tag.attrs[key])) {
    throw entryError(
      tag.entry,
      `Invalid ${label} for ${tag.entry.value} (expected ${key}=${allowed.join(', ' + key + '=')})`
    );
  }
}

export function parseTag(entry: Entry): TagEntry {
  const attrs: Record<string, string> = Object.create(null);
  let type: TagType | undefined;
  for (const field of parseFields(entry)) {
    const parts = splitFirst(field);
    if (parts.length === 1) {
      attrs.value = parts[0];
    } else if (parts[0] === 'type') {
      if (!(TAG_TYPES as readonly string[]).includes(parts[1])) {
        throw entryError(
          entry,
          `Unknown tag type attribute: ${parts[1]} (expected type=${TAG_TYPES.join(', type=')})`
        );
      }
      type = parts[1] as TagType;
    } else {
      attrs[parts[0]] = parts[1];
    }
  }
  const tag: TagEntry = { type: type ?? 'raw', attrs, entry };
  switch (tag.type) {
    case 'schedule':
      setDefault(attrs, 'pattern', 'nightly');
      break;
    case 'semver':
    case 'pep440':
      requireAttr(tag, 'pattern', `type=${tag.type},pattern={{version}}`);
      setDefault(attrs, 'value', '');
      setDefault(attrs, 'match', '');
      break;
    case 'match':
      requireAttr(tag, 'pattern', 'type=match,pattern=v(.*),group=1');
      setDefault(attrs, 'group', '0');
      if (isNaN(+attrs.group)) {
        throw entryError(
          entry,
          `Invalid match group for ${entry.value} (expected a group number, e.g. group=1)`
        );
      }
      setDefault(attrs, 'value', '');
      break;
    case 'edge':
      setDefault(attrs, 'branch', '');
      break;
    case 'ref':
      requireAttr(tag, 'event', 'type=ref,event=branch');
      oneOf(tag, 'event', ['branch', 'tag', 'pr'], 'event');
      if (attrs.event === 'pr') setDefault(attrs, 'prefix', 'pr-');
      break;
    case 'raw':
      requireAttr(tag, 'value', 'type=raw,value=latest');
      break;
    case 'sha':
      setDefault(attrs, 'prefix', 'sha-');
      setDefault(attrs, 'format', 'short');
      oneOf(tag, 'format', ['short', 'long'], 'format');
      break;
  }
  setDefault(attrs, 'enable', 'true');
  setDefault(attrs, 'priority', DEFAULT_PRIORITIES[tag.type]);
  return tag;
}

/** Parsed entries, highest priority first; entries of equal priority keep their order. */
export function parseTags(entries: Entry[]): TagEntry[] {
  const list = entries.length
    ? entries
    : DEFAULT_TAGS.map((value, i) => ({ input: 'tags', line: i + 1, value }));
  const tags = list.map(parseTag);
  // The same comparator as metadata-action, so that even non-numeric priorities sort alike.
  return tags.sort((a, b) => {
    if (Number(a.attrs.priority) < Number(b.attrs.priority)) return 1;
    if (Number(a.attrs.priority) > Number(b.attrs.priority)) return -1;
    return 0;
  });
}
