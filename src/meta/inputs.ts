/**
 * The stage's inputs (same names and syntax as docker/metadata-action) and the DOCKER_METADATA_*
 * / SOURCE_DATE_EPOCH variables it reads, validated before anything runs.
 */
import { getInput, InputError, type InputSource } from '../common/runner.js';
import { parseEntries, type Entry } from './entries.js';
import { FLOATING_MODES, type FloatingMode } from './floating.js';
import { parseFlavor, type Flavor } from './flavor.js';
import { parseImages, type Image } from './images.js';
import { parseTags, type TagEntry } from './tags/parse.js';

export type ContextSource = 'workflow' | 'git';

export interface MetaSettings {
  /** DOCKER_METADATA_ANNOTATIONS_LEVELS split at commas (default manifest). */
  annotationLevels: string[];
  /** DOCKER_METADATA_SET_OUTPUT_ENV (default true). */
  setOutputEnv: boolean;
  /** DOCKER_METADATA_PR_HEAD_SHA. */
  prHeadSha: boolean;
  /** DOCKER_METADATA_SHORT_SHA_LENGTH as set; checked when a short SHA is used. */
  shortShaLength?: string;
  /** SOURCE_DATE_EPOCH as a date: the created label then no longer depends on the clock. */
  sourceDate?: Date;
}

export interface MetaInputs {
  context: ContextSource;
  images: Image[];
  tags: TagEntry[];
  flavor: Flavor;
  labels: Entry[];
  annotations: Entry[];
  sepTags: string;
  sepLabels: string;
  sepAnnotations: string;
  bakeTarget: string;
  /** highest: floating tags stay on the highest release that has them; always: metadata-action's way. */
  floatingTags: FloatingMode;
  githubToken: string;
  settings: MetaSettings;
  /** Some input uses {{commit_date}}: the commit date must be looked up. */
  needsCommitDate: boolean;
  /** Problems with the settings that do not stop the step, logged with the result. */
  warnings: string[];
}

/** The step's own inputs; separators keep their whitespace, as metadata-action reads them. */
export const metaStepInputs: InputSource = name => getInput(name, { trim: !name.startsWith('sep-') });

const LEVEL = /^(manifest|index|manifest-descriptor|index-descriptor)(\[[^\]]*\])?$/;

/** Go's strconv.ParseBool, which metadata-action uses for DOCKER_METADATA_SET_OUTPUT_ENV. */
function parseBool(name: string, value: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw new InputError(`${name}: parseBool syntax error: ${value} (expected true or false)`, []);
}

function sourceDate(value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw new InputError(
      `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, got "${value}"`,
      []
    );
  }
  return new Date(Number(value.trim()) * 1000);
}

export function readSettings(
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void = () => {}
): MetaSettings {
  const annotationLevels = (env.DOCKER_METADATA_ANNOTATIONS_LEVELS || 'manifest').split(',');
  for (const level of annotationLevels) {
    if (!LEVEL.test(level)) {
      warn(
        `DOCKER_METADATA_ANNOTATIONS_LEVELS: unknown level "${level}" (buildx knows manifest, index, manifest-descriptor and index-descriptor)`
      );
    }
  }
  return {
    annotationLevels,
    setOutputEnv: env.DOCKER_METADATA_SET_OUTPUT_ENV
      ? parseBool('DOCKER_METADATA_SET_OUTPUT_ENV', env.DOCKER_METADATA_SET_OUTPUT_ENV)
      : true,
    prHeadSha: /true/i.test(env.DOCKER_METADATA_PR_HEAD_SHA || ''),
    shortShaLength: env.DOCKER_METADATA_SHORT_SHA_LENGTH || undefined,
    sourceDate: sourceDate(env.SOURCE_DATE_EPOCH)
  };
}

/** Reads and checks every input and setting; no side effect (warnings are returned, in `warnings`). */
export function readMetaInputs(
  source: InputSource = metaStepInputs,
  env: NodeJS.ProcessEnv = process.env
): MetaInputs {
  const warnings: string[] = [];
  const text = (name: string) => source(name).trim();
  const context = text('context') || 'workflow';
  if (context !== 'workflow' && context !== 'git') {
    throw new InputError(`Input "context": Invalid context source: ${context} (expected workflow or git)`, [
      'context'
    ]);
  }
  const floatingTags = (text('floating-tags') || 'always') as FloatingMode;
  if (!FLOATING_MODES.includes(floatingTags)) {
    throw new InputError(`Input "floating-tags" must be highest or always, got "${floatingTags}"`, [
      'floating-tags'
    ]);
  }
  const lists = Object.fromEntries(
    ['images', 'tags', 'flavor', 'labels', 'annotations'].map(name => [name, parseEntries(name, text(name))])
  ) as Record<'images' | 'tags' | 'flavor' | 'labels' | 'annotations', Entry[]>;
  const needsCommitDate = Object.values(lists).some(entries =>
    entries.some(e => e.value.includes('commit_date'))
  );
  return {
    context,
    images: parseImages(lists.images),
    tags: parseTags(lists.tags),
    flavor: parseFlavor(lists.flavor),
    labels: lists.labels,
    annotations: lists.annotations,
    sepTags: source('sep-tags') || '\n',
    sepLabels: source('sep-labels') || '\n',
    sepAnnotations: source('sep-annotations') || '\n',
    bakeTarget: text('bake-target') || 'docker-metadata-action',
    floatingTags,
    githubToken: text('github-token'),
    settings: readSettings(env, message => warnings.push(message)),
    needsCommitDate,
    warnings
  };
}
