/**
 * The HTTPS face of the emulated device (spec/device-rest-api.md §2, §3): TLS with the device's
 * server certificate, `REST-API-Version` on every answer, errors as `{"error": <code>}`, and the
 * transport rules a hostile client meets — content types (415), body size limits, a bounded
 * number of simultaneous uploads ("device busy"), connection count and slow-client timeouts.
 * A request whose refusal is known from its headers is answered before its body is read
 * (`Expect: 100-continue` clients never send it).
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CONTENT_TYPE, DEVICE_ERROR, REST_API_VERSION_HEADER, hasApiFeature, matchRoute, type DeviceErrorName, type Endpoint,
} from '../../sideload/protocol/index';
import { endpointExists } from './api-version';
import type { Device } from '../device';
import { DeviceFault } from '../fault';
import type { TlsMaterial } from '../service/index';
import * as L from '../limits';
import { authorize, dispatch } from './routes';
import type { Reply, RequestBody } from './exchange';
import { dispatchExtension, extensionTakesBody, isExtensionPath } from './extensions';

export interface ServerLimits {
  maxImageBytes: number;
  maxJsonBytes: number;
  maxUploads: number;
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  socketIdleTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxImageBytes: L.MAX_IMAGE_BYTES, maxJsonBytes: L.MAX_JSON_BYTES, maxUploads: L.MAX_CONCURRENT_UPLOADS, maxConnections: L.MAX_CONNECTIONS,
  headersTimeoutMs: L.HEADERS_TIMEOUT_MS, requestTimeoutMs: L.REQUEST_TIMEOUT_MS, keepAliveTimeoutMs: L.KEEP_ALIVE_TIMEOUT_MS,
  socketIdleTimeoutMs: L.SOCKET_IDLE_TIMEOUT_MS,
};

export interface ServerOptions {
  limits?: Partial<ServerLimits>;
  /** One line per request and per failure. */
  log?: (line: string) => void;
}

/** After refusing a request early, read and drop at most this much of its body before closing. */
const DISCARD_LIMIT = 4 * 1024 * 1024;
const DISCARD_TIME_MS = 2000;
const MAX_URL_LENGTH = 2048;

class TooLarge extends Error {}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function declaredLength(req: IncomingMessage): number | undefined {
  const len = req.headers['content-length'];
  return len === undefined ? undefined : Number(len);
}

function errorReply(name: DeviceErrorName, status?: number): Reply {
  return { status: status ?? DEVICE_ERROR[name].status, json: { error: DEVICE_ERROR[name].code } };
}

/** Reads a body up to `limit` bytes. Past it, stops collecting without destroying the socket, so the refusal can still be sent. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const cleanup = () => { req.off('data', onData); req.off('end', onEnd); req.off('error', onError); };
    const onData = (c: Buffer) => {
      n += c.length;
      if (n > limit) { cleanup(); req.pause(); reject(new TooLarge()); return; }
      chunks.push(c);
    };
    const onEnd = () => { cleanup(); resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, n)); };
    const onError = (e: Error) => { cleanup(); reject(e); };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

export class DeviceServer {
  readonly server: Server;
  readonly limits: ServerLimits;
  readonly device: Device;
  #uploads = 0;
  readonly #log: (line: string) => void;

  constructor(device: Device, tls: TlsMaterial, o: ServerOptions = {}) {
    this.device = device;
    this.limits = { ...DEFAULT_LIMITS, ...o.limits };
    this.#log = o.log ?? (() => {});
    this.server = createServer({
      cert: tls.certPem, key: tls.keyPem, ca: tls.caPem,
      minVersion: 'TLSv1.2',
      handshakeTimeout: this.limits.headersTimeoutMs,
      requestTimeout: this.limits.requestTimeoutMs,
      headersTimeout: this.limits.headersTimeoutMs,
      keepAliveTimeout: this.limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, this.limits.headersTimeoutMs),
      maxHeaderSize: 16 * 1024,
    });
    this.server.maxConnections = this.limits.maxConnections;
    this.server.maxRequestsPerSocket = L.MAX_REQUESTS_PER_SOCKET;
    this.server.timeout = this.limits.socketIdleTimeoutMs;
    this.server.on('request', (req, res) => { void this.#handle(req, res, false); });
    this.server.on('checkContinue', (req, res) => { void this.#handle(req, res, true); });
    this.server.on('tlsClientError', () => { /* a client that fails the handshake only loses its own connection */ });
    this.server.on('clientError', (e: NodeJS.ErrnoException, socket) => {
      // Unparseable HTTP gets the device's answer (with the version header); timeouts just close.
      if (socket.writable && String(e.code ?? '').startsWith('HPE_')) {
        const body = JSON.stringify({ error: DEVICE_ERROR.INVALID_ARGUMENT.code });
        socket.end(`HTTP/1.1 400 Bad Request\r\n${REST_API_VERSION_HEADER}: ${this.device.apiVersion}\r\nContent-Type: ${CONTENT_TYPE.json}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        setTimeout(() => socket.destroy(), 1000).unref();
      } else {
        socket.destroy();
      }
    });
  }

  /** A media type the endpoint does not take: 415 from API 4.2.0 on, 400 before it had that code. */
  #badMediaType(): Reply {
    return errorReply('INVALID_ARGUMENT', hasApiFeature(this.device.apiVersion, 'unsupportedMediaType415') ? 415 : 400);
  }

  /** Refusals decidable from the headers alone. */
  #precheck(ep: Endpoint, req: IncomingMessage): Reply | undefined {
    try {
      authorize(this.device, ep);
    } catch (e) {
      if (e instanceof DeviceFault) return { status: e.status, json: { error: e.code } };
      throw e;
    }
    const type = mediaType(req);
    const body = hasBody(req);
    switch (ep.body) {
      case 'binary': {
        if (type !== CONTENT_TYPE.binary) return this.#badMediaType();
        const len = declaredLength(req);
        if (len !== undefined && len > this.limits.maxImageBytes) return errorReply('INSUFFICIENT_SPACE');
        if (this.#uploads >= this.limits.maxUploads) return errorReply('DEVICE_BUSY');
        return undefined;
      }
      case 'json':
        if (type !== CONTENT_TYPE.json) return body || type !== '' ? this.#badMediaType() : errorReply('INVALID_ARGUMENT');
        break;
      case 'json-optional':
        if (body && type !== CONTENT_TYPE.json) return this.#badMediaType();
        break;
      case 'restart':
        // Before 4.2.0 POST /restart took application/json; text/plain came with 4.2.0.
        if (type === CONTENT_TYPE.text && !hasApiFeature(this.device.apiVersion, 'restartTextPlain')) return this.#badMediaType();
        if (body && type !== CONTENT_TYPE.text && type !== CONTENT_TYPE.json && type !== '') return this.#badMediaType();
        break;
      case 'none':
        break;
    }
    const len = declaredLength(req);
    if (len !== undefined && len > this.limits.maxJsonBytes) return errorReply('CONTENT_TOO_LARGE');
    return undefined;
  }

  async #handle(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<void> {
    const t0 = Date.now();
    res.setHeader(REST_API_VERSION_HEADER, this.device.apiVersion);
    const url = req.url ?? '/';
    let reply: Reply;
    let ep: Endpoint | undefined;
    try {
      const m = url.length > MAX_URL_LENGTH ? { kind: 'not-found' as const } : matchRoute(req.method ?? '', url.split('?')[0]!);
      const path = url.split('?')[0]!;
      if (url.length <= MAX_URL_LENGTH && isExtensionPath(path)) {
        reply = await this.#extension(req, path);
        // A call newer than the device's API version is a path it does not have.
      } else if (m.kind !== 'ok' || !endpointExists(m.endpoint, this.device.apiVersion)) {
        reply = errorReply('INVALID_URI', 404);
      } else {
        ep = m.endpoint;
        reply = this.#precheck(ep, req) ?? await this.#run(ep, m.params, req, res, expectsContinue);
      }
    } catch (e) {
      if (e instanceof TooLarge) reply = errorReply(ep?.body === 'binary' ? 'INSUFFICIENT_SPACE' : 'CONTENT_TOO_LARGE');
      else {
        this.#log(`error: ${req.method} ${url}: ${(e as Error).stack ?? String(e)}`);
        reply = errorReply('INTERNAL_ERROR');
      }
    }
    this.device.requestsServed++;
    this.#send(req, res, reply);
    this.#log(`${req.method} ${url.slice(0, 200)} ${reply.status} ${Date.now() - t0}ms`);
  }

  /** The emulator's extension paths (extensions.ts): a small JSON body at most. */
  async #extension(req: IncomingMessage, path: string): Promise<Reply> {
    const raw = await readBody(req, this.limits.maxJsonBytes);
    let body: RequestBody = { kind: 'none' };
    if (extensionTakesBody(path) && raw.length > 0) {
      let value: unknown;
      try { value = JSON.parse(raw.toString('utf8')); } catch { return errorReply('INVALID_ARGUMENT'); }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return errorReply('INVALID_ARGUMENT');
      body = { kind: 'json', value: value as Record<string, unknown> };
    }
    return dispatchExtension(this.device, req.method ?? '', path, body);
  }

  async #run(ep: Endpoint, params: Record<string, string>, req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<Reply> {
    if (expectsContinue) res.writeContinue();
    let body: RequestBody = { kind: 'none' };
    if (ep.body === 'binary') {
      this.#uploads++;
      try {
        body = { kind: 'binary', bytes: await readBody(req, this.limits.maxImageBytes) };
      } finally {
        this.#uploads--;
      }
    } else {
      const raw = await readBody(req, this.limits.maxJsonBytes);
      if ((ep.body === 'json' || ep.body === 'json-optional') && raw.length > 0) {
        let value: unknown;
        try { value = JSON.parse(raw.toString('utf8')); } catch { return errorReply('INVALID_ARGUMENT'); }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return errorReply('INVALID_ARGUMENT');
        body = { kind: 'json', value: value as Record<string, unknown> };
      }
    }
    return dispatch(this.device, ep, params, body);
  }

  #send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    const payload = reply.binary ?? Buffer.from(JSON.stringify(reply.json ?? {}));
    res.statusCode = reply.status;
    res.setHeader('Content-Type', reply.binary ? CONTENT_TYPE.binary : CONTENT_TYPE.json);
    res.setHeader('Content-Length', payload.length);
    const unread = !req.complete;
    if (unread) res.setHeader('Connection', 'close');
    if (reply.after) {
      // A restart happens whether or not the client stays to read the answer.
      const after = reply.after;
      let ran = false;
      const once = () => { if (!ran) { ran = true; after(); } };
      res.once('finish', once);
      res.once('close', once);
    }
    res.end(payload);
    if (unread) this.#discard(req);
  }

  /** Drops what is left of a refused request's body for a while, then closes, so the client can read our answer first. */
  #discard(req: IncomingMessage): void {
    let n = 0;
    const stop = setTimeout(() => req.socket.destroy(), DISCARD_TIME_MS);
    stop.unref();
    // Past the limit, stop reading (the sender stalls on a full window) but keep the socket until the timer, so our answer gets out.
    req.on('data', (c: Buffer) => { n += c.length; if (n > DISCARD_LIMIT) req.pause(); });
    req.on('end', () => clearTimeout(stop));
    req.on('error', () => {});
    req.resume();
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const a = this.server.address();
        resolve({ host, port: typeof a === 'object' && a ? a.port : port });
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
