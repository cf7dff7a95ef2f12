/** Bake definitions (`docker buildx bake -f`) for one target: tags, labels, annotations, and tags+labels. */
import { labelObject } from './labels.js';

export type BakeKind = 'tags' | 'labels' | 'annotations' | 'all';

export type BakeDefinitions = Record<BakeKind, { target: Record<string, Record<string, unknown>> }>;

export interface BakeFacts {
  target: string;
  tags: string[];
  images: string[];
  version: string | undefined;
  labels: string[];
  annotations: string[];
}

export function createBakeDefinitions(f: BakeFacts): BakeDefinitions {
  const wrap = (body: Record<string, unknown>) => ({ target: { [f.target]: body } });
  const args = { DOCKER_META_IMAGES: f.images.join(','), DOCKER_META_VERSION: f.version };
  return {
    tags: wrap({ tags: f.tags, args }),
    labels: wrap({ labels: labelObject(f.labels) }),
    annotations: wrap({ annotations: f.annotations }),
    all: wrap({ tags: f.tags, labels: labelObject(f.labels), args })
  };
}

/** File names as metadata-action writes them. */
export const BAKE_FILE_NAMES: Record<BakeKind, string> = {
  tags: 'docker-metadata-action-bake-tags.json',
  labels: 'docker-metadata-action-bake-labels.json',
  annotations: 'docker-metadata-action-bake-annotations.json',
  all: 'docker-metadata-action-bake.json'
};
