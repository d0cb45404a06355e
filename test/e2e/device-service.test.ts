/**
 * The PC-side device service (issue 15, part 1 and acceptance 2), driven through dist/sphere: a
 * client that knows only `http://localhost:<port>/api/service/devices` finds the running emulator
 * there and reaches it. The port comes from SPHERE_DEVICE_SERVICE_PORT (a free one), since 48938
 * may be taken on the machine that runs the tests; the default is checked separately.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { lab, type Lab } from '../sideload/e2e-helpers';
import { DEVICE_SERVICE_PATHS, DEVICE_SERVICE_PORT, DEVICE_SERVICE_RECORD, deviceServicePort } from '../../sideload/device-service';

let l: Lab;
let port = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => resolve(typeof a === 'object' && a ? a.port : 0)); });
  });
}

function get(host: string, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port, path, method, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

test.before(async () => {
  port = await freePort();
  l = lab('sphere-devsvc-e2e-');
  l.env['SPHERE_DEVICE_SERVICE_PORT'] = String(port);
});
test.after(() => {
  l.run(['device', 'service', 'stop']);
  l.done();
});

test('the default port is 48938; the CLI and the library agree on the path and record name', () => {
  assert.is(DEVICE_SERVICE_PORT, 48938);
  assert.is(deviceServicePort({}), 48938);
  assert.is(deviceServicePort({ SPHERE_DEVICE_SERVICE_PORT: '50001' }), 50001);
  assert.equal(DEVICE_SERVICE_PATHS, { devices: '/api/service/devices', rescan: '/api/service/devices/rescan' });
  assert.is(DEVICE_SERVICE_RECORD, '.device-service.json');
});

test('status before start says it is not running (exit 3)', () => {
  const r = l.run(['device', 'service', 'status']);
  assert.is(r.code, 3);
  assert.match(r.stdout, /not running/);
});

test('emulator start --device-service starts the service; a client finds the emulator through it and reaches it', async () => {
  const r = l.run(['emulator', 'start', '--detach', '--name', 'svc', '--capabilities', 'appDevelopment', '--device-service', '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).deviceService, `http://localhost:${port}/api/service/devices`);
  const e = l.entry('svc')!;
  const answer = await get('127.0.0.1', '/api/service/devices');
  assert.is(answer.status, 200);
  assert.is(answer.headers['rest-api-version'], undefined, 'not a device: no REST-API-Version');
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  assert.is(answer.body, JSON.stringify([{ IpAddress: `127.0.0.1:${e.port}`, DeviceConnectionPath: 'svc' }]));
  // The client: take the listed address, pin the emulator's CA, ask the device who it is.
  const listed = (JSON.parse(answer.body) as Array<{ IpAddress: string }>)[0]!.IpAddress;
  const [host, p] = listed.split(':');
  const id = await new Promise<string>((resolve, reject) => {
    const req = httpsRequest({ host, port: Number(p), path: '/device/security_state', ca: e.caPem, servername: 'x.devices.sphere.azure.local', agent: false }, (res) => {
      let b = ''; res.on('data', (c: Buffer) => { b += c.toString(); }); res.on('end', () => resolve((JSON.parse(b) as { deviceIdentifier: string }).deviceIdentifier));
    });
    req.on('error', reject); req.end();
  });
  assert.is(id, e.deviceId);
  const rescan = await get('127.0.0.1', '/api/service/devices/rescan', 'PUT');
  assert.equal([rescan.status, rescan.body], [200, '1']);
  assert.is((await get('127.0.0.1', '/api/service/nothing')).status, 404);
});

test('it follows the registry: a second emulator appears, a stopped one goes', async () => {
  l.start('svc2');
  const both = JSON.parse((await get('127.0.0.1', '/api/service/devices')).body) as Array<{ DeviceConnectionPath: string }>;
  assert.equal(both.map((d) => d.DeviceConnectionPath), ['svc', 'svc2']);
  l.stop('svc2');
  const one = JSON.parse((await get('127.0.0.1', '/api/service/devices')).body) as Array<{ DeviceConnectionPath: string }>;
  assert.equal(one.map((d) => d.DeviceConnectionPath), ['svc']);
});

test('answers on loopback only: ::1 where the host has it, never another address of the machine', async () => {
  const v6 = await get('::1', '/api/service/devices').then((r) => r.status, () => undefined);
  if (v6 !== undefined) assert.is(v6, 200);
  const other = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
  if (!other) { console.log('  (skipped the non-loopback check: this machine has no other IPv4 address)'); return; }
  const refused = await get(other.address, '/api/service/devices').then(() => false, () => true);
  assert.ok(refused, `no answer at ${other.address}`);
});

test('status lists the devices; start refuses a second service; stop stops it', async () => {
  const s = l.run(['device', 'service', 'status', '-o', 'json']);
  assert.is(s.code, 0, s.stderr);
  const st = JSON.parse(s.stdout);
  assert.equal([st.running, st.answering, st.port, st.devices.length], [true, true, port, 1]);
  const again = l.run(['device', 'service', 'start', '--detach']);
  assert.is(again.code, 2);
  assert.match(again.stderr, /already runs/);
  const stop = l.run(['device', 'service', 'stop']);
  assert.is(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, /^Stopped the device service/);
  assert.is(await get('127.0.0.1', '/api/service/devices').then(() => 'answered', () => 'gone'), 'gone');
  const start = l.run(['device', 'service', 'start', '--detach']);
  assert.is(start.code, 0, start.stderr);
  assert.match(start.stdout, new RegExp(`at http://localhost:${port}/api/service/devices`));
  l.stop('svc');
  assert.is((await get('127.0.0.1', '/api/service/devices')).body, '[]');
});

test.run();
