/**
 * The worker side of apps' networking: TCP sockets as host descriptors (pollable, so the event
 * loop waits on them like any other fd), the resolver and the manifest's firewall. Before any
 * traffic the host checks the manifest as the device does: a name must be in
 * `AllowedConnections` to resolve, an address must be listed there or have come from resolving
 * an allowed name, and a server port must be in `AllowedTcpServerPorts`; a refusal logs a
 * `denied ...` line like every other capability denial. The connections themselves are the main
 * thread's (net-broker.ts); answers arrive in the inbox.
 */
import { isIP } from 'node:net';
import { E } from './errno';
import { EAI, type NetEvent, type NetRequest } from './net-protocol';
import type { WorkerInit, WorkerMessage } from './protocol';

/** WASI errno values of the socket errors (wasi-libc's <errno.h>). */
export const SE = {
  EADDRINUSE: 3, EAFNOSUPPORT: 5, EALREADY: 7, ECONNREFUSED: 14, EINPROGRESS: 26, EISCONN: 30,
  ENETUNREACH: 40, ENOPROTOOPT: 50, ENOTCONN: 53, ENOTSOCK: 57, EPIPE: 64, EPROTONOSUPPORT: 66,
} as const;

/** Guest constants (wasi-libc numbering; SO_* as the SDK's sys/socket.h defines them). */
export const SOCK = { AF_INET: 1, SOCK_STREAM: 6, SOCK_NONBLOCK: 0x4000, SOL_SOCKET: 0x7fffffff, SO_TYPE: 3, SO_ERROR: 4, IPPROTO_TCP: 6 } as const;

export interface SocketFd {
  kind: 'socket';
  /** The broker's id for the connection (the fd, or a negative id for an accepted one). */
  sock: number;
  state: 'new' | 'bound' | 'connecting' | 'connected' | 'listening' | 'failed' | 'closed';
  nonblocking: boolean;
  rx: Buffer[];
  eof: boolean;
  /** Pending error (SO_ERROR), 0 for none. */
  error: number;
  writeShut: boolean;
  local: [string, number];
  remote: [string, number] | undefined;
  backlog: SocketFd[];
}

/** What the socket layer needs of the app's host (host.ts's AppHost, which owns the NetHost). */
export interface NetHostOwner {
  readonly init: WorkerInit;
  readonly post: (m: WorkerMessage) => void;
  deny(call: string, resource: string, field: string): number;
  addFd(f: SocketFd): number;
  facts(): WorkerInit;
  wakeSeq(): number;
  deliverSignals(): boolean;
  block(deadline: bigint | undefined, since?: number): void;
}

export class NetHost {
  readonly #h: NetHostOwner;
  readonly #bySock = new Map<number, SocketFd>();
  readonly #replies = new Map<number, Extract<NetEvent, { t: 'netr' }>>();
  #nextId = 1;
  /** Addresses the app may connect to: those AllowedConnections lists, and what allowed names resolved to. */
  readonly allowedAddresses = new Set<string>();
  readonly allowedNames: Set<string>;

  constructor(h: NetHostOwner) {
    this.#h = h;
    const list = h.init.capabilities.allowedConnections ?? [];
    this.allowedNames = new Set(list.filter((x) => isIP(x) === 0).map((x) => x.toLowerCase()));
    for (const x of list) if (isIP(x) === 4) this.allowedAddresses.add(x);
  }

  request(r: NetRequest): void {
    this.#h.post({ t: 'net', req: r });
  }

  /** An answer from the main thread (called while the inbox drains). */
  receive(m: NetEvent): void {
    if (m.t === 'netr') { this.#replies.set(m.id, m); return; }
    const s = this.#bySock.get(m.sock);
    if (!s) return;
    switch (m.ev) {
      case 'connected': s.state = 'connected'; s.local = ['127.0.0.1', m.localPort]; break;
      case 'listening': s.state = 'listening'; break;
      case 'data': s.rx.push(Buffer.from(m.data)); break;
      case 'end': s.eof = true; break;
      case 'error':
        if (s.state === 'connecting' || (s.state === 'bound')) s.state = 'failed';
        s.error = m.errno;
        s.eof = true;
        break;
      case 'accepted': {
        const c = this.#socket(m.child, false);
        c.state = 'connected';
        c.remote = [m.address, m.port];
        c.local = s.local;
        s.backlog.push(c);
        break;
      }
    }
  }

  #socket(sock: number, nonblocking: boolean): SocketFd {
    const s: SocketFd = { kind: 'socket', sock, state: 'new', nonblocking, rx: [], eof: false, error: 0, writeShut: false, local: ['0.0.0.0', 0], remote: undefined, backlog: [] };
    this.#bySock.set(sock, s);
    return s;
  }

  /** Waits (interruptibly) until `ready` holds: 0, or -EAGAIN (non-blocking), -EINTR (a handler ran). */
  #wait(s: SocketFd | undefined, ready: () => boolean): number {
    for (;;) {
      const seq = this.#h.wakeSeq();
      this.#h.facts();
      if (ready()) return 0;
      if (s?.nonblocking) return -E.EAGAIN;
      if (this.#h.deliverSignals()) return -E.EINTR;
      this.#h.block(undefined, seq);
    }
  }

  /** Sends a request and waits for its answer; undefined when a signal handler ran first. */
  #ask(make: (id: number) => NetRequest): Extract<NetEvent, { t: 'netr' }> | undefined {
    const id = this.#nextId++;
    this.request(make(id));
    for (;;) {
      const seq = this.#h.wakeSeq();
      this.#h.facts();
      const r = this.#replies.get(id);
      if (r) { this.#replies.delete(id); return r; }
      // A handler runs, and the call goes on waiting (as a device's resolver and curl do).
      if (this.#h.deliverSignals()) continue;
      this.#h.block(undefined, seq);
    }
  }

  ask(make: (id: number) => NetRequest): Extract<NetEvent, { t: 'netr' }> {
    return this.#ask(make)!;
  }

  addressAllowed(address: string): boolean {
    return this.allowedAddresses.has(address);
  }

  nameAllowed(name: string): boolean {
    return this.allowedNames.has(name.toLowerCase().replace(/\.$/, ''));
  }

  // ---- calls ---------------------------------------------------------------------------------

  open(domain: number, type: number): number {
    if (domain !== SOCK.AF_INET) return -SE.EAFNOSUPPORT;
    if ((type & ~(SOCK.SOCK_NONBLOCK | 0x2000)) !== SOCK.SOCK_STREAM) return -SE.EPROTONOSUPPORT;
    const s = this.#socket(0, (type & SOCK.SOCK_NONBLOCK) !== 0);
    const fd = this.#h.addFd(s);
    this.#bySock.delete(0);
    s.sock = fd;
    this.#bySock.set(fd, s);
    return fd;
  }

  /** getaddrinfo for one name: count of addresses written, or an EAI code. */
  resolve(name: string): string[] | number {
    if (isIP(name) === 4) return [name];
    if (!this.#h.facts().networkingReady) return EAI.AGAIN;
    if (!this.nameAllowed(name)) {
      this.#h.deny('getaddrinfo', `host "${name}"`, 'Capabilities.AllowedConnections');
      return EAI.NONAME;
    }
    const r = this.ask((id) => ({ op: 'resolve', id, name }));
    if (!r.addresses) return r.eai ?? EAI.FAIL;
    for (const a of r.addresses) this.allowedAddresses.add(a);
    return r.addresses;
  }

  connect(s: SocketFd, address: string, port: number): number {
    if (s.state === 'connecting') return -SE.EALREADY;
    if (s.state === 'connected' || s.state === 'listening') return -SE.EISCONN;
    if (s.state === 'failed' || s.state === 'closed') return -E.EINVAL;
    if (!this.addressAllowed(address)) return this.#h.deny('connect', `address ${address} (port ${port})`, 'Capabilities.AllowedConnections');
    if (!this.#h.facts().networkingReady) return -SE.ENETUNREACH;
    s.state = 'connecting';
    s.remote = [address, port];
    this.request({ op: 'connect', sock: s.sock, address, port });
    if (s.nonblocking) return -SE.EINPROGRESS;
    const w = this.#wait({ ...s, nonblocking: false }, () => s.state !== 'connecting');
    if (w < 0) return w;
    if ((s.state as SocketFd['state']) === 'failed') { const e = s.error; s.error = 0; return -e; }
    return 0;
  }

  bind(s: SocketFd, address: string, port: number): number {
    if (s.state !== 'new') return -E.EINVAL;
    if (!(this.#h.init.capabilities.allowedTcpServerPorts ?? []).includes(port)) return this.#h.deny('bind', `TCP port ${port}`, 'Capabilities.AllowedTcpServerPorts');
    s.state = 'bound';
    s.local = [address, port];
    return 0;
  }

  listen(s: SocketFd, backlog: number): number {
    if (s.state === 'listening') return 0;
    if (s.state !== 'bound') return -E.EINVAL;
    this.request({ op: 'listen', sock: s.sock, address: s.local[0], port: s.local[1], backlog: Math.max(1, backlog) });
    const w = this.#wait({ ...s, nonblocking: false }, () => s.state !== 'bound');
    if (w < 0) return w;
    if ((s.state as SocketFd['state']) === 'failed') { const e = s.error; s.error = 0; s.state = 'bound'; return -e; }
    return 0;
  }

  accept(s: SocketFd, nonblocking: boolean): number {
    if (s.state !== 'listening') return -E.EINVAL;
    const w = this.#wait(s, () => s.backlog.length > 0);
    if (w < 0) return w;
    const c = s.backlog.shift()!;
    c.nonblocking = nonblocking;
    return this.#h.addFd(c);
  }

  recv(s: SocketFd, into: Uint8Array, peek = false): number {
    if (s.state === 'new' || s.state === 'bound' || s.state === 'listening') return -SE.ENOTCONN;
    const w = this.#wait(s, () => s.rx.length > 0 || s.eof || s.state === 'failed');
    if (w < 0) return w;
    if (!s.rx.length) {
      if (s.error) { const e = s.error; s.error = 0; return -e; }
      return 0;
    }
    let n = 0;
    let i = 0;
    while (n < into.length && i < s.rx.length) {
      const c = s.rx[i]!;
      const take = Math.min(c.length, into.length - n);
      into.set(c.subarray(0, take), n);
      n += take;
      if (peek) { i++; continue; }
      if (take === c.length) s.rx.shift(); else s.rx[0] = c.subarray(take);
    }
    return n;
  }

  send(s: SocketFd, data: Uint8Array): number {
    if (s.state === 'connecting') {
      const w = this.#wait(s, () => s.state !== 'connecting');
      if (w < 0) return w;
    }
    if (s.error) { const e = s.error; s.error = 0; return -e; }
    if (s.state !== 'connected') return -SE.ENOTCONN;
    if (s.writeShut) return -SE.EPIPE;
    if (data.length) this.request({ op: 'send', sock: s.sock, data: Uint8Array.from(data) });
    return data.length;
  }

  shutdown(s: SocketFd, how: number): number {
    if (s.state !== 'connected') return -SE.ENOTCONN;
    if (how & 2 && !s.writeShut) { s.writeShut = true; this.request({ op: 'shutdown', sock: s.sock }); }
    if (how & 1) { s.rx = []; s.eof = true; }
    return 0;
  }

  getopt(s: SocketFd, level: number, name: number): number {
    if (level === SOCK.SOL_SOCKET && name === SOCK.SO_ERROR) {
      this.#h.facts();
      const e = s.error;
      s.error = 0;
      return e;
    }
    if (level === SOCK.SOL_SOCKET && name === SOCK.SO_TYPE) return SOCK.SOCK_STREAM;
    return -SE.ENOPROTOOPT;
  }

  readable(s: SocketFd): boolean {
    return s.rx.length > 0 || s.eof || s.error !== 0 || s.backlog.length > 0;
  }

  writable(s: SocketFd): boolean {
    return s.state === 'connected' || s.state === 'failed' || s.error !== 0;
  }

  closed(s: SocketFd): void {
    s.state = 'closed';
    this.#bySock.delete(s.sock);
    this.request({ op: 'close', sock: s.sock });
    for (const c of s.backlog) { this.#bySock.delete(c.sock); this.request({ op: 'close', sock: c.sock }); }
  }
}
