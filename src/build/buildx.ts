/** The buildx version and the features that depend on it. */
import { InputError } from '../common/runner.js';

/** `github.com/docker/buildx v0.13.1 <commit>` or Debian's `0.13.1+ds1` → `0.13.1`. */
export function parseBuildxVersion(output: string): string {
  const match = /\bv?(\d+)\.(\d+)\.(\d+)/.exec(output);
  if (!match) throw new Error(`Cannot read the buildx version from "${output.trim()}"`);
  return `${match[1]}.${match[2]}.${match[3]}`;
}

/**
 * The command and argv of a buildx subcommand: the plugin binary itself when it was found (buildx
 * runs standalone, reading the same DOCKER_CONFIG, DOCKER_HOST and context), else `docker buildx`.
 * Through `docker`, the CLI first runs the plugin once more to read its metadata: about 0.2 s.
 */
export function buildxCall(plugin: string | undefined, args: string[]): [string, string[]] {
  return plugin ? [plugin, args] : ['docker', ['buildx', ...args]];
}

export function atLeast(version: string, wanted: string): boolean {
  const a = version.split('.').map(Number);
  const b = wanted.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (a[i] !== b[i]) return a[i] > b[i];
  }
  return true;
}

/** The first buildx release with each feature this stage may use. */
export const SINCE = {
  metadataFile: '0.6.0',
  attestations: '0.10.0',
  annotations: '0.12.0',
  call: '0.15.0',
  ghaCacheV2: '0.21.0',
  /** `docker buildx history` (inspect, export) for the build record. */
  history: '0.23.0'
} as const;

/** The oldest buildx this action is tested with (README: supported versions). */
export const OLDEST_SUPPORTED = '0.13.1';

/** A version newer than every feature here: what a plan looks like on any current buildx. */
export const NEWEST = '999.0.0';

export type Feature = keyof typeof SINCE;
export type Features = Record<Feature, boolean>;

export function features(version: string): Features {
  return Object.fromEntries(Object.entries(SINCE).map(([k, v]) => [k, atLeast(version, v)])) as Features;
}

/** An input that needs a newer buildx than the runner has fails before anything runs. */
export function requireFeature(version: string, feature: Feature, input: string, value: string): void {
  if (value === '' || atLeast(version, SINCE[feature])) return;
  throw new InputError(
    `Input "${input}" needs buildx ${SINCE[feature]} or newer; this runner has buildx ${version} ` +
      `(got "${value}")`,
    [input]
  );
}
