/** A throwaway certificate authority and one server certificate for the stand-ins' host names (openssl). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalTls {
  dir: string;
  /** The CA certificate, for NODE_EXTRA_CA_CERTS. */
  caPath: string;
  key: Buffer;
  cert: Buffer;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

export function makeLocalTls(hosts: string[]): LocalTls {
  const dir = mkdtempSync(join(tmpdir(), 'sigstore-tls-'));
  const p = (f: string) => join(dir, f);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=push-to-image test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign'
  ]);
  openssl([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    p('server.key'),
    '-out',
    p('server.csr'),
    '-subj',
    `/CN=${hosts[0]}`
  ]);
  writeFileSync(
    p('ext.cnf'),
    `subjectAltName=${hosts.map(h => `DNS:${h}`).join(',')}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`
  );
  openssl([
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p('server.pem'),
    '-days',
    '2',
    '-extfile',
    p('ext.cnf')
  ]);
  return {
    dir,
    caPath: p('ca.pem'),
    key: readFileSync(p('server.key')),
    cert: readFileSync(p('server.pem'))
  };
}
