/**
 * The Sigstore stand-in's public trust material as the real services publish it: Fulcio's
 * `GET /api/v2/trustBundle` (`{"chains":[{"certificates":[PEM]}]}`), Rekor's
 * `GET /api/v1/log/publicKey` (PEM) and the timestamp authority's `GET /api/v1/timestamp/certchain`
 * (PEM chain), from the same keys the stand-in's trusted_root.json holds.
 */
import type { KeyObject } from 'node:crypto';

type Reply = { statusCode: number; response: string; contentType?: string };
type Route = Record<string, () => Promise<Reply>>;

function pem(der: ArrayBufferView): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

const reply = (response: string, contentType: string) => async () => ({
  statusCode: 200,
  response,
  contentType
});

export function trustAnchorRoutes(m: {
  ca: { rootCertificate: ArrayBufferView };
  ghCa: { rootCertificate: ArrayBufferView };
  tsa: { rootCertificate: ArrayBufferView; intCertificate: ArrayBufferView };
  tlogKey: KeyObject;
}): { fulcio: Route; githubFulcio: Route; rekor: Route; tsa: Route } {
  const bundle = (root: ArrayBufferView) =>
    reply(JSON.stringify({ chains: [{ certificates: [pem(root)] }] }), 'application/json');
  return {
    fulcio: { 'GET /api/v2/trustBundle': bundle(m.ca.rootCertificate) },
    githubFulcio: { 'GET /api/v2/trustBundle': bundle(m.ghCa.rootCertificate) },
    rekor: {
      'GET /api/v1/log/publicKey': reply(
        m.tlogKey.export({ format: 'pem', type: 'spki' }).toString(),
        'application/x-pem-file'
      )
    },
    tsa: {
      'GET /api/v1/timestamp/certchain': reply(
        pem(m.tsa.intCertificate) + pem(m.tsa.rootCertificate),
        'application/pem-certificate-chain'
      )
    }
  };
}
