/**
 * The thin I/O edge of the device client: one HTTPS request at a time over a keep-alive agent,
 * the server certificate pinned to one device CA and its name checked against
 * `*.devices.sphere.azure.local` instead of the IP (spec/device-rest-api.md §2, §8). It knows
 * nothing of the REST API; the client above it does. Tests swap in their own `Transport`.
 *
 * Requests are written on the TLS socket here; answers are read by http-answer.ts.
 *
 * Pinning is done here rather than by OpenSSL's store: each connection is made with an empty
 * trust store, and before the agent may write a byte on it, the chain the device presented must
 * lead — by issuer name and signature, every certificate within its validity — to the one pinned
 * CA, and the leaf must name the device host. (Handing Node a `ca` makes it parse its ~140
 * bundled public roots first, about 30 ms per process; the handshake itself still proves the
 * device holds the leaf's key.)
 */
import { X509Certificate } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type DetailedPeerCertificate, type PeerCertificate, type TLSSocket } from 'node:tls';
import { DEVICE_HOST, DEVICE_TLS_NAME, type HttpMethod } from './protocol/index';
import { AnswerTooLarge, ResponseReader } from './http-answer';

export interface TransportRequest {
  method: HttpMethod;
  /** Path and query, e.g. `/app/status/<id>`. */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Deadline for the whole exchange, body included. */
  timeoutMs: number;
  /** Called as body bytes are handed to the connection. */
  onProgress?: (sent: number, total: number) => void;
}

export interface TransportResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface Transport {
  /** `host:port`, for messages. */
  readonly address: string;
  request(r: TransportRequest): Promise<TransportResponse>;
  /** Closes idle keep-alive connections so the process can exit. */
  close(): void;
}

/** Why a request got no HTTP answer; the client turns it into a message with what to do. */
export type TransportFailure = 'refused' | 'unreachable' | 'timeout' | 'reset' | 'tls-untrusted' | 'tls-name' | 'tls-other' | 'too-large' | 'other';

export class TransportError extends Error {
  readonly failure: TransportFailure;
  /** Whether any response byte arrived or the request body was fully sent (the device may have acted). */
  readonly sent: boolean;
  constructor(failure: TransportFailure, message: string, o: { sent?: boolean; cause?: unknown } = {}) {
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.name = 'TransportError';
    this.failure = failure;
    this.sent = o.sent ?? false;
  }
}

/** Bodies larger than this are refused (a device log is a few hundred KiB). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/**
 * Upload chunk, and the bytes allowed to wait in the process before it waits for the connection to
 * drain. Unwatched, chunks are large enough not to cost time and small enough to overlap with the
 * device's receiving. Watched by a progress bar, both are small, so on a slow link what the bar
 * shows stays close to what the device has received.
 */
const UPLOAD = { chunk: 512 * 1024, buffered: 1024 * 1024 } as const;
const UPLOAD_WATCHED = { chunk: 64 * 1024, buffered: 64 * 1024 } as const;

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'CERT_REJECTED',
]);

/** Maps a Node socket/TLS error onto a failure kind. */
export function classifyNetworkError(e: unknown, sent: boolean): TransportError {
  if (e instanceof TransportError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = String(err?.code ?? '');
  const msg = String(err?.message ?? e);
  let kind: TransportFailure = 'other';
  if (code === 'ECONNREFUSED') kind = 'refused';
  else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') kind = 'unreachable';
  else if (code === 'ETIMEDOUT') kind = 'timeout';
  else if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || msg === 'socket hang up') kind = 'reset';
  else if (UNTRUSTED.has(code)) kind = 'tls-untrusted';
  else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') kind = 'tls-name';
  else if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.startsWith('CERT_')) kind = 'tls-other';
  return new TransportError(kind, code ? `${code}: ${msg}` : msg, { sent, cause: e });
}

export interface HttpsTransportOptions {
  host: string;
  port: number;
  /** PEM of the one CA the device's certificate must chain to (nothing else is trusted). */
  caPem: string;
  connectTimeoutMs?: number;
  /** Clock for the validity check (tests). */
  now?: () => number;
}

function within(c: X509Certificate, now: number): boolean {
  return Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);
}

/** Why the presented chain is not acceptable under the pinned CA, or undefined when it is. */
export function pinProblem(peer: DetailedPeerCertificate | PeerCertificate | undefined, ca: X509Certificate, now: number): TransportError | undefined {
  if (!peer || !peer.raw) return new TransportError('tls-untrusted', 'the device presented no certificate');
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = peer as DetailedPeerCertificate; c?.raw && !seen.has(c.fingerprint256) && chain.length < 8; c = c.issuerCertificate) {
    seen.add(c.fingerprint256);
    chain.push(new X509Certificate(c.raw));
  }
  let trusted = false;
  for (let i = 0; i < chain.length && !trusted; i++) {
    const c = chain[i]!;
    if (!within(c, now)) return new TransportError('tls-untrusted', `certificate "${c.subject.replace(/\n/g, ', ')}" is outside its validity period (${c.validFrom} to ${c.validTo})`);
    if (c.fingerprint256 === ca.fingerprint256 || (c.checkIssued(ca) && c.verify(ca.publicKey))) { trusted = true; break; }
    const next = chain[i + 1];
    if (!next || !next.ca || !c.checkIssued(next) || !c.verify(next.publicKey)) break;
  }
  if (!trusted) return new TransportError('tls-untrusted', `the certificate chain does not lead to the pinned CA "${ca.subject.replace(/\n/g, ', ')}"`);
  if (!within(ca, now)) return new TransportError('tls-untrusted', `the pinned CA is outside its validity period (${ca.validFrom} to ${ca.validTo})`);
  // OpenSSL's own host check (wildcards per RFC 6125) on the leaf: `*.devices.sphere.azure.local` matches.
  if (chain[0]!.checkHost(DEVICE_TLS_NAME) === undefined) {
    return new TransportError('tls-name', `the certificate is not issued for ${DEVICE_HOST} (it names ${peer.subjectaltname || chain[0]!.subject.replace(/\n/g, ', ')})`);
  }
  return undefined;
}

/**
 * The pin check on a fresh connection. A device's leaf is normally issued by the pinned CA itself:
 * that is checked on the leaf alone, without building the detailed chain object; anything else
 * (an intermediate CA, a failure to explain) goes through `pinProblem` and its chain walk.
 */
function checkPin(s: TLSSocket, ca: X509Certificate, now: number): TransportError | undefined {
  const peer = s.getPeerCertificate(false);
  const leaf = peer?.raw ? new X509Certificate(peer.raw) : undefined;
  if (leaf && within(leaf, now) && within(ca, now) && leaf.checkIssued(ca) && leaf.verify(ca.publicKey) && leaf.checkHost(DEVICE_TLS_NAME) !== undefined) return undefined;
  return pinProblem(s.getPeerCertificate(true), ca, now);
}

/** A TLS connection that is handed over only once the device's chain passed the pin check. */
function connectPinned(o: HttpsTransportOptions, ca: X509Certificate, done: (err: Error | null, socket?: Duplex) => void): void {
  const ms = o.connectTimeoutMs ?? 5_000;
  // An empty CA list (not absent) keeps Node from loading its public root store. No SNI: the
  // device serves one certificate, and naming it would cost an IPv6-syntax check per process.
  // No Nagle delay: a request's last small segment must not wait for the device's delayed ACK.
  const s: TLSSocket = tlsConnect({ host: o.host, port: o.port, ca: [], rejectUnauthorized: false, minVersion: 'TLSv1.2' });
  s.setNoDelay(true);
  let settled = false;
  const finish = (e: Error | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (e) { s.destroy(); done(e); } else done(null, s);
  };
  const timer = setTimeout(() => finish(new TransportError('timeout', `could not connect within ${ms} ms`)), ms);
  s.once('secureConnect', () => finish(checkPin(s, ca, (o.now ?? Date.now)()) ?? null));
  s.on('error', (e) => finish(classifyNetworkError(e, false)));
}

/**
 * HTTP/1.1 over one pinned TLS connection, kept alive and used by one request at a time (requests
 * made together queue). Written on the TLS socket directly rather than through node:https: a
 * device command makes a handful of small requests, and Node's HTTP client costs more to load and
 * start in every process than the exchanges themselves. Answers may come with Content-Length, as
 * chunks, or up to the connection's close; `100 Continue` is skipped.
 */
export function httpsTransport(o: HttpsTransportOptions): Transport {
  const ca = new X509Certificate(o.caPem);
  const address = o.host.includes(':') ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`;
  let idle: { socket: Duplex; drop: () => void } | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const keep = (socket: Duplex): void => {
    if (closed || socket.destroyed) { socket.destroy(); return; }
    // A device may close an idle connection, and nothing may arrive between exchanges: either
    // drops it, and the next request opens a new one. An idle connection keeps no process alive.
    const drop = () => { if (idle?.socket === socket) idle = undefined; socket.destroy(); };
    idle = { socket, drop };
    socket.once('close', drop).once('end', drop).once('error', drop).once('data', drop);
    (socket as { unref?: () => void }).unref?.();
  };
  const take = (): Duplex | undefined => {
    const held = idle;
    idle = undefined;
    if (!held || held.socket.destroyed) return undefined;
    held.socket.off('close', held.drop).off('end', held.drop).off('error', held.drop).off('data', held.drop);
    (held.socket as { ref?: () => void }).ref?.();
    return held.socket;
  };
  return {
    address,
    close: () => { closed = true; take()?.destroy(); },
    request: (r) => {
      const run = queue.then(() => exchange(o, ca, r, take, keep));
      queue = run.catch(() => {});
      return run;
    },
  };
}

function connect(o: HttpsTransportOptions, ca: X509Certificate): Promise<Duplex> {
  return new Promise((resolve, reject) => connectPinned(o, ca, (err, socket) => (err ? reject(err) : resolve(socket!))));
}

/** One request and its answer on a kept connection (or a new one). */
async function exchange(o: HttpsTransportOptions, ca: X509Certificate, r: TransportRequest, take: () => Duplex | undefined, keep: (s: Duplex) => void): Promise<TransportResponse> {
  const deadline = Date.now() + r.timeoutMs;
  let socket = take();
  if (!socket) {
    const connecting = connect(o, ca);
    socket = await withDeadline(connecting, r.timeoutMs, () => {
      connecting.then((late) => late.destroy(), () => {});
      return new TransportError('timeout', `no complete answer within ${r.timeoutMs} ms`);
    });
  }
  const conn = socket;
  return new Promise<TransportResponse>((resolve, reject) => {
    const body = r.body;
    const headers: Record<string, string> = { Host: DEVICE_HOST, Accept: 'application/json', Connection: 'keep-alive', ...r.headers };
    if (body) headers['Content-Length'] = String(body.length);
    else if (r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH') headers['Content-Length'] = '0';
    let head = `${r.method} ${r.path} HTTP/1.1\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    head += '\r\n';
    const reader = new ResponseReader(r.method, MAX_RESPONSE_BYTES);
    let offset = 0;
    let sent = false;
    let settled = false;
    const finish = (e: unknown, value?: TransportResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError).off('drain', pump);
      if (e) { conn.destroy(); reject(e instanceof TransportError ? e : classifyNetworkError(e, sent)); return; }
      // An answer that came before the whole body went out leaves the connection unusable.
      if (reader.reusable && offset >= (body?.length ?? 0)) keep(conn); else conn.destroy();
      resolve(value!);
    };
    const timer = setTimeout(() => finish(new TransportError('timeout', `no complete answer within ${r.timeoutMs} ms`, { sent })), Math.max(1, deadline - Date.now()));
    const onData = (chunk: Buffer) => {
      sent = true;
      try { reader.push(chunk); } catch (e) { finish(e instanceof AnswerTooLarge ? new TransportError('too-large', e.message, { sent: true }) : new TransportError('other', `the device's answer is not valid HTTP: ${(e as Error).message}`, { sent })); return; }
      if (reader.done) finish(null, { status: reader.status, headers: reader.headers, body: reader.body });
    };
    const onEnd = () => {
      if (reader.end()) finish(null, { status: reader.status, headers: reader.headers, body: reader.body });
      else finish(new TransportError('reset', reader.status ? 'the device closed the connection mid-answer' : 'socket hang up: the device closed the connection', { sent }));
    };
    const onError = (e: Error) => finish(e);
    conn.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError);
    // The body goes out a chunk per event-loop turn after the head: the device receives (and
    // starts work) while later chunks are encrypted. A slow link paces the upload (and the
    // progress it reports) through 'drain'.
    const { chunk, buffered } = r.onProgress ? UPLOAD_WATCHED : UPLOAD;
    const pump = (): void => {
      if (settled || !body) return;
      if (offset >= body.length) return;
      const end = Math.min(body.length, offset + chunk);
      const ok = conn.write(body.subarray(offset, end));
      offset = end;
      r.onProgress?.(offset, body.length);
      if (offset >= body.length) { conn.write('', () => { sent = true; }); return; }
      if (!ok && conn.writableLength > buffered) conn.once('drain', pump);
      else setImmediate(pump);
    };
    conn.write(head);
    pump();
  });
}

function withDeadline<T>(p: Promise<T>, ms: number, error: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(error()), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e); });
  });
}
