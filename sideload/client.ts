/**
 * The device REST client (spec/device-rest-api.md §2, §3): one call per endpoint of the contract,
 * the device's `REST-API-Version` read once and used to refuse calls the device is too old for,
 * a bounded retry when the device answers "busy", per-request deadlines (longer for uploads), and
 * every failure turned into one typed error line. I/O goes through an injectable `Transport`.
 */
import { DeviceError } from '../image-builder/errors';
import {
  compareApiVersions, CONTENT_TYPE, DEVICE_ERROR, endpoint, endpointPath, hasApiFeature, REST_API_VERSION_HEADER, type Endpoint,
} from './protocol/index';
import { errorFromAnswer, errorFromTransport } from './errors';
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS, uploadTimeoutMs, type RetryPolicy, type Timeouts } from './settings';
import { TransportError, type Transport, type TransportResponse } from './transport';

export interface DeviceClientOptions {
  transport: Transport;
  /** How messages name the device, e.g. `emulator "dev"` or `board 192.168.35.2`. */
  label?: string;
  /** Where the pinned CA came from, for TLS messages. */
  caSource?: string;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** Told before each wait on a busy device (the CLI prints a note). */
  onBusy?: (attempt: number, delayMs: number) => void;
}

export interface CallOptions {
  /** Fills the path's `{param}` segments. */
  params?: Record<string, string | number>;
  /** A JSON body, or raw bytes for an upload. */
  body?: unknown;
  /** What the call does, for messages: `start app "<id>"`. */
  action: string;
  timeoutMs?: number;
  onProgress?: (sent: number, total: number) => void;
  /** Skip the version gate (the version probe itself, and restart polling). */
  ungated?: boolean;
}

export interface ClientStats {
  requests: number;
  busyRetries: number;
  /** Sum of the device's own `Server-Timing` durations, when it reports them (the emulator does). */
  serverMs: number;
}

/** The oldest REST-API-Version in the spec's history. */
const FIRST_API_VERSION = '1.0.0';

const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class DeviceClient {
  readonly transport: Transport;
  readonly label: string;
  readonly timeouts: Timeouts;
  readonly retry: RetryPolicy;
  readonly stats: ClientStats = { requests: 0, busyRetries: 0, serverMs: 0 };
  readonly #caSource: string;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #onBusy: ((attempt: number, delayMs: number) => void) | undefined;
  /** undefined = not read yet; null = the device sent no version header. */
  #version: string | null | undefined;

  constructor(o: DeviceClientOptions) {
    this.transport = o.transport;
    this.label = o.label ?? `device ${o.transport.address}`;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...o.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...o.retry };
    this.#caSource = o.caSource ?? 'the pinned CA';
    this.#sleep = o.sleep ?? sleepReal;
    this.#onBusy = o.onBusy;
  }

  /** The device's REST-API-Version (read from GET /status the first time), or undefined if it sends none. */
  async apiVersion(): Promise<string | undefined> {
    if (this.#version === undefined) await this.request('getDeviceStatus', { action: 'read the device status', ungated: true });
    return this.#version ?? undefined;
  }

  /** Throws unless the device's API version has the endpoint. */
  async requireVersion(id: string, action: string): Promise<void> {
    const ep = endpoint(id);
    // Every device has the first version's calls: no need to ask which version it runs.
    if (this.#version === undefined && compareApiVersions(ep.since, FIRST_API_VERSION) <= 0) return;
    const have = await this.apiVersion();
    if (have !== undefined && compareApiVersions(have, ep.since) < 0) {
      throw new DeviceError(
        `Cannot ${action} on ${this.label}: the device does not support ${ep.method} ${ep.path} (${ep.id}), which needs device REST API version ${ep.since}; the device reports version ${have}. Update the device's OS, or use a newer emulator.`,
        { code: 'UNSUPPORTED_API_VERSION' },
      );
    }
  }

  async json<T>(id: string, o: CallOptions): Promise<T> {
    const res = await this.request(id, o);
    if (res.body.length === 0) return {} as T;
    try {
      return JSON.parse(res.body.toString('utf8')) as T;
    } catch {
      throw new DeviceError(`Cannot ${o.action} on ${this.label}: the device returned a response which could not be parsed. Check that this is an Azure Sphere device and retry.`, { code: 'DEVICE_BAD_ANSWER' });
    }
  }

  async binary(id: string, o: CallOptions): Promise<Buffer> {
    return (await this.request(id, o)).body;
  }

  /** One call with gating, retries and error mapping; resolves only on the endpoint's success status. */
  async request(id: string, o: CallOptions): Promise<TransportResponse> {
    const ep = endpoint(id);
    if (!o.ungated) await this.requireVersion(id, o.action);
    const path = endpointPath(id, o.params);
    const { body, headers, upload } = encodeBody(ep, o.body, this.#version ?? undefined);
    const timeoutMs = o.timeoutMs ?? (upload ? uploadTimeoutMs(body!.length, this.timeouts) : this.timeouts.requestMs);
    let resets = 0;
    for (let attempt = 1; ; attempt++) {
      let res: TransportResponse;
      try {
        this.stats.requests++;
        const req: Parameters<Transport['request']>[0] = { method: ep.method, path, headers, timeoutMs };
        if (body) req.body = body;
        if (o.onProgress) req.onProgress = o.onProgress;
        res = await this.transport.request(req);
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        if (e.failure === 'reset' && ep.method === 'GET' && resets < this.retry.idempotentResetRetries) { resets++; continue; }
        throw errorFromTransport(e, { action: o.action, device: this.label, address: this.transport.address, caSource: this.#caSource, upload, timeoutMs });
      }
      this.#observe(res);
      if (res.status === ep.success || (res.status >= 200 && res.status < 300)) return res;
      const code = errorCodeOf(res.body);
      const busy = code === DEVICE_ERROR.DEVICE_BUSY.code || res.status === 503;
      if (busy && attempt < this.retry.busyAttempts) {
        const delay = Math.min(this.retry.busyMaxDelayMs, this.retry.busyBaseDelayMs * 2 ** (attempt - 1));
        this.stats.busyRetries++;
        this.#onBusy?.(attempt, delay);
        await this.#sleep(delay);
        continue;
      }
      const answer: { action: string; device: string; status: number; code?: number; endpoint: string } = { action: o.action, device: this.label, status: res.status, endpoint: ep.id };
      if (code !== undefined) answer.code = code;
      throw errorFromAnswer(answer);
    }
  }

  close(): void {
    this.transport.close();
  }

  #observe(res: TransportResponse): void {
    if (this.#version === undefined) {
      const v = res.headers[REST_API_VERSION_HEADER.toLowerCase()];
      this.#version = v && /^\d+\.\d+(\.\d+)?$/.test(v.trim()) ? v.trim() : null;
    }
    const timing = res.headers['server-timing'];
    if (timing) for (const m of timing.matchAll(/dur=([\d.]+)/g)) this.stats.serverMs += Number(m[1]);
  }
}

function encodeBody(ep: Endpoint, body: unknown, version: string | undefined): { body?: Uint8Array; headers: Record<string, string>; upload: boolean } {
  if (ep.body === 'binary') {
    if (!(body instanceof Uint8Array)) throw new TypeError(`${ep.id} takes the package bytes as a Uint8Array`);
    return { body, headers: { 'Content-Type': CONTENT_TYPE.binary }, upload: true };
  }
  if (ep.body === 'restart') {
    // POST /restart took application/json until API 4.2.0 made it text/plain.
    const type = version !== undefined && !hasApiFeature(version, 'restartTextPlain') ? CONTENT_TYPE.json : CONTENT_TYPE.text;
    return { body: new Uint8Array(0), headers: { 'Content-Type': type }, upload: false };
  }
  if (body === undefined) {
    if (ep.body === 'json') throw new TypeError(`${ep.id} needs a JSON body`);
    return { headers: {}, upload: false };
  }
  return { body: Buffer.from(JSON.stringify(body), 'utf8'), headers: { 'Content-Type': CONTENT_TYPE.json }, upload: false };
}

/** The `{"error": n}` code of an error answer, if the body is one. */
export function errorCodeOf(body: Buffer): number | undefined {
  if (body.length === 0 || body.length > 4096) return undefined;
  try {
    const v = JSON.parse(body.toString('utf8')) as { error?: unknown };
    return typeof v?.error === 'number' && Number.isInteger(v.error) ? v.error : undefined;
  } catch {
    return undefined;
  }
}
