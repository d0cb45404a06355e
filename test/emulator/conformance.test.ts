/**
 * Conformance: every endpoint of device_rest_api.yaml driven over real HTTPS (device CA pinned,
 * `Host: *.devices.sphere.azure.local`), checking status, shape and values against the spec and
 * each validation error it lists. Expected codes are the spec's numbers (device-rest-api.md §3),
 * written here as literals; certificates for the store are made by OpenSSL, the TLS chain is
 * checked by OpenSSL and curl.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { FIXTURE, fixtureBytes, install, stage, testEmulator, type TestEmulator } from './helpers';
import { tempDir } from '../helpers';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RANDOM_CID = '96b15265-111a-4889-9137-2a4bd62470a0';
const APP = FIXTURE.anvil;

let emu: TestEmulator;
let clock = Date.parse('2026-01-01T00:00:00Z');
const tmp = tempDir('sphere-conf-');

function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { encoding: 'utf8', cwd: tmp.dir, ...(input === undefined ? {} : { input }), stdio: ['pipe', 'pipe', 'pipe'] });
}

function errorOf(r: { status: number; json: unknown }, status: number, code: number, what: string): void {
  assert.is(r.status, status, `${what}: status`);
  assert.equal(r.json, { error: code }, `${what}: body`);
}

const transport = suite('transport');
transport.before(async () => { emu = await testEmulator({ capabilities: [11], now: () => clock }); });
transport.after(async () => { await emu.done(); });

transport('serves a certificate chained to the device CA, naming *.devices.sphere.azure.local and the listen IP (OpenSSL)', async () => {
  const der = await new Promise<Buffer>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: emu.port, ca: emu.caPem, servername: 'x.devices.sphere.azure.local' }, () => {
      resolve(s.getPeerCertificate().raw); s.end();
    });
    s.on('error', reject);
  });
  writeFileSync(join(tmp.dir, 'server.der'), der);
  writeFileSync(join(tmp.dir, 'ca.pem'), emu.caPem);
  openssl(['x509', '-inform', 'DER', '-in', 'server.der', '-out', 'server.pem']);
  assert.match(openssl(['verify', '-CAfile', 'ca.pem', 'server.pem']), /server\.pem: OK/);
  const text = openssl(['x509', '-in', 'server.pem', '-noout', '-ext', 'subjectAltName,extendedKeyUsage']);
  assert.match(text, /DNS:\*\.devices\.sphere\.azure\.local/);
  assert.match(text, /IP Address:127\.0\.0\.1/);
  assert.match(text, /TLS Web Server Authentication/);
  assert.match(openssl(['x509', '-in', 'ca.pem', '-noout', '-ext', 'basicConstraints']), /CA:TRUE/);
});
transport('answers curl, which pins the device CA and checks the wildcard name', async () => {
  // curl runs asynchronously: the server answers from this very process.
  const { stdout: out } = await promisify(execFile)('curl', ['-sS', '--cacert', join(tmp.dir, 'ca.pem'), '--connect-to', `device.devices.sphere.azure.local:443:127.0.0.1:${emu.port}`,
    '-D', '-', 'https://device.devices.sphere.azure.local/status'], { encoding: 'utf8' });
  assert.match(out, /^HTTP\/1\.1 200/);
  assert.match(out, /rest-api-version: 4\.6\.0/i);
  assert.match(out, /content-type: application\/json/i);
  assert.match(out, /\{"uptime":\d+\}$/);
});
transport('puts REST-API-Version on successes and errors alike; unknown paths and methods are 404 "Invalid request URI"', async () => {
  for (const [m, p] of [['GET', '/status'], ['GET', '/nope'], ['POST', '/status'], ['GET', '/app/status/xyz']] as const) {
    const r = await emu.call(m, p);
    assert.is(r.headers['rest-api-version'], '4.6.0', `${m} ${p}`);
  }
  errorOf(await emu.call('GET', '/nope'), 404, 15728642, 'unknown path');
  errorOf(await emu.call('DELETE', '/status'), 404, 15728642, 'wrong method');
});

const device = suite('device state');
device.before(async () => { emu = await testEmulator({ capabilities: [11], now: () => clock }); });
device.after(async () => { await emu.done(); });

device('GET /status counts uptime in seconds', async () => {
  const a = (await emu.call('GET', '/status')).json as { uptime: number };
  clock += 58_000;
  const b = (await emu.call('GET', '/status')).json as { uptime: number };
  assert.is(b.uptime - a.uptime, 58);
});
device('GET /osversion, /abi_versions', async () => {
  const os = await emu.call('GET', '/osversion');
  assert.is(os.status, 200);
  assert.match((os.json as { osversion: string }).osversion, /^\d\d\.\d\d$/);
  const abi = (await emu.call('GET', '/abi_versions')).json as Record<string, unknown>;
  assert.equal(Object.keys(abi).sort(), ['ApplicationRuntime', 'OSRuntime', 'SecureWorldRuntime']);
  for (const v of Object.values(abi)) assert.ok(Number.isInteger(v));
});
device('GET /device/security_state: SECURE and the identity key\'s x‖y in upper-case hex (OpenSSL)', async () => {
  const r = await emu.call('GET', '/device/security_state');
  const body = r.json as { securityState: string; deviceIdentifier: string };
  assert.is(body.securityState, 'SECURE');
  assert.match(body.deviceIdentifier, /^[0-9A-F]{128}$/);
  const der = execFileSync('openssl', ['pkey', '-in', join(emu.stateDir, 'identity.key.pem'), '-pubout', '-outform', 'DER']);
  assert.is(body.deviceIdentifier, der.subarray(der.length - 64).toString('hex').toUpperCase());
});
device('GET /device/capabilities and the manufacturing state, forward only', async () => {
  assert.equal((await emu.call('GET', '/device/capabilities')).json, { device_capabilities: [11] });
  assert.equal((await emu.call('GET', '/device/manufacturing_state')).json, { manufacturingState: 'Blank' });
  errorOf(await emu.call('PUT', '/device/manufacturing_state', { json: { manufacturingState: 'Blank' } }), 400, 10485761, 'Blank is not settable');
  errorOf(await emu.call('PUT', '/device/manufacturing_state', { json: { manufacturingState: 'Done' } }), 400, 10485761, 'unknown state');
  errorOf(await emu.call('PUT', '/device/manufacturing_state', { body: '{"manufacturingState":"Module1Complete"}', type: 'text/plain' }), 415, 10485761, 'text/plain');
  errorOf(await emu.call('PUT', '/device/manufacturing_state', { body: '{"manufacturingState":', type: 'application/json' }), 400, 10485761, 'malformed JSON');
  errorOf(await emu.call('PUT', '/device/manufacturing_state', { json: ['Module1Complete'] }), 400, 10485761, 'an array');
  const put = await emu.call('PUT', '/device/manufacturing_state', { json: { manufacturingState: 'Module1Complete' } });
  assert.is(put.status, 200);
  assert.equal(put.json, {});
  assert.equal((await emu.call('GET', '/device/manufacturing_state')).json, { manufacturingState: 'Module1Complete' });
  errorOf(await emu.call('PUT', '/device/manufacturing_state', { json: { manufacturingState: 'Blank' } }), 400, 10485761, 'backwards');
});

const images = suite('images and applications');
images.before(async () => { emu = await testEmulator({ capabilities: [11], now: () => clock }); });
images.after(async () => { await emu.done(); });

interface ComponentList { has_staged_updates: boolean; is_ota_update_in_progress: boolean; restart_required: boolean; components: Array<{ uid: string; image_type: number; is_update_staged: boolean; does_image_type_require_restart: boolean; name: string; images: Array<{ uid: string; length_in_bytes: number; uncompressed_length_in_bytes: number; replica_type: number }> }> }

images('GET /images: the ComponentList shape, OS images included', async () => {
  const r = await emu.call('GET', '/images');
  assert.is(r.status, 200);
  const l = r.json as ComponentList;
  assert.equal([l.has_staged_updates, l.is_ota_update_in_progress, l.restart_required], [false, false, false]);
  assert.ok(l.components.length >= 10);
  for (const c of l.components) {
    assert.equal(Object.keys(c).sort(), ['does_image_type_require_restart', 'image_type', 'images', 'is_update_staged', 'name', 'uid']);
    assert.match(c.uid, GUID);
    for (const i of c.images) {
      assert.equal(Object.keys(i).sort(), ['length_in_bytes', 'replica_type', 'uid', 'uncompressed_length_in_bytes']);
      assert.match(i.uid, GUID);
    }
  }
  assert.ok(l.components.some((c) => c.name === 'NW Kernel' && c.image_type === 7));
  assert.not.ok(l.components.some((c) => c.image_type === 10));
});
images('PUT /update/stage then POST /update/install; the app runs', async () => {
  const bytes = fixtureBytes(APP.file);
  const s = await stage(emu, bytes);
  assert.is(s.status, 200);
  assert.equal(s.json, {});
  const staged = (await emu.call('GET', '/images')).json as ComponentList;
  assert.is(staged.has_staged_updates, true);
  const sc = staged.components.find((c) => c.uid === APP.cid)!;
  assert.equal([sc.is_update_staged, sc.images.length], [true, 0]);
  assert.equal((await emu.call('GET', `/app/status/${APP.cid}`)).json, { state: 'notPresent' });
  const i = await install(emu, 'Auto');
  assert.is(i.status, 200);
  assert.equal(i.json, {});
  const l = (await emu.call('GET', '/images')).json as ComponentList;
  assert.is(l.has_staged_updates, false);
  const c = l.components.find((x) => x.uid === APP.cid)!;
  assert.equal(c, { uid: APP.cid, image_type: 10, is_update_staged: false, does_image_type_require_restart: false, name: APP.name,
    images: [{ uid: APP.iid, length_in_bytes: bytes.length, uncompressed_length_in_bytes: bytes.length, replica_type: 0, verification_status: 'verified' }] });
  assert.equal((await emu.call('GET', `/app/status/${APP.cid}`)).json, { state: 'running' });
});
images('PATCH /app/status: stop, start, startDebug with its ports; validation', async () => {
  const p = `/app/status/${APP.cid}`;
  assert.equal((await emu.call('PATCH', p, { json: { trigger: 'stop' } })).json, { state: 'stopped' });
  assert.equal((await emu.call('GET', p)).json, { state: 'stopped' });
  assert.equal((await emu.call('PATCH', p, { json: { trigger: 'stop' } })).json, { state: 'stopped' });
  assert.equal((await emu.call('PATCH', p, { json: { trigger: 'start' } })).json, { state: 'running' });
  assert.equal((await emu.call('PATCH', p, { json: { trigger: 'startDebug' } })).json, { state: 'debugging', gdbPort: 2345, outPort: emu.device.debugOutPort });
  assert.equal((await emu.call('GET', p)).json, { state: 'debugging' });
  assert.equal((await emu.call('PATCH', p.toUpperCase().replace('/APP/STATUS/', '/app/status/'), { json: { trigger: 'start' } })).json, { state: 'running' });
  errorOf(await emu.call('PATCH', p, { json: { trigger: 'launch' } }), 400, 10485761, 'unknown trigger');
  errorOf(await emu.call('PATCH', p, { json: {} }), 400, 10485761, 'no trigger');
  errorOf(await emu.call('PATCH', p, { body: '{"trigger":"stop"}', type: 'text/plain' }), 415, 10485761, 'text/plain');
  errorOf(await emu.call('PATCH', p, { body: '{trigger:stop}', type: 'application/json' }), 400, 10485761, 'malformed JSON');
  errorOf(await emu.call('PATCH', `/app/status/${RANDOM_CID}`, { json: { trigger: 'start' } }), 409, 14680076, 'not present');
  errorOf(await emu.call('PATCH', '/app/status/not-a-guid', { json: { trigger: 'start' } }), 400, 15728642, 'bad GUID');
  errorOf(await emu.call('GET', '/app/status/1689d8b2c8352e2727ade894d6d15fa9'), 400, 15728642, 'GUID without dashes');
  assert.equal((await emu.call('GET', `/app/status/${RANDOM_CID}`)).json, { state: 'notPresent' });
});
images('GET /app/quota and /stats/memory/groups/applications', async () => {
  assert.equal((await emu.call('GET', `/app/quota/${APP.cid}`)).json, { UsageKB: 0, LimitKB: APP.storageKB });
  errorOf(await emu.call('GET', `/app/quota/${RANDOM_CID}`), 404, 14680076, 'quota of an absent app');
  errorOf(await emu.call('GET', '/app/quota/zzz'), 400, 15728642, 'quota with a bad GUID');
  const m = (await emu.call('GET', '/stats/memory/groups/applications')).json as { memoryStats: Record<string, number>; apps: Array<{ componentId: string; processes: Array<{ pid: number; heapUsageByCaller: Array<{ name: string; usageInBytes: number }> }> }> };
  assert.equal(Object.keys(m.memoryStats).sort(), ['currentMemoryUsageInBytes', 'peakUserModeMemoryUsageInBytes', 'userModeMemoryUsageInBytes']);
  assert.is(m.apps.length, 1);
  assert.is(m.apps[0]!.componentId, APP.cid);
  assert.ok(Number.isInteger(m.apps[0]!.processes[0]!.pid));
  assert.ok(m.memoryStats['peakUserModeMemoryUsageInBytes']! >= m.memoryStats['userModeMemoryUsageInBytes']!);
});
images('stage refusals: untrusted, malformed, wrong type, empty, oversized declaration', async () => {
  errorOf(await stage(emu, fixtureBytes(FIXTURE.production.file)), 400, 7340047, 'production-signed by an unknown signer');
  const tampered = Buffer.from(fixtureBytes(APP.file));
  tampered[100] = tampered[100]! ^ 1;
  assert.is((await stage(emu, tampered)).status, 400);
  errorOf(await stage(emu, Buffer.from('not a package at all, just text')), 400, 7340050, 'garbage');
  errorOf(await stage(emu, fixtureBytes(APP.file).subarray(0, 4000)), 400, 7340050, 'truncated');
  errorOf(await emu.call('PUT', '/update/stage', { body: fixtureBytes(APP.file), type: 'application/json' }), 415, 10485761, 'JSON content type');
  errorOf(await emu.call('PUT', '/update/stage', { body: fixtureBytes(APP.file) }), 415, 10485761, 'no content type');
  errorOf(await emu.call('PUT', '/update/stage', { body: '', type: 'application/octet-stream' }), 400, 7340050, 'empty');
  errorOf(await emu.call('POST', '/update/install', { body: 'x', type: 'text/plain' }), 415, 10485761, 'install with text');
  errorOf(await emu.call('POST', '/update/install', { json: { appControlMode: 'Sometimes' } }), 400, 10485761, 'bad appControlMode');
  const l = (await emu.call('GET', '/images')).json as ComponentList;
  assert.is(l.has_staged_updates, false);
});
images('install Manual leaves the app stopped; a newer high-level app replaces the running one', async () => {
  assert.is((await stage(emu, fixtureBytes(FIXTURE.altair.file))).status, 200);
  assert.equal((await install(emu, 'Manual')).json, {});
  assert.equal((await emu.call('GET', `/app/status/${FIXTURE.altair.cid}`)).json, { state: 'stopped' });
  errorOf(await emu.call('PATCH', `/app/status/${FIXTURE.altair.cid}`, { json: { trigger: 'start' } }), 409, 10485765, 'second high-level app');
  assert.is((await stage(emu, fixtureBytes(FIXTURE.avnet.file))).status, 200);
  assert.equal((await install(emu)).json, {});
  assert.equal((await emu.call('GET', `/app/status/${FIXTURE.avnet.cid}`)).json, { state: 'running' });
  assert.equal((await emu.call('GET', `/app/status/${APP.cid}`)).json, { state: 'stopped' });
  assert.equal((await install(emu)).json, {}, 'nothing staged');
});
images('DELETE /app/image: unknown IDs are fine, installed ones go', async () => {
  const r = await emu.call('DELETE', `/app/image/${RANDOM_CID}`);
  assert.is(r.status, 200);
  assert.equal(r.json, {});
  errorOf(await emu.call('DELETE', '/app/image/123'), 400, 15728642, 'bad GUID');
  assert.equal((await emu.call('DELETE', `/app/image/${FIXTURE.altair.cid}`)).json, {});
  assert.equal((await emu.call('GET', `/app/status/${FIXTURE.altair.cid}`)).json, { state: 'notPresent' });
  const l = (await emu.call('GET', '/images')).json as ComponentList;
  assert.not.ok(l.components.some((c) => c.uid === FIXTURE.altair.cid));
});
images('a board configuration restarts the device and brings eth0 up', async () => {
  const before = (await emu.call('GET', '/net/interfaces')).json as { interfaces: Array<{ interfaceName: string }> };
  assert.not.ok(before.interfaces.some((i) => i.interfaceName === 'eth0'));
  clock += 10_000;
  assert.is((await stage(emu, fixtureBytes(FIXTURE.board.file))).status, 200);
  assert.equal((await install(emu)).json, { restartingSystem: true });
  await new Promise((r) => setTimeout(r, 50));
  assert.is(((await emu.call('GET', '/status')).json as { uptime: number }).uptime, 0);
  const l = (await emu.call('GET', '/images')).json as ComponentList;
  const c = l.components.find((x) => x.uid === FIXTURE.board.cid)!;
  assert.equal([c.image_type, c.does_image_type_require_restart, l.restart_required], [21, true, false]);
  const after = (await emu.call('GET', '/net/interfaces')).json as { interfaces: Array<{ interfaceName: string }> };
  assert.ok(after.interfaces.some((i) => i.interfaceName === 'eth0'));
  assert.equal((await emu.call('GET', `/app/status/${FIXTURE.avnet.cid}`)).json, { state: 'running' }, 'auto-start app back after the restart');
});
images('POST /restart: uptime resets, auto-start apps come back, content types', async () => {
  clock += 30_000;
  assert.ok(((await emu.call('GET', '/status')).json as { uptime: number }).uptime >= 30);
  assert.equal((await emu.call('PATCH', `/app/status/${FIXTURE.avnet.cid}`, { json: { trigger: 'stop' } })).json, { state: 'stopped' });
  errorOf(await emu.call('POST', '/restart', { body: '<restart/>', type: 'application/xml' }), 415, 10485761, 'xml');
  const r = await emu.call('POST', '/restart', { body: '', type: 'text/plain' });
  assert.is(r.status, 200);
  assert.equal(r.json, { restartingSystem: true });
  await new Promise((res) => setTimeout(res, 50));
  assert.is(((await emu.call('GET', '/status')).json as { uptime: number }).uptime, 0);
  assert.equal((await emu.call('GET', `/app/status/${FIXTURE.avnet.cid}`)).json, { state: 'running' });
});
images('GET /log and /telemetry are binary; DELETE /telemetry clears', async () => {
  const log = await emu.call('GET', '/log');
  assert.is(log.status, 200);
  assert.is(log.headers['content-type'], 'application/octet-stream');
  assert.is(log.body.subarray(0, 4).toString('latin1'), 'SPLG');
  assert.ok(log.body.readUInt32LE(6) > 0);
  assert.match(log.body.toString('latin1'), /install/);
  const t = await emu.call('GET', '/telemetry');
  assert.is(t.headers['content-type'], 'application/octet-stream');
  assert.is(t.body.readUInt16BE(3), t.body.length - 5, 'bytes 3-4: the length of the report data');
  const d = await emu.call('DELETE', '/telemetry');
  assert.equal([d.status, d.json], [200, {}]);
  const after = (await emu.call('GET', '/telemetry')).body;
  assert.equal([after.length, after.readUInt16BE(3)], [5, 0]);
});

const certs = suite('certificate store');
certs.before(async () => {
  emu = await testEmulator({ capabilities: [11], now: () => clock });
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/CN=TempRootCertificate', '-days', '30']);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'client.key', '-out', 'client.pem', '-subj', '/O=Contoso/CN=client1', '-days', '30']);
  openssl(['pkey', '-in', 'client.key', '-aes256', '-passout', 'pass:secret123', '-out', 'client.enc.key']);
});
certs.after(async () => { await emu.done(); });
const pem = (f: string) => readFileSync(join(tmp.dir, f), 'utf8');

certs('adds a root CA and a client certificate, lists, shows and deletes them', async () => {
  const space0 = Number(((await emu.call('GET', '/certstore/space')).json as { AvailableSpace: string }).AvailableSpace);
  assert.ok(space0 > 0);
  const r = await emu.call('POST', '/certstore/certs/rootCA.1', { json: { certType: 'RootCA', publicCert: pem('root.pem') } });
  assert.equal([r.status, r.json], [200, {}]);
  assert.equal((await emu.call('POST', '/certstore/certs/client-1', { json: { certType: 'client', publicCert: pem('client.pem'), privateKey: pem('client.enc.key'), password: 'secret123' } })).json, {});
  assert.equal((await emu.call('GET', '/certstore/certs')).json, { identifiers: ['client-1', 'rootCA.1'] });
  const info = (await emu.call('GET', '/certstore/certs/rootCA.1')).json as Record<string, string>;
  const dates = openssl(['x509', '-in', 'root.pem', '-noout', '-startdate', '-enddate']);
  const iso = (k: string) => new Date(new RegExp(`${k}=(.+)`).exec(dates)![1]!).toISOString().slice(0, 19);
  assert.equal(info, { id: 'rootCA.1', notBefore: iso('notBefore'), notAfter: iso('notAfter'), subjectName: '/CN=TempRootCertificate', issuerName: '/CN=TempRootCertificate' });
  assert.is(((await emu.call('GET', '/certstore/certs/client-1')).json as Record<string, string>)['subjectName'], '/O=Contoso/CN=client1');
  const space1 = Number(((await emu.call('GET', '/certstore/space')).json as { AvailableSpace: string }).AvailableSpace);
  assert.ok(space1 < space0);
  assert.equal((await emu.call('DELETE', '/certstore/certs/client-1')).json, {});
  errorOf(await emu.call('GET', '/certstore/certs/client-1'), 404, 38797319, 'deleted');
  errorOf(await emu.call('DELETE', '/certstore/certs/client-1'), 404, 38797319, 'deleted twice');
});
certs('validation errors of the certificate store', async () => {
  const root = pem('root.pem');
  errorOf(await emu.call('POST', '/certstore/certs/abcdefghijklmnopq', { json: { certType: 'RootCA', publicCert: root } }), 400, 38797316, 'identifier of 17');
  errorOf(await emu.call('POST', '/certstore/certs/bad%20id', { json: { certType: 'RootCA', publicCert: root } }), 400, 38797314, 'space in identifier');
  errorOf(await emu.call('GET', '/certstore/certs/bad!id'), 400, 38797314, 'show with bad identifier');
  errorOf(await emu.call('POST', '/certstore/certs/r2', { json: { certType: 'RootCA', publicCert: root, privateKey: pem('root.key') } }), 400, 38797329, 'root with key');
  errorOf(await emu.call('POST', '/certstore/certs/r2', { json: { certType: 'RootCA', publicCert: root, password: 'x' } }), 400, 38797331, 'root with password');
  errorOf(await emu.call('POST', '/certstore/certs/c2', { json: { certType: 'Client', publicCert: pem('client.pem'), privateKey: pem('root.key') } }), 400, 38797332, 'key of another cert');
  errorOf(await emu.call('POST', '/certstore/certs/c2', { json: { certType: 'Server', publicCert: root } }), 400, 10485761, 'unknown certType');
  errorOf(await emu.call('POST', '/certstore/certs/c2', { json: { certType: 'RootCA', publicCert: 'x'.repeat(8193) } }), 400, 10485761, 'PEM over 8192');
  errorOf(await emu.call('POST', '/certstore/certs/c2', { json: { certType: 'Client', publicCert: pem('client.pem'), privateKey: pem('client.enc.key'), password: 'wrong' } }), 400, 10485761, 'wrong password');
  errorOf(await emu.call('POST', '/certstore/certs/c2', { body: '{}', type: 'text/plain' }), 415, 10485761, 'text/plain');
  const space = (await emu.call('GET', '/certstore/space')).json;
  assert.equal((await emu.call('POST', '/certstore/certs/rootCA.1', { json: { certType: 'RootCA', publicCert: root } })).json, {}, 'an identifier in use is overwritten, as on a board');
  assert.equal((await emu.call('GET', '/certstore/space')).json, space, 'replaced, not added');
  // Fill the store: each root is about 600 bytes of PEM.
  let last = 200;
  for (let i = 0; i < 100 && last === 200; i++) last = (await emu.call('POST', `/certstore/certs/fill${i}`, { json: { certType: 'RootCA', publicCert: root } })).status;
  errorOf(await emu.call('POST', '/certstore/certs/onemore', { json: { certType: 'RootCA', publicCert: root } }), 400, 38797323, 'store full');
  assert.ok(Number(((await emu.call('GET', '/certstore/space')).json as { AvailableSpace: string }).AvailableSpace) < root.length);
});

const wifi = suite('wifi and networking');
wifi.before(async () => { emu = await testEmulator({ capabilities: [11], now: () => clock }); });
wifi.after(async () => { await emu.done(); });

wifi('scan shows the simulated access points', async () => {
  const s = (await emu.call('GET', '/wifi/scan')).json as { values: Array<Record<string, unknown>> };
  assert.ok(s.values.length >= 3);
  for (const v of s.values) {
    assert.equal(Object.keys(v).sort(), ['bssid', 'freq', 'securityState', 'signal_level', 'ssid']);
    assert.match(String(v['bssid']), /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  }
});
wifi('adds networks (201), connects to a visible one, records failures', async () => {
  const r = await emu.call('POST', '/wifi/config/networks', { json: { ssid: 'EmuOpen', securityState: 'open', configName: 'office' } });
  assert.is(r.status, 201);
  assert.is(r.body.toString(), '{"ssid":"EmuOpen","configState":"enabled","connectionState":"unknown","id":0,"securityState":"open","targetedScan":false,"configName":"office"}');
  assert.equal((await emu.call('GET', '/wifi/config/networks/0')).json, { ssid: 'EmuOpen', configState: 'enabled', connectionState: 'connected', id: 0, securityState: 'open', targetedScan: false, configName: 'office' });
  const bad = await emu.call('POST', '/wifi/config/networks', { json: { ssid: 'EmuHome', securityState: 'psk', psk: 'wrong-passphrase' } });
  assert.equal([bad.status, (bad.json as { id: number }).id, (bad.json as { connectionState: string }).connectionState], [201, 1, 'unknown']);
  const far = await emu.call('POST', '/wifi/config/networks', { json: { ssid: 'Elsewhere', securityState: 'open', targetedScan: true } });
  assert.is((far.json as { id: number }).id, 2);
  const iface = (await emu.call('GET', '/wifi/interface')).json as Record<string, unknown>;
  assert.equal([iface['ssid'], iface['connectionState'], iface['wpa_state'], iface['key_mgmt'], iface['mode'], iface['id']], ['EmuOpen', 'connected', 'COMPLETED', 'NONE', 'station', 0]);
  assert.match(String(iface['ip_address']), /^\d+\.\d+\.\d+\.\d+$/);
  assert.is(iface['powerSavingsState'], 'disabled');
  const diag = (await emu.call('GET', '/wifi/diagnostics/networks')).json as { values: Array<{ networkId: number; error: string; ssid: string; timestamp: string }> };
  assert.equal(diag.values.map((v) => [v.networkId, v.error]), [[1, 'WrongKey'], [2, 'NetworkNotFound']]);
  assert.match(diag.values[0]!.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
  assert.is(((await emu.call('GET', '/wifi/diagnostics/networks/2')).json as { ssid: string }).ssid, 'Elsewhere');
  errorOf(await emu.call('GET', '/wifi/diagnostics/networks/0'), 404, 13631491, 'no failure for a connected network');
});
wifi('PATCH a network: disable, fix the key; the link follows', async () => {
  const off = await emu.call('PATCH', '/wifi/config/networks/0', { json: { configState: 'disabled' } });
  assert.equal([off.status, (off.json as { configState: string }).configState], [200, 'disabled']);
  assert.is(((await emu.call('GET', '/wifi/interface')).json as { connectionState: string }).connectionState, 'disconnected');
  const fixed = await emu.call('PATCH', '/wifi/config/networks/1', { json: { psk: 'sphere-emulator' } });
  assert.is((fixed.json as { connectionState: string }).connectionState, 'connected');
  const iface = (await emu.call('GET', '/wifi/interface')).json as Record<string, unknown>;
  assert.equal([iface['ssid'], iface['key_mgmt'], iface['securityState']], ['EmuHome', 'WPA2-PSK', 'psk']);
  const list = (await emu.call('GET', '/wifi/config/networks')).json as { values: Array<Record<string, unknown>> };
  assert.equal(list.values.map((v) => [v['id'], v['connectionState']]), [[0, 'disconnected'], [1, 'connected'], [2, 'disconnected']]);
  for (const v of list.values) for (const k of ['configState', 'connectionState', 'id', 'securityState', 'targetedScan']) assert.ok(k in v, k);
  assert.not.ok('psk' in list.values[1]!, 'the key is never returned');
});
wifi('Wi-Fi validation errors', async () => {
  errorOf(await emu.call('POST', '/wifi/config/networks', { json: { ssid: 'EmuHome', securityState: 'psk', psk: 'short' } }), 400, 13631513, 'PSK too short');
  errorOf(await emu.call('POST', '/wifi/config/networks', { json: { ssid: 'X', securityState: 'psk', psk: 'p'.repeat(64) } }), 400, 10485761, 'PSK too long');
  errorOf(await emu.call('POST', '/wifi/config/networks', { json: { ssid: 'X', securityState: 'open', configName: 'a-name-that-is-17' } }), 400, 10485776, 'configName too long');
  errorOf(await emu.call('POST', '/wifi/config/networks', { json: { ssid: 'EmuOpen', securityState: 'open' } }), 400, 13631490, 'already exists');
  errorOf(await emu.call('POST', '/wifi/config/networks', { json: { ssid: 's'.repeat(33), securityState: 'open' } }), 400, 10485761, 'SSID too long');
  errorOf(await emu.call('POST', '/wifi/config/networks', { json: { securityState: 'open' } }), 400, 10485761, 'no SSID');
  errorOf(await emu.call('POST', '/wifi/config/networks', { json: { ssid: 'X', securityState: 'wep' } }), 400, 10485761, 'unknown security');
  errorOf(await emu.call('POST', '/wifi/config/networks', { json: { ssid: 'X', securityState: 'eaptls' } }), 400, 10485761, 'eaptls without client cert');
  errorOf(await emu.call('POST', '/wifi/config/networks', { json: { ssid: 'X', securityState: 'open' }, type: 'application/x-www-form-urlencoded' }), 415, 10485761, 'form type');
  errorOf(await emu.call('PATCH', '/wifi/config/networks/0', { json: { configState: 'sleeping' } }), 400, 10485761, 'bad configState');
  errorOf(await emu.call('PATCH', '/wifi/config/networks/0', { json: { psk: 'sphere-emulator' } }), 400, 10485761, 'psk on an open network');
  errorOf(await emu.call('PATCH', '/wifi/config/networks/9', { json: { configState: 'enabled' } }), 404, 13631491, 'patch missing');
  errorOf(await emu.call('GET', '/wifi/config/networks/9'), 404, 13631491, 'get missing');
  errorOf(await emu.call('GET', '/wifi/config/networks/x'), 404, 13631491, 'get non-numeric');
  errorOf(await emu.call('DELETE', '/wifi/config/networks/x'), 400, 10485761, 'delete non-numeric');
  errorOf(await emu.call('PATCH', '/wifi/interface', { json: { reloadConfig: 'yes' } }), 400, 10485761, 'reloadConfig not boolean');
});
wifi('PATCH /wifi/interface, DELETE a network; interfaces follow the link', async () => {
  assert.equal((await emu.call('PATCH', '/wifi/interface', { json: { reloadConfig: true, enablePowerSavings: true } })).json, {});
  assert.is(((await emu.call('GET', '/wifi/interface')).json as { powerSavingsState: string }).powerSavingsState, 'enabled');
  const wlan = (await emu.call('GET', '/net/interfaces/wlan0')).json as Record<string, unknown>;
  assert.equal(Object.keys(wlan).sort(), ['connectedToInternet', 'connectedToNetwork', 'hardwareAddress', 'interfaceName', 'interfaceUp', 'ipAcquired', 'ipAddresses', 'ipAssignment']);
  assert.equal([wlan['interfaceUp'], wlan['connectedToNetwork'], wlan['ipAssignment'], (wlan['ipAddresses'] as string[]).length], [true, true, 'dynamic', 1]);
  assert.equal((await emu.call('DELETE', '/wifi/config/networks/1')).json, {});
  assert.is(((await emu.call('GET', '/net/interfaces/wlan0')).json as Record<string, unknown>)['connectedToNetwork'], false);
  errorOf(await emu.call('DELETE', '/wifi/config/networks/1'), 404, 13631491, 'deleted twice');
  const svc = (await emu.call('GET', '/net/interfaces/azspheresvc')).json as Record<string, unknown>;
  assert.equal(svc['ipAddresses'], ['192.168.35.2'], 'the service link address, not the loopback the emulator listens on');
  errorOf(await emu.call('GET', '/net/interfaces/eth9'), 404, 15728642, 'unknown interface');
});
wifi('PATCH /net/interfaces: interfaceUp, hardware address rules', async () => {
  assert.equal((await emu.call('PATCH', '/net/interfaces/wlan0', { json: { interfaceUp: false } })).json, {});
  assert.is(((await emu.call('GET', '/wifi/interface')).json as { wpa_state: string }).wpa_state, 'INTERFACE_DISABLED');
  errorOf(await emu.call('GET', '/wifi/scan'), 500, 13631506, 'scan with wlan0 down');
  assert.equal((await emu.call('PATCH', '/net/interfaces/wlan0', { json: { interfaceUp: true } })).json, {});
  errorOf(await emu.call('PATCH', '/net/interfaces/wlan0', { json: { hardwareAddress: 'zz:b2:c3:4d:e5:6f' } }), 400, 31457286, 'bad MAC');
  errorOf(await emu.call('PATCH', '/net/interfaces/wlan0', { json: { hardwareAddress: '02:b2:c3:4d:e5:6f' } }), 400, 10485761, 'MAC on Wi-Fi');
  errorOf(await emu.call('PATCH', '/net/interfaces/wlan0', { json: { interfaceUp: 'no' } }), 400, 10485761, 'interfaceUp not boolean');
  errorOf(await emu.call('PATCH', '/net/interfaces/azspheresvc', { json: { interfaceUp: false } }), 400, 10485761, 'service link down');
  errorOf(await emu.call('PATCH', '/net/interfaces/eth0', { json: { interfaceUp: false } }), 404, 15728642, 'no eth0 without a board configuration');
});
wifi('proxy: apply, show (no password), validation, delete; net status and firewall', async () => {
  // No enabled network is in reach at this point of the suite.
  assert.equal((await emu.call('GET', '/net/status')).json, { deviceAuthenticationIsReady: false, networkTimeSync: 'incomplete', proxy: 'disabled' });
  const body = { enabled: true, address: 'proxy.example.net', port: 3128, authenticationType: 'basic', username: 'u', password: 'p', noProxyAddresses: ['a.example'] };
  assert.is((await emu.call('POST', '/net/proxy', { json: body })).body.toString(), '{"address":"proxy.example.net","enabled":true,"port":3128,"authenticationType":"basic","username":"u","password":"p","noProxyAddresses":["a.example"]}');
  assert.is((await emu.call('GET', '/net/proxy')).body.toString(), '{"address":"proxy.example.net","enabled":true,"port":3128,"authenticationType":"basic","username":"u","noProxyAddresses":["a.example"]}');
  assert.is(((await emu.call('GET', '/net/status')).json as { proxy: string }).proxy, 'enabled');
  errorOf(await emu.call('POST', '/net/proxy', { json: { ...body, password: undefined } }), 400, 10485761, 'basic without password');
  errorOf(await emu.call('POST', '/net/proxy', { json: { ...body, port: 70000 } }), 400, 10485761, 'port');
  errorOf(await emu.call('POST', '/net/proxy', { json: { ...body, username: 'u'.repeat(64) } }), 400, 10485761, 'username of 64');
  errorOf(await emu.call('POST', '/net/proxy', { json: { ...body, address: 'a'.repeat(256) } }), 400, 10485761, 'address of 256');
  errorOf(await emu.call('POST', '/net/proxy', { json: { ...body, authenticationType: 'ntlm' } }), 400, 10485761, 'auth type');
  assert.equal((await emu.call('DELETE', '/net/proxy')).json, {});
  assert.is((await emu.call('GET', '/net/proxy')).body.toString(), '{}', 'none configured');
  const fw = (await emu.call('GET', '/net/firewall/rulesets')).json as { rulesets: Array<{ hook: string; isValid: boolean; rules: unknown[] }> };
  assert.equal(fw.rulesets.map((r) => r.hook), ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);
});

const auth = suite('authorization');
auth('a finished device without appDevelopment refuses REST calls; open ones still answer', async () => {
  const e = await testEmulator({ capabilities: [] });
  try {
    assert.equal((await e.call('PUT', '/device/manufacturing_state', { json: { manufacturingState: 'DeviceComplete' } })).json, {});
    for (const [m, p] of [['GET', '/images'], ['GET', '/wifi/scan'], ['GET', '/certstore/certs'], ['POST', '/restart'], ['GET', `/app/status/${RANDOM_CID}`], ['GET', '/stats/memory/groups/applications']] as const) {
      errorOf(await e.call(m, p), 403, 13, `${m} ${p}`);
    }
    errorOf(await stage(e, fixtureBytes(APP.file)), 403, 13, 'stage');
    for (const p of ['/status', '/osversion', '/abi_versions', '/device/capabilities', '/device/security_state', '/device/manufacturing_state', '/net/status']) {
      assert.is((await e.call('GET', p)).status, 200, p);
    }
  } finally { await e.done(); }
});
auth('memory statistics and debugging need appDevelopment even where REST is allowed', async () => {
  const e = await testEmulator({ capabilities: [13] });
  try {
    errorOf(await e.call('GET', '/stats/memory/groups/applications'), 403, 13, 'memory stats');
    assert.is((await e.call('GET', '/images')).status, 200);
  } finally { await e.done(); }
});

transport.run();
device.run();
images.run();
certs.run();
wifi.run();
auth.run();
