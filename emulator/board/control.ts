/**
 * The emulator's local control channel: a 0600 Unix socket (`<state>/control.sock`, or a short
 * private name under the temporary folder when that path is too long) that takes one JSON
 * request per line and answers one JSON line. It carries what a person or a script does to the
 * board and asks of the running apps (`sphere emulator io`, the app runtime's status) — never
 * through the device REST API, which stays the device's.
 */
import { createConnection, createServer, type Server } from 'node:net';
import { listenLocal, localSocketPath, type LocalListener } from './local-socket';

const MAX_REQUEST = 64 * 1024;

export function controlSocketPath(stateDir: string): string {
  return localSocketPath(stateDir, 'control');
}

/** Request name → handler; a handler's throw becomes `{ "error": message }`. */
export type ControlHandlers = Record<string, (args: Record<string, unknown>) => unknown>;

export type ControlServer = LocalListener;

export async function serveControl(path: string, handlers: ControlHandlers): Promise<ControlServer> {
  const server: Server = createServer((socket) => {
    let buf = '';
    socket.setTimeout(30_000, () => socket.destroy());
    socket.on('error', () => {});
    // Answers go out in the order the requests came, even when a handler answers later (a promise).
    let queue: Promise<void> = Promise.resolve();
    socket.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      if (buf.length > MAX_REQUEST) { socket.destroy(); return; }
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let answer: unknown;
        try {
          const req = JSON.parse(line) as { op?: unknown; args?: unknown };
          const h = typeof req.op === 'string' ? handlers[req.op] : undefined;
          if (!h) answer = { error: `unknown request "${String(req.op)}"; the control channel takes ${Object.keys(handlers).join(', ')}` };
          else answer = { result: h((req.args ?? {}) as Record<string, unknown>) ?? null };
        } catch (e) {
          answer = { error: (e as Error).message };
        }
        const a = answer as { result?: unknown };
        if (a.result instanceof Promise) {
          const p = a.result.then((result: unknown) => ({ result: result ?? null }), (e: Error) => ({ error: e.message }));
          queue = queue.then(() => p).then((x) => { socket.write(JSON.stringify(x) + '\n'); });
        } else {
          const text = JSON.stringify(answer) + '\n';
          queue = queue.then(() => { socket.write(text); });
        }
      }
    });
  });
  return listenLocal(server, path);
}

export class ControlError extends Error {
  constructor(message: string, readonly unreachable: boolean) { super(message); }
}

/** One request over the control channel; rejects with ControlError (unreachable, or the emulator's error). */
export function controlRequest(path: string, op: string, args: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const s = createConnection(path);
    let data = '';
    const timer = setTimeout(() => { s.destroy(); reject(new ControlError(`no answer within ${Math.round(timeoutMs / 1000)} s`, true)); }, timeoutMs);
    s.on('connect', () => s.write(JSON.stringify({ op, args }) + '\n'));
    s.on('data', (c: Buffer) => {
      data += c.toString('utf8');
      const nl = data.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      s.end();
      try {
        const a = JSON.parse(data.slice(0, nl)) as { result?: unknown; error?: string };
        if (a.error !== undefined) reject(new ControlError(a.error, false));
        else resolve(a.result);
      } catch (e) {
        reject(new ControlError(`a garbled answer (${(e as Error).message})`, false));
      }
    });
    s.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); reject(new ControlError(`nothing answers on "${path}" (${e.code ?? e.message})`, true)); });
  });
}
