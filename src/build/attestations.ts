/**
 * BuildKit attestations asked through `attests` (`type=sbom,generator=...`, one per line) next to
 * the `provenance` and `sbom` inputs, which take precedence for their type, as in
 * docker/build-push-action (pure).
 */
import { InputError } from '../common/runner.js';

export type AttestationType = 'provenance' | 'sbom';

function fields(entry: string): Map<string, string> {
  return new Map(
    entry.split(',').map(field => {
      const at = field.indexOf('=');
      return at < 0
        ? [field.trim().toLowerCase(), '']
        : [field.slice(0, at).trim().toLowerCase(), field.slice(at + 1).trim()];
    })
  );
}

/** The `type` of an `attests` entry; '' when it has none. */
export function attestType(entry: string): string {
  return fields(entry).get('type') ?? '';
}

/** Each `attests` entry names its type once; buildx refuses two entries of one type. */
export function checkAttests(attests: string[]): void {
  const seen = new Set<string>();
  attests.forEach((entry, i) => {
    const type = attestType(entry);
    if (!/^[a-z][a-z0-9-]*$/i.test(type)) {
      throw new InputError(
        `Input "attests" item ${i + 1} "${entry}" is not type=<provenance|sbom>[,key=value...]`,
        ['attests']
      );
    }
    if (seen.has(type)) {
      throw new InputError(
        `Input "attests" names type=${type} twice (item ${i + 1} "${entry}"); give one entry per type`,
        ['attests']
      );
    }
    seen.add(type);
  });
}

/** The `--attest` values: the entries whose type the `provenance` or `sbom` input does not set. */
export function attestValues(attests: string[], provenance: string, sbom: string): string[] {
  const setByInput: Record<string, string> = { provenance, sbom };
  return attests.filter(entry => !setByInput[attestType(entry)]);
}

/**
 * One attestation type as the `provenance`/`sbom` inputs spell it: the input when set, else `false`
 * or `true` from its `attests` entry (`disabled=true` turns it off), else '' (buildx's default).
 */
export function effectiveAttestation(type: AttestationType, input: string, attests: string[]): string {
  if (input) return input;
  const entry = attests.find(a => attestType(a) === type);
  if (entry === undefined) return '';
  return /^true$/i.test(fields(entry).get('disabled') ?? '') ? 'false' : 'true';
}
