/**
 * End-to-end: `dist/sphere device enable-development` / `enable-cloud-test` on an emulator started
 * without capabilities. The SDK-built fixture app is refused ("not trusted", 7.15) until the
 * emulator's Security Service has issued — and the device has installed — a capability image with
 * appDevelopment; then it deploys; enable-cloud-test takes it away again. Capability images signed
 * by the user's dev CA (trusted for apps) or by the right key for another device ID are built here
 * and sent over plain HTTPS: the device refuses them and nothing changes. Boards are refused in one line.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildPackage, type PackPlan } from '../../image-builder/index';
import { fileSigner, loadDevCa } from '../../signer/index';
import { appsOn, appState, lab, oneLine, type Lab } from '../sideload/e2e-helpers';

const FX = resolve('test/fixtures/imagepackage/Azure-Sphere-DevX--AzureSphereDevX.Examples--avnet_PHT_HLApp-V1.imagepackage');
const FX_CID = 'b8f5931e-173a-40f5-a4f8-3d98240f53ec';
const FX_IID = '851873cf-f7c3-4df0-85a0-fe5a4f0a839e';

let l: Lab;
const json = (args: string[]) => {
  const r = l.run([...args, '-o', 'json']);
  assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const caps = async () => ((await l.rest('dev', '/device/capabilities')).json as { device_capabilities: number[] }).device_capabilities;
const stageRaw = (bytes: Uint8Array) => l.rest('dev', '/update/stage', { method: 'PUT', body: bytes });

/** A type-20 capability image made here, from the payload the emulator README documents. */
async function capabilityImage(keyPem: string, certPem: string, deviceId: string, capabilities: number[]): Promise<Uint8Array> {
  const payload = Buffer.from(JSON.stringify({ format: 'sphere-capabilities-v1', deviceId, capabilities }));
  const plan: PackPlan = { kind: 'board-config', imageType: 20, componentId: '0c0ffee0-0000-4000-8000-0000000000e2', imageId: '0c0ffee0-0000-4000-8000-0000000000e3', imageIdDerived: false, name: 'capabilities', buildTime: 1700000000, abiDepends: undefined, payload, warnings: [] };
  return buildPackage(plan, fileSigner({ keyPem, certPem }));
}

const test = suite('enable-development and enable-cloud-test on the emulator');
test.before(() => {
  l = lab();
  l.start('dev', ['--capabilities', 'none']);
});
test.after(() => l.done());

test('without capabilities an SDK-built app is refused as not trusted, by the client and by the device', async () => {
  assert.equal(await caps(), []);
  const r = l.run(['device', 'sideload', 'deploy', FX]);
  assert.is(r.code, 1);
  assert.match(oneLine(r), /SDK Test certificate.*lacks it \(it would answer device error 7\.15\)\. Enable development on the device \("sphere device enable-development"\)/);
  const raw = await stageRaw(readFileSync(FX));
  assert.equal([raw.status, raw.json], [400, { error: 7340047 }], 'the device itself refuses it');
  assert.equal(await appsOn(l, 'dev'), []);
});

test('enable-development: capabilities show appDevelopment, the device restarted, and the same sideload succeeds', async () => {
  const uptime = ((await l.rest('dev', '/status')).json as { uptime: number }).uptime;
  const e = json(['device', 'enable-development']);
  assert.equal([e.changed, e.restarted, e.capabilities, e.deviceGroup, e.applicationUpdates], [true, true, [{ id: 11, name: 'appDevelopment' }], 'Development', false]);
  assert.equal(await caps(), [11]);
  assert.ok(((await l.rest('dev', '/status')).json as { uptime: number }).uptime <= Math.max(1, uptime), 'a new boot');
  const again = l.run(['device', 'enable-development', '--enable-rt-core-debugging']);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /^Application development capability was already enabled on emulator "dev"\.\nDevice ID: +[0-9A-F]{128}\nCapabilities: +appDevelopment \(11\)\nDevice group: +Development \(cloud application updates disabled\)\nDebugging server: +built into the emulator; it serves the real-time cores too\n$/);
  const d = json(['device', 'sideload', 'deploy', FX]);
  assert.equal([d.action, d.componentId, d.imageId, d.appState], ['installed', FX_CID, FX_IID, 'running']);
  assert.is(await appState(l, 'dev', FX_CID), 'running');
});

test('enable-cloud-test: appDevelopment removed, Field Test recorded, the SDK-signed app no longer passes secure boot, sideload refused again', async () => {
  const r = l.run(['device', 'enable-cloud-test']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Application development capability removed from emulator "dev"; it is ready for cloud updates\.\n[\s\S]*Capabilities: +none\nDevice group: +Field Test \(cloud application updates enabled\)\n$/);
  assert.equal(await caps(), []);
  const record = JSON.parse(readFileSync(join(l.entry('dev')!.stateDir, 'security-service.json'), 'utf8'));
  assert.equal([record.deviceGroup, record.applicationUpdates, record.capabilities], ['Field Test', true, []]);
  const list = json(['device', 'image', 'list-installed']);
  assert.equal(list.map((i: { componentId: string; verification: string }) => [i.componentId, i.verification]), [[FX_CID, 'failed']]);
  assert.match(list[0].verificationDetail, /^UNKNOWN_SIGNER/);
  assert.is(await appState(l, 'dev', FX_CID), 'stopped');
  const d = l.run(['device', 'sideload', 'deploy', FX, '--force']);
  assert.is(d.code, 1);
  assert.match(oneLine(d), /lacks it \(it would answer device error 7\.15\)/);
  const raw = await stageRaw(readFileSync(FX));
  assert.equal([raw.status, raw.json], [400, { error: 7340047 }]);
});

test('a capability image signed by the dev CA (trusted for apps), or by the Security Service for another device ID, is refused and changes nothing', async () => {
  const id = ((await l.rest('dev', '/device/security_state')).json as { deviceIdentifier: string }).deviceIdentifier;
  const before = await l.rest('dev', '/images');
  const ca = await loadDevCa(join(l.dir, 'ca'));
  const app = l.run(['image', 'pack', resolve('samples/hello/approot'), '--destination', 'hello.imagepackage', '--target-api-set', '16']);
  assert.is(app.code, 0, app.stderr);
  assert.equal((await stageRaw(readFileSync(join(l.dir, 'hello.imagepackage')))).json, {}, 'the dev CA is trusted for applications');
  await l.rest('dev', `/app/image/5a7f3c2e-9b1d-4e6a-8c0f-2d4b6e8a1c3f`, { method: 'DELETE' });
  const stateDir = l.entry('dev')!.stateDir;
  const ss = { keyPem: readFileSync(join(stateDir, 'security-service.key.pem'), 'utf8'), certPem: readFileSync(join(stateDir, 'security-service.pem'), 'utf8') };
  const other = id.replace(/^./, id[0] === 'A' ? 'B' : 'A');
  for (const [what, bytes] of [
    ['signed by the dev CA', await capabilityImage(ca.keyPem, ca.certPem, id, [11])],
    ['signed by the Security Service for another device', await capabilityImage(ss.keyPem, ss.certPem, other, [11])],
  ] as const) {
    const r = await stageRaw(bytes);
    assert.equal([r.status, r.json], [400, { error: 7340047 }], what);
    assert.equal(await caps(), [], `${what}: capabilities unchanged`);
    assert.equal((await l.rest('dev', '/images')).json, before.json, `${what}: images unchanged, nothing staged`);
  }
});

test('boards: one line saying the capability comes from Microsoft\'s Security Service, exit 1, nothing sent', () => {
  for (const cmd of ['enable-development', 'enable-cloud-test']) {
    const r = l.run(['device', cmd, '--device', '192.168.35.77']);
    assert.is(r.code, 1, cmd);
    assert.match(oneLine(r), new RegExp(`^error: Cannot enable (development|cloud testing) on board 192\\.168\\.35\\.77: a board's capabilities come from a capability file that Microsoft's Azure Sphere Security Service signs for that device, and Spherekit cannot obtain one\\. Use Microsoft's "az sphere device ${cmd}" for boards\\.$`));
  }
});

test('a malformed --device-group is a usage error (exit 2) before anything changes', async () => {
  const r = l.run(['device', 'enable-development', '--device-group', 'Lab/1']);
  assert.is(r.code, 2);
  assert.match(oneLine(r), /^error: Cannot use device group "Lab\/1": a group name is 1-50 letters, digits and spaces\./);
  assert.equal(await caps(), []);
});
test('the azsphere spelling runs the same command', async () => {
  const r = l.run(['azsphere', 'device', 'enable-development', '--enablertcoredebugging', '--output', 'json']);
  assert.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal([j.changed, j.rtCoreDebugging, j.deviceGroup], [true, true, 'Development']);
  assert.equal(await caps(), [11]);
});

test.run();
