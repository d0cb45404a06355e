/**
 * The deploy executor and the restart wait against a scripted device: the order of calls, the
 * loud failures when the device does not list the image or the app does not reach its state,
 * nothing sent for a refused package, the restart proof from uptime, and `sideload delete`.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceApi, DeviceClient, TransportError, restartDevice, waitForRestart, type ComponentList, type TransportRequest } from '../../sideload/index';
import { checkPackage, deleteSideloaded, deploy } from '../../sideload/deployment';
import { TrustStore, verifyImageSignature } from '../../signer/index';
import type { SignatureChecker } from '../../image-builder/index';
import { IMAGEPACKAGES, tempDir } from '../helpers';
import { answer, appPackage, scripted } from './helpers';

const AVNET = { file: 'Azure-Sphere-DevX--AzureSphereDevX.Examples--avnet_PHT_HLApp-V1.imagepackage', cid: 'b8f5931e-173a-40f5-a4f8-3d98240f53ec', iid: '851873cf-f7c3-4df0-85a0-fe5a4f0a839e' };
const bytes = readFileSync(join(IMAGEPACKAGES, AVNET.file));
const store = new TrustStore();
const checker: SignatureChecker = { check(tp, s, g) { const v = verifyImageSignature(store, tp, s, g); return v.ok ? { ok: true, signer: v.signer.name } : { ok: false, reason: v.reason }; } };

function list(c: Array<{ uid: string; image?: string; type?: number; name?: string }>): ComponentList {
  return { is_ota_update_in_progress: false, has_staged_updates: false, restart_required: false, components: c.map((x) => ({ uid: x.uid, image_type: x.type ?? 10, is_update_staged: false, does_image_type_require_restart: false, name: x.name ?? 'app', images: x.image ? [{ uid: x.image, length_in_bytes: 1, uncompressed_length_in_bytes: 1, replica_type: 0 }] : [] })) };
}

/** A small device: /images answers from `installed`, install moves the staged image in, app state from `appState`. */
function device(o: { listAfterInstall?: boolean; appState?: string; restarting?: boolean; imageId?: string } = {}) {
  let installed: Array<{ uid: string; image: string }> = [];
  let staged = false;
  let uptime = 100;
  const t = scripted((r: TransportRequest) => {
    const p = r.path;
    if (p === '/status') return answer(200, { uptime: uptime++ });
    if (p === '/images') return answer(200, list(installed));
    if (p === '/device/capabilities') return answer(200, { device_capabilities: [11] });
    if (p === '/abi_versions') return answer(200, { SecureWorldRuntime: 2, OSRuntime: 3, ApplicationRuntime: 16 });
    if (p === '/update/stage') { staged = true; return answer(200, {}); }
    if (p === '/update/install') {
      if (staged && o.listAfterInstall !== false) installed = [{ uid: AVNET.cid, image: o.imageId ?? AVNET.iid }];
      if (o.restarting) uptime = 0;
      return answer(200, { restartingSystem: Boolean(o.restarting) });
    }
    if (p.startsWith('/app/status/')) return answer(200, { state: o.appState ?? 'running' });
    if (p.startsWith('/app/image/')) { installed = installed.filter((c) => !p.endsWith(c.uid)); return answer(200, {}); }
    return answer(404, { error: 15728642 });
  });
  let clock = 0;
  const api = new DeviceApi(new DeviceClient({ transport: t, label: 'emulator "t"', sleep: async (ms) => { clock += ms; }, timeouts: { appStateWaitMs: 1000, pollMs: 100 } }));
  return { t, api, now: () => clock, sleep: async (ms: number) => { clock += ms; }, set: (x: Array<{ uid: string; image: string }>) => { installed = x; } };
}

const paths = (t: { calls: TransportRequest[] }) => t.calls.map((c) => `${c.method} ${c.path}`);

const test = suite('deploy');
test('stages, installs Auto, then confirms the listing and the running state', async () => {
  const d = device();
  const r = await deploy(d.api, { file: 'a', bytes, checker, now: d.now, sleep: d.sleep });
  assert.ok(r.installed);
  assert.is(r.appState, 'running');
  const seq = paths(d.t);
  assert.ok(seq.indexOf('PUT /update/stage') < seq.indexOf('POST /update/install'));
  assert.ok(seq.lastIndexOf('GET /images') > seq.indexOf('POST /update/install'));
  assert.equal(JSON.parse(Buffer.from(d.t.calls.find((c) => c.path === '/update/install')!.body!).toString()), { appControlMode: 'Auto' });
  assert.is(d.t.calls.find((c) => c.path === '/update/stage')!.body!.length, bytes.length);
});
test('asks for the capabilities only for an SDK-Test-signed package, the ABI versions only for one that depends on a runtime', async () => {
  const sdk = device();
  await deploy(sdk.api, { file: 'a', bytes, checker, now: sdk.now, sleep: sdk.sleep });
  assert.ok(paths(sdk.t).includes('GET /device/capabilities'), 'the SDK Test signer needs appDevelopment');
  assert.ok(paths(sdk.t).includes('GET /abi_versions'));
  const t = tempDir();
  try {
    const pkg = await appPackage(t.dir, { componentId: AVNET.cid });
    const devStore = new TrustStore({ includeBuiltin: false });
    devStore.addPem(pkg.caPem);
    const devChecker: SignatureChecker = { check(tp, s, g) { const v = verifyImageSignature(devStore, tp, s, g); return v.ok ? { ok: true, signer: v.signer.name } : { ok: false, reason: v.reason }; } };
    const dev = device({ imageId: checkPackage(pkg.bytes, { file: 'b', checker: devChecker }).facts!.imageId });
    const r = await deploy(dev.api, { file: 'b', bytes: pkg.bytes, checker: devChecker, now: dev.now, sleep: dev.sleep });
    assert.ok(r.installed);
    assert.not.ok(paths(dev.t).includes('GET /device/capabilities'), 'a dev-CA package is decided without them');
    assert.ok(paths(dev.t).includes('GET /abi_versions'), 'its manifest targets an application runtime');
  } finally { t.done(); }
});
test('skips the upload when the same image is installed; --force uploads', async () => {
  const d = device();
  d.set([{ uid: AVNET.cid, image: AVNET.iid }]);
  const r = await deploy(d.api, { file: 'a', bytes, checker, now: d.now, sleep: d.sleep });
  assert.is(r.installed, false);
  assert.not.ok(paths(d.t).includes('PUT /update/stage'));
  const f = await deploy(d.api, { file: 'a', bytes, checker, force: true, now: d.now, sleep: d.sleep });
  assert.ok(f.installed);
});
test('fails loudly when the device does not list the image after install', async () => {
  const d = device({ listAfterInstall: false });
  try { await deploy(d.api, { file: 'a.imagepackage', bytes, checker, now: d.now, sleep: d.sleep }); assert.unreachable(); } catch (e) {
    assert.is((e as { code: string }).code, 'DEPLOY_NOT_LISTED');
    assert.match((e as Error).message, /does not list image 851873cf-f7c3-4df0-85a0-fe5a4f0a839e/);
  }
});
test('fails loudly when the app does not reach the expected state', async () => {
  const d = device({ appState: 'stopped' });
  try { await deploy(d.api, { file: 'a', bytes, checker, now: d.now, sleep: d.sleep }); assert.unreachable(); } catch (e) {
    assert.is((e as { code: string }).code, 'DEPLOY_APP_STATE');
    assert.match((e as Error).message, /is "stopped" where "running" was expected/);
  }
  const m = device({ appState: 'stopped' });
  assert.is((await deploy(m.api, { file: 'a', bytes, checker, manualStart: true, now: m.now, sleep: m.sleep })).appState, 'stopped');
});
test('an untrusted package is refused without a single request', async () => {
  const d = device();
  const none: SignatureChecker = { check: () => ({ ok: false, reason: 'UNKNOWN_SIGNER' }) };
  try { await deploy(d.api, { file: 'a', bytes, checker: none }); assert.unreachable(); } catch (e) { assert.is((e as { code: string }).code, 'PACKAGE_UNTRUSTED'); }
  assert.is(d.t.calls.length, 0);
});
test('an install that restarts the device waits for the new boot', async () => {
  const d = device({ restarting: true });
  const r = await deploy(d.api, { file: 'a', bytes, checker, now: d.now, sleep: d.sleep });
  assert.ok(r.restarted);
});
test.run();

const restart = suite('waitForRestart');
restart('accepts an uptime below what an unrestarted device would report', async () => {
  let clock = 0;
  const ups = [12, 13, 0];
  const t = scripted(() => answer(200, { uptime: ups.shift() ?? 1 }));
  const api = new DeviceApi(new DeviceClient({ transport: t }));
  const r = await waitForRestart(api, { before: { uptime: 12, at: 0 }, now: () => clock, sleep: async (ms) => { clock += ms; }, pollMs: 1000 });
  assert.is(r.uptime, 0);
  assert.is(t.calls.length, 3);
});
restart('an answer after the device went away counts, whatever its uptime', async () => {
  let clock = 0;
  const seq: Array<'down' | number> = ['down', 'down', 99];
  const t = scripted(() => { const x = seq.shift(); return x === 'down' ? new TransportError('refused', 'ECONNREFUSED') : answer(200, { uptime: x ?? 99 }); });
  const api = new DeviceApi(new DeviceClient({ transport: t }));
  const r = await waitForRestart(api, { before: { uptime: 50, at: 0 }, now: () => clock, sleep: async (ms) => { clock += ms; }, pollMs: 250 });
  assert.ok(r.wentAway);
  assert.is(t.calls.length, 3);
});
restart('a restart right after boot waits for uptime 1 first, so the new boot is told apart', async () => {
  let clock = 0;
  let booted = 0;
  let restartAt = -1;
  const t = scripted((r) => {
    if (r.path === '/restart') { booted = restartAt = clock; return answer(200, { restartingSystem: true }); }
    return answer(200, { uptime: Math.floor((clock - booted) / 1000) });
  });
  const api = new DeviceApi(new DeviceClient({ transport: t, sleep: async (ms) => { clock += ms; } }));
  const r = await restartDevice(api, { now: () => clock, sleep: async (ms) => { clock += ms; }, pollMs: 250 });
  assert.is(r.uptime, 0);
  assert.ok(clock < 2_000, `took ${clock} ms of device time`);
  assert.ok(restartAt >= 1000, `asked for the restart at ${restartAt} ms, before the device had shown uptime 1`);
});
restart('a device whose uptime keeps growing has not restarted: the wait times out', async () => {
  let clock = 0;
  const t = scripted(() => answer(200, { uptime: 50 + Math.floor(clock / 1000) }));
  const api = new DeviceApi(new DeviceClient({ transport: t }));
  try {
    await waitForRestart(api, { before: { uptime: 50, at: 0 }, now: () => clock, sleep: async (ms) => { clock += ms; }, timeoutMs: 5000, pollMs: 250 });
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code: string }).code, 'RESTART_TIMEOUT');
    assert.match((e as Error).message, /did not come back within 5 s/);
  }
});
restart.run();

const del = suite('deleteSideloaded');
del('deletes one installed component; an absent one is "not found" without a DELETE', async () => {
  const d = device();
  d.set([{ uid: AVNET.cid, image: AVNET.iid }]);
  const r = await deleteSideloaded(d.api, { componentId: AVNET.cid });
  assert.equal(r.deleted.map((x) => x.componentId), [AVNET.cid]);
  try { await deleteSideloaded(d.api, { componentId: AVNET.cid }); assert.unreachable(); } catch (e) { assert.is((e as { exitCode: number }).exitCode, 3); }
  assert.is(paths(d.t).filter((p) => p.startsWith('DELETE')).length, 1);
});
del('without an ID deletes every app, keeping the exceptions', async () => {
  const d = device();
  const other = '11111111-2222-3333-4444-555555555555';
  d.set([{ uid: AVNET.cid, image: AVNET.iid }, { uid: other, image: AVNET.iid }]);
  const r = await deleteSideloaded(d.api, { except: [other.toUpperCase()] });
  assert.equal(r.deleted.map((x) => x.componentId), [AVNET.cid]);
  assert.equal(r.kept, [other]);
});
del.run();
