/**
 * The project's own workflows (.github/workflows), which cannot run here: each is valid against
 * GitHub's workflow schema (@actions/workflow-parser, the parser behind GitHub's own tooling), and
 * every step that uses one of this repository's actions passes only inputs that action declares.
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
