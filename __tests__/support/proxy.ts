/**
 * A real HTTP proxy on loopback (Debian's tinyproxy) that alone can resolve GitHub's host names: it
 * runs in a private mount namespace with its own hosts file, so the action's process cannot reach
 * `api.github.com` or `ghcr.io` except through it. Behind those names, a TLS front door on a
 * loopback address (port 443) with a certificate from a local CA (for NODE_EXTRA_CA_CERTS) hands
 * requests on to local stand-ins by Host. Started and stopped by pid; nothing outside its folder is changed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalCa {
  dir: string;
  caPath: string;
  key: string;
  cert: string;
}

/** A CA and one server certificate for `names`, made with openssl. */
export function makeCa(names: string[]): LocalCa {
  const dir = mkdtempSync(join(tmpdir(), 'local-ca-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=push-to-image test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem'
  );
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${names[0]}`,
    '-keyout',
    'server.key',
    '-out',
    'server.csr'
  );
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${names.map(n => `DNS:${n}`).join(',')}\n`);
  ssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
    '-out',
    'server.pem'
  );
  return {
    dir,
    caPath: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(join(dir, 'server.pem'), 'utf8')
  };
}

export type Upstream = (
  req: IncomingMessage
) => string | ((req: IncomingMessage, res: ServerResponse) => void);

/** Forwards to `base` (http://host:port), rewriting `rewrite` pairs in response headers. */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  base: string,
  rewrite: [string, string][] = []
) {
  const target = new URL(base);
  const out = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host }
    },
    up => {
      const headers = { ...up.headers };
      for (const [name, value] of Object.entries(headers)) {
        if (typeof value === 'string')
          headers[name] = rewrite.reduce((v, [a, b]) => v.split(a).join(b), value);
      }
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
    }
  );
  out.on('error', err => {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(err.message);
  });
  req.pipe(out);
}

/** An HTTPS server on `address`:443 that answers every request with `handler`. */
export async function startFront(
  address: string,
  ca: LocalCa,
  handler: (req: IncomingMessage, res: ServerResponse) => void
): Promise<{ close(): Promise<void> }> {
  const server: Server = createHttpsServer({ key: ca.key, cert: ca.cert }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(443, address, resolve);
  });
  return {
    close: async () => {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
  };
}

export interface Tinyproxy {
  url: string;
  pid: number;
  /** The requests the proxy was asked for (`CONNECT ghcr.io:443`, `GET http://...`), in order. */
  requests(): string[];
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createHttpsServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });

async function waitForPort(port: number, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>(resolve => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  throw new Error('tinyproxy did not start listening');
}

/** tinyproxy on 127.0.0.1, resolving `hosts` (name -> address) from its own hosts file. */
export async function startTinyproxy(hosts: Record<string, string>): Promise<Tinyproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'tinyproxy-'));
  chmodSync(dir, 0o777); // tinyproxy writes its log as nobody
  const port = await freePort();
  const log = join(dir, 'tinyproxy.log');
  writeFileSync(
    join(dir, 'tinyproxy.conf'),
    [
      'User nobody',
      'Group nogroup',
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      `LogFile "${log}"`,
      'LogLevel Connect',
      'MaxClients 50',
      'Allow 127.0.0.1',
      'ConnectPort 443',
      'DisableViaHeader Yes',
      ''
    ].join('\n')
  );
  writeFileSync(
    join(dir, 'hosts'),
    ['127.0.0.1 localhost', ...Object.entries(hosts).map(([name, address]) => `${address} ${name}`), ''].join(
      '\n'
    )
  );
  // unshare without --fork and `exec` keep one process: the pid is tinyproxy's own.
  const child = spawn(
    'unshare',
    [
      '-m',
      'sh',
      '-c',
      'mount --bind "$1" /etc/hosts && exec tinyproxy -d -c "$2"',
      'sh',
      join(dir, 'hosts'),
      join(dir, 'tinyproxy.conf')
    ],
    { stdio: 'ignore' }
  );
  await waitForPort(port, child, Date.now() + 10_000);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    requests() {
      let text: string;
      try {
        text = readFileSync(log, 'utf8');
      } catch {
        return [];
      }
      return [...text.matchAll(/Request \(file descriptor \d+\): (\S+ \S+)/g)].map(m => m[1]);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve));
        process.kill(child.pid!, 'SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
