/** Reads, decides and runs a prune in-process against a stand-in, with short retry waits and captured logs. */
import { createGitHub } from '../../../src/common/github.js';
import { RegistryClient } from '../../../src/common/registry/client.js';
import { parseManifest } from '../../../src/common/registry/media.js';
import { readRunContext } from '../../../src/common/run-context.js';
import { decidePrune } from '../../../src/prune/decide.js';
import { readPruneInputs } from '../../../src/prune/inputs.js';
import type { PruneResult } from '../../../src/prune/result.js';
import { runPrune } from '../../../src/prune/run.js';
import type { Ghcr } from '../../support/ghcr/index.js';

export interface Logs {
  info: string[];
  warn: string[];
  notice: string[];
}

export function client(ghcr: Ghcr, token = ghcr.token): RegistryClient {
  return new RegistryClient({
    registry: ghcr.registry,
    credentials: { username: 'x', password: token },
    retryDelayMs: 1
  });
}

export async function prune(
  ghcr: Ghcr,
  given: Record<string, string>,
  opts: { token?: string; pacing?: boolean; sleeps?: number[] } = {}
): Promise<{ result: PruneResult; logs: Logs }> {
  const token = opts.token ?? ghcr.token;
  const values: Record<string, string> = { token, owner: 'octo-org', registry: ghcr.registry, ...given };
  const ctx = readRunContext({});
  const inputs = readPruneInputs(name => values[name] ?? '', ctx, {});
  // the registry's credentials as a login of this run would give them
  const decision = decidePrune(inputs, { logins: [ghcr.registry] }, ctx);
  const logs: Logs = { info: [], warn: [], notice: [] };
  const github = createGitHub({
    token,
    baseUrl: ghcr.apiUrl,
    spaceWrites: false,
    secondaryRetries: 0,
    retryUnitMs: 5,
    warn: m => (/^GitHub API (secondary )?rate limit/.test(m) ? undefined : logs.warn.push(m))
  });
  const result = await runPrune(decision, {
    github,
    registry: client(ghcr, token),
    pacing: opts.pacing ?? false,
    retryDelayMs: 1,
    sleep: async ms => void opts.sleeps?.push(ms),
    env: {},
    log: { info: m => logs.info.push(m), warn: m => logs.warn.push(m), notice: m => logs.notice.push(m) }
  });
  return { result, logs };
}

/** Problems resolving each tag of a repository: the manifest and its children at any depth. */
export async function tagProblems(ghcr: Ghcr, repository: string): Promise<Record<string, string[]>> {
  const registry = client(ghcr);
  const out: Record<string, string[]> = {};
  const visit = async (ref: string, problems: string[]) => {
    const res = await registry.getManifest(repository, ref);
    if (!res) return problems.push(`${ref} missing`);
    for (const child of parseManifest(res.bytes, res.mediaType).manifests)
      await visit(child.digest, problems);
  };
  for (const tag of await registry.listTags(repository)) {
    out[tag] = [];
    await visit(tag, out[tag]);
  }
  return out;
}

/** Digests in a repository, as the store has them. */
export async function digests(ghcr: Ghcr, repository: string): Promise<string[]> {
  return (await ghcr.store.manifests(repository)).map(m => m.digest).sort();
}
