/**
 * An emulator started as an older device (`restApiVersion`, the CLI's `--rest-api-version`): the
 * version header, calls newer than it answered as unknown paths (404 15728642, the spec's code),
 * response fields added later left out, request fields it would not know refused, no capability
 * check before 4.0.0, 400 instead of 415 before 4.2.0, and POST /restart's content type before
 * and after 4.2.0 — each as spec/device_rest_api.yaml's version history says. Expected values
 * are literals from the spec, not computed by the code under test.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEmulatedApiVersion, startEmulator } from '../../emulator/index';
import { FIXTURE, fixtureBytes, install, stage, testEmulator } from './helpers';
import { tempDir } from '../helpers';

const UNKNOWN_PATH = 15728642;
const test = suite('emulated REST API versions');

test('4.2.0: the header says so; /osversion and memory statistics are unknown paths; 4.3+ fields are left out', async () => {
  const e = await testEmulator({ capabilities: [11], restApiVersion: '4.2.0' });
  try {
    const s = await e.call('GET', '/status');
    assert.is(s.headers['rest-api-version'], '4.2.0');
    for (const p of ['/osversion', '/stats/memory/groups/applications']) {
      const r = await e.call('GET', p);
      assert.equal([r.status, r.json, r.headers['rest-api-version']], [404, { error: UNKNOWN_PATH }, '4.2.0'], p);
    }
    const patch = await e.call('PATCH', '/net/interfaces/wlan0', { json: { interfaceUp: false } });
    assert.equal([patch.status, patch.json], [404, { error: UNKNOWN_PATH }], 'PATCH /net/interfaces came with 4.3.0');
    assert.is((await e.call('GET', '/net/firewall/rulesets')).status, 200, '4.1.0 call present');
    const ifaces = (await e.call('GET', '/net/interfaces')).json as { interfaces: Array<Record<string, unknown>> };
    assert.ok(ifaces.interfaces.length > 0);
    assert.ok(ifaces.interfaces.every((i) => !('hardwareAddress' in i) && 'interfaceName' in i));
    assert.not.ok('hardwareAddress' in ((await e.call('GET', '/net/interfaces/wlan0')).json as object));
    const wifi = (await e.call('GET', '/wifi/interface')).json as Record<string, unknown>;
    assert.ok('wpa_state' in wifi && !('powerSavingsState' in wifi));
    const ps = await e.call('PATCH', '/wifi/interface', { json: { enablePowerSavings: true } });
    assert.equal([ps.status, ps.json], [400, { error: 10485761 }], 'enablePowerSavings came with 4.6.0');
    assert.equal((await e.call('PATCH', '/wifi/interface', { json: { reloadConfig: true } })).json, {});
    await stage(e, fixtureBytes(FIXTURE.anvil.file));
    await install(e);
    assert.equal((await e.call('DELETE', `/app/image/${FIXTURE.anvil.cid}`)).json, {}, 'restartingSystem came with 4.4.0');
    const media = await e.call('PUT', '/update/stage', { body: 'x', type: 'text/plain' });
    assert.is(media.status, 415, '4.2.0 has the 415 code');
    const restart = await e.call('POST', '/restart', { body: '', type: 'text/plain' });
    assert.equal([restart.status, restart.json], [200, { restartingSystem: true }], 'text/plain since 4.2.0');
  } finally { await e.done(); }
});

test('4.1.0: media-type errors are 400, and POST /restart takes application/json, not text/plain', async () => {
  const e = await testEmulator({ capabilities: [11], restApiVersion: '4.1.0' });
  try {
    const media = await e.call('PUT', '/update/stage', { body: 'x', type: 'text/plain' });
    assert.equal([media.status, media.json], [400, { error: 10485761 }]);
    const text = await e.call('POST', '/restart', { body: '', type: 'text/plain' });
    assert.is(text.status, 400);
    const json = await e.call('POST', '/restart', { body: '', type: 'application/json' });
    assert.equal([json.status, json.json], [200, { restartingSystem: true }]);
  } finally { await e.done(); }
});

test('3.1.0: no capability check yet, so a finished device without capabilities still answers', async () => {
  const e = await testEmulator({ capabilities: [], restApiVersion: '3.1.0' });
  try {
    assert.equal((await e.call('PUT', '/device/manufacturing_state', { json: { manufacturingState: 'DeviceComplete' } })).json, {});
    assert.is((await e.call('GET', '/images')).status, 200);
    assert.is((await e.call('GET', '/certstore/certs')).status, 200);
    assert.equal((await e.call('GET', '/device/capabilities')).json, { device_capabilities: [] });
    assert.is((await e.call('GET', '/net/firewall/rulesets')).status, 404, 'came with 4.1.0');
  } finally { await e.done(); }
  const now = await testEmulator({ capabilities: [] });
  try {
    await now.call('PUT', '/device/manufacturing_state', { json: { manufacturingState: 'DeviceComplete' } });
    assert.equal((await now.call('GET', '/images')).json, { error: 13 }, 'the same device at 4.6.0 refuses');
  } finally { await now.done(); }
});

test('3.0.0: /device/capabilities and /abi_versions (3.1.0) are unknown; sideloading works', async () => {
  const e = await testEmulator({ capabilities: [11], restApiVersion: '3.0' });
  try {
    assert.is((await e.call('GET', '/status')).headers['rest-api-version'], '3.0.0');
    assert.is((await e.call('GET', '/device/capabilities')).status, 404);
    assert.is((await e.call('GET', '/abi_versions')).status, 404);
    assert.equal((await stage(e, fixtureBytes(FIXTURE.anvil.file))).json, {});
    assert.equal((await install(e)).json, {});
  } finally { await e.done(); }
});

test('versions outside 3.0.0-4.6.0, or not versions, are refused before anything starts', async () => {
  for (const bad of ['2.0.0', '4.7.0', '5', 'latest', '4.x']) {
    assert.throws(() => checkEmulatedApiVersion(bad), (e: Error) => /Cannot emulate REST API version .*3\.0\.0 to 4\.6\.0/.test(e.message), bad);
  }
  assert.is(checkEmulatedApiVersion('4.5'), '4.5.0');
  const t = tempDir();
  try {
    let err: Error | undefined;
    try { await startEmulator({ stateDir: t.dir, restApiVersion: '9.9.9' }); } catch (e) { err = e as Error; }
    assert.match(String(err?.message), /Fix --rest-api-version/);
  } finally { t.done(); }
});

test.run();
