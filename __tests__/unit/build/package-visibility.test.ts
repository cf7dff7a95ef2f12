import { jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunContext } from '../../../src/common/run-context.js';
import {
  checkPackagesPublic,
  ghcrPackages,
  packageSettingsUrl,
  privatePackageWarning,
  repositoryFacts
} from '../../../src/build/package-visibility.js';
import { captureStdout } from '../../support/runner-sandbox.js';

function eventEnv(repository: object): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'event-'));
  writeFileSync(join(dir, 'event.json'), JSON.stringify({ repository }));
  return { GITHUB_EVENT_PATH: join(dir, 'event.json') };
}
const DIGEST = 'sha256:' + 'b'.repeat(64);

describe('GHCR package visibility', () => {
  test('packages of the pushed GHCR images', () => {
    expect(
      ghcrPackages([
        'ghcr.io/octo-org/app:1',
        'ghcr.io/octo-org/app:latest',
        'ghcr.io/octo-org/app/worker:1',
        'docker.io/o/app:1'
      ])
    ).toEqual([
      { image: 'ghcr.io/octo-org/app', owner: 'octo-org', name: 'app' },
      { image: 'ghcr.io/octo-org/app/worker', owner: 'octo-org', name: 'app/worker' }
    ]);
  });

  test('settings pages of users and organizations', () => {
    const pkg = { image: 'ghcr.io/mona/app/worker', owner: 'mona', name: 'app/worker' };
    expect(packageSettingsUrl(pkg, 'User')).toBe(
      'https://github.com/users/mona/packages/container/app%2Fworker/settings'
    );
    expect(packageSettingsUrl({ ...pkg, owner: 'octo-org' }, 'Organization')).toBe(
      'https://github.com/orgs/octo-org/packages/container/app%2Fworker/settings'
    );
  });

  test('the warning: settings URL, the org default, no API', () => {
    const text = privatePackageWarning(
      { image: 'ghcr.io/octo-org/app', owner: 'octo-org', name: 'app' },
      { public: true, owner: 'octo-org', ownerType: 'Organization' }
    );
    expect(text).toContain('https://github.com/orgs/octo-org/packages/container/app/settings');
    expect(text).toContain('https://github.com/organizations/octo-org/settings/packages');
    expect(text).toContain('GitHub has no API');
    const user = privatePackageWarning(
      { image: 'ghcr.io/mona/app', owner: 'mona', name: 'app' },
      { public: true, owner: 'mona', ownerType: 'User' }
    );
    expect(user).toContain('https://github.com/users/mona/packages/container/app/settings');
    expect(user).not.toContain('organizations/');
  });

  test('the payload decides', () => {
    expect(
      repositoryFacts(
        readRunContext(eventEnv({ visibility: 'public', owner: { login: 'o', type: 'Organization' } }))
      )
    ).toEqual({
      public: true,
      owner: 'o',
      ownerType: 'Organization'
    });
    expect(repositoryFacts(readRunContext(eventEnv({ private: true }))).public).toBe(false);
    expect(repositoryFacts(readRunContext({})).public).toBe(false);
  });

  test('only public repositories are asked about; only a refusal warns', async () => {
    const probe = jest.fn(async (image: string) =>
      image.endsWith('/closed') ? false : image.endsWith('/open') ? true : undefined
    );
    const images = ['ghcr.io/o/closed:1', 'ghcr.io/o/open:1', 'ghcr.io/o/unknown:1', 'docker.io/o/x:1'];
    const pub = readRunContext(eventEnv({ visibility: 'public', owner: { login: 'o', type: 'User' } }));
    const {
      value: [closed, priv],
      printed
    } = await captureStdout(async () => [
      await checkPackagesPublic(images, DIGEST, pub, probe),
      await checkPackagesPublic(images, DIGEST, readRunContext(eventEnv({ visibility: 'private' })), probe)
    ]);
    expect(closed.map(p => p.name)).toEqual(['closed']);
    expect(priv).toEqual([]);
    expect(probe).toHaveBeenCalledTimes(3);
    expect(printed.match(/^::warning::.*$/gm)).toHaveLength(1);
  });
});
