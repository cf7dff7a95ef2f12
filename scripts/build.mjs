// Bundles every stage entry point src/<stage>/index.ts into dist/<stage>/index.js with ncc, and the
// licenses of the third-party packages each bundle holds into dist/<stage>/licenses.txt. ncc
// minifies the entry file only: the chunks it splits off for dynamic imports (the attest path's
// Sigstore libraries) are minified here with terser, which halves what that path loads.
// Usage: node scripts/build.mjs [--out DIR]
import ncc from '@vercel/ncc';
import { minify } from 'terser';
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'dist');

const stages = readdirSync(join(root, 'src'), { withFileTypes: true })
  .filter(d => d.isDirectory() && existsSync(join(root, 'src', d.name, 'index.ts')))
  .map(d => d.name)
  .sort();

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
// The bundles are ES modules; say so next to them so that they run wherever dist/ is copied.
writeFileSync(join(out, 'package.json'), '{\n  "type": "module"\n}\n');

/** A chunk (an ES module of webpack modules) minified; its licenses are in licenses.txt already. */
async function minifyChunk(name, source) {
  const { code } = await minify(source, { module: true, compress: true, mangle: true });
  if (!code) throw new Error(`terser returned nothing for ${name}`);
  return code;
}

for (const stage of stages) {
  const { code, assets } = await ncc(join(root, 'src', stage, 'index.ts'), {
    minify: true,
    sourceMap: false,
    quiet: true,
    target: 'es2022',
    transpileOnly: true,
    license: 'licenses.txt'
  });
  const dir = join(out, stage);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), code);
  for (const [name, asset] of Object.entries(assets ?? {})) {
    if (name === 'package.json') continue;
    mkdirSync(join(dir, name, '..'), { recursive: true });
    const chunk = /^\d+\.index\.js$/.test(name);
    writeFileSync(join(dir, name), chunk ? await minifyChunk(name, String(asset.source)) : asset.source);
  }
  if (!assets?.['licenses.txt']) throw new Error(`ncc wrote no licenses.txt for ${stage}`);
  console.log(`dist/${stage}/index.js ${(code.length / 1024).toFixed(0)} KiB`);
}
