/** The prune's outputs and its section of the job summary. */
import { appendSummary, setOutput } from '../common/runner.js';
import type { PruneResult } from './result.js';
import { renderSummary } from './summary.js';

export interface WriteOptions {
  /** Append the job summary (default true). */
  summary?: boolean;
  /** Prefix of the output names (the root action uses `prune-`). */
  prefix?: string;
  /** Receives every output written, by its (prefixed) name. */
  outputs?: Record<string, string>;
}

export function writePruneOutputs(result: PruneResult, opts: WriteOptions = {}): void {
  const values: Record<string, string> = {
    'deleted-count': String(result.deleted.length),
    deleted: JSON.stringify(result.deleted),
    'kept-count': String(result.keptCount),
    backlog: String(result.backlog),
    'removed-tags': JSON.stringify(result.removedTags),
    'api-requests': String(result.apiRequests),
    'registry-requests': String(result.registryRequests),
    pace: String(result.pace.intervalMs),
    'waited-ms': String(result.pace.spacingMs + result.pace.limitWaitMs)
  };
  for (const [name, value] of Object.entries(values)) {
    const key = `${opts.prefix ?? ''}${name}`;
    setOutput(key, value);
    if (opts.outputs) opts.outputs[key] = value;
  }
  if (opts.summary !== false) appendSummary(renderSummary(result));
}
