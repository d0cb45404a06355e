/**
 * The PC-side device service (spec/device-rest-api.md §1, "Device Communication Service"): plain
 * HTTP on `localhost:48938` that existing device clients ask which devices are attached —
 * `GET /api/service/devices` → `[{"IpAddress": "192.168.35.2", "DeviceConnectionPath": "…"}]`,
 * `PUT /api/service/devices/rescan` → the number of devices. Spherekit serves it for the running
 * emulators (read from the registry at each request) and the boards that accept connections at
 * the service addresses. It answers local connections only: it listens on 127.0.0.1 and ::1, and
 * closes any connection from elsewhere. No `REST-API-Version` header: this is not a device.
 *
 * An emulator's `IpAddress` is its listen address, with `:port` when that is not 443 (a client
 * reaches it only there); its `DeviceConnectionPath` is its emulator name (what `--device` takes).
 * A board's path is empty, as on Linux.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { DEFAULT_DEVICE_PORT } from './protocol/index';

export const DEVICE_SERVICE_PORT = 48938;
/** Overrides the port (tests, or a machine where 48938 is taken); the default is the device service's own. */
export const DEVICE_SERVICE_PORT_ENV = 'SPHERE_DEVICE_SERVICE_PORT';
export const DEVICE_SERVICE_PATHS = { devices: '/api/service/devices', rescan: '/api/service/devices/rescan' } as const;
/** Where `sphere device service start --detach` records the running service: beside the emulator registry, hidden from it. */
export const DEVICE_SERVICE_RECORD = '.device-service.json';

export interface ServiceDevice { IpAddress: string; DeviceConnectionPath: string }

export interface ServiceRecord { pid: number; port: number; hosts: string[]; startedAt: string }

export interface DeviceServiceOptions {
  port?: number;
  /** The devices now: emulators and reachable boards (asked at every request). */
  devices: () => Promise<ServiceDevice[]>;
  /** One line per request. */
  log?: (line: string) => void;
}

export interface RunningDeviceService { port: number; hosts: string[]; close(): Promise<void> }

/** The port to use: `SPHERE_DEVICE_SERVICE_PORT` when set, else 48938. */
export function deviceServicePort(env: Readonly<Record<string, string | undefined>>): number {
  const v = env[DEVICE_SERVICE_PORT_ENV];
  if (v === undefined || v === '') return DEVICE_SERVICE_PORT;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new RangeError(`${DEVICE_SERVICE_PORT_ENV} must be a port number, not "${v}"`);
  return n;
}

/** The address a client should use for a device at host:port. */
export function serviceAddressOf(host: string, port: number): string {
  if (port === DEFAULT_DEVICE_PORT) return host;
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || /^127\./.test(a);
}

function _send(res: ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': payload.length });
  res.end(payload);
}

async function _handle(o: DeviceServiceOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
  const log = (status: number) => o.log?.(`${req.method} ${path} ${status}`);
  if (!isLoopback(req.socket.remoteAddress)) { req.socket.destroy(); return; }
  try {
    if (path === DEVICE_SERVICE_PATHS.devices && req.method === 'GET') { _send(res, 200, await o.devices()); log(200); return; }
    if (path === DEVICE_SERVICE_PATHS.rescan && req.method === 'PUT') { _send(res, 200, (await o.devices()).length); log(200); return; }
    _send(res, 404, { error: `no ${req.method} ${path}` }); log(404);
  } catch (e) {
    _send(res, 500, { error: (e as Error).message }); log(500);
  }
}

function _listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen({ host, port, ipv6Only: host === '::1' }, () => {
      server.off('error', onError);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

/**
 * Serves the device service on 127.0.0.1 and, where the host has IPv6 loopback, ::1 (same port).
 * A port in use on 127.0.0.1 is an error (EADDRINUSE); ::1 missing is not.
 */
export async function serveDeviceService(o: DeviceServiceOptions): Promise<RunningDeviceService> {
  const make = () => {
    const s = createServer((req, res) => { void _handle(o, req, res); });
    s.on('connection', (sock) => { if (!isLoopback(sock.remoteAddress)) sock.destroy(); });
    s.headersTimeout = 10_000;
    s.requestTimeout = 30_000;
    return s;
  };
  const v4 = make();
  const port = await _listen(v4, '127.0.0.1', o.port ?? DEVICE_SERVICE_PORT);
  const servers = [v4];
  const hosts = ['127.0.0.1'];
  const v6 = make();
  try {
    await _listen(v6, '::1', port);
    servers.push(v6);
    hosts.push('::1');
  } catch { /* no IPv6 loopback here, or ::1 taken: 127.0.0.1 serves alone */ }
  return {
    port, hosts,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); }))).then(() => undefined),
  };
}
