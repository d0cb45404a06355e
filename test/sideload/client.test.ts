/**
 * DeviceClient over a scripted transport: version gating (message names both versions), the
 * bounded busy retry, one-line errors with `category.id` and a hint (codes quoted in
 * spec/device-rest-api.md §3), exit codes, reset retries for GETs only, and per-request deadlines.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DeviceApi, DeviceClient, TransportError, uploadTimeoutMs, type DeviceClientOptions } from '../../sideload/index';
import { answer, scripted, type Script } from './helpers';

function client(script: Script, o: Partial<DeviceClientOptions> = {}) {
  const t = scripted(script);
  const sleeps: number[] = [];
  const c = new DeviceClient({ transport: t, label: 'emulator "t"', sleep: async (ms) => { sleeps.push(ms); }, ...o });
  return { t, c, api: new DeviceApi(c), sleeps };
}

async function rejection(p: Promise<unknown>): Promise<Error & { exitCode?: number; code?: string; deviceCode?: number }> {
  try { await p; } catch (e) { return e as Error; }
  throw new Error('expected a rejection');
}

const gate = suite('version gating');
gate('reads REST-API-Version once, from GET /status, and then calls freely', async () => {
  const { t, api } = client((r) => (r.path === '/status' ? answer(200, { uptime: 5 }, { 'rest-api-version': '4.6.0' }) : answer(200, { osversion: '23.05' })));
  assert.is((await api.osVersion()).osversion, '23.05');
  await api.osVersion();
  assert.equal(t.calls.map((c) => c.path), ['/status', '/osversion', '/osversion']);
});
gate('refuses a call the device is too old for, naming both versions, without sending it', async () => {
  const { t, api } = client(() => answer(200, { uptime: 5 }, { 'rest-api-version': '4.2.0' }));
  const e = await rejection(api.osVersion());
  assert.is(e.code, 'UNSUPPORTED_API_VERSION');
  assert.match(e.message, /4\.5\.0/);
  assert.match(e.message, /4\.2\.0/);
  assert.match(e.message, /^Cannot read the OS version on emulator "t": /);
  assert.is(e.exitCode, 1);
  assert.equal(t.calls.map((c) => c.path), ['/status']);
});
gate('calls every device has (REST API 1.0.0) are sent without asking the version first', async () => {
  const { t, api } = client(() => answer(200, { securityState: 'SECURE', deviceIdentifier: 'AB' }, { 'rest-api-version': '4.2.0' }));
  await api.securityState();
  assert.equal(t.calls.map((c) => c.path), ['/device/security_state']);
  assert.is(await api.client.apiVersion(), '4.2.0', 'the version came with that answer');
  assert.is(t.calls.length, 1);
});
gate('POST /restart is sent as text/plain from API 4.2.0 on, as application/json to an older device', async () => {
  for (const [version, type] of [['4.2.0', 'text/plain'], ['4.1.0', 'application/json'], ['4.6.0', 'text/plain']] as const) {
    const { t, api } = client((r) => (r.path === '/status' ? answer(200, { uptime: 5 }, { 'rest-api-version': version }) : answer(200, { restartingSystem: true }, { 'rest-api-version': version })));
    await api.status();
    await api.restart();
    const sent = t.calls.find((c) => c.path === '/restart')!;
    assert.is(sent.headers?.['Content-Type'], type, version);
    assert.is(sent.body?.length ?? 0, 0);
  }
});
gate('does not gate when the device sends no version header', async () => {
  const { api } = client((r) => ({ status: 200, headers: {}, body: Buffer.from(r.path === '/status' ? '{"uptime":1}' : '{"osversion":"20.10"}') }));
  assert.is((await api.osVersion()).osversion, '20.10');
  assert.is(await api.client.apiVersion(), undefined);
});
gate.run();

const busy = suite('busy retry');
busy('retries the busy answer (10485765) with growing waits, then succeeds', async () => {
  const { t, api, sleeps } = client((_r, n) => (n < 3 ? answer(409, { error: 10485765 }) : answer(200, { identifiers: ['a'] })));
  assert.equal((await api.certIds()).identifiers, ['a']);
  assert.is(t.calls.length, 3);
  assert.equal(sleeps, [200, 400]);
  assert.is(api.client.stats.busyRetries, 2);
});
busy('gives up after the bounded number of tries with the busy message', async () => {
  const { t, api } = client((r) => (r.path === '/status' ? answer(200, { uptime: 1 }) : answer(409, { error: 10485765 })));
  const e = await rejection(api.certIds());
  assert.is(t.calls.length, 5);
  assert.match(e.message, /Device is busy and refused request \(device error 10\.5\)\. Wait a moment and run the command again\.$/);
});
busy('does not retry other refusals', async () => {
  const { t, api } = client((r) => (r.path === '/status' ? answer(200, { uptime: 1 }) : answer(409, { error: 14680076 })));
  await rejection(api.setAppStatus('6c1a2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 'start'));
  assert.is(t.calls.length, 2);
});
busy.run();

const errs = suite('device errors');
errs('app not present: spec message, 14.12, a hint, exit 3, one line', async () => {
  const { api } = client((r) => (r.path === '/status' ? answer(200, { uptime: 1 }) : answer(409, { error: 14680076 })));
  const e = await rejection(api.setAppStatus('6C1A2B3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D', 'start'));
  assert.is(e.message, 'Cannot start app "6c1a2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" on emulator "t": Application is not present (device error 14.12). Check the component ID with "sphere device image list-installed", or deploy the app first.');
  assert.is(e.exitCode, 3);
  assert.is(e.deviceCode, 14680076);
  assert.is(e.code, 'APP_NOT_PRESENT');
});
errs('image not trusted names a trusted signer first, development only for the SDK Test certificate', async () => {
  const { api } = client((r) => (r.path === '/status' ? answer(200, { uptime: 1 }) : answer(400, { error: 7340047 })));
  const e = await rejection(api.stage(new Uint8Array(10)));
  assert.match(e.message, /Image not trusted by device.*\(device error 7\.15\)\. Sign the package with a certificate the device trusts \(an emulator trusts your development CA and any "sphere emulator start --trust <cert\.pem>"\); for a package signed by the SDK Test certificate, enable development on the device/);
  assert.is(e.exitCode, 1);
  assert.not.match(e.message, /\n/);
});
errs('an unknown code is shown as category.id with the category name', async () => {
  const { api } = client((r) => (r.path === '/status' ? answer(200, { uptime: 1 }) : answer(500, { error: (1 << 20) | 99 })));
  const e = await rejection(api.images());
  assert.match(e.message, /An internal device error occurred \(device error 1\.99, AppManagerError\)\./);
});
errs('an error without a code uses the HTTP status text', async () => {
  const { api } = client((r) => (r.path === '/status' ? answer(200, { uptime: 1 }) : answer(415, Buffer.from('nope'))));
  const e = await rejection(api.images());
  assert.match(e.message, /The media type provided for this operation is unsupported \(HTTP 415, no error code\)/);
});
errs('an unparseable success body is a clear error', async () => {
  const { api } = client((r) => (r.path === '/status' ? answer(200, { uptime: 1 }) : answer(200, Buffer.from('{not json'))));
  const e = await rejection(api.images());
  assert.match(e.message, /could not be parsed/);
});
errs('a component ID the device would refuse is a usage error before any request', async () => {
  const { t, api } = client(() => answer(200, {}));
  const e = await rejection(api.appStatus('not-a-guid'));
  assert.is(e.exitCode, 2);
  assert.is(t.calls.length, 0);
});
errs('the device\'s own codes for what the emulator once answered with errno numbers: message, pair, hint, exit code', async () => {
  const cases: Array<[number, number, string, RegExp, number]> = [
    [400, 10485761, 'INVALID_ARGUMENT', /: Possible invalid parameter entry \(device error 10\.1\)\. Check the values you passed\.$/, 1],
    [415, 10485761, 'INVALID_ARGUMENT', /: Possible invalid parameter entry \(device error 10\.1\)\. Update sphere or the device OS\.$/, 1],
    [404, 15728642, 'INVALID_URI', /: Invalid request URI \(device error 15\.2\)\. Check the name or identifier you passed/, 3],
    [400, 15728644, 'CONTENT_TOO_LARGE', /: The content provided is too large \(device error 15\.4\)\. Send less/, 1],
    [409, 10485765, 'DEVICE_BUSY', /: Device is busy and refused request \(device error 10\.5\)\. Wait a moment/, 1],
    [500, 13631506, 'WIFI_INTERFACE_DISABLED', /: Wi-Fi interface is disabled \(device error 13\.18\)\. Enable the Wi-Fi interface with "sphere device network enable --interface wlan0"\.$/, 1],
    [500, 15728641, 'INTERNAL_ERROR', /: The device could not complete the request \(device error 15\.1\)\. Restart the device/, 1],
  ];
  for (const [status, code, name, text, exit] of cases) {
    const { api } = client((r) => (r.path === '/status' ? answer(200, { uptime: 1 }) : answer(status, { error: code })));
    const e = await rejection(api.wifiScan());
    assert.match(e.message, text, e.message);
    assert.equal([e.code, e.exitCode, e.deviceCode], [name, exit, code], `${code}`);
  }
});
errs.run();

const net = suite('transport failures');
net('a refused connection is "unreachable", exit 3, with what to do', async () => {
  const { api } = client(() => new TransportError('refused', 'ECONNREFUSED'));
  const e = await rejection(api.securityState());
  assert.is(e.exitCode, 3);
  assert.match(e.message, /nothing accepts connections at 10\.0\.0\.9:443\. Check that the emulator is running/);
});
net('a pin mismatch names the pinned CA', async () => {
  const { api } = client(() => new TransportError('tls-untrusted', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), { caSource: '--device-ca "x.pem"' });
  const e = await rejection(api.securityState());
  assert.match(e.message, /does not chain to the pinned device CA --device-ca "x\.pem"/);
  assert.is(e.code, 'DEVICE_CA_MISMATCH');
});
net('a GET whose connection reset is tried once more; an upload is not', async () => {
  let resets = 0;
  const { t, api } = client((r) => {
    if (r.path === '/images' && resets++ === 0) return new TransportError('reset', 'ECONNRESET');
    if (r.path === '/update/stage') return new TransportError('reset', 'ECONNRESET', { sent: false });
    return answer(200, r.path === '/status' ? { uptime: 1 } : { components: [] });
  });
  await api.images();
  const e = await rejection(api.stage(new Uint8Array(100)));
  assert.match(e.message, /connection closed before the device answered\. The package may not have arrived/);
  assert.is(t.calls.filter((c) => c.path === '/update/stage').length, 1);
});
net('uploads get a deadline that grows with their size', async () => {
  const { t, api } = client(() => answer(200, { uptime: 1 }));
  await api.stage(new Uint8Array(4 * 1024 * 1024));
  const up = t.calls.find((c) => c.path === '/update/stage')!;
  assert.is(up.timeoutMs, uploadTimeoutMs(4 * 1024 * 1024));
  assert.ok(up.timeoutMs > 60_000 + 100_000, String(up.timeoutMs));
  assert.is(t.calls.find((c) => c.path === '/status')!.timeoutMs, 15_000);
  assert.is(up.headers!['Content-Type'], 'application/octet-stream');
});
net('Server-Timing durations are summed', async () => {
  const { api } = client(() => answer(200, { uptime: 1 }, { 'server-timing': 'device;dur=1.5' }));
  await api.status();
  await api.status();
  assert.is(api.client.stats.serverMs, 3);
});
net.run();
