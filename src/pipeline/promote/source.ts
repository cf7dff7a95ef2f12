/**
 * The image a promotion publishes: `source` as given (a tag or a digest), or by default this
 * commit's image as a branch build of the same workflow pushed it, under the tag `type=sha` makes
 * (`sha-<short sha>`) in the first image. Checked before anything is pushed: it must resolve, be an
 * image, and hold every platform `platforms` asks for.
 */
import { InputError } from '../../common/runner.js';
import { parseReference, type ImageRef } from '../../common/reference.js';
import type { ParsedManifest } from '../../common/registry/media.js';

/** The default source: `<first image>:sha-<short sha>`. */
export function defaultSource(images: string[], shortSha: string): string {
  if (images.length === 0)
    throw new InputError('Input "images" names no image: mode "promote" has nowhere to publish', ['images']);
  return `${images[0]}:sha-${shortSha}`;
}

export interface SourceChoice {
  ref: ImageRef;
  /** As written (or the default). */
  text: string;
  isDefault: boolean;
}

export function chooseSource(given: string, images: string[], shortSha: string): SourceChoice {
  const text = given || defaultSource(images, shortSha);
  const ref = parseReference(text, 'source');
  if (!ref.tag && !ref.digest)
    throw new InputError(
      `Input "source": "${text}" names no tag or digest (e.g. ${ref.name}:sha-${shortSha} or ${ref.name}@sha256:...)`,
      ['source']
    );
  return { ref, text, isDefault: !given };
}

/** The error for a source the registry does not have. */
export function missingSource(choice: SourceChoice): Error {
  if (choice.isDefault) {
    return new Error(
      `The default source ${choice.text} is not in the registry: mode "promote" publishes the image a branch build ` +
        'of this workflow pushed for this commit, under the tag type=sha makes. Add "type=sha" to the tags of the ' +
        'branch builds (tags: | type=ref,event=branch / type=sha), let the branch build of this commit finish, ' +
        'or set "source" to the image to publish'
    );
  }
  return new Error(`Input "source": ${choice.text} is not in the registry (no such tag or digest)`);
}

const platformOf = (p?: { os?: string; architecture?: string; variant?: string }) =>
  p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : '';

/** Why a manifest is no image to publish for `platforms`, or '' when it is one (pure). */
export function sourceProblem(
  text: string,
  digest: string,
  parsed: ParsedManifest,
  platforms: string[]
): string {
  if (parsed.subject || (parsed.artifactType && parsed.kind === 'image'))
    return `${text} (${digest}) is an artifact attached to another manifest, not an image`;
  if (parsed.kind === 'image') {
    if (parsed.blobs.length === 0) return `${text} (${digest}) names no image: it has no config or layers`;
    if (platforms.length > 1)
      return (
        `${text} (${digest}) is a single-platform image, and "platforms" asks for ${platforms.join(', ')}: ` +
        'promote a multi-platform index, or set "platforms" to the one platform of the image'
      );
    return '';
  }
  const held = parsed.manifests.map(m => platformOf(m.platform)).filter(p => p && p !== 'unknown/unknown');
  if (held.length === 0) return `${text} (${digest}) names no image: its index lists no platform image`;
  const missing = platforms.filter(
    p => !held.some(h => h === p || h.startsWith(`${p}/`) || p.startsWith(`${h}/`))
  );
  if (missing.length > 0)
    return `${text} (${digest}) holds ${held.join(', ')}, not ${missing.join(', ')} that "platforms" asks for`;
  return '';
}
