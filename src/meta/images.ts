/**
 * The `images` input: bare names (one line may list several, comma separated, as in the old
 * format) or `name=...,enable=...` entries. Names are lowercased as metadata-action does; a name
 * that is still not a valid image reference after that is an error naming its line.
 */
import { imageNameProblem } from '../common/reference.js';
import { entryError, parseFields, splitEvery, type Entry } from './entries.js';

export interface Image {
  name: string;
  enable: boolean;
  entry: Entry;
}

export function parseImages(entries: Entry[]): Image[] {
  if (entries.length === 1) {
    const fields = parseFields(entries[0]).map(f => splitEvery(f));
    if (fields.every(parts => parts.length === 1)) {
      return fields.map(([name]) => ({ name, enable: true, entry: entries[0] }));
    }
  }
  return entries.map(entry => {
    const image: Image = { name: '', enable: true, entry };
    for (const field of parseFields(entry)) {
      const parts = splitEvery(field);
      if (parts.length === 1) {
        image.name = parts[0];
        continue;
      }
      const [key, value] = parts;
      if (key === 'name') {
        image.name = value;
      } else if (key === 'enable') {
        if (!['true', 'false'].includes(value)) {
          throw entryError(
            entry,
            `Invalid enable attribute value: ${entry.value} (expected enable=true or enable=false)`
          );
        }
        image.enable = value === 'true';
      } else {
        throw entryError(entry, `Unknown image attribute: ${entry.value} (expected name= or enable=)`);
      }
    }
    if (image.name.length === 0) {
      throw entryError(
        entry,
        `Image name attribute empty: ${entry.value} (expected an image name such as ghcr.io/owner/app)`
      );
    }
    return image;
  });
}

export interface ImageName {
  name: string;
  /** Set when the name had to be lowercased. */
  notice?: string;
}

/** The name tags are built on: lowercased; a name Docker would still refuse is an error. */
export function imageName(image: Image): ImageName {
  const name = image.name.toLowerCase();
  if (name === '') return { name };
  const hint = imageNameProblem(name);
  if (hint) {
    throw entryError(image.entry, `"${image.name}" is not a valid image name: expected ${hint}`);
  }
  if (name === image.name) return { name };
  const registry = name.startsWith('ghcr.io/')
    ? 'GHCR requires lower-case image names'
    : 'image names are lower case';
  return { name, notice: `${registry}: using "${name}" for "${image.name}"` };
}
