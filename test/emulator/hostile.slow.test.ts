/**
 * Hostile clients (acceptance 5): malformed JSON, wrong content types, a 1 GiB body, slow-loris
 * connections, connection floods and 50 concurrent sideloads. Each gets the spec's error or the
 * device's busy code, the emulator keeps answering, and its state stays consistent.
 * Timeouts are shortened through the server limits so the suite stays bounded.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { connect as netConnect } from 'node:net';
import { DEVICE_TLS_NAME } from '../../sideload/protocol/index';
import { FIXTURE, fixtureBytes, install, stage, testEmulator, type TestEmulator } from './helpers';

const LIMITS = { headersTimeoutMs: 1000, socketIdleTimeoutMs: 3000, requestTimeoutMs: 8000, maxConnections: 40 };
let emu: TestEmulator;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tls(): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port: emu.port, ca: emu.caPem, servername: DEVICE_TLS_NAME }, () => resolve(s));
    s.on('error', reject);
  });
}

/** Reads what the server sends until it closes or `until` matches; resolves with the text. */
function collect(s: TLSSocket, until?: RegExp, timeoutMs = 10_000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const done = (closed: boolean) => { clearTimeout(timer); resolve({ text, closed }); };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.on('data', (c: Buffer) => { text += c.toString('latin1'); if (until?.test(text)) done(false); });
    s.on('close', () => done(true));
    s.on('error', () => {});
  });
}

async function stillUp(): Promise<void> {
  const t0 = Date.now();
  const r = await emu.call('GET', '/status');
  assert.is(r.status, 200);
  assert.ok(Date.now() - t0 < 1000, 'answers promptly');
}

const hostile = suite('hostile clients');
hostile.before(async () => { emu = await testEmulator({ capabilities: [11], limits: LIMITS }); });
hostile.after(async () => { await emu.done(); });

hostile('300 malformed or mistyped requests: each a spec error, never a 500 or a crash', async () => {
  const bodies = ['', '{', '}', 'null', '[]', '"x"', '42', '{"trigger":', '{"trigger":null}', '\u0000\u0001', '{"a":'.repeat(500), 'x'.repeat(70_000), '{"ssid":"' + 'é'.repeat(40) + '","securityState":"open"}'];
  const types = ['application/json', 'text/plain', 'application/xml', '', 'application/json; charset=utf-8', 'multipart/form-data'];
  const targets = [['PATCH', `/app/status/${FIXTURE.anvil.cid}`], ['POST', '/wifi/config/networks'], ['POST', '/certstore/certs/x'], ['POST', '/net/proxy'], ['PUT', '/device/manufacturing_state'], ['PATCH', '/wifi/interface'], ['PATCH', '/net/interfaces/wlan0'], ['POST', '/update/install'], ['PATCH', '/wifi/config/networks/0']] as const;
  let n = 0;
  for (let i = 0; i < 300; i++) {
    const [m, p] = targets[i % targets.length]!;
    const body = bodies[(i * 7) % bodies.length]!;
    const type = types[(i * 5) % types.length]!;
    const r = await emu.call(m, p, { body, ...(type ? { type } : {}) });
    assert.ok([200, 201, 400, 404, 409, 415].includes(r.status), `${m} ${p} ${JSON.stringify(body.slice(0, 20))} ${type}: ${r.status}`);
    if (r.status >= 400) assert.ok(Number.isInteger((r.json as { error: number }).error), `error body for ${m} ${p}`);
    if (r.status === 415) n++;
  }
  assert.ok(n > 30, 'wrong content types are refused with 415');
  await stillUp();
});
hostile('garbage instead of HTTP gets 400 with the version header', async () => {
  const s = await tls();
  const answer = collect(s, /\r\n\r\n\{.*\}/, 5000);
  s.write('THIS IS NOT HTTP\r\n\r\n');
  const r = await answer;
  s.destroy();
  assert.match(r.text, /^HTTP\/1\.1 400 [^]*REST-API-Version: 4\.6\.0[^]*\{"error":10485761\}/);
  await stillUp();
});
hostile('a 1 GiB upload is refused from its headers, before the body is read', async () => {
  const s = await tls();
  const answer = collect(s, /\r\n\r\n\{.*\}/);
  s.write(`PUT /update/stage HTTP/1.1\r\nHost: *.devices.sphere.azure.local\r\nContent-Type: application/octet-stream\r\nContent-Length: ${2 ** 30}\r\n\r\n`);
  let sent = 0;
  const chunk = Buffer.alloc(256 * 1024);
  let stop = false;
  void answer.then(() => { stop = true; });
  while (!stop && sent < 2 ** 30 && !s.destroyed) {
    if (!s.write(chunk)) await new Promise((r) => { s.once('drain', r); s.once('close', r); setTimeout(r, 200); });
    sent += chunk.length;
  }
  const r = await answer;
  s.destroy();
  assert.match(r.text, /^HTTP\/1\.1 400 /);
  assert.match(r.text, /\{"error":14680082\}/);
  assert.ok(sent < 64 * 1024 * 1024, `only ${sent} bytes went out before the refusal`);
  await stillUp();
});
hostile('Expect: 100-continue clients are refused without sending the body', async () => {
  const s = await tls();
  const answer = collect(s, /\r\n\r\n\{.*\}/);
  s.write(`PUT /update/stage HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: ${2 ** 30}\r\nExpect: 100-continue\r\n\r\n`);
  const r = await answer;
  s.destroy();
  assert.not.match(r.text, /100 Continue/);
  assert.match(r.text, /^HTTP\/1\.1 400 [^]*\{"error":14680082\}/);
});
hostile('a chunked upload without a length is cut off at the image limit', async () => {
  const s = await tls();
  const answer = collect(s, /\r\n\r\n\{.*\}/, 30_000);
  s.write('PUT /update/stage HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n');
  const chunk = Buffer.alloc(1024 * 1024, 7);
  let sent = 0, stop = false;
  void answer.then(() => { stop = true; });
  while (!stop && sent < 200 * 1024 * 1024 && !s.destroyed) {
    s.write(`${chunk.length.toString(16)}\r\n`);
    s.write(chunk);
    const ok = s.write('\r\n');
    sent += chunk.length;
    if (!ok) await new Promise((r) => { s.once('drain', r); s.once('close', r); setTimeout(r, 200); });
  }
  const r = await answer;
  s.destroy();
  assert.match(r.text, /\{"error":14680082\}/, `${JSON.stringify(r)} after ${sent} bytes`);
  assert.ok(sent <= 48 * 1024 * 1024, `${sent} bytes sent`);
  await stillUp();
});
hostile('slow-loris connections are closed after the header timeout while others are served', async () => {
  const sockets = await Promise.all(Array.from({ length: 20 }, () => tls()));
  const closed = sockets.map((s) => collect(s, undefined, 8000));
  for (const s of sockets) s.write('GET /status HTTP/1.1\r\nHost: x\r\n');
  const t0 = Date.now();
  const drip = setInterval(() => { for (const s of sockets) if (!s.destroyed) s.write('X-A: b\r\n'); }, 200);
  await sleep(300);
  await stillUp();
  const results = await Promise.all(closed);
  clearInterval(drip);
  const elapsed = Date.now() - t0;
  assert.ok(results.every((r) => r.closed), 'every slow connection was closed');
  assert.ok(elapsed < 5000, `closed within ${elapsed} ms`);
  await stillUp();
});
hostile('a TCP connection that never starts TLS is dropped', async () => {
  const s = netConnect(emu.port, '127.0.0.1');
  const t0 = Date.now();
  await new Promise((r) => s.on('close', r));
  assert.ok(Date.now() - t0 < 5000);
  await stillUp();
});
hostile('more connections than the limit: the excess is refused, the device keeps serving', async () => {
  const raw = Array.from({ length: LIMITS.maxConnections + 15 }, () => netConnect(emu.port, '127.0.0.1'));
  const closedEarly = raw.map((s) => new Promise<boolean>((r) => { s.on('close', () => r(true)); s.on('error', () => {}); setTimeout(() => r(false), 500); }));
  const early = (await Promise.all(closedEarly)).filter(Boolean).length;
  assert.ok(early >= 15, `${early} connections over the limit were closed`);
  for (const s of raw) s.destroy();
  await sleep(50);
  await stillUp();
});
hostile('50 concurrent sideloads: each staged or "device busy", then a consistent state', async () => {
  const bytes = fixtureBytes(FIXTURE.anvil.file);
  const results = await Promise.all(Array.from({ length: 50 }, () => stage(emu, bytes).catch((e: Error) => ({ status: -1, json: e.message }))));
  const ok = results.filter((r) => r.status === 200).length;
  const busy = results.filter((r) => r.status === 409 && (r.json as { error: number }).error === 10485765).length;
  assert.is(ok + busy, 50, JSON.stringify(results.filter((r) => r.status !== 200 && r.status !== 409)));
  assert.ok(ok >= 1);
  const l = (await emu.call('GET', '/images')).json as { has_staged_updates: boolean; components: Array<{ uid: string; is_update_staged: boolean }> };
  assert.is(l.has_staged_updates, true);
  assert.is(l.components.filter((c) => c.uid === FIXTURE.anvil.cid).length, 1);
  assert.equal((await install(emu)).json, {});
  assert.equal((await emu.call('GET', `/app/status/${FIXTURE.anvil.cid}`)).json, { state: 'running' });
  // The flash agrees after a reboot.
  await emu.call('POST', '/restart');
  await sleep(50);
  assert.equal((await emu.call('GET', `/app/status/${FIXTURE.anvil.cid}`)).json, { state: 'running' });
  process.stderr.write(`50 concurrent sideloads: ${ok} staged, ${busy} busy\n`);
});

hostile('uploads beyond the concurrent limit get "device busy" while others are in flight, and the held ones still complete', async () => {
  const bytes = fixtureBytes(FIXTURE.anvil.file);
  // Two uploads that send their headers and half their body, then hold.
  const held = await Promise.all([tls(), tls()]);
  const answers = held.map((s) => collect(s, /\r\n\r\n\{.*\}/, 8000));
  for (const s of held) {
    s.write(`PUT /update/stage HTTP/1.1\r\nHost: ${DEVICE_TLS_NAME}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${bytes.length}\r\n\r\n`);
    s.write(bytes.subarray(0, bytes.length >> 1));
  }
  await sleep(200);
  const third = await stage(emu, bytes);
  assert.is(third.status, 409, JSON.stringify(third.json));
  assert.is((third.json as { error: number }).error, 10485765, 'the device busy code');
  await stillUp();
  // Finishing the held uploads: both are accepted, and the state is consistent.
  for (const s of held) s.write(bytes.subarray(bytes.length >> 1));
  for (const a of await Promise.all(answers)) assert.match(a.text, /^HTTP\/1\.1 200/);
  for (const s of held) s.destroy();
  const l = (await emu.call('GET', '/images')).json as { components: Array<{ uid: string }> };
  assert.is(l.components.filter((c) => c.uid === FIXTURE.anvil.cid).length, 1);
});

hostile.run();
