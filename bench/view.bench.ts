/**
 * Board page latency (issue acceptance 5, first half): from an LED change on the board (what the
 * runtime records when an app's GPIO_SetValue reaches the host) to the page's event stream
 * delivering the new state, over loopback HTTP to an SSE client parsing the stream as a browser
 * does. Median and p99 of 300 changes, alternating with the same measurement against a bare SSE
 * echo (a minimal node:http server that writes one fixed event when told, to the same kind of
 * client, in the same process): the floor that any server-sent-event page pays here. Also shown,
 * for comparison: the same change observed by one `io.show` over the control channel (the
 * fastest a poller of `sphere emulator io show` could see it, before any poll interval).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlRequest, startEmulator } from '../emulator/index';
import type { BenchRow } from './run';

const CHANGES = 300;
const GAP_MS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** An SSE client: calls `onEvent(name, data)` for each event of the stream. */
function sse(port: number, path: string, onEvent: (name: string, data: string) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Accept: 'text/event-stream' }, agent: false }, (res) => {
      if (res.statusCode !== 200) { reject(new Error(`SSE ${path}: ${res.statusCode}`)); return; }
      res.socket.setNoDelay(true);
      let buf = '';
      res.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          let name = 'message', data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) name = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          onEvent(name, data);
        }
      });
      resolve(() => req.destroy());
    });
    req.on('error', reject);
    req.end();
  });
}

/** The reference: a bare SSE server that sends one event each time `fire` is called. */
async function bareEcho(): Promise<{ port: number; fire: () => void; close: () => Promise<void> }> {
  const clients = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    clients.add(res);
    req.on('close', () => clients.delete(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    fire: () => setImmediate(() => { for (const c of clients) c.write(`event: state\ndata: {"lit":true}\n\n`); }),
    close: () => new Promise((r) => { for (const c of clients) c.destroy(); server.close(() => r()); }),
  };
}

export default async function bench(): Promise<BenchRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'sphere-bench-view-'));
  const emu = await startEmulator({ stateDir: join(work, 'state'), capabilities: [11] });
  const bare = await bareEcho();
  try {
    const d = emu.device;
    const view = await controlRequest(emu.entry.control!, 'view.open') as { url: string; port: number };
    const token = new URL(view.url).searchParams.get('token')!;
    // What the runtime does for an app that opened GPIO 8 (LED 1 red) as an output and drives it.
    d.board.appOpened(8, 'output');
    d.board.appDrove([[8, 1, 0]], 0);

    let waitPage: ((lit: boolean) => void) | undefined;
    const stopPage = await sse(view.port, `/events?token=${token}`, (name, data) => {
      if (name === 'state') waitPage?.((JSON.parse(data) as { parts: Record<string, { lit: boolean }> }).parts['led1_red']!.lit);
    });
    let waitBare: (() => void) | undefined;
    const stopBare = await sse(bare.port, '/', () => waitBare?.());
    await sleep(200);

    const page: number[] = [];
    const echo: number[] = [];
    const poll: number[] = [];
    let level = 1;
    for (let i = 0; i < CHANGES; i++) {
      // The page: the LED changes, then the state event that shows it arrives.
      level = 1 - level;
      const want = level === 0; // active low: 0 = lit
      const seen = new Promise<void>((done) => { waitPage = (lit) => { if (lit === want) done(); }; });
      const t0 = performance.now();
      d.board.appDrove([[8, level, i * 1e6]], 0);
      await seen;
      page.push(performance.now() - t0);
      await sleep(GAP_MS);
      // The reference: a bare SSE echo of one event.
      const got = new Promise<void>((done) => { waitBare = done; });
      const t1 = performance.now();
      bare.fire();
      await got;
      echo.push(performance.now() - t1);
      // For comparison: one io.show over the control channel right after a change.
      if (i % 3 === 0) {
        level = 1 - level;
        const t2 = performance.now();
        d.board.appDrove([[8, level, i * 1e6 + 5e5]], 0);
        const v = await controlRequest(emu.entry.control!, 'io.show') as { parts: Record<string, { lit: boolean }> };
        if (v.parts['led1_red']!.lit !== (level === 0)) throw new Error('io.show did not see the change');
        poll.push(performance.now() - t2);
        await sleep(GAP_MS);
      }
    }
    stopPage();
    stopBare();
    const m = quantile(page, 0.5), p99 = quantile(page, 0.99);
    const rm = quantile(echo, 0.5), rp99 = quantile(echo, 0.99);
    return [
      { name: 'LED change → board page state event, median', value: m, unit: 'ms', reference: rm, ratio: m / rm, target: 'vs a bare SSE echo' },
      { name: 'LED change → board page state event, p99', value: p99, unit: 'ms', reference: rp99, ratio: p99 / rp99, target: 'vs a bare SSE echo' },
      { name: 'LED change → one control-channel io.show, median (comparison)', value: quantile(poll, 0.5), unit: 'ms' },
    ];
  } finally {
    await bare.close();
    await emu.close();
    rmSync(work, { recursive: true, force: true });
  }
}
