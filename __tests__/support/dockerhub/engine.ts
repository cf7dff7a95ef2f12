/**
 * A Docker engine of a test's own that reaches stand-ins under real host names: its dockerd runs in
 * a private mount namespace (`unshare -m`) where the stand-ins' hosts file is bound over /etc/hosts
 * and a CA bundle (the system's plus the local CA) over /etc/ssl/certs. dockerd reads no certs.d
 * for Docker Hub and trusts registries' TLS only through the system trust store it started with;
 * this gives it one without touching the machine's. Its data root, exec root, socket and pid file
 * are in a temporary folder; it is started and stopped by its pid, its files removed after.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PrivateEngine {
  /** unix://... for DOCKER_HOST. */
  dockerHost: string;
  pid: number;
  dir: string;
  /**
   * The CA bundle the engine trusts, for SSL_CERT_FILE of the Go programs that talk to the
   * stand-ins themselves: buildx fetches the registries' tokens for the engine (its session's auth
   * provider), the docker CLI does for `docker login`'s checks.
   */
  caBundle: string;
  log(): string;
  stop(): Promise<void>;
}

const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * Runs the engine's docker CLI against this engine, without blocking this process (whose event loop
 * serves the stand-ins the engine talks to).
 */
export function docker(
  engine: PrivateEngine,
  args: string[],
  opts: { input?: string; config?: string } = {}
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn('docker', args, {
      env: {
        ...process.env,
        DOCKER_HOST: engine.dockerHost,
        SSL_CERT_FILE: engine.caBundle,
        ...(opts.config ? { DOCKER_CONFIG: opts.config } : {})
      },
      stdio: ['pipe', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', c => (stdout += c));
    child.stderr.on('data', c => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Asks the engine for its version, blocking: only while it starts, when no stand-in is asked. */
function answers(dockerHost: string): boolean {
  return (
    spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      env: { ...process.env, DOCKER_HOST: dockerHost },
      timeout: 30_000
    }).status === 0
  );
}

export async function startPrivateEngine(opts: {
  hostsFile: string;
  caPath: string;
}): Promise<PrivateEngine> {
  // Short paths: containerd's sockets live under the exec root (a unix socket path has 108 bytes).
  const dir = mkdtempSync('/tmp/p2i-engine-');
  const certs = join(dir, 'certs');
  mkdirSync(certs);
  writeFileSync(
    join(certs, 'ca-certificates.crt'),
    `${readFileSync(SYSTEM_BUNDLE, 'utf8').trimEnd()}\n${readFileSync(opts.caPath, 'utf8')}`
  );
  const socket = join(dir, 'docker.sock');
  const config = join(dir, 'daemon.json');
  writeFileSync(
    config,
    JSON.stringify({
      'data-root': join(dir, 'data'),
      'exec-root': join(dir, 'x'),
      pidfile: join(dir, 'dockerd.pid'),
      hosts: [`unix://${socket}`],
      features: { 'containerd-snapshotter': true },
      // No network for containers: the tests' builds have no RUN step, pushes leave from dockerd.
      bridge: 'none',
      iptables: false,
      ip6tables: false,
      'ip-masq': false
    })
  );
  const logPath = join(dir, 'dockerd.log');
  const out = openSync(logPath, 'a');
  const script =
    'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/ssl/certs && exec dockerd --config-file "$3"';
  const child: ChildProcess = spawn(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', script, 'engine', opts.hostsFile, certs, config],
    {
      env: { ...process.env, SSL_CERT_FILE: join(certs, 'ca-certificates.crt') },
      stdio: ['ignore', out, out]
    }
  );
  closeSync(out);
  const pid = child.pid ?? -1;
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  const engine: PrivateEngine = {
    dockerHost: `unix://${socket}`,
    pid,
    dir,
    caBundle: join(certs, 'ca-certificates.crt'),
    log: () => readFileSync(logPath, 'utf8'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(pid, 'SIGTERM');
        const killer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 20_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) break;
    if (answers(engine.dockerHost)) return engine;
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  const log = engine.log();
  await engine.stop();
  throw new Error(`the private dockerd did not start:\n${log.slice(-3000)}`);
}
