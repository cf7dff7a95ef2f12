/** The attestation's subjects: each pushed image's name (registry/repository, no tag) with the index digest (pure). */
import { apiHost, parseReference } from '../../common/reference.js';

export interface Subject {
  name: string;
  digest: Record<string, string>;
}

/** Image names in the order of the tags, each once. */
export function imageNames(tags: string[]): string[] {
  const names = tags.map(t => {
    const ref = parseReference(t);
    return ref.registry === 'docker.io' ? `docker.io/${ref.path}` : ref.name;
  });
  return [...new Set(names)];
}

export function subjectsOf(names: string[], digest: string): Subject[] {
  const [algorithm, hex] = digest.split(':');
  return names.map(name => ({ name, digest: { [algorithm]: hex } }));
}

/** Where a registry client reaches an image (Docker Hub's API lives on registry-1.docker.io). */
export function registryName(image: string): string {
  const { registry, path } = parseReference(image);
  return `${apiHost(registry)}/${path}`;
}
