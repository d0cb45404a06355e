/**
 * get-support-data's archive, read back by Python's tarfile (an independent reader), and the
 * board CA lookup order and timeout settings documented in sideload/README.md.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectSupportData, DeviceApi, DeviceClient, findBoardCa, timeoutsFromEnv, DEFAULT_TIMEOUTS } from '../../sideload/index';
import { tempDir } from '../helpers';
import { answer, opensslPki, scripted } from './helpers';

const sd = suite('collectSupportData');
sd('packs the log, error reports and state; a part the device refuses is listed, not fatal', async () => {
  const log = Buffer.from([1, 2, 3, 250, 0, 7]);
  const t = scripted((r) => {
    if (r.path === '/log') return { status: 200, headers: { 'rest-api-version': '4.6.0' }, body: log };
    if (r.path === '/telemetry') return answer(403, { error: 13 });
    if (r.path === '/status') return answer(200, { uptime: 3 });
    if (r.path === '/device/security_state') return answer(200, { securityState: 'SECURE', deviceIdentifier: 'ab'.repeat(64) });
    if (r.path === '/device/capabilities') return answer(200, { device_capabilities: [11] });
    if (r.path === '/images') return answer(200, { is_ota_update_in_progress: false, has_staged_updates: false, restart_required: false, components: [] });
    return answer(200, {});
  });
  const b = await collectSupportData(new DeviceApi(new DeviceClient({ transport: t })), { now: () => Date.UTC(2025, 0, 2) });
  const t2 = tempDir();
  try {
    const file = join(t2.dir, 'sd.tar.gz');
    writeFileSync(file, b.bytes);
    const py = `import tarfile, json, sys
t = tarfile.open(sys.argv[1], 'r:gz')
out = {}
for m in t.getmembers():
    out[m.name] = {'size': m.size, 'mtime': m.mtime, 'data': list(t.extractfile(m).read()) if m.name.endswith('.bin') else None}
    if m.name.endswith('state.json'): out[m.name]['json'] = json.loads(t.extractfile(m).read())
print(json.dumps(out))`;
    const r = spawnSync('python3', ['-c', py, file], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as Record<string, { size: number; mtime: number; data: number[] | null; json?: Record<string, unknown> }>;
    assert.equal(got['support-data/AzureSphere_DeviceLog.bin']!.data, [...log]);
    assert.is(got['support-data/AzureSphere_DeviceLog.bin']!.mtime, Date.UTC(2025, 0, 2) / 1000);
    assert.not.ok('support-data/error-reports.bin' in got);
    assert.ok('support-data/errors.json' in got);
    assert.is((got['support-data/device-state.json']!.json!['security'] as { deviceId: string }).deviceId, 'AB'.repeat(64));
    assert.equal(b.missing.map((m) => m.part), ['error reports']);
    assert.match(b.missing[0]!.reason, /device error 0\.13/);
  } finally { t2.done(); }
});
sd.run();

const cfg = suite('settings');
cfg('board CA: --device-ca, then SPHERE_DEVICE_CA, then <config>/device-ca.pem; none is undefined', () => {
  const t = tempDir();
  try {
    const made = (n: string) => opensslPki(join(t.dir, 'pki'), n, 'DNS:*.devices.sphere.azure.local');
    const flag = made('flag').caPath, env = made('env').caPath;
    mkdirSync(join(t.dir, 'xdg', 'sphere'), { recursive: true });
    writeFileSync(join(t.dir, 'xdg', 'sphere', 'device-ca.pem'), made('config').caPem);
    const base = { XDG_CONFIG_HOME: join(t.dir, 'xdg') };
    const subject = (ca: { pem: string } | undefined) => new X509Certificate(ca!.pem).subject;
    assert.match(subject(findBoardCa({ flag, env: { ...base, SPHERE_DEVICE_CA: env }, home: t.dir })), /CN=flag test device CA/);
    assert.match(subject(findBoardCa({ env: { ...base, SPHERE_DEVICE_CA: env }, home: t.dir })), /CN=env test device CA/);
    assert.match(subject(findBoardCa({ env: base, home: t.dir })), /CN=config test device CA/);
    writeFileSync(join(t.dir, 'junk.pem'), '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    assert.throws(() => findBoardCa({ flag: join(t.dir, 'junk.pem'), env: {}, home: t.dir }), /does not parse/);
    assert.is(findBoardCa({ env: {}, home: join(t.dir, 'nohome') }), undefined);
    assert.throws(() => findBoardCa({ flag: join(t.dir, 'missing.pem'), env: {}, home: t.dir }), /does not exist/);
  } finally { t.done(); }
});
cfg('SPHERE_DEVICE_TIMEOUT scales the per-request deadline; nonsense is a usage error', () => {
  assert.equal(timeoutsFromEnv({}), {});
  assert.is(timeoutsFromEnv({ SPHERE_DEVICE_TIMEOUT: '2.5' }).requestMs, 2500);
  assert.is(timeoutsFromEnv({ SPHERE_DEVICE_TIMEOUT: '120' }).uploadBaseMs, 120_000);
  assert.throws(() => timeoutsFromEnv({ SPHERE_DEVICE_TIMEOUT: 'soon' }), /SPHERE_DEVICE_TIMEOUT/);
  assert.is(DEFAULT_TIMEOUTS.requestMs, 15_000);
});
cfg.run();
