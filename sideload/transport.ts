/**
 * The thin I/O edge of the device client: one HTTPS request at a time over a keep-alive agent,
 * the server certificate pinned to one device CA and its name checked against
 * `*.devices.sphere.azure.local` instead of the IP (spec/device-rest-api.md §2, §8). It knows
 * nothing of the REST API; the client above it does. Tests swap in their own `Transport`.
 *
 * Pinning is done here rather than by OpenSSL's store: each connection is made with an empty
 * trust store, and before the agent may write a byte on it, the chain the device presented must
 * lead — by issuer name and signature, every certificate within its validity — to the one pinned
 * CA, and the leaf must name the device host. (Handing Node a `ca` makes it parse its ~140
 * bundled public roots first, about 30 ms per process; the handshake itself still proves the
 * device holds the leaf's key.)
 */
import { Agent, request as httpsRequest } from 'node:https';
import { X509Certificate } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type DetailedPeerCertificate, type PeerCertificate, type TLSSocket } from 'node:tls';
import { DEVICE_HOST, DEVICE_TLS_NAME, type HttpMethod } from './protocol/index';

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
/** Upload chunk: small enough to overlap with the device's receiving, large enough not to cost time. */
const CHUNK = 512 * 1024;
/** Upload bytes allowed to wait in the process before it waits for the connection to drain. */
const BUFFERED = 1024 * 1024;

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

/** A TLS connection that is handed over only once the device's chain passed the pin check. */
function connectPinned(o: HttpsTransportOptions, ca: X509Certificate, done: (err: Error | null, socket?: Duplex) => void): void {
  const ms = o.connectTimeoutMs ?? 5_000;
  // An empty CA list (not absent) keeps Node from loading its public root store. No SNI: the
  // device serves one certificate, and naming it would cost an IPv6-syntax check per process.
  const s: TLSSocket = tlsConnect({ host: o.host, port: o.port, ca: [], rejectUnauthorized: false, minVersion: 'TLSv1.2' });
  let settled = false;
  const finish = (e: Error | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (e) { s.destroy(); done(e); } else done(null, s);
  };
  const timer = setTimeout(() => finish(new TransportError('timeout', `could not connect within ${ms} ms`)), ms);
  s.once('secureConnect', () => finish(pinProblem(s.getPeerCertificate(true), ca, (o.now ?? Date.now)()) ?? null));
  s.on('error', (e) => finish(classifyNetworkError(e, false)));
}

export function httpsTransport(o: HttpsTransportOptions): Transport {
  const ca = new X509Certificate(o.caPem);
  // One connection: requests made together queue on it rather than paying for another handshake.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  (agent as unknown as { createConnection: (opts: unknown, cb: (err: Error | null, s?: Duplex) => void) => undefined }).createConnection = (_opts, cb) => { connectPinned(o, ca, cb); return undefined; };
  const address = o.host.includes(':') ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`;
  return {
    address,
    close: () => agent.destroy(),
    request: (r) => send(agent, o, r),
  };
}

function send(agent: Agent, o: HttpsTransportOptions, r: TransportRequest): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    const body = r.body;
    const headers: Record<string, string | number> = { Host: DEVICE_HOST, Accept: 'application/json', ...r.headers };
    if (body) headers['Content-Length'] = body.length;
    let sent = false;
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(classifyNetworkError(e, sent));
    };
    // `servername: ''` stops the agent deriving an SNI name from the Host header (see connectPinned).
    const req = httpsRequest({ host: o.host, port: o.port, method: r.method, path: r.path, headers, agent, servername: '' });
    const timer = setTimeout(() => fail(new TransportError('timeout', `no complete answer within ${r.timeoutMs} ms`, { sent })), r.timeoutMs);
    req.on('error', fail);
    req.on('response', (res) => {
      sent = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) fail(new TransportError('too-large', `the answer exceeds ${MAX_RESPONSE_BYTES} bytes`, { sent }));
        else chunks.push(c);
      });
      res.on('error', fail);
      res.on('aborted', () => fail(new TransportError('reset', 'the device closed the connection mid-answer', { sent })));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const h: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) h[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) });
      });
    });
    if (!body) { req.end(); return; }
    // The body goes out a chunk per event-loop turn: Node batches the writes of one turn into a
    // single TLS write, so handing over 4 MiB at once would encrypt it all before the device saw
    // even the headers. Chunked, the device receives (and starts work) while later chunks are
    // encrypted. At most BUFFERED bytes wait in the process: a slow link paces the upload (and
    // the progress it reports) through 'drain'.
    let offset = 0;
    const pump = (): void => {
      if (settled) return;
      if (offset >= body.length) { req.end(() => { sent = true; }); return; }
      const end = Math.min(body.length, offset + CHUNK);
      const ok = req.write(body.subarray(offset, end));
      offset = end;
      r.onProgress?.(offset, body.length);
      if (!ok && req.writableLength > BUFFERED) req.once('drain', pump);
      else setImmediate(pump);
    };
    pump();
  });
}
