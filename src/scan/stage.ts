/**
 * The scan's face. `read` checks `scan` and `scan-fail-on` and takes the token of the code scanning
 * upload; `decide` picks what to scan from what was pushed (the first image's index; nothing when
 * the scan is off or nothing was pushed); `run` reads its SBOMs, asks OSV, writes and uploads the
 * SARIF and returns the gate's refusal without throwing it; `write` the `scan-*` outputs. The scan
 * runs only inside the root action, after the push.
 */
import type { Face } from '../common/face.js';
import type { InputSource } from '../common/runner.js';
import { dockerfileUri } from './artifact.js';
import { readScanInputs, type ScanInputs } from './inputs.js';
import { runScan, writeScanOutputs, type ScanOutcome, type ScanRun, type ScanTarget } from './main.js';

export type { ScanOutcome } from './main.js';

export interface ScanFaceInputs extends ScanInputs {
  /** Token for the code scanning upload ('' skips it). */
  githubToken: string;
}

/** What was pushed, and where its Dockerfile is (build's context and file; none for a merge). */
export interface ScanUpstream {
  images: string[];
  digest: string;
  build?: { context: string; file: string };
}

export interface ScanDecision {
  inputs: ScanFaceInputs;
  target: ScanTarget;
  artifactUri: string;
  run: ScanRun;
}

/** undefined: nothing scanned (scan off, or nothing pushed). */
export type ScanFace = Face<ScanFaceInputs, ScanUpstream, ScanDecision | undefined, ScanOutcome | undefined>;

export interface ScanFaceOptions {
  /** The environment of the Docker config lookup; the step's by default. */
  env?: NodeJS.ProcessEnv;
}

function readScan(source: InputSource): ScanFaceInputs {
  return { ...readScanInputs(source), githubToken: source('github-token') };
}

export function decideScan(
  inputs: ScanFaceInputs,
  pushed: ScanUpstream,
  ctx: ScanRun
): ScanDecision | undefined {
  if (inputs.scan === 'false' || !pushed.digest || pushed.images.length === 0) return undefined;
  const { owner, repo, sha, ref, apiUrl, runnerTemp } = ctx;
  return {
    inputs,
    target: { image: pushed.images[0], digest: pushed.digest },
    artifactUri: dockerfileUri(pushed.build?.context ?? '.', pushed.build?.file ?? ''),
    run: { owner, repo, sha, ref, apiUrl, runnerTemp }
  };
}

export function createScanFace(opts: ScanFaceOptions = {}): ScanFace {
  return {
    read: readScan,
    decide: decideScan,
    run: async decision =>
      decision &&
      runScan(decision.inputs, decision.target, {
        env: opts.env ?? process.env,
        run: decision.run,
        githubToken: decision.inputs.githubToken,
        artifactUri: decision.artifactUri
      }),
    write: outcome => {
      if (outcome) writeScanOutputs(outcome);
    }
  };
}

/** The gate's error after the push: the image is out, and the findings say why the step fails. */
export function scanRefused(pushed: string, problem: string): string {
  return `The image was pushed (${pushed}), but the vulnerability scan found ${problem}`;
}
