/**
 * Issue 15 part 1, "answer as a board does": one case per line, each driven over real HTTPS
 * against an emulator and asserting the exact body text (key order included). The expected
 * bodies are the device's, as the issue and the spec notes quote them — written here as
 * literals, never computed by the code under test.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { devCaPackage, FIXTURE, fixtureBytes, install, stage, testEmulator, type TestEmulator } from './helpers';
import { WASM } from './wasm-builder';
import { tempDir } from '../helpers';

const RANDOM_CID = '5d2e8a3c-0b7f-4c1e-9a6d-3f8b2c7e1a40';
let emu: TestEmulator;
const text = async (m: string, p: string, o?: Parameters<TestEmulator['call']>[2]) => {
  const r = await emu.call(m, p, o);
  return `${r.status} ${r.body.toString('utf8')}`;
};

const updates = suite('POST /update/install and DELETE /app/image');
updates.before(async () => { emu = await testEmulator({ capabilities: [11] }); });
updates.after(async () => { await emu.done(); });
updates('answers {} when nothing is staged, when an app is installed, and for deleting an app or an unknown ID', async () => {
  assert.is(await text('POST', '/update/install', { json: { appControlMode: 'Auto' } }), '200 {}', 'nothing staged');
  assert.is((await stage(emu, fixtureBytes(FIXTURE.anvil.file))).status, 200);
  assert.is(await text('POST', '/update/install', { json: { appControlMode: 'Manual' } }), '200 {}', 'an app installed');
  assert.is(await text('DELETE', `/app/image/${FIXTURE.anvil.cid}`), '200 {}', 'an installed app');
  assert.is(await text('DELETE', `/app/image/${RANDOM_CID}`), '200 {}', 'an ID the device does not have');
});
updates('answers {"restartingSystem":true} only when the device restarts (a board configuration)', async () => {
  assert.is((await stage(emu, fixtureBytes(FIXTURE.board.file))).status, 200);
  assert.is(await text('POST', '/update/install'), '200 {"restartingSystem":true}');
  await new Promise((r) => setTimeout(r, 100));
  assert.is(((await emu.call('GET', '/status')).json as { uptime: number }).uptime, 0, 'it did restart');
});

const proxy = suite('/net/proxy');
proxy.before(async () => { emu = await testEmulator({ capabilities: [11] }); });
proxy.after(async () => { await emu.done(); });
proxy('GET answers {} with no proxy, fresh and after DELETE; POST echoes the stored settings in the device\'s key order', async () => {
  assert.is(await text('GET', '/net/proxy'), '200 {}', 'fresh');
  const body = { noProxyAddresses: ['a.example', 'b.example'], password: 'secret', username: 'me', authenticationType: 'basic', port: 3128, enabled: true, address: 'proxy.example.net' };
  assert.is(await text('POST', '/net/proxy', { json: body }),
    '200 {"address":"proxy.example.net","enabled":true,"port":3128,"authenticationType":"basic","username":"me","password":"secret","noProxyAddresses":["a.example","b.example"]}');
  assert.is(await text('GET', '/net/proxy'),
    '200 {"address":"proxy.example.net","enabled":true,"port":3128,"authenticationType":"basic","username":"me","noProxyAddresses":["a.example","b.example"]}', 'GET never returns the password');
  assert.is(await text('POST', '/net/proxy', { json: { enabled: false, address: '10.0.0.1', port: 8080, authenticationType: 'anonymous' } }),
    '200 {"address":"10.0.0.1","enabled":false,"port":8080,"authenticationType":"anonymous","noProxyAddresses":[]}');
  assert.is(await text('DELETE', '/net/proxy'), '200 {}');
  assert.is(await text('GET', '/net/proxy'), '200 {}', 'after DELETE');
});

const ifaces = suite('/net/interfaces');
ifaces.before(async () => { emu = await testEmulator({ capabilities: [11] }); });
ifaces.after(async () => { await emu.done(); });
ifaces('lists azspheresvc and lo with exactly the device\'s keys and order', async () => {
  const svc = '{"interfaceName":"azspheresvc","interfaceUp":true,"connectedToNetwork":false,"ipAcquired":false,"connectedToInternet":false,"ipAddresses":["192.168.35.2"]}';
  const lo = '{"interfaceName":"lo","interfaceUp":true,"connectedToNetwork":false,"ipAcquired":false,"connectedToInternet":false,"ipAddresses":["127.0.0.1"]}';
  const list = (await emu.call('GET', '/net/interfaces')).body.toString();
  assert.ok(list.includes(svc), list);
  assert.ok(list.includes(lo), list);
  assert.is(await text('GET', '/net/interfaces/azspheresvc'), `200 ${svc}`);
  assert.is(await text('GET', '/net/interfaces/lo'), `200 ${lo}`);
});
ifaces('a name that is not one of the device\'s interfaces is 404 {"error":15728642}', async () => {
  for (const name of ['eth9', 'sl0', 'eth0']) {
    assert.is(await text('GET', `/net/interfaces/${name}`), '404 {"error":15728642}', `GET ${name}`);
    assert.is(await text('PATCH', `/net/interfaces/${name}`, { json: { interfaceUp: true } }), '404 {"error":15728642}', `PATCH ${name}`);
  }
});

const codes = suite('error codes are the device\'s');
codes.before(async () => { emu = await testEmulator({ capabilities: [11] }); });
codes.after(async () => { await emu.done(); });
codes('invalid argument, media type, size, unknown path, busy: no errno-style code', async () => {
  assert.is(await text('PUT', '/device/manufacturing_state', { json: { manufacturingState: 'Done' } }), '400 {"error":10485761}', 'invalid argument');
  assert.is(await text('PUT', '/device/manufacturing_state', { body: '{', type: 'application/json' }), '400 {"error":10485761}', 'malformed JSON');
  assert.is(await text('POST', '/update/install', { body: 'x', type: 'text/plain' }), '415 {"error":10485761}', 'media type');
  assert.is(await text('POST', '/wifi/config/networks', { json: { ssid: 'x'.repeat(70 * 1024), securityState: 'open' } }), '400 {"error":15728644}', 'content too large');
  assert.is(await text('GET', '/nope'), '404 {"error":15728642}', 'unknown path');
  assert.is((await stage(emu, fixtureBytes(FIXTURE.altair.file))).status, 200);
  assert.is((await stage(emu, fixtureBytes(FIXTURE.avnet.file))).status, 200);
  assert.is(await text('POST', '/update/install', { json: { appControlMode: 'Manual' } }), '200 {}');
  assert.is(await text('PATCH', `/app/status/${FIXTURE.altair.cid}`, { json: { trigger: 'start' } }), '200 {"state":"running"}');
  assert.is(await text('PATCH', `/app/status/${FIXTURE.avnet.cid}`, { json: { trigger: 'start' } }), '409 {"error":10485765}', 'a second high-level app: device busy');
});

const wifiDown = suite('Wi-Fi with wlan0 down');
wifiDown.before(async () => { emu = await testEmulator({ capabilities: [11] }); });
wifiDown.after(async () => { await emu.done(); });
wifiDown('scan, list, delete (before not-found) and diagnostics answer 500 {"error":13631506}; the interface still reads', async () => {
  assert.is(await text('POST', '/wifi/config/networks', { json: { ssid: 'EmuOpen', securityState: 'open' } }), '201 {"ssid":"EmuOpen","configState":"enabled","connectionState":"unknown","id":0,"securityState":"open","targetedScan":false}');
  assert.is(await text('PATCH', '/net/interfaces/wlan0', { json: { interfaceUp: false } }), '200 {}');
  for (const [m, p] of [['GET', '/wifi/scan'], ['GET', '/wifi/config/networks'], ['DELETE', '/wifi/config/networks/0'], ['DELETE', '/wifi/config/networks/7'], ['GET', '/wifi/diagnostics/networks']] as const) {
    assert.is(await text(m, p), '500 {"error":13631506}', `${m} ${p}`);
  }
  const wlan = await emu.call('GET', '/net/interfaces/wlan0');
  assert.is(wlan.status, 200);
  assert.equal([(wlan.json as { interfaceName: string }).interfaceName, (wlan.json as { interfaceUp: boolean }).interfaceUp], ['wlan0', false]);
  assert.is(await text('PATCH', '/net/interfaces/wlan0', { json: { interfaceUp: true } }), '200 {}');
  assert.is((await emu.call('GET', '/wifi/config/networks')).status, 200, 'back up');
});

const wifi = suite('configured Wi-Fi networks');
wifi.before(async () => { emu = await testEmulator({ capabilities: [11] }); });
wifi.after(async () => { await emu.done(); });
wifi('fields in the device\'s order, no PSK, IDs from 0, "unknown" when added and "disconnected" off the air', async () => {
  assert.is(await text('POST', '/wifi/config/networks', { json: { ssid: 'Faraway', securityState: 'psk', psk: 'a-long-passphrase', configName: 'home' } }),
    '201 {"ssid":"Faraway","configState":"enabled","connectionState":"unknown","id":0,"securityState":"psk","targetedScan":false,"configName":"home"}');
  assert.is(await text('POST', '/wifi/config/networks', { json: { ssid: 'Nowhere', securityState: 'eaptls', clientCertStoreIdentifier: 'client1', rootCaCertStoreIdentifier: 'root1', clientIdentity: 'u@example.com', configName: 'home', configState: 'disabled', targetedScan: true } }),
    '201 {"ssid":"Nowhere","configState":"disabled","connectionState":"unknown","id":1,"securityState":"eaptls","targetedScan":true,"configName":"home","clientCertStoreIdentifier":"client1"}', 'a configName in use is accepted');
  assert.is(await text('GET', '/wifi/config/networks'),
    '200 {"values":[{"ssid":"Faraway","configState":"enabled","connectionState":"disconnected","id":0,"securityState":"psk","targetedScan":false,"configName":"home"},{"ssid":"Nowhere","configState":"disabled","connectionState":"disconnected","id":1,"securityState":"eaptls","targetedScan":true,"configName":"home","clientCertStoreIdentifier":"client1"}]}');
  assert.is(await text('GET', '/wifi/config/networks/1'),
    '200 {"ssid":"Nowhere","configState":"disabled","connectionState":"disconnected","id":1,"securityState":"eaptls","targetedScan":true,"configName":"home","clientCertStoreIdentifier":"client1"}');
  assert.is(await text('PATCH', '/wifi/config/networks/0', { json: { configState: 'disabled', psk: 'another-passphrase' } }),
    '200 {"ssid":"Faraway","configState":"disabled","connectionState":"disconnected","id":0,"securityState":"psk","targetedScan":false,"configName":"home"}');
});
wifi('PATCH checks the PSK length before the network: 400 13631513, then 404 13631491', async () => {
  assert.is(await text('PATCH', '/wifi/config/networks/9', { json: { psk: 'short' } }), '400 {"error":13631513}');
  assert.is(await text('PATCH', '/wifi/config/networks/9', { json: { psk: 'long-enough-now' } }), '404 {"error":13631491}');
});

const space = suite('GET /certstore/space');
space.before(async () => { emu = await testEmulator({ capabilities: [11] }); });
space.after(async () => { await emu.done(); });
space('an empty store answers {"AvailableSpace":"24514"} (a string)', async () => {
  assert.is(await text('GET', '/certstore/space'), '200 {"AvailableSpace":"24514"}');
});

const telemetry = suite('GET /telemetry');
const tmp = tempDir('sphere-answers-');
telemetry.after(async () => { await emu.done(); tmp.done(); });
telemetry('bytes 3-4 (big-endian) are the length of the report data; a crash report is in it; after DELETE they read 0', async () => {
  const cid = '7a000000-0000-4000-8000-0000000000aa';
  const pkg = await devCaPackage(join(tmp.dir, 'pkg'), { componentId: cid, name: 'crasher', app: WASM.trap() });
  emu = await testEmulator({ capabilities: [11], trust: [pkg.caPem] });
  assert.is((await stage(emu, pkg.bytes)).status, 200);
  assert.is((await install(emu)).status, 200);
  let body: Buffer = Buffer.alloc(0);
  for (let i = 0; i < 100; i++) {
    body = (await emu.call('GET', '/telemetry')).body;
    if (body.toString('utf8').includes(`app-crash ${cid}`)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(body.toString('utf8'), new RegExp(`app-crash ${cid} "crasher" ended: trap: unreachable`));
  assert.ok(body.length > 5);
  assert.is(body[3]! * 256 + body[4]!, body.length - 5, 'the length field counts every byte after the header');
  assert.is(await text('DELETE', '/telemetry'), '200 {}');
  // The app restarts after a back-off of at least 1 s, so no new report arrives in between.
  const cleared = (await emu.call('GET', '/telemetry')).body;
  assert.equal([...cleared], [0x45, 0x52, 1, 0, 0], 'a valid header with length 0');
  await emu.call('DELETE', `/app/image/${cid}`);
});

updates.run();
proxy.run();
ifaces.run();
codes.run();
wifiDown.run();
wifi.run();
space.run();
telemetry.run();
