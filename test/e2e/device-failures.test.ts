/**
 * End-to-end failure paths of `dist/sphere device …` against real emulators: each gives one
 * clear line on stderr, nothing on stdout, the documented exit code, and leaves the device as it
 * was. An image altered in the emulator's flash is reported as failing secure boot. The device killed mid-upload goes through a TCP relay in this process that kills the
 * emulator once a megabyte has passed; the old REST API version is an emulator started with
 * `--rest-api-version 4.2.0`, whose log shows which calls reached it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { appsOn, appState, lab, oneLine, type Lab } from '../sideload/e2e-helpers';
import { appPackage, opensslPki } from '../sideload/helpers';

let l: Lab;
const CID = '6c1a2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const pkgs: Record<string, string> = {};
const write = (name: string, bytes: Uint8Array) => { const f = join(l.dir, name); writeFileSync(f, bytes); pkgs[name] = f; return f; };

const test = suite('device failure paths');
test.before(async () => {
  l = lab();
  write('good.imagepackage', (await appPackage(l.dir, { caName: 'ca' })).bytes);
  write('big.imagepackage', (await appPackage(l.dir, { caName: 'ca', extraBytes: 3 * 1024 * 1024 })).bytes);
  const other = await appPackage(l.dir, { caName: 'other-ca' });
  write('untrusted.imagepackage', other.bytes);
  writeFileSync(join(l.dir, 'other-ca.pem'), other.caPem);
  write('bad-manifest.imagepackage', (await appPackage(l.dir, { caName: 'ca', patchManifest: (m) => m.replace('"SchemaVersion":1', '"SchemaVersion":7') })).bytes);
});
test.after(() => l.done());

test('no device running: exit 3, one line saying how to start one', () => {
  const r = l.run(['device', 'show-attached']);
  assert.is(r.code, 3);
  assert.match(oneLine(r), /^error: Cannot find a device: no emulator is running and no board answers at 192\.168\.35\.2-254\. Start an emulator \("sphere emulator start --detach"\)/);
  const d = l.run(['device', 'sideload', 'deploy', pkgs['good.imagepackage']!, '-o', 'json']);
  assert.is(d.code, 3);
  oneLine(d);
});

test('two devices and no --device: exit 2, both listed, neither touched', async () => {
  l.start('alpha');
  l.start('beta');
  const r = l.run(['device', 'sideload', 'deploy', pkgs['good.imagepackage']!]);
  assert.is(r.code, 2);
  const line = oneLine(r);
  assert.match(line, /^error: Cannot choose a device: 2 are attached \(alpha \(127\.0\.0\.1:\d+\), beta \(127\.0\.0\.1:\d+\)\)\. Pass --device/);
  assert.equal(await appsOn(l, 'alpha'), []);
  assert.equal(await appsOn(l, 'beta'), []);
  const ok = l.run(['device', 'sideload', 'deploy', pkgs['good.imagepackage']!, '--device', 'beta', '-o', 'json']);
  assert.is(ok.code, 0, ok.stderr);
  assert.equal(await appsOn(l, 'alpha'), []);
  assert.is((await appsOn(l, 'beta')).length, 1);
  const id = (await l.rest('alpha', '/device/security_state')).json as { deviceIdentifier: string };
  const byId = l.run(['device', 'show-attached', '--device', id.deviceIdentifier.slice(0, 12), '-o', 'json']);
  assert.is(JSON.parse(byId.stdout).name, 'alpha');
  l.stop('beta');
});

test('wrong pinned CA: exit 1, one line naming the pinned CA, nothing sent', async () => {
  const wrong = opensslPki(join(l.dir, 'pki'), 'wrong', 'DNS:*.devices.sphere.azure.local');
  const r = l.run(['device', 'sideload', 'deploy', pkgs['good.imagepackage']!, '--device', 'alpha', '--device-ca', wrong.caPath]);
  assert.is(r.code, 1);
  assert.match(oneLine(r), /^error: Cannot list the installed images on emulator "alpha": its TLS certificate does not chain to the pinned device CA --device-ca ".*wrong-ca\.pem"\. Pin the device's own CA/);
  assert.equal(await appsOn(l, 'alpha'), []);
  const board = l.run(['device', 'show-attached', '--device', `127.0.0.1:${l.entry('alpha')!.port}`]);
  assert.is(board.code, 0, 'an address that is a running emulator uses its CA');
  const unknown = l.run(['device', 'show-attached', '--device', '192.168.35.77']);
  assert.is(unknown.code, 2);
  assert.match(oneLine(unknown), /no device CA is pinned for boards\. Pass the device's CA certificate with --device-ca/);
});

test('untrusted package: refused before sending (exit 1), and the device refuses it too when trusted only locally', async () => {
  const r = l.run(['device', 'sideload', 'deploy', pkgs['untrusted.imagepackage']!, '--device', 'alpha']);
  assert.is(r.code, 1);
  assert.match(oneLine(r), /^error: Cannot deploy package ".*untrusted\.imagepackage": no trusted certificate has thumbprint [0-9a-f]{40}, so the device would refuse it as untrusted\./);
  const d = l.run(['device', 'sideload', 'deploy', pkgs['untrusted.imagepackage']!, '--device', 'alpha', '--trust', join(l.dir, 'other-ca.pem')]);
  assert.is(d.code, 1);
  const line = oneLine(d);
  assert.match(line, /^error: Cannot deploy package ".*untrusted\.imagepackage" on emulator "alpha": the device does not trust its signer .*\(thumbprint [0-9a-f]{40}\), and enabling development would not change that \(device error 7\.15\)\. Restart the emulator trusting that certificate \("sphere emulator stop --name alpha", then "sphere emulator start --name alpha --detach --trust <signer cert\.pem>"\), or sign the package with your development CA/);
  assert.not.match(line, /enable-development/);
  assert.equal(await appsOn(l, 'alpha'), []);
});

test('the fix the untrusted-signer line names works: an emulator started with --trust <signer cert> takes the package', async () => {
  l.start('trusting', ['--capabilities', 'appDevelopment', '--trust', join(l.dir, 'other-ca.pem')]);
  const d = l.run(['device', 'sideload', 'deploy', pkgs['untrusted.imagepackage']!, '--device', 'trusting', '--trust', join(l.dir, 'other-ca.pem')]);
  assert.is(d.code, 0, d.stderr);
  assert.equal((await appsOn(l, 'trusting')).length, 1);
  l.stop('trusting');
});

test('a package whose EntryPoint is not in its payload: the device refuses to stage it (device error 1.15), exit 1, nothing installed', async () => {
  // pack refuses such an approot, so the embedded manifest is patched after packing (same length).
  const f = write('no-entry.imagepackage', (await appPackage(l.dir, { caName: 'ca', patchManifest: (m) => m.replace('"/bin/app"', '"/bin/xpp"') })).bytes);
  const d = l.run(['device', 'sideload', 'deploy', f, '--device', 'alpha']);
  assert.is(d.code, 1);
  assert.match(oneLine(d), /^error: Cannot upload the image package on emulator "alpha": Could not execute application; the application image is not valid \(device error 1\.15\)\. Check that the package holds the file its manifest names as EntryPoint/);
  assert.equal(await appsOn(l, 'alpha'), []);
  const staged = await l.rest('alpha', '/update/install', { method: 'POST', body: Buffer.from('{"appControlMode":"Auto"}'), type: 'application/json' });
  assert.is(staged.status, 200);
  assert.equal(await appsOn(l, 'alpha'), [], 'nothing was left staged for a later install');
});

test('a package changed after signing (its signature, or a payload byte): refused before sending (exit 1)', async () => {
  const big = readFileSync(pkgs['big.imagepackage']!);
  const sig = Buffer.from(big);
  sig[sig.length - 20] = sig[sig.length - 20]! ^ 0x01;
  const r = l.run(['device', 'sideload', 'deploy', write('bad-sig.imagepackage', sig), '--device', 'alpha']);
  assert.is(r.code, 1);
  assert.match(oneLine(r), /^error: Cannot deploy package ".*bad-sig\.imagepackage": the signature does not match the package bytes\. Pack and sign it again\./);
  const payload = Buffer.from(big);
  payload[2 * 1024 * 1024] = payload[2 * 1024 * 1024]! ^ 0x01;
  const p = l.run(['device', 'sideload', 'deploy', write('bad-payload.imagepackage', payload), '--device', 'alpha']);
  assert.is(p.code, 1);
  assert.match(oneLine(p), /^error: Cannot deploy package ".*bad-payload\.imagepackage": it is not a valid image package \(BAD_CRC: /);
  assert.equal(await appsOn(l, 'alpha'), []);
});

test('an SDK-Test-signed package on a device without appDevelopment: refused before sending, exit 1', async () => {
  l.start('nocap', []);
  const fx = resolve('test/fixtures/imagepackage/Azure-Sphere-DevX--AzureSphereDevX.Examples--avnet_PHT_HLApp-V1.imagepackage');
  const r = l.run(['device', 'sideload', 'deploy', fx, '--device', 'nocap']);
  assert.is(r.code, 1);
  assert.match(oneLine(r), /signed with the SDK Test certificate, which the device trusts only with the appDevelopment capability, and the device lacks it \(it would answer device error 7\.15\)\. Enable development/);
  assert.equal(await appsOn(l, 'nocap'), []);
  const env = l.run(['device', 'show-attached', '-o', 'json'], { env: { SPHERE_DEVICE: 'nocap' } });
  assert.is(JSON.parse(env.stdout).name, 'nocap', 'SPHERE_DEVICE chooses among several');
  l.stop('nocap');
});

test('manifest error: refused before sending with the manifest finding (exit 1)', async () => {
  const r = l.run(['device', 'sideload', 'deploy', pkgs['bad-manifest.imagepackage']!, '--device', 'alpha']);
  assert.is(r.code, 1);
  assert.match(oneLine(r), /^error: Cannot deploy package ".*bad-manifest\.imagepackage": its manifest is invalid \(device error 2\.17\): cannot use SchemaVersion "7"/);
  assert.equal(await appsOn(l, 'alpha'), []);
});

test('app not present: exit 3, the spec message with 14.12', async () => {
  const r = l.run(['device', 'app', 'start', '--device', 'alpha', '--component-id', CID]);
  assert.is(r.code, 3);
  assert.is(oneLine(r), `error: Cannot start app "${CID}" on emulator "alpha": Application is not present (device error 14.12). Check the component ID with "sphere device image list-installed", or deploy the app first.`);
  const del = l.run(['device', 'sideload', 'delete', '--device', 'alpha', '--component-id', CID]);
  assert.is(del.code, 3);
  oneLine(del);
  assert.is(await appState(l, 'alpha', CID), 'notPresent');
});

test('device killed mid-upload: one line, exit 1; after a restart the retry succeeds and the device is consistent', async () => {
  const e = l.start('victim');
  let forwarded = 0;
  let killed = false;
  const relay = createServer((client: Socket) => {
    const up = connect(e.port, e.host);
    client.on('data', (c: Buffer) => {
      forwarded += c.length;
      if (forwarded > 1024 * 1024 && !killed) { killed = true; process.kill(e.pid, 'SIGKILL'); }
      up.write(c);
    });
    up.on('data', (c: Buffer) => client.write(c));
    const end = () => { client.destroy(); up.destroy(); };
    up.on('close', end); client.on('close', end); up.on('error', end); client.on('error', end);
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const port = (relay.address() as { port: number }).port;
  writeFileSync(join(l.dir, 'victim-ca.pem'), e.caPem);
  try {
    const r = await l.runAsync(['device', 'sideload', 'deploy', pkgs['big.imagepackage']!, '--device', `127.0.0.1:${port}`, '--device-ca', join(l.dir, 'victim-ca.pem')]);
    assert.ok(killed, 'the emulator was killed during the upload');
    assert.is(r.code, 1, r.stderr);
    assert.match(oneLine(r), /^error: Cannot upload the image package on board 127\.0\.0\.1:\d+: the connection closed before the device answered\. The package may not have arrived; nothing is installed until a deploy completes, so run the command again\.$/);
  } finally {
    relay.close();
  }
  l.start('victim');
  assert.equal(await appsOn(l, 'victim'), [], 'nothing installed or staged after the crash');
  const retry = l.run(['device', 'sideload', 'deploy', pkgs['big.imagepackage']!, '--device', 'victim', '-o', 'json']);
  assert.is(retry.code, 0, retry.stderr);
  const j = JSON.parse(retry.stdout);
  assert.is(j.action, 'installed');
  assert.equal(await appsOn(l, 'victim'), [{ uid: CID, image: j.imageId, staged: false }]);
  assert.is(await appState(l, 'victim', CID), 'running');
  l.stop('victim');
});

test('an image altered in flash: secure boot fails it, list-installed and show-security-state say so, and it does not start', async () => {
  const e = l.start('tamper');
  const d = l.run(['device', 'sideload', 'deploy', pkgs['good.imagepackage']!, '--device', 'tamper', '-o', 'json']);
  assert.is(d.code, 0, d.stderr);
  const ok = JSON.parse(l.run(['device', 'image', 'list-installed', '--device', 'tamper', '-o', 'json']).stdout);
  assert.equal(ok.map((i: { verification: string }) => i.verification), ['verified']);
  l.stop('tamper');
  const blobs = join(e.stateDir, 'flash', 'blobs');
  const [blob] = readdirSync(blobs);
  const file = join(blobs, blob!);
  chmodSync(file, 0o644);
  const bytes = readFileSync(file);
  bytes[100] = bytes[100]! ^ 0x01;
  writeFileSync(file, bytes);
  l.start('tamper');
  const human = l.run(['device', 'image', 'list-installed', '--device', 'tamper']);
  assert.is(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`Component ID: ${CID}\\n   --> Image ID:     ${JSON.parse(d.stdout).imageId}\\n   --> Verification: failed \\(CORRUPT: the image bytes changed in flash\\)\\n$`));
  const list = JSON.parse(l.run(['device', 'image', 'list-installed', '--device', 'tamper', '-o', 'json']).stdout);
  assert.equal(list.map((i: { componentId: string; verification: string; verificationDetail: string }) => [i.componentId, i.verification, i.verificationDetail]), [[CID, 'failed', 'CORRUPT: the image bytes changed in flash']]);
  const sec = l.run(['device', 'show-security-state', '--device', 'tamper']);
  assert.match(sec.stdout, /Component ID: 6c1a2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\n   --> Image ID: +[0-9a-f-]+\n   --> Verification: failed \(CORRUPT/);
  const start = l.run(['device', 'app', 'start', '--device', 'tamper', '--component-id', CID]);
  assert.is(start.code, 1);
  assert.match(oneLine(start), /the application image is not valid.*\(device error 1\.15\)/);
  l.stop('tamper');
});
test('unsupported API version: an emulator started as REST API 4.2.0 refuses show-os-version (needs 4.5.0) in one line, unsent', async () => {
  l.start('old', ['--capabilities', 'appDevelopment', '--rest-api-version', '4.2.0']);
  const st = l.run(['emulator', 'status', '--name', 'old', '-o', 'json']);
  assert.is(JSON.parse(st.stdout).restApiVersion, '4.2.0');
  const dev = ['--device', 'old'];
  const r = await l.runAsync(['device', 'show-os-version', ...dev]);
  assert.is(r.code, 1);
  assert.is(oneLine(r), 'error: Cannot read the OS version on emulator "old": the device does not support GET /osversion (getOsVersion), which needs device REST API version 4.5.0; the device reports version 4.2.0. Update the device\'s OS, or use a newer emulator.');
  const ok = await l.runAsync(['device', 'show-security-state', ...dev, '-o', 'json']);
  assert.is(ok.code, 0, ok.stderr);
  const s = JSON.parse(ok.stdout);
  assert.is(s.restApiVersion, '4.2.0');
  assert.is(s.osVersion, null, 'reported as unavailable, not guessed');
  assert.is(s.manufacturingState, 'Blank');
  assert.equal(s.capabilities, [{ id: 11, name: 'appDevelopment' }]);
  const mem = await l.runAsync(['device', 'app', 'show-memory-stats', ...dev]);
  assert.is(mem.code, 1);
  assert.match(oneLine(mem), /needs device REST API version 4\.3\.0; the device reports version 4\.2\.0/);
  const deploy = l.run(['device', 'sideload', 'deploy', pkgs['good.imagepackage']!, ...dev, '-o', 'json']);
  assert.is(deploy.code, 0, deploy.stderr);
  const restart = l.run(['device', 'restart', ...dev]);
  assert.is(restart.code, 0, restart.stderr);
  const log = l.run(['emulator', 'logs', '--name', 'old', '--lines', '1000']);
  assert.match(log.stdout, /GET \/status 200/, 'the log records requests');
  assert.not.match(log.stdout, /\/osversion|\/stats\/memory/, 'the unsupported calls were never sent');
  assert.match(log.stdout, /POST \/restart 200/, 'restart sent with the content type 4.2.0 takes');
  l.stop('old');
});
test.run();
