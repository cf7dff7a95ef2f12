// The house in figures, from the code as it stands: what the layout rules promise, counted.
//   node scripts/house.mjs          a report
//   node scripts/house.mjs --json   the same as JSON
// Counts: source lines, import cycles (type-only imports included), files that read GITHUB_*,
// RUNNER_* or ACTIONS_* variables from an environment object (`env.GITHUB_SHA`,
// `process.env['RUNNER_TEMP']`, `const { GITHUB_REF } = env`; a message that names one is no read,
// nor is a name handed to a function that looks it up),
// imports that cross from one stage into another (or from common/ into a stage), the
// names the root action imports from each stage, and the longest functions.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []
  );
}

const rel = f => relative(src, f);
const stageOf = f => rel(f).split('/')[0];

const all = files(src).sort();
const graph = new Map();
const named = new Map(); // file -> [{ to, names }]
const functions = [];
let lines = 0;
const githubReaders = [];
const RUN_VARIABLE = /^(GITHUB|RUNNER|ACTIONS)_[A-Z0-9_]+$/;

/** The run variable a node reads, if it is one: `x.NAME`, `x['NAME']`, or `{ NAME }` destructured. */
function runVariableRead(node) {
  if (ts.isPropertyAccessExpression(node) && RUN_VARIABLE.test(node.name.text)) return node.name.text;
  if (
    ts.isElementAccessExpression(node) &&
    ts.isStringLiteralLike(node.argumentExpression) &&
    RUN_VARIABLE.test(node.argumentExpression.text)
  )
    return node.argumentExpression.text;
  if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
    const key = node.propertyName ?? node.name;
    if ((ts.isIdentifier(key) || ts.isStringLiteralLike(key)) && RUN_VARIABLE.test(key.text)) return key.text;
  }
  return undefined;
}

for (const file of all) {
  const text = readFileSync(file, 'utf8');
  lines += text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges = [];
  const imports = [];
  const reads = new Set();
  const visit = node => {
    const read = runVariableRead(node);
    if (read) reads.add(read);
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      node.moduleSpecifier.text.startsWith('.')
    ) {
      const to = resolve(dirname(file), node.moduleSpecifier.text.replace(/\.js$/, '.ts'));
      edges.push(to);
      const names = [];
      const clause = ts.isImportDeclaration(node) ? node.importClause : undefined;
      if (clause?.name) names.push(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.push(e.name.text);
      if (ts.isExportDeclaration(node) && node.exportClause && ts.isNamedExports(node.exportClause)) {
        for (const e of node.exportClause.elements) names.push(e.name.text);
      }
      imports.push({ to, names });
    }
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node)) &&
      node.body
    ) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      let name = node.name?.getText?.() ?? '';
      if (!name && ts.isVariableDeclaration(node.parent)) name = node.parent.name.getText();
      if (name) functions.push({ where: `${rel(file)}:${start + 1}`, name, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (reads.size) githubReaders.push({ file: rel(file), reads: [...reads].sort() });
  graph.set(file, edges);
  named.set(file, imports);
}

// Strongly connected components (Tarjan): each with more than one file is a cycle.
const index = new Map();
const low = new Map();
const stack = [];
const on = new Set();
const cycles = [];
let counter = 0;
function strong(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  on.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!index.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const part = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      part.push(rel(w));
    } while (w !== v);
    if (part.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(part.sort());
  }
}
for (const v of graph.keys()) if (!index.has(v)) strong(v);

const crossings = [];
const rootImports = {};
for (const [file, imports] of named) {
  const from = stageOf(file);
  for (const { to, names } of imports) {
    const target = stageOf(to);
    if (target === from || target === 'common') continue;
    if (from === 'pipeline') {
      rootImports[target] ??= new Set();
      for (const n of names) rootImports[target].add(`${relative(join(src, target), to)}:${n}`);
    } else crossings.push(`${rel(file)} -> ${rel(to)}`);
  }
}

functions.sort((a, b) => b.lines - a.lines);
const report = {
  sourceFiles: all.length,
  sourceLines: lines,
  importCycles: cycles,
  githubReaders,
  stageCrossings: crossings,
  rootImports: Object.fromEntries(Object.entries(rootImports).map(([k, v]) => [k, [...v].sort()])),
  longestFunctions: functions.slice(0, 8)
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`source: ${report.sourceFiles} files, ${report.sourceLines} lines`);
  console.log(`import cycles (type-only included): ${cycles.length}`);
  for (const c of cycles) console.log(`  ${c.join(' <-> ')}`);
  console.log(`files that read GITHUB_*, RUNNER_*, ACTIONS_* variables: ${githubReaders.length}`);
  for (const f of githubReaders) console.log(`  ${f.file}: ${f.reads.join(', ')}`);
  console.log(`imports from one stage into another (root action excluded): ${crossings.length}`);
  for (const c of crossings) console.log(`  ${c}`);
  const total = Object.values(report.rootImports).reduce((n, v) => n + v.length, 0);
  console.log(`names the root action imports from the stages: ${total}`);
  for (const [stage, names] of Object.entries(report.rootImports))
    console.log(`  ${stage}: ${names.join(', ')}`);
  console.log('longest functions:');
  for (const f of report.longestFunctions) console.log(`  ${f.lines} lines  ${f.name}  ${f.where}`);
}
