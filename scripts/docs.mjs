// Writes the input and output reference of every action.yml into README.md, between
// <!-- reference:NAME --> and <!-- /reference:NAME --> markers. `--check` fails when README.md is stale.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import * as prettier from 'prettier';

const root = resolve(import.meta.dirname, '..');
const actions = [
  ['root', 'action.yml'],
  ['meta', 'meta/action.yml'],
  ['login', 'login/action.yml'],
  ['build', 'build/action.yml'],
  ['prune', 'prune/action.yml']
];

const cell = text =>
  String(text ?? '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|');

function reference(file) {
  const yaml = load(readFileSync(join(root, file), 'utf8'));
  const lines = ['| input | default | description |', '| --- | --- | --- |'];
  for (const [name, spec] of Object.entries(yaml.inputs ?? {})) {
    const def = spec?.default === undefined || spec.default === '' ? '' : `\`${cell(spec.default)}\``;
    lines.push(`| \`${name}\`${spec?.required ? ' (required)' : ''} | ${def} | ${cell(spec?.description)} |`);
  }
  lines.push('', '| output | description |', '| --- | --- |');
  for (const [name, spec] of Object.entries(yaml.outputs ?? {})) {
    lines.push(`| \`${name}\` | ${cell(spec?.description)} |`);
  }
  return lines.join('\n');
}

const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
let next = readme;
for (const [name, file] of actions) {
  if (!existsSync(join(root, file))) continue;
  const re = new RegExp(`(<!-- reference:${name} -->)[\\s\\S]*?(<!-- /reference:${name} -->)`);
  if (!re.test(next)) {
    console.error(`README.md has no <!-- reference:${name} --> section for ${file}`);
    process.exit(1);
  }
  next = next.replace(re, (_, open, close) => `${open}\n\n${reference(file)}\n\n${close}`);
}
const options = (await prettier.resolveConfig(readmePath)) ?? {};
next = await prettier.format(next, { ...options, filepath: readmePath });
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error('README.md reference is out of date with the action.yml files: run `npm run docs`.');
    process.exit(1);
  }
  console.log('README.md reference matches the action.yml files');
} else if (next !== readme) {
  writeFileSync(readmePath, next);
  console.log('README.md reference updated');
}
