/** The build stage's inputs, named and read as docker/build-push-action reads them, checked up front. */
import { parseList } from '../common/lists.js';
import { booleanFrom, InputError, stepInputs, type InputSource } from '../common/runner.js';
import { checkAttests } from './attestations.js';
import { CACHE_MODES, checkCacheEntries, type CacheMode } from './cache.js';
import { checkUnique } from './platforms.js';
import { parseReference } from '../common/reference.js';
import { parseSecrets, type Secret } from './secrets.js';

export type PushMode = boolean | 'auto';

export interface BuildInputs {
  context: string;
  file: string;
  platforms: string[];
  buildArgs: string[];
  buildContexts: string[];
  target: string;
  /** Parsed at once: no error ever repeats a secret's text. */
  secrets: Secret[];
  secretFiles: string[];
  secretEnvs: string[];
  ssh: string[];
  cacheFrom: string[];
  cacheTo: string[];
  cache: CacheMode;
  push: PushMode;
  load: boolean;
  outputs: string[];
  provenance: string;
  sbom: string;
  /** BuildKit attestations, one `type=...` entry each (`--attest`). */
  attests: string[];
  labels: string[];
  annotations: string[];
  tags: string[];
  noCache: boolean;
  /** Stages built without the cache (`--no-cache-filter`). */
  noCacheFilters: string[];
  pull: boolean;
  network: string;
  shmSize: string;
  ulimit: string[];
  addHosts: string[];
  /** Extra privileges for the build (`--allow`): network.host, security.insecure ... */
  allow: string[];
  cgroupParent: string;
  builder: string;
  call: string;
}

function each(input: string, items: string[], test: (item: string) => boolean, expected: string): void {
  items.forEach((item, i) => {
    if (!test(item))
      throw new InputError(`Input "${input}" item ${i + 1} "${item}" is not ${expected}`, [input]);
  });
}

/** `id=...` entries: errors name the item and id only, never the value (it may be a secret). */
function checkIds(input: string, items: string[], expected: string): void {
  items.forEach((item, i) => {
    const at = item.indexOf('=');
    if (at <= 0 || item.slice(at + 1).trim() === '') {
      const id = at > 0 ? ` (id "${item.slice(0, at)}")` : '';
      throw new InputError(`Input "${input}" item ${i + 1}${id} is not ${expected}`, [input]);
    }
  });
}

/**
 * A value buildx would read as an option: `-` alone (stdin) is refused where a file is meant (a step
 * has no stdin), and `-x` is refused so that it never becomes a flag.
 */
function checkPositional(input: string, value: string): void {
  if (value === '-') {
    throw new InputError(`Input "${input}" is "-", which reads stdin: a step has none; name a file or path`, [
      input
    ]);
  }
  if (value.startsWith('-')) {
    throw new InputError(
      `Input "${input}" starts with "-" ("${value}"), which buildx would read as an option` +
        (input === 'file' ? ': write it as ./' + value : ''),
      [input]
    );
  }
}

/** What `--call` evaluates (buildx's methods and the frontend's subrequest list), with its print options. */
const CALL_METHODS = ['build', 'check', 'lint', 'outline', 'targets', 'subrequests.describe'];
const CALL_OPTIONS = ['format', 'ignorestatus'];

function checkCall(value: string): void {
  if (value === '') return;
  const [method, ...options] = value.split(',').map(s => s.trim());
  if (!CALL_METHODS.includes(method)) {
    throw new InputError(
      `Input "call" must be one of ${CALL_METHODS.join(', ')} (with options such as ",format=json"), got "${value}"`,
      ['call']
    );
  }
  const bad = options.find(o => !CALL_OPTIONS.includes(o.split('=')[0]) || !o.includes('='));
  if (bad !== undefined) {
    throw new InputError(
      `Input "call" option "${bad}" is not one of ${CALL_OPTIONS.map(o => `${o}=`).join(', ')} (got "${value}")`,
      ['call']
    );
  }
}

export function parsePush(value: string): PushMode {
  if (value === '' || value === 'auto') return 'auto';
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`Input "push" must be auto, true or false, got "${value}"`, ['push']);
}

function parseCache(value: string): CacheMode {
  const mode = value === '' ? 'auto' : value === 'false' ? 'none' : value;
  if (!(CACHE_MODES as readonly string[]).includes(mode)) {
    throw new InputError(`Input "cache" must be one of ${CACHE_MODES.join(', ')}, got "${value}"`, ['cache']);
  }
  return mode as CacheMode;
}

function checkAttestation(input: string, value: string): void {
  if (value === '' || /^(true|false)$/i.test(value)) return;
  for (const attr of value.split(',')) {
    if (!/^[a-z][a-z0-9-]*=\S*$/i.test(attr.trim())) {
      throw new InputError(`Input "${input}" must be true, false or key=value attributes, got "${value}"`, [
        input
      ]);
    }
  }
}

export function readBuildInputs(source: InputSource = stepInputs): BuildInputs {
  const list = (name: string) => parseList(source(name));
  const lines = (name: string) => parseList(source(name), { ignoreComma: true });
  const inputs: BuildInputs = {
    context: source('context') || '.',
    file: source('file'),
    platforms: list('platforms'),
    buildArgs: lines('build-args'),
    buildContexts: lines('build-contexts'),
    target: source('target'),
    secrets: parseSecrets(source('secrets')),
    secretFiles: lines('secret-files'),
    secretEnvs: list('secret-envs'),
    ssh: list('ssh'),
    cacheFrom: lines('cache-from'),
    cacheTo: lines('cache-to'),
    cache: parseCache(source('cache')),
    push: parsePush(source('push')),
    load: booleanFrom(source, 'load'),
    outputs: parseList(source('outputs'), { ignoreComma: true, quote: false }),
    provenance: source('provenance'),
    sbom: source('sbom'),
    attests: lines('attests'),
    labels: lines('labels'),
    annotations: lines('annotations'),
    tags: list('tags'),
    noCache: booleanFrom(source, 'no-cache'),
    noCacheFilters: list('no-cache-filters'),
    pull: booleanFrom(source, 'pull'),
    network: source('network'),
    shmSize: source('shm-size'),
    ulimit: lines('ulimit'),
    addHosts: list('add-hosts'),
    allow: list('allow'),
    cgroupParent: source('cgroup-parent'),
    builder: source('builder'),
    call: source('call')
  };
  return checkInputs(inputs);
}

/** Checks what was read; labels without `=` become empty labels. */
function checkInputs(inputs: BuildInputs): BuildInputs {
  checkUnique(inputs.platforms);
  checkPositional('file', inputs.file);
  checkPositional('builder', inputs.builder);
  checkCall(inputs.call);
  inputs.tags.forEach(t => parseReference(t));
  checkIds('secret-files', inputs.secretFiles, 'id=path');
  checkIds('secret-envs', inputs.secretEnvs, 'id=ENV_VARIABLE');
  checkIds('build-contexts', inputs.buildContexts, 'name=source');
  // A build-arg's value may be a secret: errors name the item, never its text.
  inputs.buildArgs.forEach((arg, i) => {
    if (!/^[^=\s]+(=|$)/.test(arg)) {
      throw new InputError(
        `Input "build-args" item ${i + 1} is not NAME=value (a name without spaces, then "=" and the value)`,
        ['build-args']
      );
    }
  });
  checkCacheEntries('cache-from', inputs.cacheFrom);
  checkCacheEntries('cache-to', inputs.cacheTo);
  // A label without `=` is an empty label to buildx (build-push-action passes it on); an annotation
  // without `=` is an error to buildx, so it is refused here, before anything runs.
  inputs.labels = inputs.labels.map(l => (l.includes('=') ? l : `${l}=`));
  each('labels', inputs.labels, l => /^[^=\s]+=/.test(l), 'key=value');
  each('annotations', inputs.annotations, a => /^[^=\s]+=/.test(a), '[type:]key=value');
  each('add-hosts', inputs.addHosts, h => /^[^:=\s]+[:=]\S+$/.test(h), 'host:ip');
  each('ulimit', inputs.ulimit, u => /^[a-z]+=-?\d+(:-?\d+)?$/.test(u), 'name=soft[:hard]');
  if (inputs.shmSize && !/^\d+(\.\d+)?[bkmgt]?b?$/i.test(inputs.shmSize)) {
    throw new InputError(`Input "shm-size" must be a size such as 2g or 512m, got "${inputs.shmSize}"`, [
      'shm-size'
    ]);
  }
  checkAttestation('provenance', inputs.provenance);
  checkAttestation('sbom', inputs.sbom);
  checkAttests(inputs.attests);
  each(
    'allow',
    inputs.allow,
    a => /^[a-z][a-z0-9.-]*(=\S+)?$/i.test(a),
    'an entitlement such as network.host'
  );
  each('no-cache-filters', inputs.noCacheFilters, f => /^\S+$/.test(f), 'a stage name');
  return inputs;
}
