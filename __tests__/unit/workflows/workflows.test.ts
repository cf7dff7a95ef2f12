/**
 * The project's own workflows (.github/workflows), which cannot run here: each is valid against
 * GitHub's workflow schema (@actions/workflow-parser, the parser behind GitHub's own tooling), and
 * every step that uses one of this repository's actions passes only inputs that action declares,
 * and every action from elsewhere is pinned by full commit SHA with its version in a comment.
 */
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIR = join(ROOT, '.github', 'workflows');
const files = readdirSync(DIR).filter(f => /\.ya?ml$/.test(f));

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[] }>;
}
interface Action {
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

const read = (file: string) => readFileSync(join(DIR, file), 'utf8');
const workflow = (file: string) => load(read(file)) as Workflow;
const action = (path: string) => load(readFileSync(join(ROOT, path, 'action.yml'), 'utf8')) as Action;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap(j => j.steps);

test.each(files)('%s is a valid workflow', async file => {
  const parsed = parseWorkflow({ name: file, content: read(file) }, new NoOperationTraceWriter());
  expect(parsed.context.errors.getErrors().map(e => e.message)).toEqual([]);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
  expect(template.errors ?? []).toEqual([]);
  expect(template.jobs.length).toBeGreaterThan(0);
});

test('the schema check catches a broken workflow', () => {
  const content = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n';
  const parsed = parseWorkflow({ name: 'broken.yml', content }, new NoOperationTraceWriter());
  expect(
    parsed.context.errors
      .getErrors()
      .map(e => e.message)
      .join('\n')
  ).toMatch(/stepz/);
});

test.each(files)("%s passes this repository's actions only inputs they declare", file => {
  for (const step of steps(workflow(file)).filter(s => s.uses?.startsWith('./'))) {
    const declared = Object.keys(action(step.uses!).inputs ?? {});
    expect({
      uses: step.uses,
      unknown: Object.keys(step.with ?? {}).filter(k => !declared.includes(k))
    }).toEqual({
      uses: step.uses,
      unknown: []
    });
  }
});

test('a tag push publishes examples/sample-app with the root action of the same commit', () => {
  const w = workflow('release.yml');
  expect(w.on).toEqual({ push: { tags: ['v*'] } });
  const publish = steps(w).find(s => s.uses === './');
  expect(publish?.with).toMatchObject({
    context: 'examples/sample-app',
    images: 'ghcr.io/${{ github.repository }}/sample-app'
  });
  // Later steps read outputs the root action declares.
  const used = [...read('release.yml').matchAll(/steps\.publish\.outputs\.([\w-]+)/g)].map(m => m[1]);
  expect(used.length).toBeGreaterThan(0);
  for (const name of used) expect(Object.keys(action('.').outputs ?? {})).toContain(name);
});

test('a schedule plans a prune of the sample app and never deletes', () => {
  const w = workflow('prune.yml');
  expect(Object.keys(w.on)).toContain('schedule');
  const prune = steps(w).find(s => s.uses === './prune');
  expect(prune?.with?.['dry-run']).toBe(true);
  expect(prune?.with?.packages).toBe('${{ github.event.repository.name }}/sample-app');
});

/**
 * Every `uses:` line of a workflow that names something outside this repository and is not pinned
 * by a full commit SHA with its version in a comment (`owner/repo@<40 hex> # v4.2.2`), or a
 * container by digest; `./` actions are this commit's own.
 */
function unpinned(text: string): string[] {
  const refs = [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1[ \t]*(#.*)?$/gm)];
  return refs
    .filter(([, , ref, comment]) => {
      if (ref.startsWith('./')) return false;
      if (ref.startsWith('docker://')) return !/@sha256:[0-9a-f]{64}$/.test(ref);
      return !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) || !/^#\s*v\d+(\.\d+)*\S*\s*$/.test(comment ?? '');
    })
    .map(([, , ref]) => ref);
}

/** Every `uses:` value the YAML holds, step-level and job-level (reusable workflows). */
function usesValues(w: Workflow & { jobs: Record<string, { uses?: string }> }): string[] {
  return Object.values(w.jobs).flatMap(j => [
    ...(j.uses ? [j.uses] : []),
    ...(j.steps ?? []).flatMap(s => s.uses ?? [])
  ]);
}

test.each(files)('%s pins every action from elsewhere by commit SHA, with the version in a comment', file => {
  const text = read(file);
  // The line scan below sees every `uses:` the YAML holds (no flow style or multi-line value slips by).
  const lines = [...text.matchAll(/^\s*(?:-\s+)?uses:\s*['"]?([^\s'"#]+)/gm)].map(m => m[1]);
  expect(lines.sort()).toEqual(usesValues(workflow(file)).sort());
  expect(unpinned(text)).toEqual([]);
});

test('the pin check catches a tag, a short SHA, a missing version comment and an unpinned container', () => {
  const sha = '11d5960a326750d5838078e36cf38b85af677262';
  const text = [
    'steps:',
    '  - uses: actions/checkout@v4',
    `  - uses: actions/checkout@${sha.slice(0, 7)} # v4.4.0`,
    `  - uses: actions/setup-node@${sha}`,
    `  - uses: actions/cache@${sha} # latest`,
    '  - uses: docker://alpine:3.20',
    `  - uses: actions/checkout@${sha} # v4.4.0`,
    `  - uses: 'actions/checkout@${sha}' # v4.4.0`,
    `  - uses: docker://alpine@sha256:${'a'.repeat(64)}`,
    '  - uses: ./prune'
  ].join('\n');
  expect(unpinned(text)).toEqual([
    'actions/checkout@v4',
    `actions/checkout@${sha.slice(0, 7)}`,
    `actions/setup-node@${sha}`,
    `actions/cache@${sha}`,
    'docker://alpine:3.20'
  ]);
});
