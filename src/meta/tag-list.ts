/** The `tags` and `tag-names` outputs: the version, the extra tags and `latest`, for every image. */
import type { Flavor } from './flavor.js';
import { sanitizeTag, type Version } from './version.js';

export function tagNames(version: Version, flavor: Flavor): string[] {
  if (!version.main) return [];
  const names = [version.main, ...version.partial];
  if (version.latest) {
    const latest = `${flavor.prefixLatest ? flavor.prefix : ''}latest${flavor.suffixLatest ? flavor.suffix : ''}`;
    names.push(sanitizeTag(latest));
  }
  return names;
}

/** `image:tag` for each image; bare tags when there is no image. */
export function fullTags(names: string[], images: string[]): string[] {
  if (images.length === 0) return [...names];
  return images.flatMap(image => names.map(name => (image ? `${image}:${name}` : name)));
}
