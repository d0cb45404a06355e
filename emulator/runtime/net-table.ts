/**
 * The host rows of apps' networking (sockets, the resolver, curl's easy interface) and the WASI
 * socket calls wasi-libc's send/recv/shutdown/accept make, served on the host's socket fds. The
 * contract is sdk/sysroot/src/applibs/sphere_host.h; the checks and state are net-host.ts.
 */
import { E } from './errno';
import type { AppHost } from './host';
import type { HostRow } from './host-row';
import { CURLE, type CurlOutcome } from './net-protocol';
import { SE, type SocketFd } from './net-host';

function sockOf(h: AppHost, fd: number): SocketFd | undefined {
  const f = h.fds.get(fd);
  return f?.kind === 'socket' ? f : undefined;
}

/** A NUL-terminated string at ptr (0: undefined). */
function cstring(h: AppHost, ptr: number, max = 8192): string | undefined {
  if (!ptr) return undefined;
  const b = h.bytes;
  let end = ptr;
  while (end < b.length && end - ptr < max && b[end] !== 0) end++;
  return Buffer.from(b.subarray(ptr, end)).toString('utf8');
}

function ip4(h: AppHost, ptr: number): string | undefined {
  const s = h.slice(ptr, 4);
  return s ? [...s].join('.') : undefined;
}

/** The bytes of a file named by an absolute path in the app's image package (or relative to it). */
function imageFile(h: AppHost, path: string): Uint8Array | undefined {
  const root = `/mnt/apps/${h.init.componentId}/`;
  const rel = path.startsWith(root) ? path.slice(root.length) : path.replace(/^\.?\//, '');
  return h.init.files[rel];
}

/** Finished transfers, until the app's C library has read them. */
const transfers = new WeakMap<AppHost, Map<number, { o: CurlOutcome; pos: [number, number] }>>();

const withSock = (run: (h: AppHost, s: SocketFd, ...a: number[]) => number) => (h: AppHost, fd?: number, ...a: number[]) => {
  const s = sockOf(h, fd!);
  if (!s) return h.fds.has(fd!) ? -SE.ENOTSOCK : -E.EBADF;
  return run(h, s, ...a);
};

/** The request's device_auth field asks for the device certificate only with this value (sphere_host.h SPHERE_DEVICE_AUTH_MAGIC). */
export const DEVICE_AUTH_MAGIC = 0x44415554;
const DEVICE_CERT_GATE = (c: { deviceAuthentication?: boolean }): [string, string] | undefined =>
  (c.deviceAuthentication ? undefined : ['the device certificate', 'Capabilities.DeviceAuthentication']);

export const NET_ROWS: HostRow[] = [
  {
    name: 'device_auth_tls', call: 'DeviceAuth_CurlSslFunc', gate: DEVICE_CERT_GATE,
    run: (h) => (h.facts().deviceAuthReady ? 0 : -E.EAGAIN),
  },
  { name: 'sock_open', call: 'socket', run: (h, domain, type) => h.net.open(domain!, type!) },
  {
    name: 'sock_connect', call: 'connect',
    run: withSock((h, s, ptr, port) => { const a = ip4(h, ptr!); return a === undefined ? -E.EFAULT : h.net.connect(s, a, port!); }),
  },
  {
    name: 'sock_bind', call: 'bind',
    run: withSock((h, s, ptr, port) => { const a = ip4(h, ptr!); return a === undefined ? -E.EFAULT : h.net.bind(s, a, port!); }),
  },
  { name: 'sock_listen', call: 'listen', run: withSock((h, s, backlog) => h.net.listen(s, backlog!)) },
  {
    name: 'sock_getopt', call: 'getsockopt',
    run: withSock((h, s, level, name, out) => {
      const v = h.net.getopt(s, level!, name!);
      if (v < 0) return v;
      if (!h.slice(out!, 4)) return -E.EFAULT;
      h.view.setInt32(out!, v, true);
      return 0;
    }),
  },
  // Options a TCP client sets (SO_REUSEADDR, SO_KEEPALIVE, TCP_NODELAY, timeouts) are taken and have no effect here.
  { name: 'sock_setopt', call: 'setsockopt', run: withSock(() => 0) },
  {
    name: 'sock_name', call: 'getsockname/getpeername',
    run: withSock((h, s, peer, ipPtr, portPtr) => {
      const at = peer ? s.remote : s.local;
      if (!at) return -SE.ENOTCONN;
      const ip = h.slice(ipPtr!, 4);
      if (!ip || !h.slice(portPtr!, 4)) return -E.EFAULT;
      ip.set(at[0].split('.').map(Number));
      h.view.setUint32(portPtr!, at[1], true);
      return 0;
    }),
  },
  {
    name: 'net_resolve', call: 'getaddrinfo',
    run: (h, namePtr, nameLen, out, cap) => {
      const name = h.string(namePtr!, nameLen!);
      if (name === undefined) return -E.EFAULT;
      const r = h.net.resolve(name);
      if (typeof r === 'number') return r;
      const n = Math.min(r.length, cap!);
      const s = h.slice(out!, n * 4);
      if (!s) return -E.EFAULT;
      r.slice(0, n).forEach((a, i) => s.set(a.split('.').map(Number), i * 4));
      return n;
    },
  },
  {
    name: 'curl_perform', call: 'curl_easy_perform',
    run: (h, req) => {
      if (!h.slice(req!, 52)) return -CURLE.BAD_FUNCTION_ARGUMENT;
      const v = h.view;
      const at = (i: number) => v.getUint32(req! + i * 4, true);
      const int = (i: number) => v.getInt32(req! + i * 4, true);
      const url = cstring(h, at(0)) ?? '';
      const verbose = int(11) !== 0;
      const say = (text: string) => { if (verbose) h.emulatorLog(`curl: ${text}`); };
      let u: URL;
      try { u = new URL(url); } catch { say(`"${url}" is not a URL`); return -CURLE.URL_MALFORMAT; }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') { say(`${u.protocol} is not supported`); return -CURLE.UNSUPPORTED_PROTOCOL; }
      const host = u.hostname.toLowerCase();
      const literal = /^\d+\.\d+\.\d+\.\d+$/.test(host);
      if (literal ? !h.net.addressAllowed(host) : !h.net.nameAllowed(host)) {
        h.deny('curl_easy_perform', literal ? `address ${host}` : `host "${host}"`, 'Capabilities.AllowedConnections');
        return -(literal ? CURLE.COULDNT_CONNECT : CURLE.COULDNT_RESOLVE_HOST);
      }
      if (!h.facts().networkingReady) { say('the network is not ready'); return -CURLE.COULDNT_RESOLVE_HOST; }
      // DeviceAuth_CurlSslFunc asked for the device certificate: checked again here (the request is the app's memory).
      const deviceAuth = int(12) === DEVICE_AUTH_MAGIC && u.protocol === 'https:';
      if (deviceAuth) {
        const gated = DEVICE_CERT_GATE(h.init.capabilities);
        if (gated) { h.deny('curl_easy_perform', gated[0], gated[1]); return -CURLE.SSL_CERTPROBLEM; }
        if (!h.facts().deviceAuthReady) { say('device authentication is not ready: no device certificate to present'); return -CURLE.SSL_CERTPROBLEM; }
      }
      const file = (i: number, code: number, what: string): string | undefined | number => {
        const p = cstring(h, at(i));
        if (p === undefined) return undefined;
        const data = imageFile(h, p);
        if (!data) { say(`${what} "${p}" is not a file of the image package`); return -code; }
        return Buffer.from(data).toString('utf8');
      };
      const ca = file(1, CURLE.SSL_CACERT_BADFILE, 'CURLOPT_CAINFO');
      const cert = file(3, CURLE.SSL_CERTPROBLEM, 'CURLOPT_SSLCERT');
      const key = file(4, CURLE.SSL_CERTPROBLEM, 'CURLOPT_SSLKEY');
      for (const x of [ca, cert, key]) if (typeof x === 'number') return x;
      const timeoutMs = int(9) > 0 ? int(9) : 0;
      const r = h.net.ask((id) => ({
        op: 'curl', id,
        transfer: {
          url, ...(typeof ca === 'string' ? { ca } : {}), ...(typeof cert === 'string' ? { cert } : {}), ...(typeof key === 'string' ? { key } : {}),
          ...(at(2) ? { userAgent: cstring(h, at(2))! } : {}),
          follow: int(5) !== 0, maxRedirects: int(6) < 0 ? 50 : int(6), verifyPeer: int(7) !== 0, verifyHost: int(8) !== 0,
          timeoutMs, connectTimeoutMs: int(10) > 0 ? int(10) : 0, ...(deviceAuth ? { deviceAuth: true } : {}),
          allowedNames: [...h.net.allowedNames], allowedAddresses: [...h.net.allowedAddresses],
        },
      }));
      const o = r.curl!;
      if (o.deniedHost) h.deny('curl_easy_perform', `host "${o.deniedHost}" (a redirect)`, 'Capabilities.AllowedConnections');
      say(o.code === CURLE.OK ? `GET ${url}: ${o.detail}, ${o.body.length} bytes` : `GET ${url} failed with CURLcode ${o.code}: ${o.detail}`);
      if (o.code !== CURLE.OK) return -o.code;
      let m = transfers.get(h);
      if (!m) { m = new Map(); transfers.set(h, m); }
      const id = r.id;
      m.set(id, { o, pos: [0, 0] });
      return id;
    },
  },
  {
    name: 'curl_read', call: 'curl_easy_perform (response)',
    run: (h, id, which, buf, cap) => {
      const t = transfers.get(h)?.get(id!);
      if (!t || which! > 1) return -E.EINVAL;
      const src = which === 0 ? t.o.header : t.o.body;
      const n = Math.min(cap!, src.length - t.pos[which!]!);
      const s = h.slice(buf!, n);
      if (!s) return -E.EFAULT;
      s.set(src.subarray(t.pos[which!]!, t.pos[which!]! + n));
      t.pos[which!]! += n;
      return n;
    },
  },
  {
    name: 'curl_info', call: 'curl_easy_getinfo',
    run: (h, id, what) => {
      const t = transfers.get(h)?.get(id!);
      if (!t) return -E.EINVAL;
      if (what === 0) return t.o.status;
      if (what === 1) return t.o.body.length;
      return -E.EINVAL;
    },
  },
  { name: 'curl_release', call: 'curl_easy_cleanup', run: (h, id) => { transfers.get(h)?.delete(id!); return 0; } },
];

/** WASI's socket calls (wasi-libc's send, recv, shutdown, accept) on the host's socket fds. */
export function netWasiImports(h: AppHost, base: Record<string, unknown>): Record<string, (...a: never[]) => number> {
  const real = base as Record<string, (...a: unknown[]) => number>;
  const bufs = (ptr: number, count: number): Uint8Array[] | undefined => {
    if (!h.slice(ptr, count * 8)) return undefined;
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const s = h.slice(h.view.getUint32(ptr + i * 8, true), h.view.getUint32(ptr + i * 8 + 4, true));
      if (!s) return undefined;
      out.push(s);
    }
    return out;
  };
  return {
    sock_recv: ((fd: number, iovs: number, n: number, flags: number, outLen: number, outFlags: number) => {
      const s = sockOf(h, fd);
      if (!s) return h.fds.has(fd) ? SE.ENOTSOCK : real['sock_recv']!(fd, iovs, n, flags, outLen, outFlags);
      const b = bufs(iovs, n);
      if (!b || !h.slice(outLen, 4) || !h.slice(outFlags, 2)) return E.EFAULT;
      const total = b.reduce((a, x) => a + x.length, 0);
      const tmp = new Uint8Array(total);
      const r = h.net.recv(s, tmp, (flags & 1) !== 0);
      if (r < 0) return -r;
      let off = 0;
      for (const x of b) { const k = Math.min(x.length, r - off); if (k <= 0) break; x.set(tmp.subarray(off, off + k)); off += k; }
      h.view.setUint32(outLen, r, true);
      h.view.setUint16(outFlags, 0, true);
      return E.SUCCESS;
    }) as never,
    sock_send: ((fd: number, iovs: number, n: number, flags: number, outLen: number) => {
      const s = sockOf(h, fd);
      if (!s) return h.fds.has(fd) ? SE.ENOTSOCK : real['sock_send']!(fd, iovs, n, flags, outLen);
      const b = bufs(iovs, n);
      if (!b || !h.slice(outLen, 4)) return E.EFAULT;
      const r = h.net.send(s, Buffer.concat(b));
      if (r < 0) return -r;
      h.view.setUint32(outLen, r, true);
      return E.SUCCESS;
    }) as never,
    sock_shutdown: ((fd: number, how: number) => {
      const s = sockOf(h, fd);
      if (!s) return h.fds.has(fd) ? SE.ENOTSOCK : real['sock_shutdown']!(fd, how);
      return -h.net.shutdown(s, how);
    }) as never,
    sock_accept: ((fd: number, flags: number, outFd: number) => {
      const s = sockOf(h, fd);
      if (!s) return h.fds.has(fd) ? SE.ENOTSOCK : real['sock_accept']!(fd, flags, outFd);
      if (!h.slice(outFd, 4)) return E.EFAULT;
      const r = h.net.accept(s, (flags & 4) !== 0);
      if (r < 0) return -r;
      h.view.setUint32(outFd, r, true);
      return E.SUCCESS;
    }) as never,
  };
}
