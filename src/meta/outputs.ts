/**
 * Publishes a meta result as metadata-action does: step outputs (and DOCKER_METADATA_OUTPUT_*
 * variables unless DOCKER_METADATA_SET_OUTPUT_ENV is false), bake files under RUNNER_TEMP, the log
 * groups; plus the job summary.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  appendSummary,
  endGroup,
  exportVariable,
  info,
  notice,
  setOutput,
  startGroup,
  tempFolder,
  warning
} from '../common/runner.js';
import { BAKE_FILE_NAMES, type BakeKind } from './bake.js';
import type { MetaResult } from './result.js';
import { summaryMarkdown } from './summary.js';

/** Writes the bake definitions to a fresh folder under RUNNER_TEMP; returns their paths. */
export function writeBakeFiles(
  result: MetaResult,
  env: NodeJS.ProcessEnv = process.env
): Record<BakeKind, string> {
  // Removed if the step is cancelled, and by the root action's post step.
  const dir = tempFolder('docker-actions-toolkit-', env);
  const paths = {} as Record<BakeKind, string>;
  for (const kind of Object.keys(BAKE_FILE_NAMES) as BakeKind[]) {
    paths[kind] = join(dir, BAKE_FILE_NAMES[kind]);
    writeFileSync(paths[kind], JSON.stringify(result.bake[kind], null, 2));
  }
  return paths;
}

/** Output name to value, in metadata-action's order. */
export function outputValues(result: MetaResult, bakeFiles: Record<BakeKind, string>): [string, string][] {
  const { separators: sep } = result;
  return [
    ['version', result.version],
    ['tags', result.tags.join(sep.tags)],
    ['tag-names', result.tagNames.join(sep.tags)],
    ['labels', result.labels.join(sep.labels)],
    ['annotations', result.annotations.join(sep.annotations)],
    ['json', JSON.stringify(result.json)],
    ['bake-file-tags', bakeFiles.tags],
    ['bake-file-labels', bakeFiles.labels],
    ['bake-file-annotations', bakeFiles.annotations],
    ['bake-file', bakeFiles.all]
  ];
}

export const envName = (output: string) =>
  `DOCKER_METADATA_OUTPUT_${output.replace(/\W/g, '_').toUpperCase()}`;

function logGroup(title: string, lines: string[]): void {
  startGroup(title);
  try {
    lines.forEach(line => info(line));
  } finally {
    endGroup();
  }
}

function logGroups(result: MetaResult): void {
  if (result.version) logGroup('Docker image version', [result.version]);
  if (result.tags.length) logGroup('Docker tags', result.tags);
  logGroup('Docker labels', result.labels);
  logGroup('Annotations', result.annotations);
  logGroup('JSON output', [JSON.stringify(result.json, null, 2)]);
}

export interface WriteOptions {
  /**
   * false (the root action): the DOCKER_METADATA_OUTPUT_* variables go to later steps only, not
   * into this process's environment.
   */
  childEnv?: boolean;
}

/**
 * Publishes the result. `childEnv: false` (the root action) exports the DOCKER_METADATA_OUTPUT_*
 * variables to later steps only, leaving this process's environment as it was: every command the
 * step runs next inherits that environment, and with thousands of tags one such variable is over
 * the system's limit for a single environment string (spawn E2BIG).
 */
export function writeMetaOutputs(result: MetaResult, opts: WriteOptions = {}): void {
  for (const message of result.notices) notice(message);
  for (const message of result.warnings) warning(message);
  logGroups(result);
  const bakeFiles = writeBakeFiles(result);
  for (const [name, value] of outputValues(result, bakeFiles)) {
    setOutput(name, value);
    if (!result.setOutputEnv) continue;
    const variable = envName(name);
    const before = process.env[variable];
    exportVariable(variable, value);
    if (opts.childEnv === false) {
      if (before === undefined) delete process.env[variable];
      else process.env[variable] = before;
    }
  }
  appendSummary(summaryMarkdown(result));
}
