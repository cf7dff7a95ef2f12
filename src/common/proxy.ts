/**
 * HTTP proxies from the environment, chosen as the runner and @actions/http-client choose them:
 * `https_proxy`/`HTTPS_PROXY` for HTTPS, `http_proxy`/`HTTP_PROXY` for HTTP, `no_proxy`/`NO_PROXY`
 * (host suffixes, optional ports, `*`) and loopback hosts go direct. HTTPS goes through a `CONNECT`
 * tunnel, HTTP as an absolute-URI request to the proxy. Works on every Node version the actions run
 * on, with node:http(s) only.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { isLoopbackHost } from './reference.js';

/** Whether `no_proxy`/`NO_PROXY` or loopback sends a request to `target` direct. */
export function bypassesProxy(target: URL, env: NodeJS.ProcessEnv): boolean {
  if (!target.hostname) return false;
  if (isLoopbackHost(target.hostname)) return true;
  const noProxy = env.no_proxy || env.NO_PROXY || '';
  if (!noProxy) return false;
  const port =
    target.port || (target.protocol === 'https:' ? '443' : target.protocol === 'http:' ? '80' : '');
  const host = target.hostname.toUpperCase();
  const hosts = port ? [host, `${host}:${port}`] : [host];
  return noProxy
    .split(',')
    .map(item => item.trim().toUpperCase())
    .filter(Boolean)
    .some(
      item =>
        item === '*' ||
        hosts.some(h => h === item || h.endsWith(`.${item}`) || (item.startsWith('.') && h.endsWith(item)))
    );
}

/** The proxy for a request to `target`, or undefined to go direct. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  if (bypassesProxy(target, env)) return undefined;
  const value =
    target.protocol === 'https:' ? env.https_proxy || env.HTTPS_PROXY : env.http_proxy || env.HTTP_PROXY;
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // host:port without a scheme
  }
  return new URL(`http://${value}`);
}

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {};
  const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(user).toString('base64')}` };
}

const proxyPort = (proxy: URL) => Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80);

type ConnectionCallback = (err: Error | null, socket: Duplex) => void;

/** An HTTPS agent whose connections are TLS sessions inside `CONNECT` tunnels through `proxy`. */
class TunnelAgent extends https.Agent {
  constructor(
    private readonly proxy: URL,
    options: https.AgentOptions
  ) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: ConnectionCallback): undefined {
    const host = options.host ?? 'localhost';
    const authority = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 443}`;
    const proxy = this.proxy;
    const connect = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxyPort(proxy),
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...proxyAuthorization(proxy) },
      agent: false
    });
    let settled = false;
    const done = (err: Error | null, socket?: Duplex) => {
      if (!settled) callback?.(err, socket as Duplex);
      settled = true;
    };
    const refused = (res: http.IncomingMessage) =>
      new Error(
        `proxy ${proxy.host} refused CONNECT ${authority}: ${res.statusCode} ${res.statusMessage ?? ''}`.trim()
      );
    connect.once('connect', (res: http.IncomingMessage, socket: Duplex) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        done(refused(res));
        return;
      }
      done(null, tls.connect({ ...(options as tls.ConnectionOptions), socket }));
    });
    connect.once('response', (res: http.IncomingMessage) => {
      res.resume();
      done(refused(res));
    });
    connect.once('error', err => done(err));
    connect.end();
    return undefined;
  }
}

/**
 * Connection pools for direct and proxied requests, one per route, with the same options (e.g.
 * keep-alive and a socket limit).
 */
export class Routes {
  private readonly agents = new Map<string, http.Agent>();

  constructor(
    private readonly options: http.AgentOptions = {},
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {}

  private agent(key: string, make: () => http.Agent): http.Agent {
    let agent = this.agents.get(key);
    if (!agent) this.agents.set(key, (agent = make()));
    return agent;
  }

  /** Sends a request to `url` directly or through the environment's proxy; the caller ends it. */
  request(
    url: URL,
    options: http.RequestOptions,
    onResponse: (res: http.IncomingMessage) => void
  ): http.ClientRequest {
    const proxy = proxyFor(url, this.env);
    const secure = url.protocol === 'https:';
    if (!proxy) {
      const agent = this.agent(url.protocol, () =>
        secure ? new https.Agent(this.options) : new http.Agent(this.options)
      );
      return (secure ? https : http).request(url, { ...options, agent }, onResponse);
    }
    if (secure) {
      const agent = this.agent(`tunnel ${proxy.href}`, () => new TunnelAgent(proxy, this.options));
      return https.request(url, { ...options, agent }, onResponse);
    }
    const viaTls = proxy.protocol === 'https:';
    const agent = this.agent(`forward ${proxy.href}`, () =>
      viaTls ? new https.Agent(this.options) : new http.Agent(this.options)
    );
    return (viaTls ? https : http).request(
      {
        ...options,
        host: proxy.hostname.replace(/^\[|\]$/g, ''),
        port: proxyPort(proxy),
        path: url.href,
        headers: {
          ...(options.headers as Record<string, string>),
          host: url.host,
          ...proxyAuthorization(proxy)
        },
        agent
      },
      onResponse
    );
  }

  /** Closes idle pooled connections. */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
