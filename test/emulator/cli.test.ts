/**
 * End-to-end: `sphere emulator …` from the built binary. Detached emulators run in their own
 * process group under a temporary SPHERE_EMULATOR_HOME; every test stops what it started.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deviceRequest } from '../../emulator/index';
import { BIN, sphere, tempDir } from '../helpers';
import { FIXTURE, fixtureBytes } from './helpers';

const run = suite('sphere emulator');
// `npm run test:unit` runs without a build; everywhere else a missing binary is a failure.
const unbuilt = !existsSync(BIN) && process.argv.includes('--unit');
const t = tempDir('sphere-emu-cli-');
const env = { SPHERE_EMULATOR_HOME: join(t.dir, 'home'), SPHERE_CA_DIR: join(t.dir, 'no-ca') };
const cli = (args: string[]) => sphere(args, { env });

run.after(() => {
  for (const n of ['default', 'a', 'b', 'lo2']) cli(['emulator', 'stop', '--name', n]);
  t.done();
});

run('start --detach answers, is listed, prints its CA, stops', async () => {
  const s = cli(['emulator', 'start', '--detach', '--capabilities', 'appDevelopment', '-o', 'json']);
  assert.is(s.code, 0, s.stderr);
  const info = JSON.parse(s.stdout) as { url: string; pid: number; stateDir: string; deviceId: string };
  assert.match(info.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.is(info.stateDir, join(env.SPHERE_EMULATOR_HOME, 'devices', 'default'));
  const ca = cli(['emulator', 'ca-cert']);
  assert.is(ca.code, 0);
  assert.match(ca.stdout, /^-----BEGIN CERTIFICATE-----/);
  writeFileSync(join(t.dir, 'ca.pem'), ca.stdout);
  const port = new URL(info.url).port;
  const { stdout } = await promisify(execFile)('curl', ['-sS', '--cacert', join(t.dir, 'ca.pem'), '--connect-to', `device.devices.sphere.azure.local:443:127.0.0.1:${port}`, 'https://device.devices.sphere.azure.local/device/capabilities']);
  assert.is(stdout, '{"device_capabilities":[11]}');
  const st = cli(['emulator', 'status', '-o', 'json']);
  assert.is(st.code, 0, st.stderr);
  const status = JSON.parse(st.stdout) as { running: boolean; answering: boolean; restApiVersion: string; deviceId: string };
  assert.equal([status.running, status.answering, status.restApiVersion, status.deviceId], [true, true, '4.6.0', info.deviceId]);
  const list = JSON.parse(cli(['emulator', 'list', '-o', 'json']).stdout) as Array<{ name: string }>;
  assert.equal(list.map((e) => e.name), ['default']);
  const again = cli(['emulator', 'start', '--detach']);
  assert.is(again.code, 2);
  assert.match(again.stderr, /already runs/);
  const stop = cli(['emulator', 'stop']);
  assert.is(stop.code, 0, stop.stderr);
  assert.is(cli(['emulator', 'status']).code, 3);
  assert.match(cli(['emulator', 'logs']).stdout, /GET \/status 200/);
});
run('state survives stop/start; reset erases the flash but keeps the identity', async () => {
  const first = JSON.parse(cli(['emulator', 'start', '--detach', '-o', 'json']).stdout) as { url: string; deviceId: string };
  const caPem = cli(['emulator', 'ca-cert']).stdout;
  const r = await deviceRequest({ url: first.url, caPem, method: 'PUT', path: '/update/stage', body: fixtureBytes(FIXTURE.anvil.file), headers: { 'Content-Type': 'application/octet-stream' } });
  assert.is(r.status, 200);
  await deviceRequest({ url: first.url, caPem, method: 'POST', path: '/update/install' });
  assert.is(cli(['emulator', 'stop']).code, 0);
  const second = JSON.parse(cli(['emulator', 'start', '--detach', '-o', 'json']).stdout) as { url: string; deviceId: string };
  assert.is(second.deviceId, first.deviceId);
  const st = await deviceRequest({ url: second.url, caPem, path: `/app/status/${FIXTURE.anvil.cid}` });
  assert.equal(st.json, { state: 'running' });
  assert.match(cli(['emulator', 'reset']).stderr, /while it runs/);
  assert.is(cli(['emulator', 'stop']).code, 0);
  assert.is(cli(['emulator', 'reset']).code, 0);
  const third = JSON.parse(cli(['emulator', 'start', '--detach', '-o', 'json']).stdout) as { url: string; deviceId: string };
  assert.is(third.deviceId, first.deviceId);
  assert.equal((await deviceRequest({ url: third.url, caPem, path: `/app/status/${FIXTURE.anvil.cid}` })).json, { state: 'notPresent' });
  assert.is(cli(['emulator', 'stop']).code, 0);
});
run('several emulators at once, each with its own state; --listen on another loopback address', async () => {
  const a = JSON.parse(cli(['emulator', 'start', '--detach', '--name', 'a', '-o', 'json']).stdout) as { url: string; deviceId: string; stateDir: string };
  const b = JSON.parse(cli(['emulator', 'start', '--detach', '--name', 'b', '-o', 'json']).stdout) as { url: string; deviceId: string; stateDir: string };
  const lo = cli(['emulator', 'start', '--detach', '--name', 'lo2', '--listen', '127.0.0.2:0', '-o', 'json']);
  assert.is(lo.code, 0, lo.stderr);
  const lo2 = JSON.parse(lo.stdout) as { url: string };
  assert.match(lo2.url, /^https:\/\/127\.0\.0\.2:\d+$/);
  assert.is.not(a.deviceId, b.deviceId);
  assert.is.not(a.stateDir, b.stateDir);
  assert.is.not(a.url, b.url);
  const list = JSON.parse(cli(['emulator', 'list', '-o', 'json']).stdout) as Array<{ name: string }>;
  assert.equal(list.map((e) => e.name), ['a', 'b', 'lo2']);
  const caLo = cli(['emulator', 'ca-cert', '--name', 'lo2']).stdout;
  assert.is((await deviceRequest({ url: lo2.url, caPem: caLo, path: '/status' })).status, 200);
  const caA = cli(['emulator', 'ca-cert', '--name', 'a']).stdout;
  let pinned: Error | undefined;
  try { await deviceRequest({ url: b.url, caPem: caA, path: '/status' }); } catch (e) { pinned = e as Error; }
  assert.ok(pinned, 'emulator b does not pass for emulator a');
  for (const n of ['a', 'b', 'lo2']) assert.is(cli(['emulator', 'stop', '--name', n]).code, 0);
  assert.equal(JSON.parse(cli(['emulator', 'list', '-o', 'json']).stdout), []);
});
run('pipeline: image pack signs with the dev CA; the emulator trusts that CA, another emulator only with --trust', async () => {
  const caEnv = { ...env, SPHERE_CA_DIR: join(t.dir, 'devca') };
  assert.is(sphere(['ca', 'init'], { env: caEnv }).code, 0);
  const pkgFile = join(t.dir, 'hello.imagepackage');
  const pack = sphere(['image', 'pack', 'samples/hello/approot', '--destination', pkgFile], { env: caEnv });
  assert.is(pack.code, 0, pack.stderr);
  const cid = (JSON.parse(readFileSync('samples/hello/approot/app_manifest.json', 'utf8')) as { ComponentId: string }).ComponentId.toLowerCase();
  const put = async (e: { url: string }, caPem: string) => deviceRequest({ url: e.url, caPem, method: 'PUT', path: '/update/stage', body: readFileSync(pkgFile), headers: { 'Content-Type': 'application/octet-stream' } });
  // Trusted through the user's dev CA (SPHERE_CA_DIR), no capability.
  const a = JSON.parse(sphere(['emulator', 'start', '--detach', '--name', 'a', '-o', 'json'], { env: caEnv }).stdout) as { url: string };
  const caA = cli(['emulator', 'ca-cert', '--name', 'a']).stdout;
  assert.equal((await put(a, caA)).json, {});
  assert.equal((await deviceRequest({ url: a.url, caPem: caA, method: 'POST', path: '/update/install' })).json, {});
  assert.equal((await deviceRequest({ url: a.url, caPem: caA, path: `/app/status/${cid}` })).json, { state: 'running' });
  // An emulator that does not know the CA refuses it; given --trust, it accepts.
  const b = JSON.parse(cli(['emulator', 'start', '--detach', '--name', 'b', '-o', 'json']).stdout) as { url: string };
  const caB = cli(['emulator', 'ca-cert', '--name', 'b']).stdout;
  const refused = await put(b, caB);
  assert.equal([refused.status, refused.json], [400, { error: 7340047 }]);
  assert.is(cli(['emulator', 'stop', '--name', 'b']).code, 0);
  const b2 = JSON.parse(cli(['emulator', 'start', '--detach', '--name', 'b', '--trust', join(t.dir, 'devca', 'ca.pem'), '-o', 'json']).stdout) as { url: string };
  assert.equal((await put(b2, caB)).json, {});
  for (const n of ['a', 'b']) assert.is(cli(['emulator', 'stop', '--name', n]).code, 0);
});
run('usage errors: bad capability, bad name, an address the machine lacks, stopping what is not running', () => {
  const c = cli(['emulator', 'start', '--capabilities', 'superUser']);
  assert.is(c.code, 2);
  assert.match(c.stderr, /superUser/);
  assert.is(cli(['emulator', 'start', '--name', '../x']).code, 2);
  const l = cli(['emulator', 'start', '--listen', '203.0.113.7:0', '--name', 'nowhere']);
  assert.is(l.code, 2);
  assert.match(l.stderr, /no network interface has that address/);
  assert.is(cli(['emulator', 'stop', '--name', 'ghost']).code, 3);
  assert.is(existsSync(join(env.SPHERE_EMULATOR_HOME, 'run', 'nowhere.json')), false);
  void readFileSync;
});

if (unbuilt) {
  const skipped = suite('sphere emulator (dist/sphere not built)');
  skipped.skip('needs dist/sphere (npm run build)', () => {});
  skipped.run();
} else run.run();
