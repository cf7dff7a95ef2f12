/** What the meta stage computes: metadata-action's outputs, and what the step logs and summarizes. */
import type { BakeDefinitions } from './bake.js';
import type { HeldTag } from './floating.js';

export interface MetaResult {
  version: string;
  /** `image:tag` for every image (bare tags when there is no image). */
  tags: string[];
  tagNames: string[];
  /** Enabled image names, lowercased. */
  images: string[];
  labels: string[];
  /** With their levels: `manifest:key=value`. */
  annotations: string[];
  json: { tags: string[]; 'tag-names': string[]; labels: Record<string, string>; annotations: string[] };
  bake: BakeDefinitions;
  separators: { tags: string; labels: string; annotations: string };
  setOutputEnv: boolean;
  /** The tag names a version rule made (semver, pep440, ref,event=tag): each names one release. */
  versionTags: string[];
  /** Floating tags left on a higher release (floating-tags: highest). */
  held: HeldTag[];
  warnings: string[];
  notices: string[];
}
