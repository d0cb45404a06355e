/**
 * The HTTPS transport against servers whose certificates OpenSSL made: the pinned CA and the
 * `*.devices.sphere.azure.local` name are enforced whatever address is dialled, the Host header is
 * the device name, connections are kept alive, deadlines hold, an upload cut off mid-way reports
 * a reset, and upload progress reaches the total.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createServer as createTcpServer } from 'node:net';
import { httpsTransport, TransportError, type Transport } from '../../sideload/index';
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
test('an upload nobody watches goes in one write and arrives byte for byte; a device dying under it is still a reset', async () => {
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
test.after(() => t.done());
test.run();
