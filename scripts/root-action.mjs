// Writes the root action.yml (the pipeline's own inputs and outputs, then every stage's inputs under
// their names on the root action) and src/pipeline/input-names.ts, the table the root action reads
// each stage's inputs and names them in its errors with. `--check` fails when either is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { dump, load } from 'js-yaml';
import * as prettier from 'prettier';

const root = resolve(import.meta.dirname, '..');
const read = file => load(readFileSync(join(root, file), 'utf8'));

// A stage input's name on the root action, or null where the pipeline supplies the value itself:
// meta's `context` would clash with build's, prune's inputs take a `prune-` prefix, build's tags,
// labels and annotations come from meta, and the root action's logins take no scope (its pushes and
// merges read the main Docker config).
function rootName(stage, name) {
  if (stage === 'meta' && name === 'context') return 'meta-context';
  if (stage === 'build' && ['tags', 'labels', 'annotations'].includes(name)) return null;
  if (stage === 'login' && name === 'scope') return null;
  if (stage === 'prune') return `prune-${name}`;
  return name;
}

const own = {
  mode: {
    description:
      'build: one multi-platform build pushed to every registry. platform: build the one platform in `platforms` and push it under a run-scoped handoff tag (a matrix job per platform). merge: join the platform images of this run into one index with every tag, in every registry (where the platform jobs pushed nothing, as on a pull request, it only says so). promote: no build; point every tag in every registry at the digest of `source` (index, platform images, blobs, attestations, signatures and other referrers)',
    default: 'build'
  },
  source: {
    description:
      "mode promote: the image to publish, by tag or digest (default this commit's image as a branch build pushed it: <first image>:sha-<short sha>, which needs type=sha in the branch build's tags)"
  },
  'immutable-tags': {
    description:
      'Tags that never move, checked in every registry before anything is pushed: one at another image is refused, one at this image (or, for a build, an image of this commit) is a rerun that completes what is missing. Default: the tags of type=semver, type=pep440 and type=ref,event=tag; none: no check; or tag names (* for any run of characters), comma- or newline-separated'
  },
  'dockerhub-username': {
    description: 'Docker Hub user: also log in to Docker Hub and push docker.io/<user>/<repo>'
  },
  'dockerhub-token': {
    description:
      'Docker Hub access token for dockerhub-username; or, with no stored secret, dockerhub-oidc-connection-id'
  },
  prune: {
    description:
      'Prune GHCR after a successful push, with the prune-* inputs: only the packages of the images this run pushed to prune-registry (unless prune-packages names others)',
    default: 'false'
  }
};
// The scan of the pushed image (src/scan/): its inputs and outputs, on the root action only.
const scan = {
  inputs: {
    scan: {
      description:
        "Scan each platform's SBOM for known vulnerabilities (OSV, api.osv.dev) after the push and upload the SARIF to code scanning (security-events write). auto: when the build attached SBOMs (`sbom: true`); true: SBOMs required, and a scan that cannot be done fails the step; false: no scan",
      default: 'auto'
    },
    'scan-fail-on': {
      description:
        'Fail the step (after the push) when a finding is at or above this severity: none, low, medium, high, critical. For a gate that holds, build, test, then promote',
      default: 'none'
    }
  },
  outputs: {
    'scan-critical': { description: 'scan: findings rated critical, over every platform' },
    'scan-high': { description: 'scan: findings rated high, over every platform' },
    'scan-medium': { description: 'scan: findings rated medium, over every platform' },
    'scan-low': { description: 'scan: findings rated low, over every platform' },
    'scan-unknown': { description: 'scan: findings without a severity, over every platform' },
    'scan-counts': {
      description: 'scan: the counts per platform, as JSON ({"linux/amd64": {"critical": 0, ...}})'
    },
    'scan-sarif': { description: 'scan: path of the SARIF 2.1.0 file' }
  }
};
const overrides = {
  images: {
    description:
      'Images to tag and push (meta syntax). Default: ghcr.io/<owner>/<repo> (lowercased), plus docker.io/<dockerhub-username>/<repo> with Docker Hub credentials'
  },
  'registry-auth': {
    description:
      'login: YAML list of {registry, username, password} for more registries (for docker.io and dhi.io, `oidc-connection-id` instead of a password); the root action adds GHCR (with github-token) and Docker Hub (with dockerhub-*) where the images need them, and dhi.io with the Docker OIDC connection where an image names it. On a pull request it logs in only for pulling: GHCR with github-token and the items that have a password'
  },
  platforms: { description: 'Platforms to build for', default: 'linux/amd64,linux/arm64' },
  context: { description: "Build's context: a path in the workspace" },
  // The stage stays a drop-in for metadata-action; the root action leaves floating tags on the highest release.
  'floating-tags': { default: 'highest' },
  'github-token': {
    description:
      'GitHub token: meta reads the repository data with it, login uses it for GHCR, build stores the attestation with it (attestations write)'
  }
};

const inputs = { ...own, ...scan.inputs };
const stageInputs = ['meta', 'login', 'build', 'prune'].flatMap(stage =>
  Object.entries(read(`${stage}/action.yml`).inputs ?? {}).map(([name, spec]) => [
    stage,
    rootName(stage, name),
    spec,
    name
  ])
);
for (const [stage, mapped, spec] of stageInputs) {
  if (mapped === null || mapped in inputs) continue;
  const entry = { description: `${stage}: ${spec?.description ?? ''}`.trim(), ...overrides[mapped] };
  if (!('default' in entry) && spec?.default !== undefined) entry.default = String(spec.default);
  entry.required = false;
  inputs[mapped] = entry;
}

// Every override must change an input some stage declares, and a default override must differ
// from the stage's own default: a renamed or dropped input fails here, not silently.
for (const [name, override] of Object.entries(overrides)) {
  const declared = stageInputs.find(([, mapped]) => mapped === name);
  if (!declared) throw new Error(`root-action.mjs: the override "${name}" names no stage input`);
  const [stage, , spec] = declared;
  if ('default' in override && String(spec?.default) === override.default) {
    throw new Error(
      `root-action.mjs: the default of "${name}" is ${override.default} in ${stage}/action.yml already`
    );
  }
}

const outputs = {};
const stageOutputs = [
  ['meta', ['version', 'tags', 'tag-names', 'labels', 'annotations', 'json']],
  [
    'build',
    [
      'digest',
      'imageid',
      'metadata',
      'attestation-id',
      'attestation-url',
      'attestation-bundle',
      'signature-bundle',
      'sbom-files',
      'verify-commands'
    ]
  ],
  ['prune', null]
];
for (const [stage, names] of stageOutputs) {
  const yaml = read(`${stage}/action.yml`);
  for (const [name, spec] of Object.entries(yaml.outputs ?? {})) {
    if (names && !names.includes(name)) continue;
    const key = stage === 'prune' ? `prune-${name}` : name;
    outputs[key] = { description: `${stage}: ${spec?.description ?? ''}`.trim() };
  }
  if (stage === 'build') {
    outputs.images = { description: 'The pushed references with digest (image@sha256:...), one per line' };
  }
}

Object.assign(outputs, scan.outputs);

const action = {
  name: 'push-to-image',
  description:
    'From git push to a published multi-arch container image: tags and labels, registry login, one buildx build pushed to GHCR and Docker Hub, and GHCR retention',
  author: 'push-to-image authors',
  branding: { icon: 'package', color: 'blue' },
  inputs,
  outputs,
  runs: { using: 'node24', main: 'dist/pipeline/index.js', post: 'dist/pipeline/index.js' }
};
// The table src/pipeline/inputs.ts reads: every stage input (scan's are the root action's own).
const names = {};
for (const [stage, mapped] of stageInputs.map(([stage, mapped, , name]) => [stage, [name, mapped]])) {
  (names[stage] ??= {})[mapped[0]] = mapped[1];
}
// The root action's logins read its own Docker Hub inputs as well (login's root mode).
Object.assign(names.login, {
  'dockerhub-username': 'dockerhub-username',
  'dockerhub-token': 'dockerhub-token'
});
// Scan's inputs are the root action's own; its code scanning upload takes the root's github-token.
names.scan = Object.fromEntries([...Object.keys(scan.inputs), 'github-token'].map(name => [name, name]));
const namesRaw =
  "/**\n * Generated by scripts/root-action.mjs from the stages' action.yml files: do not edit, run `npm run docs`.\n" +
  " * Each stage input's name on the root action; null where the root action supplies the value itself.\n */\n" +
  `export const INPUT_NAMES = ${JSON.stringify(names, null, 2)} as const satisfies Record<string, Record<string, string | null>>;\n\n` +
  'export type Stage = keyof typeof INPUT_NAMES;\n';

const raw =
  "# Generated by scripts/root-action.mjs from the stages' action.yml files: edit those, then `npm run docs`.\n" +
  dump(action, { lineWidth: 120, quotingType: "'", noRefs: true });
const format = async (file, text) =>
  prettier.format(text, { ...((await prettier.resolveConfig(file)) ?? {}), filepath: file });
const files = [
  [join(root, 'action.yml'), await format(join(root, 'action.yml'), raw)],
  [
    join(root, 'src/pipeline/input-names.ts'),
    await format(join(root, 'src/pipeline/input-names.ts'), namesRaw)
  ]
];
if (process.argv.includes('--check')) {
  const stale = files.filter(([file, text]) => !existsSync(file) || readFileSync(file, 'utf8') !== text);
  if (stale.length) {
    console.error(
      `${stale.map(([file]) => relative(root, file)).join(', ')} out of date with the stages: run \`npm run docs\`.`
    );
    process.exit(1);
  }
  console.log('action.yml and src/pipeline/input-names.ts match the stages');
} else {
  for (const [file, text] of files) writeFileSync(file, text);
}
