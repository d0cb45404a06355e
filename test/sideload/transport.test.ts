/**
 * The HTTPS transport against servers whose certificates OpenSSL made: the pinned CA and the
 * `*.devices.sphere.azure.local` name are enforced whatever address is dialled, the Host header is
 * the device name, connections are kept alive, deadlines hold, an upload cut off mid-way reports
 * a reset, and upload progress reaches the total. A raw TLS double then checks the HTTP/1.1 reading:
 * chunked and close-delimited answers, 100 Continue, connection reuse and replacement, garbage.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createServer as createTcpServer } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { httpsTransport, MAX_RESPONSE_BYTES, TransportError, type Transport } from '../../sideload/index';
import { tempDir } from '../helpers';
import { httpsDouble, opensslChain, opensslExpired, opensslPki, type Pki } from './helpers';

const t = tempDir('sphere-transport-');
const good = opensslPki(join(t.dir, 'pki'), 'good', 'DNS:*.devices.sphere.azure.local');
const other = opensslPki(join(t.dir, 'pki'), 'other', 'DNS:*.devices.sphere.azure.local');
const wrongName = opensslPki(join(t.dir, 'pki'), 'wrongname', 'DNS:device.example.com,IP:127.0.0.1');

async function failure(p: Promise<unknown>): Promise<TransportError> {
  try { await p; } catch (e) { if (e instanceof TransportError) return e; throw e; }
  throw new Error('expected a transport error');
}

function transportTo(port: number, pki: Pki): Transport {
  return httpsTransport({ host: '127.0.0.1', port, caPem: pki.caPem, connectTimeoutMs: 2000 });
}

const test = suite('httpsTransport');
test('pins the device CA, checks the device name, sends Host and keeps the connection alive', async () => {
  const hosts: string[] = [];
  const d = await httpsDouble(good, (req, res) => { hosts.push(String(req.headers.host)); res.setHeader('REST-API-Version', '4.6.0'); res.end('{"uptime":7}'); });
  const tr = transportTo(d.port, good);
  try {
    const a = await tr.request({ method: 'GET', path: '/status', timeoutMs: 5000 });
    const b = await tr.request({ method: 'GET', path: '/status', timeoutMs: 5000 });
    assert.is(a.status, 200);
    assert.is(a.headers['rest-api-version'], '4.6.0');
    assert.equal(JSON.parse(b.body.toString()), { uptime: 7 });
    assert.equal(hosts, ['*.devices.sphere.azure.local', '*.devices.sphere.azure.local']);
    assert.is(d.connections(), 1, 'one TLS connection for both requests');
  } finally { tr.close(); await d.close(); }
});
test('refuses a server whose certificate another CA issued, before sending it a byte of the request', async () => {
  let requests = 0;
  const d = await httpsDouble(other, (_q, res) => { requests++; res.end('{}'); });
  const tr = transportTo(d.port, good);
  try {
    const e = await failure(tr.request({ method: 'PUT', path: '/update/stage', body: new Uint8Array(1000), timeoutMs: 5000 }));
    assert.is(e.failure, 'tls-untrusted');
    assert.match(e.message, /does not lead to the pinned CA "CN=good test device CA"/);
    await new Promise((r) => setTimeout(r, 50));
    assert.is(requests, 0, 'the impostor saw no request');
  } finally { tr.close(); await d.close(); }
});
test('accepts a chain through an intermediate CA the device sends', async () => {
  const chain = opensslChain(join(t.dir, 'chain'));
  const d = await httpsDouble(chain, (_q, res) => res.end('{"uptime":1}'));
  const tr = transportTo(d.port, chain);
  try {
    assert.is((await tr.request({ method: 'GET', path: '/status', timeoutMs: 5000 })).status, 200);
  } finally { tr.close(); await d.close(); }
});
test('refuses an expired device certificate even from the pinned CA', async () => {
  const old = opensslExpired(join(t.dir, 'pki'), good, 'expired');
  const d = await httpsDouble(old, (_q, res) => res.end('{}'));
  const tr = transportTo(d.port, good);
  try {
    const e = await failure(tr.request({ method: 'GET', path: '/status', timeoutMs: 5000 }));
    assert.is(e.failure, 'tls-untrusted');
    assert.match(e.message, /outside its validity period/);
  } finally { tr.close(); await d.close(); }
});
test('refuses a pinned-CA certificate that is not issued for the device name, even for the dialled IP', async () => {
  const d = await httpsDouble(wrongName, (_q, res) => res.end('{}'));
  const tr = transportTo(d.port, wrongName);
  try {
    assert.is((await failure(tr.request({ method: 'GET', path: '/status', timeoutMs: 5000 }))).failure, 'tls-name');
  } finally { tr.close(); await d.close(); }
});
test('a closed port is "refused"', async () => {
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const tr = transportTo(port, good);
  try {
    assert.is((await failure(tr.request({ method: 'GET', path: '/status', timeoutMs: 5000 }))).failure, 'refused');
  } finally { tr.close(); }
});
test('a device that never answers hits the deadline', async () => {
  const d = await httpsDouble(good, () => { /* never answers */ });
  const tr = transportTo(d.port, good);
  const t0 = Date.now();
  try {
    assert.is((await failure(tr.request({ method: 'GET', path: '/status', timeoutMs: 300 }))).failure, 'timeout');
    assert.ok(Date.now() - t0 < 3000);
  } finally { tr.close(); await d.close(); }
});
test('a device that dies mid-upload is a reset; progress was reported up to the total', async () => {
  let received = 0;
  const d = await httpsDouble(good, (req) => { req.on('data', (c: Buffer) => { received += c.length; if (received > 256 * 1024) req.socket.destroy(); }); });
  const tr = transportTo(d.port, good);
  const seen: number[] = [];
  try {
    const body = new Uint8Array(2 * 1024 * 1024);
    const e = await failure(tr.request({ method: 'PUT', path: '/update/stage', body, timeoutMs: 10_000, onProgress: (s) => seen.push(s) }));
    assert.is(e.failure, 'reset', e.message);
    assert.ok(seen.length > 1);
  } finally { tr.close(); await d.close(); }
});
test('a full upload reports progress to the total and arrives intact', async () => {
  let received = 0;
  const d = await httpsDouble(good, (req, res) => { req.on('data', (c: Buffer) => { received += c.length; }); req.on('end', () => res.end('{}')); });
  const tr = transportTo(d.port, good);
  const seen: Array<[number, number]> = [];
  try {
    const body = new Uint8Array(1024 * 1024 + 17);
    const r = await tr.request({ method: 'PUT', path: '/update/stage', body, timeoutMs: 10_000, onProgress: (s, n) => seen.push([s, n]) });
    assert.is(r.status, 200);
    assert.is(received, body.length);
    assert.equal(seen.at(-1), [body.length, body.length]);
    assert.ok(seen.every(([s], i) => i === 0 || s > seen[i - 1]![0]), 'monotonic');
  } finally { tr.close(); await d.close(); }
});
test('an upload nobody watches arrives byte for byte; a device dying under it is still a reset', async () => {
  const hash = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const chunks: Buffer[] = [];
  const d = await httpsDouble(good, (req, res) => { req.on('data', (c: Buffer) => chunks.push(c)); req.on('end', () => res.end('{}')); });
  const tr = transportTo(d.port, good);
  try {
    const body = new Uint8Array(3 * 1024 * 1024 + 5);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 9)) & 0xff;
    const r = await tr.request({ method: 'PUT', path: '/update/stage', body, timeoutMs: 10_000 });
    assert.is(r.status, 200);
    assert.is(hash(Buffer.concat(chunks)), hash(body));
  } finally { tr.close(); await d.close(); }
  let received = 0;
  const dying = await httpsDouble(good, (req) => { req.on('data', (c: Buffer) => { received += c.length; if (received > 256 * 1024) req.socket.destroy(); }); });
  const tr2 = transportTo(dying.port, good);
  try {
    const e = await failure(tr2.request({ method: 'PUT', path: '/update/stage', body: new Uint8Array(2 * 1024 * 1024), timeoutMs: 10_000 }));
    assert.is(e.failure, 'reset', e.message);
  } finally { tr2.close(); await dying.close(); }
});
/** Listens on a free loopback port; resolves to it. */
async function listen(server: ReturnType<typeof createTlsServer>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return typeof a === 'object' && a ? a.port : 0;
}

/**
 * A device double that answers at the byte level: `reply` gets each request's head (and the
 * socket) and writes whatever it likes, so the HTTP reading is tested on answers Node's own server
 * never writes (chunks, close-delimited bodies, 100 Continue, garbage).
 */
async function rawDouble(reply: (head: string, socket: TLSSocket, n: number) => void): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  let n = 0;
  const sockets = new Set<TLSSocket>();
  const server = createTlsServer({ cert: good.certPem, key: good.keyPem }, (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let i = buf.indexOf('\r\n\r\n'); i >= 0; i = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, i);
        const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < i + 4 + len) return;
        buf = buf.slice(i + 4 + len);
        reply(head, socket, n++);
      }
    });
  });
  const port = await listen(server);
  return { port, connections: () => connections, close: () => new Promise((r) => { for (const x of sockets) x.destroy(); server.close(() => r()); }) };
}

const http = suite('httpsTransport HTTP/1.1 reading');
http('reads chunked answers (with extensions and trailers) and keeps the connection', async () => {
  const d = await rawDouble((_h, s) => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nREST-API-Version: 4.6.0\r\n\r\n7;ext=1\r\n{"a":12\r\n1\r\n}\r\n0\r\nX-Trailer: 1\r\n\r\n'));
  const tr = transportTo(d.port, good);
  try {
    for (let i = 0; i < 2; i++) {
      const r = await tr.request({ method: 'GET', path: '/status', timeoutMs: 5000 });
      assert.equal(JSON.parse(r.body.toString()), { a: 12 });
      assert.is(r.headers['rest-api-version'], '4.6.0');
    }
    assert.is(d.connections(), 1);
  } finally { tr.close(); await d.close(); }
});
http('skips 100 Continue, joins repeated headers, and reads a body that runs to the close', async () => {
  const d = await rawDouble((_h, s) => { s.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nX-A: 1\r\nx-a: 2\r\n\r\n{"done":'); setTimeout(() => s.end('true}'), 20); });
  const tr = transportTo(d.port, good);
  try {
    const r = await tr.request({ method: 'POST', path: '/update/install', body: new TextEncoder().encode('{}'), timeoutMs: 5000 });
    assert.is(r.status, 201);
    assert.is(r.headers['x-a'], '1, 2');
    assert.equal(JSON.parse(r.body.toString()), { done: true });
    // That connection ended with the body: the next request opens another.
    await tr.request({ method: 'GET', path: '/status', timeoutMs: 5000 }).catch(() => undefined);
    assert.is(d.connections(), 2);
  } finally { tr.close(); await d.close(); }
});
http('"Connection: close", or a device closing the idle connection, means a new connection for the next request', async () => {
  const d = await rawDouble((h, s, n) => {
    if (n === 0) s.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}');
    else { s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'); setTimeout(() => s.end(), 10); }
    void h;
  });
  const tr = transportTo(d.port, good);
  try {
    await tr.request({ method: 'GET', path: '/a', timeoutMs: 5000 });
    await tr.request({ method: 'GET', path: '/b', timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 50)); // the device closes the kept connection meanwhile
    const r = await tr.request({ method: 'GET', path: '/c', timeoutMs: 5000 });
    assert.is(r.status, 200);
    assert.is(d.connections(), 3);
  } finally { tr.close(); await d.close(); }
});
http('an answer that is not HTTP, a bad chunk, or one cut short is an error naming it, not a hang', async () => {
  const answers = ['SSH-2.0-OpenSSH\r\n\r\n', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"a"'];
  for (const [i, text] of answers.entries()) {
    const d = await rawDouble((_h, s) => { s.write(text); if (i === 2) setTimeout(() => s.destroy(), 10); });
    const tr = transportTo(d.port, good);
    try {
      const e = await failure(tr.request({ method: 'GET', path: '/status', timeoutMs: 3000 }));
      assert.is(e.failure, i === 2 ? 'reset' : 'other', e.message);
      assert.match(e.message, i === 2 ? /mid-answer/ : /not valid HTTP/);
    } finally { tr.close(); await d.close(); }
  }
});
http('an answer announcing more than the size limit is refused as too large, at once and without reading it', async () => {
  const d = await rawDouble((_h, s) => s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${MAX_RESPONSE_BYTES + 1}\r\n\r\n{`));
  const tr = transportTo(d.port, good);
  try {
    const e = await failure(tr.request({ method: 'GET', path: '/log', timeoutMs: 3000 }));
    assert.is(e.failure, 'too-large');
    assert.is(e.sent, true, 'the request went out: the device may have acted');
    assert.match(e.message, `exceeds ${MAX_RESPONSE_BYTES} bytes`);
  } finally { tr.close(); await d.close(); }
});
http('requests made together go one after the other on the one connection', async () => {
  const order: string[] = [];
  const d = await rawDouble((h, s) => { order.push(h.split(' ')[1]!); setTimeout(() => s.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}`), 5); });
  const tr = transportTo(d.port, good);
  try {
    await Promise.all(['/1', '/2', '/3'].map((path) => tr.request({ method: 'GET', path, timeoutMs: 5000 })));
    assert.equal(order, ['/1', '/2', '/3']);
    assert.is(d.connections(), 1);
  } finally { tr.close(); await d.close(); }
});

http('a device that stops reading holds the upload back: progress waits for it instead of running ahead', async () => {
  let paused: TLSSocket | undefined;
  let received = 0;
  const server = createTlsServer({ cert: good.certPem, key: good.keyPem }, (socket) => {
    socket.on('error', () => {});
    paused = socket;
    socket.pause();
    socket.on('data', (c: Buffer) => { received += c.length; });
  });
  const tr = transportTo(await listen(server), good);
  const total = 48 * 1024 * 1024;
  let shown = 0;
  try {
    const upload = tr.request({ method: 'PUT', path: '/update/stage', body: new Uint8Array(total), timeoutMs: 20_000, onProgress: (s) => { shown = s; } });
    upload.catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(shown > 0, 'the upload started');
    assert.ok(shown < total / 2, `with the device not reading, ${shown} of ${total} bytes were reported as sent`);
    paused!.resume();
    for (let i = 0; i < 200 && shown < total; i++) await new Promise((r) => setTimeout(r, 25));
    assert.is(shown, total, 'once it reads, the rest goes');
    assert.ok(received > total / 2);
  } finally { tr.close(); paused?.destroy(); await new Promise((r) => server.close(() => r(undefined))); }
});

test.after(() => t.done());
test.run();
http.run();
