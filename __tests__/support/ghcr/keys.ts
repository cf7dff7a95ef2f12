/** A throwaway RSA key and self-signed certificate for signing registry tokens (made with openssl). */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SigningKeys {
  dir: string;
  certPath: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The certificate as base64 DER, for the JWT `x5c` header. */
  certDer: string;
}

export function makeSigningKeys(): SigningKeys {
  const dir = mkdtempSync(join(tmpdir(), 'ghcr-keys-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=ghcr-stand-in'
    ],
    { stdio: 'ignore' }
  );
  const cert = new X509Certificate(readFileSync(certPath));
  const privateKey = createPrivateKey(readFileSync(keyPath));
  return {
    dir,
    certPath,
    privateKey,
    publicKey: createPublicKey(privateKey),
    certDer: cert.raw.toString('base64')
  };
}
