/** The `flavor` input: `latest=auto|true|false`, `prefix=...`/`suffix=...` with `onlatest=`. */
import { entryError, parseFields, splitEvery, type Entry } from './entries.js';

export interface Flavor {
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
}

const DEFAULT_FLAVOR: Flavor = {
  latest: 'auto',
  prefix: '',
  prefixLatest: false,
  suffix: '',
  suffixLatest: false
};

export function parseFlavor(entries: Entry[]): Flavor {
  const flavor: Flavor = { ...DEFAULT_FLAVOR };
  for (const entry of entries) {
    let onlatestFor = '';
    for (const field of parseFields(entry)) {
      const parts = splitEvery(field);
      if (parts.length === 1) {
        throw entryError(
          entry,
          `Invalid flavor entry: ${entry.value} (expected latest=, prefix= or suffix=)`
        );
      }
      const [key, value] = parts;
      switch (key) {
        case 'latest':
          if (value !== 'auto' && value !== 'true' && value !== 'false') {
            throw entryError(
              entry,
              `Invalid latest flavor entry: ${entry.value} (expected latest=auto, true or false)`
            );
          }
          flavor.latest = value;
          break;
        case 'prefix':
          flavor.prefix = value;
          onlatestFor = 'prefix';
          break;
        case 'suffix':
          flavor.suffix = value;
          onlatestFor = 'suffix';
          break;
        case 'onlatest':
          if (value !== 'true' && value !== 'false') {
            throw entryError(
              entry,
              `Invalid value for onlatest attribute: ${value} (expected true or false)`
            );
          }
          if (onlatestFor === 'prefix') flavor.prefixLatest = value === 'true';
          if (onlatestFor === 'suffix') flavor.suffixLatest = value === 'true';
          break;
        default:
          throw entryError(
            entry,
            `Unknown flavor entry: ${entry.value} (expected latest=, prefix=, suffix= or onlatest=)`
          );
      }
    }
  }
  return flavor;
}
