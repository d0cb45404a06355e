/**
 * The device model: sideloading the real SDK-built packages with and without appDevelopment,
 * trust of the user's dev CA, state surviving stop/start, secure boot refusing images that no
 * longer verify, and the flash staying consistent.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Device } from '../../emulator/index';
import { buildPackage, type PackPlan } from '../../image-builder/index';
import { fileSigner, loadDevCa } from '../../signer/index';
import { FIXTURE, devCaPackage, fixtureBytes, install, stage, testEmulator } from './helpers';
import { tempDir } from '../helpers';

const APPS = [FIXTURE.anvil, FIXTURE.avnet, FIXTURE.altair];

const sideload = suite('sideload of SDK-built packages');
sideload('each app installs, starts and stops with appDevelopment', async () => {
  const e = await testEmulator({ capabilities: [11] });
  try {
    for (const a of APPS) {
      assert.equal((await stage(e, fixtureBytes(a.file))).json, {}, a.file);
      assert.equal((await install(e, 'Manual')).json, { restartingSystem: false });
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
      assert.equal((await install(trusted)).json, { restartingSystem: false });
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
    await e.call('POST', '/restart');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal((await e.call('GET', `/app/status/${FIXTURE.avnet.cid}`)).json, { state: 'stopped' });
    assert.match((await e.call('GET', '/log')).body.toString('latin1'), /CORRUPT/);
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
async function capabilityImage(caDir: string, deviceId: string, capabilities: number[]): Promise<Uint8Array> {
  const ca = await loadDevCa(caDir);
  const payload = Buffer.from(JSON.stringify({ format: 'sphere-capabilities-v1', deviceId, capabilities }));
  const plan: PackPlan = { kind: 'board-config', imageType: 20, componentId: '0c0ffee0-0000-4000-8000-000000000011', imageId: '0c0ffee0-0000-4000-8000-000000000012', imageIdDerived: false, name: 'capabilities', buildTime: 1700000000, abiDepends: undefined, payload, warnings: [] };
  return buildPackage(plan, fileSigner({ keyPem: ca.keyPem, certPem: ca.certPem }));
}
caps('a capability image signed by a trusted CA for this device grants appDevelopment', async () => {
  const t = tempDir();
  try {
    const pkg = await devCaPackage(t.dir);
    const e = await testEmulator({ capabilities: [], trust: [pkg.caPem] });
    try {
      const id = ((await e.call('GET', '/device/security_state')).json as { deviceIdentifier: string }).deviceIdentifier;
      const other = await stage(e, await capabilityImage(pkg.caDir, id.replace(/^./, id[0] === 'A' ? 'B' : 'A'), [11]));
      assert.equal([other.status, other.json], [400, { error: 7340047 }], 'for another device');
      assert.equal((await stage(e, fixtureBytes(FIXTURE.anvil.file))).json, { error: 7340047 }, 'SDK app refused before');
      assert.equal((await stage(e, await capabilityImage(pkg.caDir, id, [11]))).json, {});
      assert.equal((await install(e)).json, { restartingSystem: false });
      assert.equal((await e.call('GET', '/device/capabilities')).json, { device_capabilities: [11] });
      assert.equal((await stage(e, fixtureBytes(FIXTURE.anvil.file))).json, {}, 'SDK app accepted after');
      assert.not.ok(((await e.call('GET', '/images')).json as { components: Array<{ uid: string }> }).components.some((c) => c.uid === '0c0ffee0-0000-4000-8000-000000000011'), 'not kept as an image');
    } finally { await e.done(); }
    const untrusted = await testEmulator({ capabilities: [] });
    try {
      const id = ((await untrusted.call('GET', '/device/security_state')).json as { deviceIdentifier: string }).deviceIdentifier;
      assert.equal((await stage(untrusted, await capabilityImage(pkg.caDir, id, [11]))).json, { error: 7340047 }, 'signer not trusted');
    } finally { await untrusted.done(); }
  } finally { t.done(); }
});

sideload.run();
caps.run();
persist.run();
