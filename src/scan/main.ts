/**
 * The scan of a pushed image: each platform's SBOM (SPDX) looked up in OSV, a summary, counts, a
 * SARIF file uploaded to code scanning, and the gate. `scanDocuments` takes SPDX documents per
 * platform from anywhere; `runScan` reads them from the index's attestation manifests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { errorMessage } from '../common/errors.js';
import { createGitHub } from '../common/github.js';
import type { RunContext } from '../common/run-context.js';
import { parseReference } from '../common/reference.js';
import { RegistryClient } from '../common/registry/client.js';
import { dockerConfigCredentials } from '../common/registry/credentials.js';
import { appendSummary, info, notice, setOutput, warning } from '../common/runner.js';
import { uploadSarif, type UploadOutcome } from './code-scanning.js';
import { platformFindings, totalCounts, type Counts, type PlatformScan } from './findings.js';
import { gateProblem } from './gate.js';
import type { ScanInputs } from './inputs.js';
import { OsvClient } from './osv.js';
import { queryPurl } from './purl.js';
import { readIndexSboms } from '../common/registry/sboms.js';
import { sarifLog } from './sarif.js';
import { sbomPackages, type SbomPackage } from './spdx.js';
import { scanLines, scanSummary, totalsLine } from './summary.js';

export { readScanInputs, type ScanInputs } from './inputs.js';
export { gateProblem } from './gate.js';

/** SPDX documents of one platform (the predicates of its SBOM statements, or files read elsewhere). */
export interface PlatformDocuments {
  platform: string;
  documents: unknown[];
}

export interface ScanTarget {
  /** The image without tag or digest (`ghcr.io/o/app`). */
  image: string;
  digest: string;
}

/** What the scan needs of the run: the repository and commit for the upload, the job's temporary folder. */
export type ScanRun = Pick<RunContext, 'owner' | 'repo' | 'sha' | 'ref' | 'apiUrl' | 'runnerTemp'>;

export interface ScanContext {
  /** The environment of the Docker config lookup (DOCKER_CONFIG, HOME). */
  env: NodeJS.ProcessEnv;
  run: ScanRun;
  /** The Dockerfile's path in the repository, where code scanning shows the results. */
  artifactUri: string;
  /** Token for the code scanning upload ('' skips it). */
  githubToken: string;
  osv?: OsvClient;
  /** The registry client for the image's registry (default: credentials from the Docker config). */
  registry?: RegistryClient;
}

export interface ScanOutcome {
  /** scanned; not-scanned: nothing to scan or OSV/the registry failed with `scan: auto`; off. */
  status: 'scanned' | 'not-scanned' | 'off';
  scans: PlatformScan[];
  counts: Counts;
  sarifPath: string;
  upload?: UploadOutcome;
  /** The gate's refusal, when findings reach `scan-fail-on`. */
  problem?: string;
  osvRequests: { querybatch: number; vulns: number };
  ms: number;
}

/** Each platform's findings from its SPDX documents: purls to OSV in batches, records read once. */
export async function scanDocuments(sboms: PlatformDocuments[], osv: OsvClient): Promise<PlatformScan[]> {
  const perPlatform = sboms.map(s => {
    const packages: SbomPackage[] = [];
    let withoutPurl = 0;
    const seen = new Set<string>();
    for (const doc of s.documents) {
      const found = sbomPackages(doc);
      withoutPurl += found.withoutPurl;
      for (const p of found.withPurl) {
        if (seen.has(p.purl)) continue;
        seen.add(p.purl);
        packages.push(p);
      }
    }
    return { platform: s.platform, packages, withoutPurl };
  });
  // Every platform's purls in one set of batches: a package on several platforms is asked once.
  const purls = [...new Set(perPlatform.flatMap(p => p.packages.map(pkg => queryPurl(pkg.purl))))];
  const idsByPurl = await osv.affecting(purls);
  const records = await osv.vulns([...idsByPurl.values()].flat());
  return perPlatform.map(p =>
    platformFindings(p.platform, p.packages, p.withoutPurl, idsByPurl, records, queryPurl)
  );
}

/** The SBOMs attached to the pushed index, read with the credentials of the Docker config. */
export async function registrySboms(target: ScanTarget, ctx: ScanContext): Promise<PlatformDocuments[]> {
  const ref = parseReference(target.image, 'images');
  const client =
    ctx.registry ??
    new RegistryClient({
      registry: ref.registry,
      credentials: dockerConfigCredentials(ref.registry, ctx.env)
    });
  return readIndexSboms(client, ref.path, target.digest);
}

function sarifFile(target: ScanTarget, sarif: object, runnerTemp: string): string {
  const dir = join(runnerTemp, 'push-to-image');
  mkdirSync(dir, { recursive: true });
  const path = join(
    dir,
    `scan-${target.digest.replace(/^sha256:/, '').slice(0, 12)}-${randomBytes(3).toString('hex')}.sarif`
  );
  writeFileSync(path, `${JSON.stringify(sarif, null, 2)}\n`);
  return path;
}

async function upload(sarif: object, ctx: ScanContext): Promise<UploadOutcome | undefined> {
  const { owner, repo, sha, ref, apiUrl } = ctx.run;
  if (!ctx.githubToken || !owner || !repo || !sha || !ref) return undefined;
  const { octokit } = createGitHub({ token: ctx.githubToken, baseUrl: apiUrl, warn: warning });
  return uploadSarif(octokit, {
    owner,
    repo,
    commitSha: sha,
    ref,
    sarif: JSON.stringify(sarif)
  });
}

/**
 * Scans the pushed image. Faults (no SBOM, the registry or OSV failing after retries) are a warning
 * with `scan: auto` and an error with `scan: true`: never a silent pass. The gate's refusal is
 * returned, not thrown, so the caller decides when the step fails.
 */
export async function runScan(
  inputs: ScanInputs,
  target: ScanTarget,
  ctx: ScanContext
): Promise<ScanOutcome> {
  const started = Date.now();
  const osv = ctx.osv ?? new OsvClient();
  const outcome = (
    status: ScanOutcome['status'],
    scans: PlatformScan[] = [],
    extra: Partial<ScanOutcome> = {}
  ) => ({
    status,
    scans,
    counts: totalCounts(scans),
    sarifPath: '',
    osvRequests: { ...osv.requests },
    ms: Date.now() - started,
    ...extra
  });
  if (inputs.scan === 'false') return outcome('off');
  const where = `${target.image}@${target.digest}`;
  const fault = (message: string) => {
    if (inputs.scan === 'true')
      throw new Error(`The image was pushed (${where}), but it could not be scanned: ${message}`);
    warning(`Vulnerability scan not done (scan: auto): ${message}`);
    return outcome('not-scanned');
  };

  let sboms: PlatformDocuments[];
  try {
    sboms = await registrySboms(target, ctx);
  } catch (err) {
    return fault(`reading the SBOMs of ${where} failed: ${errorMessage(err)}`);
  }
  if (sboms.length === 0) {
    const why = `${where} has no SBOM attestation (the build makes one with \`sbom: true\`)`;
    if (inputs.scan === 'true') return fault(why);
    info(`Not scanned for vulnerabilities: ${why}`);
    return outcome('not-scanned');
  }

  let scans: PlatformScan[];
  try {
    scans = await scanDocuments(sboms, osv);
  } catch (err) {
    return fault(`OSV (api.osv.dev) could not be asked: ${errorMessage(err)}`);
  }
  for (const line of scanLines(scans)) info(line);
  for (const s of scans) {
    if (s.packages === 0 && s.withoutPurl > 0) {
      warning(
        `${s.platform}: the SBOM lists ${s.withoutPurl} packages, none with a purl: they could not be looked up`
      );
    } else if (s.withoutPurl > 0) {
      info(`${s.platform}: ${s.withoutPurl} packages without a purl could not be looked up`);
    }
  }
  const sarif = sarifLog([{ image: target.image, digest: target.digest, scans }], ctx.artifactUri);
  const sarifPath = sarifFile(target, sarif, ctx.run.runnerTemp);
  let uploaded: UploadOutcome | undefined;
  try {
    uploaded = await upload(sarif, ctx);
  } catch (err) {
    warning(`The scan's SARIF could not be uploaded to code scanning: ${errorMessage(err)}`);
  }
  if (uploaded && !uploaded.uploaded) notice(`Code scanning upload skipped: ${uploaded.reason}`);
  if (uploaded?.uploaded) info(`SARIF uploaded to code scanning (${uploaded.id})`);
  const result = outcome('scanned', scans, {
    sarifPath,
    upload: uploaded,
    problem: gateProblem(scans, inputs.failOn)
  });
  info(
    `Scanned ${scans.length} platform${scans.length === 1 ? '' : 's'} of ${where} in ${(result.ms / 1000).toFixed(1)} s ` +
      `(${result.osvRequests.querybatch} OSV batch and ${result.osvRequests.vulns} record requests): ${totalsLine(scans)}`
  );
  appendSummary(scanSummary(target.image, target.digest, scans));
  return result;
}

/** The outputs: counts over every platform, the counts per platform (JSON), the SARIF file. */
export function writeScanOutputs(outcome: ScanOutcome | undefined, prefix = 'scan-'): void {
  const scanned = outcome?.status === 'scanned';
  for (const [k, v] of Object.entries(outcome?.counts ?? {})) setOutput(`${prefix}${k}`, scanned ? v : '');
  setOutput(
    `${prefix}counts`,
    scanned ? JSON.stringify(Object.fromEntries(outcome!.scans.map(s => [s.platform, s.counts]))) : ''
  );
  setOutput(`${prefix}sarif`, outcome?.sarifPath ?? '');
}

/**
 * The promote gate: scans `target` and says whether it may move (`problem` undefined). Faults throw
 * with `scan: true` and warn with `scan: auto`, as in runScan.
 */
export async function scanGate(
  inputs: ScanInputs,
  target: ScanTarget,
  ctx: ScanContext
): Promise<ScanOutcome> {
  return runScan(inputs, target, ctx);
}
