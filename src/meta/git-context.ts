/**
 * context=git: the ref and commit of the checked-out repository instead of the workflow's, found
 * the way docker/actions-toolkit's Git helper finds them (including detached HEADs).
 */
async function git(args: string[], cwd?: string): Promise<string> {
  // Loaded on use: child_process is only needed for context=git and costs start-up time otherwise.
  const { exec } = await import('../common/exec.js');
  const res = await exec('git', args, { cwd, allowFailure: true });
  if (res.stderr.length > 0 && res.code !== 0) throw new Error(res.stderr.trim());
  return res.stdout.trim();
}

const firstLine = (text: string) =>
  text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean)[0];

async function inferRefFromHead(cwd?: string): Promise<string> {
  const contains = (scope: string) =>
    git(['for-each-ref', '--format=%(refname)', '--contains', 'HEAD', '--sort=-committerdate', scope], cwd);
  const local = firstLine(await contains('refs/heads/'));
  if (local) return local;
  const remote = firstLine(await contains('refs/remotes/'));
  if (remote) {
    const m = remote.match(/^refs\/remotes\/[^/]+\/(.+)$/);
    return m ? `refs/heads/${m[1]}` : remote;
  }
  const tag = firstLine(await git(['tag', '--contains', 'HEAD'], cwd));
  return tag ? `refs/tags/${tag}` : '';
}

async function detachedTagRef(decoration: string, original: string, cwd?: string): Promise<string> {
  const refs = (await git(['for-each-ref', '--format=%(refname)', '--points-at', 'HEAD', 'refs/tags/'], cwd))
    .split('\n')
    .map(r => r.trim())
    .filter(Boolean)
    .sort((a, b) => b.length - a.length);
  for (const ref of refs) {
    const expected = `tag: ${ref.slice('refs/tags/'.length)}`;
    if (decoration === expected || decoration.startsWith(`${expected}, `)) return ref;
  }
  if (refs.length === 1) return refs[0];
  throw new Error(`Cannot find detached tag ref in "${original}"`);
}

async function detachedRef(cwd?: string): Promise<string> {
  const res = await git(['show', '-s', '--pretty=%D'], cwd);
  const normalized = res.replace(/^grafted, /, '').trim();
  if (normalized === 'HEAD') return inferRefFromHead(cwd);
  const m = normalized.match(/^HEAD, (.*)$/);
  if (!m || !m[1]) throw new Error(`Cannot find detached HEAD ref in "${res}"`);
  const ref = m[1].trim();
  if (ref.startsWith('tag: ')) return detachedTagRef(ref, res, cwd);
  if (/^pull\/\d+\/(head|merge)$/.test(ref)) return `refs/${ref}`;
  const branch = ref.match(/^[^/]+\/[^/]+, (.+)$/) ?? ref.match(/^[^/]+\/(.+)$/);
  if (branch) return `refs/heads/${branch[1].trim()}`;
  throw new Error(`Unsupported detached HEAD ref in "${res}"`);
}

export async function gitContext(cwd?: string): Promise<{ ref: string; sha: string }> {
  const detached = (await git(['branch', '--show-current'], cwd)).length === 0;
  const ref = detached ? await detachedRef(cwd) : await git(['symbolic-ref', 'HEAD'], cwd);
  const sha = await git(['show', '--format=%H', 'HEAD', '--quiet', '--'], cwd);
  return { ref, sha };
}

/** The committer date of a commit (`git show -s --format=%ci`). */
export async function gitCommitDate(ref: string, cwd?: string): Promise<Date> {
  const out = (await git(['show', '-s', '--format=%ci', ref], cwd)).replace(/^"|"$/g, '');
  const m = out.match(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/);
  return m ? new Date(`${m[1]}T${m[2]}${m[3]}:${m[4]}`) : new Date(out);
}
