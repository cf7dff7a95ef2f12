/**
 * What users copy: every workflow in examples/ and every YAML snippet in README.md and docs/*.md,
 * checked the way .github/workflows/ is (workflows.test.ts), plus the permissions each feature
 * needs and the safety of every prune.
 *
 * The rule for snippets: a ```yaml block is either a whole workflow (`on:` and `jobs:`) or a list
 * of steps. A whole workflow gets every check below. A list of steps is wrapped into a one-job
 * workflow (`on: push`, `runs-on: ubuntu-24.04`) and gets the schema, declared-input and prune
 * checks, but no permissions check, since it has no `permissions:` to check; so a snippet meant to
 * be copied as it stands is written as a whole workflow. Any other ```yaml block fails.
 *
 * Permissions, per job (the job's `permissions:` or else the workflow's; one of them is required
 * where this project's actions run):
 * - pushing (the root action except `push: false`, the build stage with `push` not false) to GHCR
 *   needs `packages: write`;
 * - a push that is not a `mode: platform` hand-off or a `mode: promote` (which carries the source's
 *   own attestations over) is signed unless `attest: false`: it needs
 *   `id-token: write` and `attestations: write`;
 * - a prune (the prune stage, or the root action with `prune: true`) with the job's token needs
 *   `packages: write` to delete, `packages: read` for a dry run;
 * - actions/checkout and the root action (which reads the repository) need `contents: read`.
 * Every prune starts as a dry run (`dry-run: true`), reads as the prune stage reads it, and keeps
 * every tag examples/release.yml publishes.
 */
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { readRunContext } from '../../../src/common/run-context.js';
import { readPruneInputs } from '../../../src/prune/inputs.js';
import { meta, tag } from '../meta/helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

type With = Record<string, unknown>;
interface Step {
  uses?: string;
  run?: string;
  with?: With;
}
type Permissions = string | Record<string, string> | undefined;
interface Job {
  permissions?: Permissions;
  steps?: Step[];
}
interface Workflow {
  on: unknown;
  permissions?: Permissions;
  jobs: Record<string, Job>;
}
interface Snippet {
  /** Where it is: a file, or a file and the line its block starts on. */
  name: string;
  /** Workflow text: the file or block as it is, or a step list wrapped into a workflow. */
  content: string;
  whole: boolean;
  /** The comment lines at the top of the file (examples only). */
  comment: string;
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const examples: Snippet[] = readdirSync(join(ROOT, 'examples'))
  .filter(f => /\.ya?ml$/.test(f))
  .map(f => {
    const content = read(`examples/${f}`);
    const comment = (/^(?:#.*\n)+/.exec(content)?.[0] ?? '').replace(/^# ?/gm, '');
    return { name: `examples/${f}`, content, whole: true, comment };
  });

const wrap = (steps: string) =>
  'on: push\njobs:\n  snippet:\n    runs-on: ubuntu-24.04\n    steps:\n' +
  steps
    .split('\n')
    .map(line => (line ? `      ${line}` : line))
    .join('\n');

/** The ```yaml blocks of a Markdown file, each classified by the rule above. */
function snippetsOf(path: string): Snippet[] {
  const text = read(path);
  const out: Snippet[] = [];
  // Blocks may be indented (inside a list item): the fence's indentation is taken off every line.
  for (const m of text.matchAll(/^( *)```ya?ml\n([\s\S]*?)^\1```$/gm)) {
    const line = text.slice(0, m.index).split('\n').length;
    const indent = m[1].length;
    const block = m[2]
      .split('\n')
      .map(l => l.slice(Math.min(indent, l.length - l.trimStart().length)))
      .join('\n');
    const parsed = load(block) as unknown;
    const name = `${path}:${line}`;
    if (Array.isArray(parsed)) out.push({ name, content: wrap(block), whole: false, comment: '' });
    else if (parsed && typeof parsed === 'object' && 'on' in parsed && 'jobs' in parsed) {
      out.push({ name, content: block, whole: true, comment: '' });
    } else out.push({ name, content: '', whole: false, comment: '' });
  }
  return out;
}
const markdown = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter(f => f.endsWith('.md'))
    .map(f => `docs/${f}`)
];
const snippets = markdown.flatMap(snippetsOf);
const all = [...examples, ...snippets];

const workflow = (s: Snippet) => load(s.content) as Workflow;
const jobsOf = (s: Snippet) => (s.content ? Object.entries(workflow(s).jobs) : []);

/** This project's actions, as users name them (`OWNER/push-to-image/prune@v1`) or locally (`./prune`). */
function ours(uses: string | undefined): string | undefined {
  const m = /^(?:[\w.-]+\/push-to-image|\.)(?:\/(meta|login|build|prune))?(?:@|\/?$)/.exec(uses ?? '');
  return m ? (m[1] ?? 'root') : undefined;
}
const actionYml = (action: string) =>
  load(read(action === 'root' ? 'action.yml' : `${action}/action.yml`)) as { inputs?: With };

const text = (w: With | undefined, name: string) => String(w?.[name] ?? '').trim();

/** The effective level of one permission scope. */
function level(p: Permissions, scope: string): string {
  if (p === 'write-all') return 'write';
  if (p === 'read-all') return 'read';
  if (typeof p === 'object') return p[scope] ?? 'none';
  return 'none';
}
const atLeast = (have: string, want: 'read' | 'write') =>
  want === 'read' ? have === 'read' || have === 'write' : have === 'write';

interface Need {
  scope: string;
  level: 'read' | 'write';
  why: string;
}

/** What one step of this project needs from the job's token. */
function needs(action: string, w: With | undefined): Need[] {
  const out: Need[] = [];
  const pushes =
    (action === 'root' && text(w, 'push') !== 'false') || (action === 'build' && text(w, 'push') !== 'false');
  const ghcr =
    action === 'root'
      ? !text(w, 'images') || /ghcr\.io/.test(text(w, 'images'))
      : /ghcr\.io/.test(text(w, 'tags'));
  if (action === 'root') out.push({ scope: 'contents', level: 'read', why: 'meta reads the repository' });
  if (pushes && ghcr) out.push({ scope: 'packages', level: 'write', why: 'push to GHCR' });
  if (pushes && !['platform', 'promote'].includes(text(w, 'mode')) && text(w, 'attest') !== 'false') {
    out.push({ scope: 'id-token', level: 'write', why: 'sign' });
    out.push({ scope: 'attestations', level: 'write', why: 'store the attestation' });
  }
  const prune = pruneInputs(action, w);
  if (prune && !prune.token) {
    out.push(
      prune.dryRun
        ? { scope: 'packages', level: 'read', why: 'plan a prune' }
        : { scope: 'packages', level: 'write', why: 'delete' }
    );
  }
  return out;
}

/** A prune step's inputs as the prune stage reads them, or undefined for a step that prunes nothing. */
function pruneInputs(action: string, w: With | undefined) {
  const prefix = action === 'root' ? 'prune-' : '';
  if (action !== 'prune' && !(action === 'root' && text(w, 'prune') === 'true')) return undefined;
  const given = text(w, `${prefix}token`);
  const inputs = readPruneInputs(
    name => (name === 'token' ? 'job-token' : text(w, prefix + name)),
    readRunContext({ GITHUB_REPOSITORY: 'octo-org/hello-world', GITHUB_REPOSITORY_OWNER: 'octo-org' }),
    {}
  );
  return { ...inputs, token: given, older: text(w, `${prefix}older-than`) };
}

const stepsOf = (s: Snippet) =>
  jobsOf(s).flatMap(([job, j]) => (j.steps ?? []).map(step => ({ job, step, action: ours(step.uses) })));

// The tags examples/release.yml publishes, computed by the meta stage for two tag pushes.
const releaseStep = stepsOf(examples.find(e => e.name === 'examples/release.yml')!).find(
  s => s.action === 'root'
)!.step;
const releaseTags = ['v1.2.3', 'v2.0.0-rc.1'].flatMap(
  ref => meta({ tags: text(releaseStep.with, 'tags') }, tag(ref)).tagNames
);

test('there are examples and snippets to check', () => {
  expect(examples.length).toBeGreaterThanOrEqual(4);
  expect(snippets.filter(s => s.whole).length).toBeGreaterThanOrEqual(2);
  expect(releaseTags).toEqual(['1.2.3', '1.2', '1', 'latest', '2.0.0-rc.1']);
});

test.each(all.map(s => [s.name, s] as const))('%s is a valid workflow', async (_, s) => {
  expect({
    name: s.name,
    kind: s.content ? 'workflow or steps' : 'neither a workflow nor a list of steps'
  }).toEqual({
    name: s.name,
    kind: 'workflow or steps'
  });
  const parsed = parseWorkflow({ name: s.name, content: s.content }, new NoOperationTraceWriter());
  expect(parsed.context.errors.getErrors().map(e => e.message)).toEqual([]);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
  expect(template.errors ?? []).toEqual([]);
});

test.each(all.map(s => [s.name, s] as const))(
  "%s passes this project's actions only inputs they declare",
  (_, s) => {
    for (const { step, action } of stepsOf(s).filter(x => x.action)) {
      const declared = Object.keys(actionYml(action!).inputs ?? {});
      const unknown = Object.keys(step.with ?? {}).filter(k => !declared.includes(k));
      expect({ uses: step.uses, unknown }).toEqual({ uses: step.uses, unknown: [] });
    }
  }
);

test.each(all.filter(s => s.whole).map(s => [s.name, s] as const))(
  '%s grants each job what its steps need',
  (_, s) => {
    const w = workflow(s);
    for (const [job, j] of jobsOf(s)) {
      const perms = j.permissions ?? w.permissions;
      const wanted: Need[] = (j.steps ?? []).flatMap(step => {
        const action = ours(step.uses);
        if (action) return needs(action, step.with);
        if (/^actions\/checkout@/.test(step.uses ?? ''))
          return [{ scope: 'contents', level: 'read', why: 'checkout' }];
        return [];
      });
      if (wanted.length === 0) continue;
      expect({ job, permissions: perms === undefined ? 'unset' : 'set' }).toEqual({
        job,
        permissions: 'set'
      });
      const lacking = wanted.filter(n => !atLeast(level(perms, n.scope), n.level));
      expect({ job, lacking }).toEqual({ job, lacking: [] });
    }
  }
);

const prunes = all.flatMap(s =>
  stepsOf(s)
    .filter(x => x.action && pruneInputs(x.action, x.step.with))
    .map(x => [`${s.name} (${x.job})`, x.action!, x.step] as const)
);

test('the examples prune', () => {
  expect(prunes.map(([name]) => name)).toEqual(
    expect.arrayContaining(['examples/release.yml (image)', 'examples/scheduled-prune.yml (prune)'])
  );
});

test.each(prunes)('%s starts as a dry run and keeps every release', (_, action, step) => {
  const prune = pruneInputs(action, step.with)!;
  expect(prune.dryRun).toBe(true);
  // A unit that reads as minutes or as months is never used.
  expect(prune.older).not.toMatch(/\d\s*m\b/i);
  if (prune.policy.keepNTagged !== undefined) {
    const lost = releaseTags.filter(t => !prune.policy.keepTags.some(p => p.test(t)));
    expect(lost).toEqual([]);
  }
});

test.each(
  examples
    .filter(e => stepsOf(e).some(x => x.action && pruneInputs(x.action, x.step.with)))
    .map(e => [e.name, e] as const)
)('%s says in its comment what it deletes', (_, e) => {
  const { action, step } = stepsOf(e).find(x => x.action && pruneInputs(x.action, x.step.with))!;
  const prune = pruneInputs(action!, step.with)!;
  const comment = e.comment.replace(/\s+/g, ' ');
  expect(comment).toMatch(/dry run/);
  expect(comment).toContain(`${prune.policy.keepNTagged} newest tagged images`);
  expect(comment).toContain(`older than ${prune.policy.olderThanMs! / 86_400_000} days`);
  expect(comment).toContain('untagged versions');
  // The builds it names as deleted are not kept by keep-tags; the releases it names are.
  const named = [...comment.matchAll(/`([\w.-]+)`/g)].map(m => m[1]);
  const kept = (t: string) => prune.policy.keepTags.some(p => p.test(t));
  for (const t of ['main', 'sha-860c190']) {
    expect(named).toContain(t);
    expect({ t, kept: kept(t) }).toEqual({ t, kept: false });
  }
  for (const t of releaseTags) expect(comment).toContain(t);
});

test('the multi-runner example runs on pull requests, and both modes get the same images and logins', () => {
  const s = examples.find(e => e.name === 'examples/multi-runner.yml')!;
  expect(Object.keys(workflow(s).on as object)).toEqual(expect.arrayContaining(['push', 'pull_request']));
  const byMode = Object.fromEntries(
    stepsOf(s)
      .filter(x => x.action === 'root')
      .map(x => [text(x.step.with, 'mode'), x.step.with])
  );
  expect(Object.keys(byMode).sort()).toEqual(['merge', 'platform']);
  for (const name of ['images', 'dockerhub-username', 'dockerhub-token']) {
    expect({ name, value: text(byMode.merge, name) }).toEqual({ name, value: text(byMode.platform, name) });
  }
});

test("the project's own release signs, and fails rather than publish unsigned", () => {
  const s: Snippet = {
    name: '.github/workflows/release.yml',
    content: read('.github/workflows/release.yml'),
    whole: true,
    comment: ''
  };
  const publish = stepsOf(s).find(x => x.action === 'root')!;
  expect(text(publish.step.with, 'attest')).toBe('true');
  const perms = workflow(s).jobs[publish.job].permissions ?? workflow(s).permissions;
  expect(needs('root', publish.step.with).filter(n => !atLeast(level(perms, n.scope), n.level))).toEqual([]);
});

test('the permission rules catch a job that pushes without signing rights', () => {
  const lacking = needs('root', {}).filter(
    n => !atLeast(level({ contents: 'read', packages: 'write' }, n.scope), n.level)
  );
  expect(lacking.map(n => n.scope)).toEqual(['id-token', 'attestations']);
  expect(needs('root', { mode: 'platform' }).map(n => n.scope)).toEqual(['contents', 'packages']);
  expect(needs('prune', { 'dry-run': 'false' }).map(n => `${n.scope}:${n.level}`)).toEqual([
    'packages:write'
  ]);
});
