/**
 * Device discovery and selection: addresses, the service range (spec/device-rest-api.md §1:
 * 192.168.35.2–254, probed only with a local interface in that subnet), and `--device` by name,
 * IP, IP:port or device ID — never a silent pick among several.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { discoverDevices, parseAddress, selectDevice, serviceAddresses, type DeviceCandidate } from '../../sideload/index';

const addr = suite('addresses');
addr('parses IPv4, IPv4:port, [v6]:port and localhost:port; rejects names', () => {
  assert.equal(parseAddress('192.168.35.2'), { host: '192.168.35.2', port: 443 });
  assert.equal(parseAddress('127.0.0.1:8443'), { host: '127.0.0.1', port: 8443 });
  assert.equal(parseAddress('[::1]:9000'), { host: '::1', port: 9000 });
  assert.equal(parseAddress('localhost:9000'), { host: 'localhost', port: 9000 });
  for (const bad of ['emu1', '256.1.1.1', '1.2.3', '127.0.0.1:0', '127.0.0.1:70000', 'localhost']) assert.is(parseAddress(bad), undefined, bad);
});
addr('probes the service range only when this host has an address in 192.168.35.0/24', () => {
  const ni = (address: string) => ({ lo: [{ address: '127.0.0.1', family: 'IPv4' }], sl0: [{ address, family: 'IPv4' }] }) as unknown as Parameters<typeof serviceAddresses>[0];
  const list = serviceAddresses(ni('192.168.35.1'));
  assert.is(list.length, 253);
  assert.is(list[0], '192.168.35.2');
  assert.is(list.at(-1), '192.168.35.254');
  assert.equal(serviceAddresses(ni('10.1.2.3')), []);
  assert.not.ok(serviceAddresses(ni('192.168.35.7')).includes('192.168.35.7'), 'not our own address');
});
addr.run();

const emu = (name: string, port: number, deviceId?: string): DeviceCandidate => ({ kind: 'emulator', name, host: '127.0.0.1', port, ...(deviceId ? { deviceId } : {}) });
const A = emu('alpha', 40001, 'AB12' + '0'.repeat(124));
const B = emu('beta', 40002, 'AB34' + '0'.repeat(124));

async function rejection(p: Promise<unknown>): Promise<Error & { exitCode?: number; code?: string }> {
  try { await p; } catch (e) { return e as Error; }
  throw new Error('expected a rejection');
}

const sel = suite('selectDevice');
sel('no device: exit 3, says how to start one', async () => {
  const e = await rejection(selectDevice([], undefined));
  assert.is(e.exitCode, 3);
  assert.match(e.message, /^Cannot find a device: no emulator is running and no board answers at 192\.168\.35\.2-254\. Start an emulator/);
});
sel('two devices and no --device: exit 2, lists both, picks neither', async () => {
  const e = await rejection(selectDevice([A, B], undefined));
  assert.is(e.exitCode, 2);
  assert.is(e.code, 'AMBIGUOUS_DEVICE');
  assert.match(e.message, /alpha \(127\.0\.0\.1:40001\), beta \(127\.0\.0\.1:40002\)/);
  assert.match(e.message, /Pass --device/);
});
sel('one device is taken without --device', async () => {
  assert.is((await selectDevice([A], undefined)).name, 'alpha');
});
sel('by name, by IP:port, by unique ID prefix (case-insensitive)', async () => {
  assert.is((await selectDevice([A, B], 'beta')).name, 'beta');
  assert.is((await selectDevice([A, B], '127.0.0.1:40001')).name, 'alpha');
  assert.is((await selectDevice([A, B], 'ab34000000')).name, 'beta');
});
sel('an ambiguous ID prefix (exit 2), an unknown ID and an unknown name (exit 3) are refused', async () => {
  const x = emu('x', 40005, 'ABCDEF01' + '0'.repeat(120));
  const y = emu('y', 40006, 'ABCDEF01' + '1'.repeat(120));
  const amb = await rejection(selectDevice([x, y], 'abcdef01'));
  assert.is(amb.exitCode, 2);
  assert.match(amb.message, /2 devices have an ID starting with "abcdef01"/);
  assert.is((await selectDevice([x, y], 'ABCDEF011')).name, 'y');
  assert.is((await rejection(selectDevice([x, y], 'DEADBEEF'))).exitCode, 3);
  const name = await rejection(selectDevice([A, B], 'gamma'));
  assert.is(name.exitCode, 3);
  assert.match(name.message, /^Cannot find device "gamma": no running emulator has that name/);
});
sel('IDs unknown to the registry are asked of the devices', async () => {
  const asked: string[] = [];
  const board: DeviceCandidate = { kind: 'board', name: '192.168.35.2', host: '192.168.35.2', port: 443 };
  const got = await selectDevice([A, board], 'FEED0000', { deviceIdOf: async (c) => { asked.push(c.name); return 'FEED' + '0'.repeat(124); } });
  assert.is(got.name, '192.168.35.2');
  assert.equal(asked, ['192.168.35.2']);
});
sel('an IP nobody listed becomes a board with the board CA', async () => {
  const ca = { pem: 'x', source: 'SPHERE_DEVICE_CA' };
  const got = await selectDevice([A], '192.168.35.7', { boardCa: ca });
  assert.equal(got, { kind: 'board', name: '192.168.35.7', host: '192.168.35.7', port: 443, ca });
});
sel.run();

const disc = suite('discoverDevices');
disc('lists emulators, then the boards whose probe answered, never an emulator twice', async () => {
  const probed: string[] = [];
  const list = await discoverDevices({
    emulators: [{ name: 'alpha', host: '127.0.0.1', port: 40001 }], boardAddresses: ['192.168.35.2', '192.168.35.3', '127.0.0.1:40001'],
    probe: async (h, p) => { probed.push(`${h}:${p}`); return h === '192.168.35.3'; },
  });
  assert.equal(list.map((c) => `${c.kind}:${c.name}`), ['emulator:alpha', 'board:192.168.35.3']);
  assert.equal(probed, ['192.168.35.2:443', '192.168.35.3:443']);
});
disc.run();
