/**
 * After deleting: every tag still in the registry, and every tag that was meant to stay, must
 * resolve completely: the tagged manifest and, for an index, every child at any depth.
 */
import type { RegistryClient } from '../common/registry/client.js';
import { isIndexType, parseManifest } from '../common/registry/media.js';
import { shortDigest } from './plan.js';
import { errorMessage } from '../common/errors.js';

export interface VerifyIssue {
  tag: string;
  problem: string;
}

export async function verifyTags(
  registry: RegistryClient,
  repository: string,
  expected: readonly string[]
): Promise<VerifyIssue[]> {
  const present = await registry.listTags(repository);
  const tags = [...new Set([...present, ...expected])].sort();
  const mustExist = new Set(expected);
  const checked = new Map<string, Promise<string | undefined>>();

  const walk = async (children: { digest: string; mediaType: string }[]): Promise<string | undefined> => {
    const problems = await Promise.all(children.map(c => check(c.digest, isIndexType(c.mediaType))));
    return problems.find(Boolean);
  };
  /** Index children are read and walked; others are HEADed, and walked too if the registry says index. */
  const check = (digest: string, index: boolean): Promise<string | undefined> => {
    let result = checked.get(digest);
    if (!result) {
      result = (async () => {
        if (!index) {
          const head = await registry.headManifest(repository, digest);
          if (!head) return `${shortDigest(digest)} is missing`;
          if (!isIndexType(head.mediaType)) return undefined;
        }
        const res = await registry.getManifest(repository, digest);
        if (!res) return `index ${shortDigest(digest)} is missing`;
        return walk(parseManifest(res.bytes, res.mediaType).manifests);
      })().catch(err => `${shortDigest(digest)} could not be read (${errorMessage(err)})`);
      checked.set(digest, result);
    }
    return result;
  };

  const issues: VerifyIssue[] = [];
  await Promise.all(
    tags.map(async tag => {
      try {
        const res = await registry.getManifest(repository, tag);
        if (!res) {
          if (mustExist.has(tag)) issues.push({ tag, problem: 'the tag no longer exists' });
          return;
        }
        const problem = await walk(parseManifest(res.bytes, res.mediaType).manifests);
        if (problem) issues.push({ tag, problem });
      } catch (err) {
        issues.push({ tag, problem: `could not be read (${errorMessage(err)})` });
      }
    })
  );
  return issues.sort((a, b) => a.tag.localeCompare(b.tag));
}
