/**
 * Rekor stores a `dsse` v0.0.1 entry in its canonical form, not as proposed: the envelope's and the
 * payload's SHA-256 and the signatures with their verifiers (rekor pkg/types/dsse/v0.0.1). The mock
 * handler of `@sigstore/mock` logs the proposal as sent; this turns the proposal into the canonical
 * body first, so that verifiers comparing the log entry with the bundle (as @sigstore/verify does)
 * see what real Rekor answers.
 */
import { createHash } from 'node:crypto';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

export function canonicalEntry(text: string): string {
  let proposal: {
    kind?: string;
    apiVersion?: string;
    spec?: { proposedContent?: { envelope?: string; verifiers?: string[] } };
  };
  try {
    proposal = JSON.parse(text);
  } catch {
    return text;
  }
  const content = proposal.spec?.proposedContent;
  if (proposal.kind !== 'dsse' || proposal.apiVersion !== '0.0.1' || !content?.envelope) return text;
  const envelope = JSON.parse(content.envelope) as { payload: string; signatures: { sig: string }[] };
  return JSON.stringify({
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(content.envelope) },
      payloadHash: { algorithm: 'sha256', value: sha256(Buffer.from(envelope.payload, 'base64')) },
      signatures: envelope.signatures.map((s, i) => ({
        signature: s.sig,
        verifier: content.verifiers?.[i] ?? content.verifiers?.[0] ?? ''
      }))
    }
  });
}
