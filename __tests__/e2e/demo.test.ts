/** The README's first command: `npm run demo` runs the whole pipeline locally and a dry-run prune. */
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/action-runner.js';

jest.setTimeout(600_000);

test('the demo pushes two releases to both registries and plans a prune that keeps the newest', () => {
  const run = spawnSync('bash', [join(ROOT, 'scripts/demo.sh')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 580_000
  });
  expect(run.stderr.slice(-2000)).not.toMatch(/failed|Error/);
  expect(run.status).toBe(0);
  const out = run.stdout;
  expect(out).toMatch(/=== pipeline on tag v1\.0\.0: exit 0/);
  expect(out).toMatch(/=== pipeline on tag v1\.1\.0: exit 0/);
  const digest = /^Digest: (sha256:[0-9a-f]{64})$/m.exec(out)?.[1];
  expect(digest).toBeDefined();
  expect(out).toContain(`127.0.0.1:${process.env.E2E_HUB_PORT}/demo/sample-app@${digest}`);
  expect(out).toMatch(/127\.0\.0\.1:\d+\/octo-org\/sample-app:1\.1\.0/);
  expect(out).toContain('### Prune (dry run: nothing deleted)');
  expect(
    Number(/Prune after the push \(dry run\): would delete (\d+) versions/.exec(out)?.[1])
  ).toBeGreaterThan(0);
  const counts = /Would delete (\d+) versions, keeps (\d+)/.exec(out);
  expect(Number(counts?.[1])).toBeGreaterThan(0);
  expect(out).toMatch(/`1\.1` `1\.1\.0` `latest` `sha-2222222` \| one of the 1 newest tagged images/);
});
