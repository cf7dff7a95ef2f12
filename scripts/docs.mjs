// Writes the input and output reference of every action into docs/<name>.md from its action.yml:
// one page per stage (meta, login, build, prune) and one for the root action, which lists its own
// inputs and then how each stage's inputs are named on it. `--check` fails when a page is stale.
//
// Every input row says what an empty value does: the action.yml default when there is one,
// otherwise the "(default ...)" or "Default: ..." its description states, otherwise WHEN_EMPTY
// below. An input with none of the three fails the run, so a new input cannot go undocumented.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import * as prettier from 'prettier';

const root = resolve(import.meta.dirname, '..');
const STAGES = ['meta', 'login', 'build', 'prune'];
const USES = {
  root: 'OWNER/push-to-image@v1',
  ...Object.fromEntries(STAGES.map(s => [s, `OWNER/push-to-image/${s}@v1`]))
};

/** What an empty value does, for inputs whose default lives in prose (stage/input). */
const WHEN_EMPTY = {
  'meta/images': 'no image: `tags` holds bare tag names',
  'meta/tags':
    "metadata-action's default rules: `type=schedule`, `type=ref,event=branch`, `type=ref,event=tag`, `type=ref,event=pr`",
  'meta/flavor': '`latest=auto`, no prefix, no suffix',
  'meta/labels': 'only the OCI labels computed from the repository and the event',
  'meta/annotations': 'only the OCI annotations computed from the repository and the event',
  'login/registry': 'Docker Hub',
  'login/username': "for ghcr.io the workflow's actor; required for other registries",
  'login/password': 'for ghcr.io `github-token`; required for other registries',
  'login/registry-auth': 'only `registry`, `username` and `password`',
  'login/scope': 'a token for the whole registry, as `docker login` gets',
  'build/platforms': "no `--platform`: the builder's own platform",
  'build/build-args': 'none',
  'build/build-contexts': 'none',
  'build/target': 'the last stage of the Dockerfile',
  'build/secrets': 'none',
  'build/secret-files': 'none',
  'build/secret-envs': 'none',
  'build/ssh': 'none',
  'build/cache-from': 'the `cache` input decides',
  'build/cache-to': 'the `cache` input decides',
  'build/outputs': '`push` and `load` decide',
  'build/provenance': "buildx's default, `mode=min`",
  'build/sbom': 'no SBOM attestation',
  'build/labels': 'none',
  'build/annotations': 'none',
  'build/tags': 'none',
  'build/network': "the builder's default network",
  'build/shm-size': "the builder's default (64 MB)",
  'build/ulimit': "the builder's defaults",
  'build/add-hosts': 'none',
  'build/call': 'a normal build',
  'build/allow': 'no extra entitlement',
  'build/attests': 'only what `provenance` and `sbom` ask for',
  'build/cgroup-parent': "the builder's default cgroup",
  'build/no-cache-filters': 'every stage may use the cache',
  'prune/keep-n-tagged':
    'no count limit: tagged images are never candidates (only `delete-tags` removes tags)',
  'prune/keep-n-untagged': 'none kept: every untagged version no kept image uses is a candidate',
  'prune/older-than': 'no age limit: versions of any age are candidates',
  'prune/keep-tags': 'none',
  'prune/delete-tags': 'none',
  'root/dockerhub-username': 'no Docker Hub: only GHCR (and the images you name)',
  'root/dockerhub-token':
    'none; needed with `dockerhub-username` when the run pushes, unless `dockerhub-oidc-connection-id` is set',
  'login/dockerhub-oidc-connection-id': 'DOCKERHUB_OIDC_CONNECTIONID, else no OIDC login'
};

const cell = text =>
  String(text ?? '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|');

const sentence = text => cell(text).replace(/\.?$/, '.');
const readYaml = file => load(readFileSync(join(root, file), 'utf8'));
const isEmpty = value => value === undefined || value === null || String(value) === '';

/** The default cell of an input: its default, or what an empty value does. */
function defaultCell(key, spec, missing) {
  if (!isEmpty(spec?.default)) return `\`${cell(spec.default)}\``;
  const prose =
    WHEN_EMPTY[key] ??
    /\(default ([^)]+)\)/i.exec(spec?.description ?? '')?.[1] ??
    /\bDefault: ([^.]+)/.exec(spec?.description ?? '')?.[1];
  if (!prose) {
    missing.push(key);
    return '';
  }
  return `empty: ${cell(prose)}`;
}

function inputTable(prefix, inputs, missing) {
  const lines = ['| input | default | description |', '| --- | --- | --- |'];
  for (const [name, spec] of Object.entries(inputs)) {
    lines.push(
      `| \`${name}\`${spec?.required === true && isEmpty(spec?.default) ? ' (required)' : ''} | ${defaultCell(`${prefix}/${name}`, spec, missing)} | ${cell(spec?.description)} |`
    );
  }
  return lines.join('\n');
}

function outputTable(outputs) {
  const lines = ['| output | description |', '| --- | --- |'];
  for (const [name, spec] of Object.entries(outputs ?? {}))
    lines.push(`| \`${name}\` | ${cell(spec?.description)} |`);
  return lines.join('\n');
}

const header = (title, source) =>
  `<!-- Generated by scripts/docs.mjs from ${source}: edit that file, then run \`npm run docs\`. -->\n\n# ${title}\n`;

function stagePage(stage, missing) {
  const yaml = readYaml(`${stage}/action.yml`);
  return [
    header(`\`${stage}\` (\`${USES[stage]}\`)`, `${stage}/action.yml`),
    sentence(yaml.description),
    `On the root action these inputs carry other names in places: see [the root action](root.md#${stage}-inputs-on-the-root-action).`,
    '## Inputs',
    inputTable(stage, yaml.inputs ?? {}, missing),
    '## Outputs',
    outputTable(yaml.outputs)
  ].join('\n\n');
}

/**
 * The root action's name for a stage input, read from the generated action.yml (scripts/root-action.mjs
 * writes each stage input there with a "<stage>: " description, unless an override replaced it): the
 * prefixed name (`meta-context`, `prune-token`) first, then the same name. Null: the root action
 * does not take it.
 */
function rootName(rootInputs, stage, name) {
  const fromStage = candidate => {
    const description = cell(rootInputs[candidate]?.description);
    if (!(candidate in rootInputs)) return false;
    const prefix = /^(meta|login|build|prune):/.exec(description)?.[1];
    return prefix === undefined || prefix === stage;
  };
  return [`${stage}-${name}`, name].find(fromStage) ?? null;
}

function rootPage(missing) {
  const rootYaml = readYaml('action.yml');
  const rootInputs = rootYaml.inputs ?? {};
  const reached = new Set();
  const stageTables = [];
  for (const stage of STAGES) {
    const inputs = readYaml(`${stage}/action.yml`).inputs ?? {};
    const lines = [`| \`${stage}\` input | on the root action | what differs there |`, '| --- | --- | --- |'];
    const same = [];
    const prefixed = [];
    for (const [name, spec] of Object.entries(inputs)) {
      const mapped = rootName(rootInputs, stage, name);
      if (mapped === null) {
        const other = cell(rootInputs[name]?.description).split(':')[0];
        lines.push(
          name in rootInputs
            ? `| \`${name}\` | — | the root action's \`${name}\` is ${other}'s |`
            : `| \`${name}\` | — | not on the root action: use the \`${stage}\` stage |`
        );
        continue;
      }
      const onRoot = rootInputs[mapped];
      reached.add(mapped);
      const notes = [];
      if (String(onRoot.default ?? '') !== String(spec?.default ?? '')) {
        notes.push(`default ${isEmpty(onRoot.default) ? 'empty' : `\`${cell(onRoot.default)}\``}`);
      }
      const description = cell(onRoot.description);
      if (!description.startsWith(`${stage}:`) && description !== cell(spec?.description))
        notes.push(description);
      if (mapped !== name && mapped !== `${stage}-${name}`)
        notes.unshift(`renamed: another stage has a \`${name}\``);
      if (mapped === `${stage}-${name}` && notes.length === 0) prefixed.push(`\`${name}\``);
      else if (mapped === name && notes.length === 0) same.push(`\`${name}\``);
      else lines.push(`| \`${name}\` | \`${mapped}\` | ${notes.join('; ')} |`);
    }
    const parts = [`### \`${stage}\` inputs on the root action`];
    if (lines.length > 2) parts.push(lines.join('\n'));
    if (same.length) parts.push(`Same name and default on the root action: ${same.join(', ')}.`);
    if (prefixed.length) {
      parts.push(`Named \`${stage}-<input>\` on the root action, same default: ${prefixed.join(', ')}.`);
    }
    stageTables.push(parts.join('\n\n'));
  }
  const own = Object.fromEntries(Object.entries(rootInputs).filter(([name]) => !reached.has(name)));
  return [
    header('Root action (`OWNER/push-to-image@v1`)', 'action.yml (generated by scripts/root-action.mjs)'),
    sentence(rootYaml.description),
    'The root action runs the four stages in one step. It has a few inputs of its own, and takes every ' +
      "stage input under the name the tables below give, with the stage's default unless the third column " +
      'says otherwise; the stage pages ([meta](meta.md), [login](login.md), [build](build.md), ' +
      '[prune](prune.md)) describe each.',
    '## Inputs of its own',
    inputTable('root', own, missing),
    '## Stage inputs',
    ...stageTables,
    '## Outputs',
    outputTable(rootYaml.outputs)
  ].join('\n\n');
}

const missing = [];
const pages = [
  ['root', rootPage(missing)],
  ...STAGES.filter(s => existsSync(join(root, s, 'action.yml'))).map(s => [s, stagePage(s, missing)])
];
if (missing.length) {
  console.error(
    `docs.mjs: say what an empty value means for ${missing.join(', ')}: a "(default ...)" in the description, or WHEN_EMPTY`
  );
  process.exit(1);
}

const check = process.argv.includes('--check');
let stale = 0;
mkdirSync(join(root, 'docs'), { recursive: true });
for (const [name, text] of pages) {
  const path = join(root, 'docs', `${name}.md`);
  const options = (await prettier.resolveConfig(path)) ?? {};
  const next = await prettier.format(`${text}\n`, { ...options, filepath: path });
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (next === current) continue;
  stale++;
  if (check) console.error(`docs/${name}.md is out of date with the action.yml files: run \`npm run docs\`.`);
  else writeFileSync(path, next);
}
if (check && stale) process.exit(1);
console.log(
  check ? 'docs/ reference matches the action.yml files' : `docs/ reference: ${stale} page(s) updated`
);
