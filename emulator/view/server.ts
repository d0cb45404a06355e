/**
 * The live board page (`sphere emulator view`): a plain HTTP server inside the running emulator,
 * on 127.0.0.1 by default, that serves the embedded page and streams the board's state to it with
 * server-sent events. Reading the state and changing it (pressing a button, turning the knob,
 * writing to a UART) need the emulator's page token (`<state>/view-token`, mode 0600, in the URL
 * `view` prints); without it the answer is 403. The Host header must name this server by address
 * (so a rebound DNS name cannot reach it) and a browser's Origin must be the page's own, so
 * another site open in the same browser can neither read nor drive the board.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Device } from '../device';
import type { AppLogLine } from '../runtime/index';
import { readAppLog } from '../runtime/index';
import { viewAssets } from './assets';
import { layoutOf, snapshotOf } from './snapshot';
import { checkToken, loadOrCreateViewToken } from './token';

export interface ViewOptions { host?: string; port?: number; boardName?: string }

export interface ViewServer {
  host: string;
  port: number;
  token: string;
  /** The page's address with the token. */
  url: string;
  /** Called with what an app wrote to a UART (run.ts taps the device's UART output). */
  uartTx(isu: number, data: Uint8Array): void;
  close(): Promise<void>;
}

/** At most this often a state event per client; changes in between are merged into the next. */
const MIN_STATE_GAP_MS = 15;
/** App states and the security state have no change signal: they are compared this often. */
const POLL_MS = 250;
const LOG_BACKLOG = 200;
const MAX_BODY = 16 * 1024;
/** Pages open at once; one more gets 503 (each holds a connection and is sent every change). */
const MAX_CLIENTS = 32;

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

const isLoopback = (h: string) => h === '127.0.0.1' || h === '::1' || h === 'localhost' || h.startsWith('127.');

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startView(d: Device, o: ViewOptions = {}): Promise<ViewServer> {
  const host = o.host ?? '127.0.0.1';
  const token = loadOrCreateViewToken(d.stateDir);
  const layout = layoutOf(d, o.boardName ?? 'MT3620 RDB');
  const assets = await viewAssets();
  const clients = new Set<ServerResponse>();
  let port = 0;

  /** The Host header names this server by an address (or localhost), on its port. */
  const hostAllowed = (h: string | undefined): boolean => {
    if (!h) return false;
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(h);
    if (!m || Number(m[3]) !== port) return false;
    const name = (m[1] ?? m[2]!).toLowerCase();
    if (isLoopback(name)) return true;
    if (name === host) return true;
    // Listening on every interface: any address of this machine, never a name (DNS rebinding).
    return (host === '0.0.0.0' || host === '::') && isIP(name) !== 0;
  };

  const send = (res: ServerResponse, status: number, type: string, body: string | Uint8Array) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const refuse = (res: ServerResponse, status: number, why: string) => send(res, status, 'text/plain; charset=utf-8', why + '\n');

  const event = (res: ServerResponse, name: string, data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  const broadcast = (name: string, data: unknown) => { for (const c of clients) event(c, name, data); };

  // ---- live state: sent when the board signals a change (merged), or app/security state moved
  let lastKey = '';
  let lastSent = 0;
  let pending: NodeJS.Timeout | NodeJS.Immediate | undefined;
  let seq = 0;
  const flush = () => {
    pending = undefined;
    const s = snapshotOf(d);
    const key = JSON.stringify({ ...s, clock: undefined });
    if (key === lastKey) return;
    lastKey = key;
    lastSent = performance.now();
    broadcast('state', { ...s, seq: ++seq });
  };
  const changed = () => {
    if (pending || clients.size === 0) return;
    const wait = MIN_STATE_GAP_MS - (performance.now() - lastSent);
    pending = wait > 0 ? setTimeout(flush, wait) : setImmediate(flush);
  };
  const poll = setInterval(changed, POLL_MS);
  poll.unref();
  d.board.watchers.add(changed);
  const onLog = (l: AppLogLine) => broadcast('log', l);
  d.runtime.log.listeners.add(onLog);

  const actions: Record<string, (a: Record<string, unknown>) => unknown> = {
    button: (a) => {
      const part = d.board.button(String(a['button'] ?? ''));
      if (typeof a['pressed'] !== 'boolean') throw new RangeError('"pressed" must be true or false');
      const active = part.activeLow ? 0 : 1;
      d.board.setInput(part.gpio, a['pressed'] ? active : (1 - active) as 0 | 1);
      return { button: part.name, pressed: a['pressed'] };
    },
    adc: (a) => {
      d.board.setAdc(Number(a['channel']), Number(a['value']));
      return { channel: a['channel'], value: a['value'] };
    },
    uart: (a) => {
      const isu = /^ISU([0-4])$/.exec(String(a['uart'] ?? ''));
      if (!isu || !layout.uarts.includes(isu[0])) throw new RangeError(`no UART "${String(a['uart'])}" on this board; it has ${layout.uarts.join(', ') || 'none'}`);
      if (typeof a['text'] !== 'string' || a['text'].length > 4096) throw new RangeError('"text" must be a string of at most 4096 characters');
      d.runtime.uartRx(Number(isu[1]), Buffer.from(a['text'], 'utf8'));
      return { uart: isu[0], bytes: Buffer.byteLength(a['text']) };
    },
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req.headers.host)) return refuse(res, 403, 'Forbidden: the Host header must name this server by its address (127.0.0.1).');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) return refuse(res, 403, 'Forbidden: requests from another site are refused.');
    const url = new URL(req.url ?? '/', 'http://x');
    const given = url.searchParams.get('token') ?? (typeof req.headers['x-sphere-token'] === 'string' ? req.headers['x-sphere-token'] : undefined);
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) return send(res, 200, 'text/html; charset=utf-8', assets.html);
    if (req.method === 'GET' && url.pathname === '/board.js') return send(res, 200, 'text/javascript; charset=utf-8', assets.js);
    if (req.method === 'GET' && url.pathname === '/board.css') return send(res, 200, 'text/css; charset=utf-8', assets.css);
    if (!checkToken(token, given)) return refuse(res, 403, 'Forbidden: this needs the page token. Open the URL "sphere emulator view" prints.');
    if (req.method === 'GET' && url.pathname === '/events') {
      if (clients.size >= MAX_CLIENTS) return refuse(res, 503, `Busy: ${MAX_CLIENTS} pages are open already. Close one.`);
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
      res.socket?.setNoDelay(true);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      d.runtime.log.flush();
      event(res, 'layout', layout);
      event(res, 'state', { ...snapshotOf(d), seq });
      event(res, 'backlog', readAppLog(d.stateDir).slice(-LOG_BACKLOG));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/state') return send(res, 200, 'application/json', JSON.stringify({ layout, state: snapshotOf(d) }));
    const action = /^\/api\/([a-z]+)$/.exec(url.pathname)?.[1];
    if (req.method === 'POST' && action && actions[action]) {
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return refuse(res, 415, 'Unsupported: send the request body as application/json.');
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString('utf8'); if (body.length > MAX_BODY) req.destroy(); });
      req.on('end', () => {
        try {
          const a = JSON.parse(body || '{}') as Record<string, unknown>;
          send(res, 200, 'application/json', JSON.stringify(actions[action]!(a)));
        } catch (e) {
          refuse(res, 400, `Bad request: ${(e as Error).message}.`);
        }
      });
      return;
    }
    return refuse(res, 404, 'Not found.');
  };

  const server: Server = createServer(handle);
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  port = (server.address() as { port: number }).port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    host, port, token,
    url: `http://${hostPort(shown, port)}/?token=${token}`,
    uartTx(isu, data) {
      if (clients.size) broadcast('uart', { uart: `ISU${isu}`, text: Buffer.from(data).toString('utf8') });
    },
    close: () => new Promise<void>((resolve) => {
      clearInterval(poll);
      if (pending) { clearTimeout(pending as NodeJS.Timeout); clearImmediate(pending as NodeJS.Immediate); }
      d.board.watchers.delete(changed);
      d.runtime.log.listeners.delete(onLog);
      for (const c of clients) c.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
