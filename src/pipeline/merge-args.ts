/** The `docker buildx imagetools create` argv that merges platform images into one index (sources after `--`). */

export interface MergeSpec {
  /** Full references to create, all in one registry repository (`ghcr.io/o/r:1.2.3`). */
  tags: string[];
  /** The platform images to merge, by digest (`ghcr.io/o/r@sha256:...`). */
  sources: string[];
  /** Index annotations, with or without a level prefix (`index:` is added where missing). */
  annotations: string[];
}

export function mergeArgs(spec: MergeSpec): string[] {
  const args = ['buildx', 'imagetools', 'create'];
  for (const annotation of spec.annotations) {
    args.push('--annotation', /^[a-z-]+(\[[^\]]*\])?:/.test(annotation) ? annotation : `index:${annotation}`);
  }
  for (const tag of spec.tags) args.push('--tag', tag);
  args.push('--', ...spec.sources);
  return args;
}
