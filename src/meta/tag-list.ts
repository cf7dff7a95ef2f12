/** The `tags` and `tag-names` outputs: the version, the extra tags and `latest`, for every image. */
import type { Flavor } from './flavor.js';
import type { Version } from './tags/types.js';
import { sanitizeTag } from './version.js';

/** `latest` with the flavor's prefix and suffix where onlatest=true asks for them. */
export function latestTag(flavor: Flavor): string {
  return sanitizeTag(
    `${flavor.prefixLatest ? flavor.prefix : ''}latest${flavor.suffixLatest ? flavor.suffix : ''}`
  );
}

export function tagNames(version: Version, flavor: Flavor): string[] {
  if (!version.main) return [];
  const names = [version.main, ...version.partial];
  if (version.latest) names.push(latestTag(flavor));
  return names;
}

/** `image:tag` for each image; bare tags when there is no image. */
export function fullTags(names: string[], images: string[]): string[] {
  if (images.length === 0) return [...names];
  return images.flatMap(image => names.map(name => (image ? `${image}:${name}` : name)));
}
