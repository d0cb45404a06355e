/**
 * The device model: sideloading the real SDK-built packages with and without appDevelopment,
 * trust of the user's dev CA, capability images from the device's own Security Service only,
 * state surviving stop/start, secure boot refusing (and reporting) images that no longer verify,
 * recovery, and the flash staying consistent.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Device, issueCapabilityImage, recoverStateDir, requestRecovery } from '../../emulator/index';
import type { ComponentList } from '../../sideload/protocol/index';
import { buildPackage, type PackPlan } from '../../image-builder/index';
import { fileSigner, loadDevCa } from '../../signer/index';
import { FIXTURE, devCaPackage, fixtureBytes, install, stage, testEmulator, type TestEmulator } from './helpers';
import { tempDir } from '../helpers';

const APPS = [FIXTURE.anvil, FIXTURE.avnet, FIXTURE.altair];

const sideload = suite('sideload of SDK-built packages');
sideload('each app installs, starts and stops with appDevelopment', async () => {
  const e = await testEmulator({ capabilities: [11] });
  try {
    for (const a of APPS) {
      assert.equal((await stage(e, fixtureBytes(a.file))).json, {}, a.file);
      assert.equal((await install(e, 'Manual')).json, {});
      const p = `/app/status/${a.cid}`;
      assert.equal((await e.call('GET', p)).json, { state: 'stopped' });
      assert.equal((await e.call('PATCH', p, { json: { trigger: 'start' } })).json, { state: 'running' });
      assert.equal((await e.call('PATCH', p, { json: { trigger: 'stop' } })).json, { state: 'stopped' });
    }
    const list = (await e.call('GET', '/images')).json as { components: Array<{ uid: string; images: Array<{ uid: string }> }> };
    for (const a of APPS) assert.is(list.components.find((c) => c.uid === a.cid)?.images[0]?.uid, a.iid);
  } finally { await e.done(); }
});
sideload('without appDevelopment the same packages are "not trusted" (7340047)', async () => {
  const e = await testEmulator({ capabilities: [] });
  try {
    for (const a of [...APPS, FIXTURE.board]) {
      const r = await stage(e, fixtureBytes(a.file));
      assert.equal([r.status, r.json], [400, { error: 7340047 }], a.file);
    }
    assert.is(((await e.call('GET', '/images')).json as { has_staged_updates: boolean }).has_staged_updates, false);
  } finally { await e.done(); }
});
sideload('a dev-CA-signed package installs without appDevelopment only when that CA is trusted', async () => {
  const t = tempDir();
  try {
    const pkg = await devCaPackage(t.dir);
    const untrusted = await testEmulator({ capabilities: [] });
    try {
      const r = await stage(untrusted, pkg.bytes);
      assert.equal([r.status, r.json], [400, { error: 7340047 }]);
    } finally { await untrusted.done(); }
    const trusted = await testEmulator({ capabilities: [], trust: [pkg.caPem] });
    try {
      assert.equal((await stage(trusted, pkg.bytes)).json, {});
      assert.equal((await install(trusted)).json, {});
      assert.equal((await trusted.call('GET', `/app/status/${pkg.componentId}`)).json, { state: 'running' });
      assert.equal((await trusted.call('GET', `/app/quota/${pkg.componentId}`)).json, { UsageKB: 0, LimitKB: 8 });
      const dbg = await trusted.call('PATCH', `/app/status/${pkg.componentId}`, { json: { trigger: 'startDebug' } });
      assert.equal([dbg.status, dbg.json], [409, { error: 3145738 }], 'no debug server without appDevelopment');
    } finally { await trusted.done(); }
  } finally { t.done(); }
});
sideload('an app needing a newer application runtime installs but does not start', async () => {
  const t = tempDir();
  try {
    const pkg = await devCaPackage(t.dir, { runtime: 99 });
    const e = await testEmulator({ capabilities: [], trust: [pkg.caPem] });
    try {
      assert.equal((await stage(e, pkg.bytes)).json, {});
      await install(e, 'Manual');
      const r = await e.call('PATCH', `/app/status/${pkg.componentId}`, { json: { trigger: 'start' } });
      assert.equal([r.status, r.json], [409, { error: 1048591 }]);
    } finally { await e.done(); }
  } finally { t.done(); }
});

const persist = suite('persistence and secure boot');
persist('state survives stop and start: images, app auto-start, Wi-Fi, certificates, capabilities, identity', async () => {
  const t = tempDir();
  const stateDir = join(t.dir, 'state');
  try {
    const a = await testEmulator({ stateDir, capabilities: [11] });
    const id = ((await a.call('GET', '/device/security_state')).json as { deviceIdentifier: string }).deviceIdentifier;
    await stage(a, fixtureBytes(FIXTURE.anvil.file));
    await install(a);
    await stage(a, fixtureBytes(FIXTURE.altair.file));
    await install(a, 'Manual');
    await a.call('POST', '/wifi/config/networks', { json: { ssid: 'EmuHome', securityState: 'psk', psk: 'sphere-emulator' } });
    await a.call('PUT', '/device/manufacturing_state', { json: { manufacturingState: 'Module1Complete' } });
    const caPem = a.caPem;
    await a.done();
    const b = await testEmulator({ stateDir });
    try {
      assert.is(b.caPem, caPem, 'same device CA');
      assert.is(((await b.call('GET', '/device/security_state')).json as { deviceIdentifier: string }).deviceIdentifier, id);
      assert.equal((await b.call('GET', '/device/capabilities')).json, { device_capabilities: [11] });
      assert.equal((await b.call('GET', '/device/manufacturing_state')).json, { manufacturingState: 'Module1Complete' });
      assert.equal((await b.call('GET', `/app/status/${FIXTURE.anvil.cid}`)).json, { state: 'running' });
      assert.equal((await b.call('GET', `/app/status/${FIXTURE.altair.cid}`)).json, { state: 'stopped' });
      assert.is(((await b.call('GET', '/wifi/interface')).json as { ssid: string }).ssid, 'EmuHome');
    } finally { await b.done(); }
  } finally { t.done(); }
});
persist('secure boot: without appDevelopment SDK-signed apps are not run and are reported', async () => {
  const t = tempDir();
  const stateDir = join(t.dir, 'state');
  try {
    const a = await testEmulator({ stateDir, capabilities: [11] });
    await stage(a, fixtureBytes(FIXTURE.anvil.file));
    await install(a);
    await a.done();
    const b = await testEmulator({ stateDir, capabilities: [] });
    try {
      const list = (await b.call('GET', '/images')).json as { components: Array<{ uid: string }> };
      assert.ok(list.components.some((c) => c.uid === FIXTURE.anvil.cid), '/images still lists it');
      assert.equal((await b.call('GET', `/app/status/${FIXTURE.anvil.cid}`)).json, { state: 'stopped' });
      const r = await b.call('PATCH', `/app/status/${FIXTURE.anvil.cid}`, { json: { trigger: 'start' } });
      assert.equal([r.status, r.json], [409, { error: 1048591 }]);
      assert.match((await b.call('GET', '/log')).body.toString('latin1'), /secure-boot-failure component 1689d8b2-c835-2e27-27ad-e894d6d15fa9 .*UNKNOWN_SIGNER/);
      assert.match((await b.call('GET', '/telemetry')).body.toString('latin1'), /secure-boot-failure/);
    } finally { await b.done(); }
  } finally { t.done(); }
});
persist('secure boot: an image altered in flash is refused at the next restart', async () => {
  const e = await testEmulator({ capabilities: [11] });
  try {
    await stage(e, fixtureBytes(FIXTURE.avnet.file));
    await install(e);
    const blobDir = join(e.stateDir, 'flash', 'blobs');
    const [blob] = readdirSync(blobDir);
    const p = join(blobDir, blob!);
    chmodSync(p, 0o644);
    const b = readFileSync(p);
    b[5000] = b[5000]! ^ 0xff;
    writeFileSync(p, b);
    const before = (await e.call('GET', '/images')).json as ComponentList;
    assert.is(before.components.find((c) => c.uid === FIXTURE.avnet.cid)?.images[0]?.verification_status, 'verified');
    await e.call('POST', '/restart');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal((await e.call('GET', `/app/status/${FIXTURE.avnet.cid}`)).json, { state: 'stopped' });
    assert.match((await e.call('GET', '/log')).body.toString('latin1'), /CORRUPT/);
    const after = (await e.call('GET', '/images')).json as ComponentList;
    const img = after.components.find((c) => c.uid === FIXTURE.avnet.cid)?.images[0];
    assert.equal([img?.uid, img?.verification_status], [FIXTURE.avnet.iid, 'failed'], 'listed, with the verdict of secure boot');
    assert.match(String(img?.verification_detail), /^CORRUPT: /);
    assert.ok(after.components.filter((c) => c.image_type !== 10 && c.image_type !== 21).every((c) => c.images[0]?.verification_status === undefined), 'no verdict claimed for the simulated OS images');
  } finally { await e.done(); }
});
persist('a second emulator on the same state folder is refused', async () => {
  const e = await testEmulator({});
  try {
    let err: Error | undefined;
    try { await testEmulator({ stateDir: e.stateDir }); } catch (x) { err = x as Error; }
    assert.match(String(err?.message), /uses it/);
  } finally { await e.done(); }
});
persist('the core refuses what HTTP would, without a server', () => {
  const t = tempDir();
  try {
    const d = Device.open({ stateDir: t.dir, capabilities: [11] });
    assert.throws(() => d.stage(fixtureBytes(FIXTURE.production.file)), (e: { code?: number }) => e.code === 7340047);
    const rec = d.stage(fixtureBytes(FIXTURE.anvil.file));
    assert.is(rec.componentId, FIXTURE.anvil.cid);
    d.install('Auto');
    assert.is(d.appState(FIXTURE.anvil.cid), 'running');
    const before = d.state.generation;
    d.restart();
    assert.ok(d.state.generation > before);
    assert.is(d.appState(FIXTURE.anvil.cid), 'running');
    assert.is(d.uptime, 0);
  } finally { t.done(); }
});

const caps = suite('capability images (enable-development)');
/** A type-20 capability image built here (not by the Security Service under test), signed by the key and certificate given. */
async function capabilityImage(keyPem: string, certPem: string, deviceId: string, capabilities: number[]): Promise<Uint8Array> {
  const payload = Buffer.from(JSON.stringify({ format: 'sphere-capabilities-v1', deviceId, capabilities }));
  const plan: PackPlan = { kind: 'board-config', imageType: 20, componentId: '0c0ffee0-0000-4000-8000-000000000011', imageId: '0c0ffee0-0000-4000-8000-000000000012', imageIdDerived: false, name: 'capabilities', buildTime: 1700000000, abiDepends: undefined, payload, warnings: [] };
  return buildPackage(plan, fileSigner({ keyPem, certPem }));
}
const securityService = (stateDir: string) => ({ keyPem: readFileSync(join(stateDir, 'security-service.key.pem'), 'utf8'), certPem: readFileSync(join(stateDir, 'security-service.pem'), 'utf8') });
const capsOf = async (e: TestEmulator) => ((await e.call('GET', '/device/capabilities')).json as { device_capabilities: number[] }).device_capabilities;
const idOf = async (e: TestEmulator) => ((await e.call('GET', '/device/security_state')).json as { deviceIdentifier: string }).deviceIdentifier;
async function rejects(f: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  let err: unknown;
  try { await f(); } catch (e) { err = e; }
  assert.ok(err instanceof Error, 'expected a rejection');
  assert.match((err as Error).message, pattern);
}
const otherId = (id: string) => id.replace(/^./, id[0] === 'A' ? 'B' : 'A');

caps('the Security Service key is made at first start beside the identity key (0600) and kept by a flash reset', async () => {
  const t = tempDir();
  const stateDir = join(t.dir, 'state');
  try {
    const a = await testEmulator({ stateDir });
    const pem = securityService(stateDir).certPem;
    assert.is(statSync(join(stateDir, 'security-service.key.pem')).mode & 0o777, 0o600);
    assert.is(statSync(join(stateDir, 'identity.key.pem')).mode & 0o777, 0o600);
    // OpenSSL reads the certificate and checks the key is its key.
    const certPub = execFileSync('openssl', ['x509', '-noout', '-pubkey', '-in', join(stateDir, 'security-service.pem')], { encoding: 'utf8' });
    const keyPub = execFileSync('openssl', ['pkey', '-pubout', '-in', join(stateDir, 'security-service.key.pem')], { encoding: 'utf8' });
    assert.is(certPub, keyPub);
    assert.match(execFileSync('openssl', ['x509', '-noout', '-subject', '-in', join(stateDir, 'security-service.pem')], { encoding: 'utf8' }), /Security Service/);
    await a.done();
    rmSync(join(stateDir, 'flash'), { recursive: true, force: true });
    const b = await testEmulator({ stateDir });
    try { assert.is(securityService(stateDir).certPem, pem, 'same service after the flash was erased'); } finally { await b.done(); }
  } finally { t.done(); }
});
caps('only an image from the device\'s own Security Service, for its own ID, changes capabilities; the device restarts to apply it', async () => {
  const t = tempDir();
  try {
    const pkg = await devCaPackage(t.dir);
    const dev = await loadDevCa(pkg.caDir);
    const e = await testEmulator({ capabilities: [], trust: [pkg.caPem] });
    const other = await testEmulator({ capabilities: [] });
    try {
      const id = await idOf(e);
      const refused = async (bytes: Uint8Array, why: string) => {
        const r = await stage(e, bytes);
        assert.equal([r.status, r.json], [400, { error: 7340047 }], why);
        assert.equal(await capsOf(e), [], `${why}: capabilities unchanged`);
        assert.is(((await e.call('GET', '/images')).json as ComponentList).has_staged_updates, false, `${why}: nothing staged`);
      };
      assert.equal((await stage(e, pkg.bytes)).json, {}, 'the dev CA is trusted for apps');
      assert.equal((await install(e)).json, {});
      await refused(await capabilityImage(dev.keyPem, dev.certPem, id, [11]), 'signed by the dev CA');
      const ss = securityService(e.stateDir);
      await refused(await capabilityImage(ss.keyPem, ss.certPem, otherId(id), [11]), 'signed by its Security Service for another device');
      const foreign = securityService(other.stateDir);
      await refused(await capabilityImage(foreign.keyPem, foreign.certPem, id, [11]), 'signed by another emulator\'s Security Service');
      await refused((await issueCapabilityImage({ stateDir: other.stateDir, deviceId: await idOf(other), capabilities: [11] })).bytes, 'issued for another emulator');
      await rejects(() => issueCapabilityImage({ stateDir: e.stateDir, deviceId: otherId(id), capabilities: [11] }), /serves only device/);
      assert.equal((await stage(e, fixtureBytes(FIXTURE.anvil.file))).json, { error: 7340047 }, 'SDK app refused before');

      const issued = await issueCapabilityImage({ stateDir: e.stateDir, deviceId: id, capabilities: [11] });
      const fingerprint = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha1', '-in', join(e.stateDir, 'security-service.pem')], { encoding: 'utf8' });
      assert.is(issued.signer, fingerprint.split('=')[1]!.trim().replace(/:/g, '').toLowerCase(), 'signed by the certificate OpenSSL reads');
      const uptime = async () => ((await e.call('GET', '/status')).json as { uptime: number }).uptime;
      await new Promise((r) => setTimeout(r, 1100));
      assert.ok((await uptime()) >= 1);
      assert.equal((await stage(e, issued.bytes)).json, {});
      assert.equal((await install(e)).json, { restartingSystem: true });
      await new Promise((r) => setTimeout(r, 50));
      assert.is(await uptime(), 0, 'restarted');
      assert.equal(await capsOf(e), [11]);
      assert.equal((await e.call('GET', `/app/status/${pkg.componentId}`)).json, { state: 'running' }, 'the app came back after the restart');
      assert.equal((await stage(e, fixtureBytes(FIXTURE.anvil.file))).json, {}, 'SDK app accepted after');
      assert.not.ok(((await e.call('GET', '/images')).json as ComponentList).components.some((c) => c.uid === issued.componentId), 'not kept as an image');
      assert.match((await e.call('GET', '/log')).body.toString('latin1'), /capabilities set to \[11\] by a capability image/);
    } finally { await e.done(); await other.done(); }
  } finally { t.done(); }
});

const recovery = suite('recovery');
recovery('recover: base OS images only, apps, storage, capabilities, certificates and Wi-Fi gone; ID, Security Service, manufacturing state and trust kept', async () => {
  const t = tempDir();
  try {
    const pkg = await devCaPackage(t.dir);
    const e = await testEmulator({ capabilities: [11], trust: [pkg.caPem] });
    try {
      const id = await idOf(e);
      const ss = securityService(e.stateDir).certPem;
      await stage(e, fixtureBytes(FIXTURE.anvil.file));
      await install(e);
      await stage(e, fixtureBytes(FIXTURE.altair.file));
      await e.call('POST', '/wifi/config/networks', { json: { ssid: 'EmuHome', securityState: 'psk', psk: 'sphere-emulator' } });
      await e.call('PUT', '/device/manufacturing_state', { json: { manufacturingState: 'Module1Complete' } });
      mkdirSync(join(e.stateDir, 'storage', FIXTURE.anvil.cid), { recursive: true });
      writeFileSync(join(e.stateDir, 'storage', FIXTURE.anvil.cid, 'data'), 'x');
      const osBefore = ((await e.call('GET', '/images')).json as ComponentList).components.filter((c) => c.image_type !== 10);
      const r = await requestRecovery(e.entry.recovery!);
      assert.equal([r.deviceId, r.removedImages], [id, 2]);
      const list = (await e.call('GET', '/images')).json as ComponentList;
      assert.equal(list.components, osBefore.filter((c) => c.uid !== FIXTURE.altair.cid), 'only the base OS image set');
      assert.is(list.has_staged_updates, false);
      assert.equal(await capsOf(e), []);
      assert.equal((await e.call('GET', '/wifi/config/networks')).json, { values: [] });
      assert.equal((await e.call('GET', '/device/manufacturing_state')).json, { manufacturingState: 'Module1Complete' });
      assert.is(await idOf(e), id);
      assert.is(securityService(e.stateDir).certPem, ss);
      assert.not.ok(existsSync(join(e.stateDir, 'storage', FIXTURE.anvil.cid)), 'app storage erased');
      assert.is(readdirSync(join(e.stateDir, 'flash', 'blobs')).length, 0, 'image blobs erased');
      assert.equal((await stage(e, pkg.bytes)).json, {}, 'the trusted dev CA still is');
    } finally { await e.done(); }
  } finally { t.done(); }
});
recovery('recoverStateDir recovers a stopped emulator\'s folder and refuses a running one\'s', async () => {
  const e = await testEmulator({ capabilities: [11] });
  try {
    await stage(e, fixtureBytes(FIXTURE.anvil.file));
    await install(e);
    assert.throws(() => recoverStateDir({ stateDir: e.stateDir }), /uses it/);
    const socket = e.entry.recovery!;
    await e.close();
    await rejects(() => requestRecovery(socket), /nothing answers on its recovery channel/);
    const r = recoverStateDir({ stateDir: e.stateDir });
    assert.is(r.removedImages, 1);
    const d = Device.open({ stateDir: e.stateDir });
    assert.equal([d.deviceId, Object.keys(d.state.images).length, d.state.capabilities], [r.deviceId, 0, []]);
  } finally { await e.done(); }
});

sideload.run();
caps.run();
persist.run();
recovery.run();
