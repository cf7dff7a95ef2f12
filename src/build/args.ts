/** The exact `buildx build` argv (after `docker`) for a resolved build (pure). */
import { attestValues } from './attestations.js';
import type { BuildInputs } from './inputs.js';

/** Everything resolved around the inputs: merged meta values, push decision, cache, files, builder. */
export interface BuildPlan {
  inputs: BuildInputs;
  tags: string[];
  labels: string[];
  annotations: string[];
  push: boolean;
  cacheFrom: string[];
  cacheTo: string[];
  /** `--secret` values (`id=X,src=FILE` or `id=X,env=VAR`), secret values already written to files. */
  secrets: string[];
  /** Builder to name with --builder; '' for the current one. */
  builder: string;
  /** Where buildx writes its metadata JSON; '' when this buildx cannot. */
  metadataFile: string;
  /** `load` is done by the push exporter itself (the docker driver): no `--load` exporter. */
  pushLoads?: boolean;
}

function repeat(flag: string, values: string[]): string[] {
  return values.flatMap(v => [flag, v]);
}

function optional(flag: string, value: string): string[] {
  return value ? [flag, value] : [];
}

export function buildArgv(plan: BuildPlan): string[] {
  const i = plan.inputs;
  return [
    'buildx',
    'build',
    '--progress',
    'plain',
    ...optional('--builder', plan.builder),
    ...optional('--file', i.file),
    ...optional('--platform', i.platforms.join(',')),
    ...optional('--target', i.target),
    ...repeat('--build-arg', i.buildArgs),
    ...repeat('--build-context', i.buildContexts),
    ...repeat('--tag', plan.tags),
    ...repeat('--label', plan.labels),
    ...repeat('--annotation', plan.annotations),
    ...repeat('--cache-from', plan.cacheFrom),
    ...repeat('--cache-to', plan.cacheTo),
    ...repeat('--secret', plan.secrets),
    ...repeat('--ssh', i.ssh),
    ...repeat('--output', i.outputs),
    ...optional('--provenance', i.provenance),
    ...optional('--sbom', i.sbom),
    ...repeat('--attest', attestValues(i.attests, i.provenance, i.sbom)),
    ...optional('--call', i.call),
    ...optional('--network', i.network),
    ...optional('--shm-size', i.shmSize),
    ...repeat('--ulimit', i.ulimit),
    ...repeat('--add-host', i.addHosts),
    ...repeat('--allow', i.allow),
    ...optional('--cgroup-parent', i.cgroupParent),
    ...(i.noCache ? ['--no-cache'] : []),
    ...repeat('--no-cache-filter', i.noCacheFilters),
    ...(i.pull ? ['--pull'] : []),
    ...(i.load && !plan.pushLoads ? ['--load'] : []),
    ...(plan.push ? ['--push'] : []),
    ...optional('--metadata-file', plan.metadataFile),
    // Options end here: a context such as `-x` stays a path (`-` alone is still stdin).
    '--',
    i.context
  ];
}

/**
 * A command and its argv as one shell-quoted line for the log. Build-arg values are left out (a
 * build arg may carry a token): `--build-arg KEY=(hidden)`.
 */
export function commandLine(argv: string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const hidden = (a: string, i: number) =>
    argv[i - 1] === '--build-arg' && a.includes('=') ? `${a.slice(0, a.indexOf('='))}=(hidden)` : a;
  return argv.map(hidden).map(quote).join(' ');
}
