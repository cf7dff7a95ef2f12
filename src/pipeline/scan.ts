/** The root action's scan of what it pushed: the first image's index, after the build or merge. */
import { dockerfileUri } from '../scan/artifact.js';
import { runScan, writeScanOutputs, type ScanInputs, type ScanOutcome } from '../scan/main.js';

export async function scanPushed(
  inputs: ScanInputs,
  pushed: { images: string[]; digest: string },
  build: { context: string; file: string } | undefined,
  githubToken: string,
  env: NodeJS.ProcessEnv
): Promise<ScanOutcome | undefined> {
  if (inputs.scan === 'false' || !pushed.digest || pushed.images.length === 0) return undefined;
  const outcome = await runScan(
    inputs,
    { image: pushed.images[0], digest: pushed.digest },
    { env, githubToken, artifactUri: dockerfileUri(build?.context ?? '.', build?.file ?? '') }
  );
  writeScanOutputs(outcome);
  return outcome;
}

/** The gate's error after the push: the image is out, and the findings say why the step fails. */
export function scanRefused(pushed: string, problem: string): string {
  return `The image was pushed (${pushed}), but the vulnerability scan found ${problem}`;
}
