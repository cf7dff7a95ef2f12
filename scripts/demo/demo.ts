/**
 * The demo pipeline: the root action on two tag pushes of examples/sample-app, pushed to a GHCR
 * stand-in (a registry with bearer-token auth and the Packages API) and to the local "Docker Hub"
 * registry, then a dry-run prune that keeps only the newest release.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, ROOT, type StepResult } from '../../__tests__/support/action-runner.js';
import { INSTALLATION_TOKEN, startGhcr } from '../../__tests__/support/ghcr/index.js';

const HUB = `127.0.0.1:${process.env.E2E_HUB_PORT}`;
const OWNER = 'octo-org';
const REPO = 'sample-app';

function tagPush(version: string, sha: string) {
  const ref = `refs/tags/${version}`;
  const repository = {
    name: REPO,
    full_name: `${OWNER}/${REPO}`,
    owner: { login: OWNER },
    default_branch: 'main'
  };
  return {
    env: {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: ref,
      GITHUB_REF_NAME: version,
      GITHUB_REF_TYPE: 'tag',
      GITHUB_SHA: sha,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_REPOSITORY_OWNER: OWNER
    },
    event: { ref, after: sha, repository, head_commit: { id: sha, timestamp: '2026-11-20T10:00:00Z' } }
  };
}

function show(title: string, step: StepResult): void {
  console.log(`\n=== ${title}: exit ${step.code}`);
  if (step.code !== 0) {
    console.log(step.stdout.slice(-4000), step.stderr.slice(-2000));
    throw new Error(`${title} failed: ${step.errors.join('; ')}`);
  }
}

async function main(): Promise<void> {
  const ghcr = await startGhcr();
  const dockerConfig = mkdtempSync(join(tmpdir(), 'demo-docker-'));
  try {
    const workspace = mkdtempSync(join(tmpdir(), 'demo-workspace-'));
    cpSync(join(ROOT, 'examples', 'sample-app'), workspace, { recursive: true });
    const registryAuth = JSON.stringify([
      { registry: ghcr.registry, username: 'demo', password: INSTALLATION_TOKEN },
      { registry: HUB, username: 'e2e-user', password: 'e2e-password' }
    ]);
    const inputs = {
      images: `${ghcr.registry}/${OWNER}/${REPO}\n${HUB}/demo/${REPO}`,
      tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha',
      'registry-auth': registryAuth,
      'build-args': 'BASE=e2e-base',
      platforms: 'linux/amd64,linux/arm64',
      cache: 'none'
    };
    let last: StepResult | undefined;
    for (const [version, sha] of [
      ['v1.0.0', '1111111111111111111111111111111111111111'],
      ['v1.1.0', '2222222222222222222222222222222222222222']
    ]) {
      const push = tagPush(version, sha);
      // The second release also prunes the GHCR stand-in after the push, as a dry run.
      const prune: Record<string, string> =
        version === 'v1.1.0'
          ? {
              prune: 'true',
              'prune-registry': ghcr.registry,
              'prune-keep-n-tagged': '1',
              'prune-dry-run': 'true'
            }
          : {};
      const step = await runAction({
        action: 'action.yml',
        inputs: { ...inputs, ...prune },
        event: push.event,
        env: {
          ...push.env,
          GITHUB_WORKSPACE: workspace,
          GITHUB_API_URL: ghcr.apiUrl,
          DOCKER_CONFIG: dockerConfig
        },
        githubToken: INSTALLATION_TOKEN,
        timeoutMs: 600_000
      });
      show(`pipeline on tag ${version}`, step);
      if (step.post) show(`post step after ${version}`, step.post);
      last = step;
    }
    console.log('\nTags:\n' + last!.outputs.tags);
    console.log(`Digest: ${last!.outputs.digest}`);
    console.log('Pushed:\n' + last!.outputs.images);
    console.log(
      `Prune after the push (dry run): would delete ${last!.outputs['prune-deleted-count']} versions`
    );
    console.log('\n--- job summary ---\n' + last!.summary);

    const prune = await runAction({
      action: 'prune/action.yml',
      inputs: { registry: ghcr.registry, packages: REPO, 'keep-n-tagged': '1', 'dry-run': 'true' },
      env: {
        GITHUB_API_URL: ghcr.apiUrl,
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        GITHUB_REPOSITORY_OWNER: OWNER,
        // the stand-in is not ghcr.io: the token goes to it only as a login of its own
        DOCKER_CONFIG: ghcr.dockerConfig()
      },
      githubToken: INSTALLATION_TOKEN
    });
    show('dry-run prune (keep the newest tagged version)', prune);
    console.log(
      `Would delete ${prune.outputs['deleted-count']} versions, keeps ${prune.outputs['kept-count']}`
    );
    console.log('\n--- prune summary ---\n' + prune.summary);
    if (ghcr.violations.length) throw new Error(`API stand-in saw: ${ghcr.violations.join('; ')}`);
  } finally {
    await ghcr.close();
  }
}

main().catch(err => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
