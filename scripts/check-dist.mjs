// Fails when a fresh build differs from the committed dist/.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const fresh = mkdtempSync(join(tmpdir(), 'dist-'));
try {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--out', fresh], { stdio: 'ignore' });
  try {
    execFileSync('diff', ['-r', '-q', join(root, 'dist'), fresh], { stdio: 'pipe' });
  } catch (err) {
    process.stderr.write(String(err.stdout ?? ''));
    console.error('dist/ does not match src/: run `npm run build` and commit dist/.');
    process.exit(1);
  }
  console.log('dist/ matches a fresh build');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
