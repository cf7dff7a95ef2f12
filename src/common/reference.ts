/**
 * Image references and registry hosts, in one place: which registry a reference names decides where
 * credentials go. The grammar is the distribution project's (`[host[:port]/]path[:tag][@digest]`);
 * Docker Hub answers to several names, and loopback registries are reached over plain HTTP.
 */
import { InputError } from './runner.js';

export const DOCKER_HUB = 'docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** The key of Docker Hub's entry in the Docker config file. */
const HUB_KEY = 'https://index.docker.io/v1/';

const COMPONENT_SOURCE = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const COMPONENT = new RegExp(`^${COMPONENT_SOURCE}$`);
const HOST = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
/** A lower-case image name without tag or digest, as the distribution grammar reads it. */
const LOWER_NAME = new RegExp(
  `^(?:(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])(?:\\.(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9]))*(?::[0-9]+)?/)?` +
    `${COMPONENT_SOURCE}(?:/${COMPONENT_SOURCE})*$`
);

export interface ImageRef {
  /** Registry host as written, or docker.io when the reference names none. */
  registry: string;
  /** The repository as written, registry included when given (`ghcr.io/o/app`, `alpine`). */
  name: string;
  /** The repository path inside the registry (`o/app`, `library/alpine` on Docker Hub). */
  path: string;
  tag?: string;
  digest?: string;
}

/** Splits `[host/]rest` the way Docker does: the first component is a host when it has `.` or `:` or is localhost. */
function splitHost(name: string): [host: string, path: string] {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  return first !== '' && (/[.:]/.test(first) || first === 'localhost')
    ? [first, name.slice(slash + 1)]
    : [DOCKER_HUB, name];
}

/** An image name without its registry host, as written (`o/app` of `ghcr.io/o/app`, `alpine` of `alpine`). */
export function repositoryOf(image: string): string {
  return splitHost(image)[1];
}

/** An image name with a tag: `name:tag`. */
export function tagged(name: string, tag: string): string {
  return `${name}:${tag}`;
}

/** The registry host of an image name (`docker.io` for a bare `user/repo` or `alpine`). */
export function registryOf(image: string): string {
  return splitHost(image)[0];
}

function fail(input: string, ref: string, why: string): never {
  throw new InputError(`Input "${input}": "${ref}" ${why}`, [input]);
}

/** Parses and checks one reference; `input` names the input it came from in errors. */
export function parseReference(ref: string, input = 'tags'): ImageRef {
  if (ref === '') fail(input, ref, 'is empty');
  if (/\s/.test(ref)) fail(input, ref, 'contains white space');
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(input, ref, `has an invalid digest "${digest}"`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      fail(
        input,
        ref,
        `has an invalid tag "${tag}" (up to 128 letters, digits, "_", "." and "-", not starting with "." or "-")`
      );
    }
  }
  // Docker would read an upper-case first component as a host; it is almost always a mistyped namespace.
  const [registry, path] = splitHost(rest);
  if (!HOST.test(registry)) fail(input, ref, `has an invalid registry host "${registry}"`);
  if (path === '') fail(input, ref, 'has no repository name');
  for (const component of path.split('/')) {
    if (component !== component.toLowerCase()) {
      const fixed = ref.replace(path, path.toLowerCase());
      fail(input, ref, `has upper case in the repository name (repository names are lower case: "${fixed}")`);
    }
    if (!COMPONENT.test(component)) {
      fail(
        input,
        ref,
        `has an invalid repository name component "${component}" (lower case letters and digits, ` +
          'separated by ".", "_", "__" or "-")'
      );
    }
  }
  if (rest.length > 255) fail(input, ref, 'has a repository name longer than 255 characters');
  const hubPath = registry === DOCKER_HUB && !path.includes('/') ? `library/${path}` : path;
  return { registry, name: rest, path: hubPath, tag, digest };
}

/**
 * Why a lower-cased image name (no tag, no digest) is not one Docker accepts, or '' when it is:
 * the hint completes "expected ...".
 */
export function imageNameProblem(name: string): string {
  if (LOWER_NAME.test(name) && name.length <= 255) return '';
  return /[:@][^/]*$/.test(name) && !/^[^/]*:[0-9]+\/[^:@]*$/.test(name)
    ? 'an image name without a tag or digest (tags come from the tags input)'
    : 'a registry host, then path components of a-z, 0-9 and single . _ __ or - separators';
}

/** The host (and port) of a registry given as a host or a URL, lower-cased. */
export function registryHost(registry: string): string {
  return registry
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

export function isDockerHub(registry: string): boolean {
  return registry === '' || HUB_ALIASES.has(registryHost(registry));
}

export function isGhcr(registry: string): boolean {
  return registryHost(registry) === 'ghcr.io';
}

/** The key of a registry's entry under `auths` in the Docker config file. */
export function authKey(registry: string): string {
  return isDockerHub(registry) ? HUB_KEY : registryHost(registry);
}

/** Registry hosts as the Docker engine reaches them (Docker Hub's API lives on registry-1). */
export function apiHost(registry: string): string {
  return isDockerHub(registry) ? 'registry-1.docker.io' : registryHost(registry);
}

/** Whether a host (`localhost`, `127.0.0.1:5000`, `[::1]:5000`, `::1`) is this machine's loopback. */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .toLowerCase()
    .replace(/^\[([^\]]*)\](?::\d+)?$/, '$1')
    .replace(/^([^:]*):\d+$/, '$1');
  return name === 'localhost' || /^127\./.test(name) || name === '::1' || name === '0:0:0:0:0:0:0:1';
}

/** Whether `host` (with an optional port) is a host name, IPv4 or bracketed IPv6 address. */
export function isHost(host: string): boolean {
  return HOST.test(host);
}

/** Checks a registry given in `input` (a host or URL, e.g. ghcr.io or 127.0.0.1:5000); '' is Docker Hub. */
export function checkRegistry(registry: string, input: string): string {
  if (registry === '') return DOCKER_HUB;
  const bare = registry.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (!isHost(bare.split('/')[0]) || /\s/.test(bare)) {
    throw new InputError(
      `Input "${input}" is not a registry host: "${registry}" (e.g. ghcr.io or 127.0.0.1:5000)`,
      [input]
    );
  }
  return registry;
}

/**
 * The base URL of a registry's API: as given when a URL, else HTTPS (Docker Hub's on registry-1), or
 * HTTP on loopback.
 */
export function registryBaseUrl(registry: string): string {
  if (/^https?:\/\//.test(registry)) return registry.replace(/\/+$/, '');
  const host = isDockerHub(registry) ? apiHost(registry) : registry.replace(/\/+$/, '');
  return `${isLoopbackHost(host) ? 'http' : 'https'}://${host}`;
}
