/** The scan's inputs: whether to scan (`auto`, `true`, `false`) and the severity that fails the step. */
import { InputError, type InputSource } from '../common/runner.js';
import { SEVERITIES, type Severity } from './severity.js';

export const SCAN_MODES = ['auto', 'true', 'false'] as const;
export type ScanMode = (typeof SCAN_MODES)[number];
export type FailOn = Severity | 'none';
export const FAIL_ON: readonly FailOn[] = ['none', ...SEVERITIES];

export interface ScanInputs {
  /** auto: scan when the build produced SBOMs; true: require them; false: no scan. */
  scan: ScanMode;
  failOn: FailOn;
}

export function readScanInputs(source: InputSource): ScanInputs {
  const scan = (source('scan') || 'auto').toLowerCase();
  if (!(SCAN_MODES as readonly string[]).includes(scan)) {
    throw new InputError(`Input "scan" must be one of ${SCAN_MODES.join(', ')}, got "${source('scan')}"`, [
      'scan'
    ]);
  }
  const failOn = (source('scan-fail-on') || 'none').toLowerCase();
  if (!(FAIL_ON as readonly string[]).includes(failOn)) {
    throw new InputError(
      `Input "scan-fail-on" must be one of ${FAIL_ON.join(', ')}, got "${source('scan-fail-on')}"`,
      ['scan-fail-on']
    );
  }
  return { scan: scan as ScanMode, failOn: failOn as FailOn };
}
