/**
 * The main-thread side of apps' networking: the real TCP connections, listeners and HTTPS
 * transfers that apps' sockets and curl calls stand for. The worker has already checked the
 * manifest (AllowedConnections, AllowedTcpServerPorts) and sends addresses, never names, except
 * to resolve. Names resolve through the emulator's host map first (`--host-map name=address`,
 * for tests and machines without DNS), then the system resolver. Every answer goes back through
 * the app's inbox with a wake-up, so a blocked app sees it at once.
 */
import { lookup as dnsLookup } from 'node:dns';
import { isIP, createConnection, createServer, type Server, type Socket } from 'node:net';
import { request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { CURLE, EAI, type CurlOutcome, type CurlTransfer, type NetEvent, type NetRequest } from './net-protocol';

/** Where the broker sends an app's answers. */
export interface NetPeer { netEvent(e: NetEvent): void }

/** Node's error codes as WASI errno values (what the app's <errno.h> says). */
const ERRNO: Record<string, number> = {
  ECONNREFUSED: 14, ECONNRESET: 15, ETIMEDOUT: 73, EHOSTUNREACH: 23, ENETUNREACH: 40, EADDRINUSE: 3,
  EADDRNOTAVAIL: 4, EACCES: 2, EPERM: 63, EPIPE: 64, ECONNABORTED: 13,
};
const EIO = 29;
/** The most of a response body an app is given. */
const BODY_CAP = 8 * 1024 * 1024;

const errnoOf = (e: NodeJS.ErrnoException): number => ERRNO[e.code ?? ''] ?? EIO;

/** Parses `name=address` host-map entries; throws a message naming the bad entry. */
export function parseHostMap(entries: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const e of entries) {
    const m = /^([A-Za-z0-9.-]+)=(.+)$/.exec(e.trim());
    if (!m || isIP(m[2]!) !== 4) throw new Error(`Cannot use --host-map "${e}": expected name=IPv4-address, e.g. api.example.com=127.0.0.1`);
    map[m[1]!.toLowerCase()] = m[2]!;
  }
  return map;
}

export class NetBroker {
  readonly hostMap: Readonly<Record<string, string>>;
  readonly #socks = new Map<NetPeer, Map<number, Socket | Server>>();
  readonly #transfers = new Map<NetPeer, Set<ClientRequest>>();

  /**
   * The device certificate and identity key (PEM) a transfer with `deviceAuth` presents, or
   * undefined when the device holds no current certificate; the device sets it.
   */
  deviceCredentials: () => { cert: string; key: string } | undefined = () => undefined;

  constructor(hostMap: Readonly<Record<string, string>> = {}) {
    this.hostMap = hostMap;
  }

  /** Resolves a name to IPv4 addresses: the host map, an address as such, else the system resolver. */
  resolve(name: string): Promise<string[]> {
    const mapped = this.hostMap[name.toLowerCase()];
    if (mapped) return Promise.resolve([mapped]);
    if (isIP(name) === 4) return Promise.resolve([name]);
    return new Promise((res, rej) => dnsLookup(name, { family: 4, all: true }, (err, addrs) => (err ? rej(err) : res(addrs.map((a) => a.address)))));
  }

  readonly lookup: LookupFunction = (host, opts, cb) => {
    this.resolve(host).then(
      (a) => { if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, a.map((address) => ({ address, family: 4 }))); else cb(null, a[0]!, 4); },
      (e: NodeJS.ErrnoException) => cb(e, '', 4),
    );
  };

  #own(p: NetPeer): Map<number, Socket | Server> {
    let m = this.#socks.get(p);
    if (!m) { m = new Map(); this.#socks.set(p, m); }
    return m;
  }

  handle(p: NetPeer, r: NetRequest): void {
    const socks = this.#own(p);
    switch (r.op) {
      case 'resolve':
        this.resolve(r.name).then(
          (addresses) => p.netEvent({ t: 'netr', id: r.id, addresses }),
          (e: NodeJS.ErrnoException) => p.netEvent({ t: 'netr', id: r.id, eai: e.code === 'EAI_AGAIN' ? EAI.AGAIN : EAI.NONAME }),
        );
        break;
      case 'connect': {
        const s = createConnection({ host: r.address, port: r.port });
        socks.set(r.sock, s);
        this.#wire(p, r.sock, s, () => p.netEvent({ t: 'sock', sock: r.sock, ev: 'connected', localPort: s.localPort ?? 0 }));
        break;
      }
      case 'send': {
        const s = socks.get(r.sock);
        if (s && 'write' in s && !s.destroyed) s.write(Buffer.from(r.data));
        break;
      }
      case 'shutdown': {
        const s = socks.get(r.sock);
        if (s && 'end' in s) s.end();
        break;
      }
      case 'close': {
        const s = socks.get(r.sock);
        socks.delete(r.sock);
        // What the app sent just before close() still goes out, as a kernel would send it.
        if (s && 'destroy' in s) { s.end(); setTimeout(() => s.destroy(), 2000).unref(); } else if (s) (s as Server).close();
        break;
      }
      case 'listen': {
        let child = 0;
        const srv = createServer((c) => {
          const id = -(++child) - r.sock * 1000;
          socks.set(id, c);
          this.#wire(p, id, c, undefined);
          p.netEvent({ t: 'sock', sock: r.sock, ev: 'accepted', child: id, address: c.remoteAddress?.replace(/^::ffff:/, '') ?? '0.0.0.0', port: c.remotePort ?? 0 });
        });
        socks.set(r.sock, srv);
        srv.on('error', (e: NodeJS.ErrnoException) => p.netEvent({ t: 'sock', sock: r.sock, ev: 'error', errno: errnoOf(e) }));
        srv.listen({ host: r.address === '0.0.0.0' ? '127.0.0.1' : r.address, port: r.port, backlog: r.backlog }, () => p.netEvent({ t: 'sock', sock: r.sock, ev: 'listening', localPort: r.port }));
        break;
      }
      case 'curl':
        void this.#curl(p, r.transfer).then((curl) => p.netEvent({ t: 'netr', id: r.id, curl }));
        break;
    }
  }

  #wire(p: NetPeer, sock: number, s: Socket, connected: (() => void) | undefined): void {
    if (connected) s.once('connect', connected);
    s.on('data', (d: Buffer) => p.netEvent({ t: 'sock', sock, ev: 'data', data: new Uint8Array(d) }));
    s.on('end', () => p.netEvent({ t: 'sock', sock, ev: 'end' }));
    s.on('error', (e: NodeJS.ErrnoException) => p.netEvent({ t: 'sock', sock, ev: 'error', errno: errnoOf(e) }));
  }

  /** Ends everything an app left open (it ended). */
  closeAll(p: NetPeer): void {
    for (const s of this.#socks.get(p)?.values() ?? []) { if ('destroy' in s) s.destroy(); else s.close(); }
    this.#socks.delete(p);
    for (const q of this.#transfers.get(p) ?? []) q.destroy();
    this.#transfers.delete(p);
  }

  /** One HTTP(S) transfer, following redirects to allowed hosts when asked. */
  async #curl(p: NetPeer, t: CurlTransfer): Promise<CurlOutcome> {
    const fail = (code: number, detail: string, extra: Partial<CurlOutcome> = {}): CurlOutcome => ({ code, detail, status: 0, header: new Uint8Array(0), body: new Uint8Array(0), effectiveUrl: t.url, ...extra });
    if (t.deviceAuth) {
      let creds: { cert: string; key: string } | undefined;
      try { creds = this.deviceCredentials(); } catch { creds = undefined; }
      if (!creds) return fail(CURLE.SSL_CERTPROBLEM, 'the device holds no device certificate to present');
      t = { ...t, cert: creds.cert, key: creds.key };
    }
    let url = t.url;
    const started = Date.now();
    for (let hop = 0; ; hop++) {
      let u: URL;
      try { u = new URL(url); } catch { return fail(CURLE.URL_MALFORMAT, `"${url}" is not a URL`); }
      const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
      if (hop > 0 && !(t.allowedNames.includes(host) || t.allowedAddresses.includes(host))) {
        return fail(isIP(host) ? CURLE.COULDNT_CONNECT : CURLE.COULDNT_RESOLVE_HOST, `a redirect to ${host}, which the manifest does not allow`, { deniedHost: host });
      }
      const left = t.timeoutMs > 0 ? t.timeoutMs - (Date.now() - started) : 0;
      if (t.timeoutMs > 0 && left <= 0) return fail(CURLE.OPERATION_TIMEDOUT, `no answer within ${t.timeoutMs} ms`);
      const r = await this.#hop(p, u, t, left);
      if ('code' in r) return { ...r, effectiveUrl: url };
      const loc = r.res.headers.location;
      if (t.follow && loc && r.res.statusCode && r.res.statusCode >= 300 && r.res.statusCode < 400) {
        if (hop >= t.maxRedirects) return fail(CURLE.TOO_MANY_REDIRECTS, `more than ${t.maxRedirects} redirects`);
        url = new URL(loc, url).toString();
        continue;
      }
      return { code: CURLE.OK, detail: `HTTP ${r.res.statusCode}${t.deviceAuth ? ' (the device certificate presented)' : ''}`, status: r.res.statusCode ?? 0, header: r.header, body: r.body, effectiveUrl: url };
    }
  }

  #hop(p: NetPeer, u: URL, t: CurlTransfer, timeoutMs: number): Promise<CurlOutcome | { res: IncomingMessage; header: Uint8Array; body: Uint8Array }> {
    const fail = (code: number, detail: string): CurlOutcome => ({ code, detail, status: 0, header: new Uint8Array(0), body: new Uint8Array(0), effectiveUrl: u.toString() });
    const https = u.protocol === 'https:';
    if (!https && u.protocol !== 'http:') return Promise.resolve(fail(CURLE.UNSUPPORTED_PROTOCOL, `the ${u.protocol.replace(':', '')} protocol is not supported`));
    return new Promise((resolve) => {
      let done = false;
      const finish = (v: CurlOutcome | { res: IncomingMessage; header: Uint8Array; body: Uint8Array }) => { if (!done) { done = true; clearTimeout(timer); set.delete(req); resolve(v); } };
      const headers: Record<string, string> = { accept: '*/*' };
      if (t.userAgent) headers['user-agent'] = t.userAgent;
      const opts = {
        host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || (https ? 443 : 80), path: u.pathname + u.search, method: 'GET', headers, agent: false as const,
        lookup: this.lookup, servername: isIP(u.hostname) ? undefined : u.hostname,
        ...(https ? {
          ca: t.ca ?? [], rejectUnauthorized: t.verifyPeer,
          ...(t.verifyHost ? {} : { checkServerIdentity: () => undefined }),
          ...(t.cert ? { cert: t.cert } : {}), ...(t.key ? { key: t.key } : {}),
        } : {}),
      };
      let req: ClientRequest;
      try {
        req = (https ? httpsRequest : httpRequest)(opts, (res) => {
          const parts: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => { size += c.length; if (size <= BODY_CAP) parts.push(c); });
          res.on('end', () => {
            const lines = [`HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd()];
            for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
            finish({ res, header: new Uint8Array(Buffer.from(lines.map((x) => x + '\r\n').join('') + '\r\n')), body: new Uint8Array(Buffer.concat(parts)) });
          });
          res.on('error', () => finish(fail(CURLE.RECV_ERROR, 'the connection broke while receiving')));
        });
      } catch (e) {
        resolve(fail(CURLE.SSL_CERTPROBLEM, `the client certificate or key cannot be used (${(e as Error).message})`));
        return;
      }
      const set = this.#transfers.get(p) ?? new Set<ClientRequest>();
      this.#transfers.set(p, set);
      set.add(req);
      const timer = setTimeout(() => { finish(fail(CURLE.OPERATION_TIMEDOUT, `no answer within ${t.timeoutMs} ms`)); req.destroy(); }, timeoutMs > 0 ? timeoutMs : 2 ** 31 - 1);
      timer.unref?.();
      req.on('error', (e: NodeJS.ErrnoException) => finish(fail(...curlCodeOf(e))));
      req.end();
    });
  }
}

/** A Node/OpenSSL error as the CURLcode libcurl gives for it. */
export function curlCodeOf(e: NodeJS.ErrnoException): [number, string] {
  const c = e.code ?? '';
  if (c === 'ENOTFOUND' || c === 'EAI_AGAIN') return [CURLE.COULDNT_RESOLVE_HOST, `the name does not resolve (${c})`];
  if (c === 'ECONNREFUSED' || c === 'EHOSTUNREACH' || c === 'ENETUNREACH') return [CURLE.COULDNT_CONNECT, `cannot connect (${c})`];
  if (c === 'ETIMEDOUT') return [CURLE.OPERATION_TIMEDOUT, 'the connection timed out'];
  // An alert from the server (a client certificate it wants, a protocol it refuses) is a failed handshake.
  if (c.startsWith('ERR_SSL_')) return [CURLE.SSL_CONNECT_ERROR, `the TLS handshake failed (${c})`];
  if (/CERT|SELF_SIGNED|UNABLE_TO_|ALTNAME|HOSTNAME|LEAF_SIGNATURE/.test(c)) return [CURLE.PEER_FAILED_VERIFICATION, `the server's certificate was not verified (${c})`];
  if (c === 'ECONNRESET') return [CURLE.RECV_ERROR, 'the server closed the connection'];
  if (c === 'HPE_INVALID_CONSTANT' || c.startsWith('HPE_')) return [CURLE.WEIRD_SERVER_REPLY, `the server's reply is not HTTP (${c})`];
  if (/SSL|TLS/i.test(c) || /ssl|tls/i.test(e.message)) return [CURLE.SSL_CONNECT_ERROR, `the TLS handshake failed (${e.message})`];
  return [CURLE.COULDNT_CONNECT, e.message];
}
