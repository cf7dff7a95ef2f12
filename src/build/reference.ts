/** Image references (`[registry/]path[:tag][@digest]`) checked by the distribution grammar. */
import { InputError } from '../common/runner.js';

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

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

function fail(input: string, ref: string, why: string): never {
  throw new InputError(`Input "${input}": "${ref}" ${why}`);
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
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  // Docker would read an upper-case first component as a host; it is almost always a mistyped namespace.
  const hasDomain = first !== '' && (/[.:]/.test(first) || first === 'localhost');
  const registry = hasDomain ? first : 'docker.io';
  const path = hasDomain ? rest.slice(slash + 1) : rest;
  if (hasDomain && !DOMAIN.test(first)) fail(input, ref, `has an invalid registry host "${first}"`);
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
  const hubPath = registry === 'docker.io' && !path.includes('/') ? `library/${path}` : path;
  return { registry, name: rest, path: hubPath, tag, digest };
}

/** Registry hosts as the Docker engine reaches them (Docker Hub's API lives on registry-1). */
export function apiHost(registry: string): string {
  return ['docker.io', 'index.docker.io'].includes(registry) ? 'registry-1.docker.io' : registry;
}
