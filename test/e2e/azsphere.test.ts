/**
 * azsphere compatibility (spec/azsphere-cli.md §3–§14): the argv mapping as a table, then the
 * built binary invoked through an `azsphere` symlink and as `sphere azsphere …` against a real
 * emulator — pack, sideload deploy/delete, app start/stop/show-status, image list-installed and
 * show-attached have the same effect and the same JSON as the native commands.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { mapAzsphereArgs } from '../../cli/azsphere';
import { BIN } from '../helpers';
import { appsOn, appState, lab, oneLine, type Lab } from '../sideload/e2e-helpers';

const map = suite('mapAzsphereArgs');
const cases: Array<[string, string]> = [
  ['image-package pack-application --package-directory app --destination a.imagepackage --target-api-set 16', 'image pack app --destination a.imagepackage --target-api-set 16'],
  ['image-package pack-application --package-directory app --destination a.ip --hardware-definitions d1 d2 --target-definition-filename x.json', 'image pack app --destination a.ip --hardware-definitions d1 --hardware-definitions d2 --target-definition x.json'],
  ['image package-application --input app --output a.ip --sysroot 5', 'image pack app --destination a.ip --target-api-set 5'],
  ['image-package pack-board-config --preset lan-enc28j60-isu0-int5 --destination b.ip', 'image pack-board-config --preset lan-enc28j60-isu0-int5 --destination b.ip'],
  ['image-package show --image-package a.ip', 'image show a.ip'],
  ['device sideload deploy --image-package a.ip', 'device sideload deploy --image-package a.ip'],
  ['device sideload deploy -p a.ip -m --force -d 192.168.35.2', 'device sideload deploy --image-package a.ip --manual-start --force --device 192.168.35.2'],
  ['device sideload deploy --imagepackage a.ip --manualstart', 'device sideload deploy --image-package a.ip --manual-start'],
  ['device sideload delete --component-id X -e A B', 'device sideload delete --component-id X --except-component-ids A --except-component-ids B'],
  ['device sideload stop --componentid X', 'device app stop --component-id X'],
  ['device app start -i X --debug-mode', 'device app start --component-id X --debug-mode'],
  ['device app show-status --component-id X --output jsonc', 'device app show-status --component-id X --output json'],
  ['device image list-installed --full -o yamlc', 'device image list-installed --all --output yaml'],
  ['device show-attached --verbose --only-show-errors', 'device show-attached --verbose --only-show-errors'],
  ['device prep-sideload', 'device enable-development'],
  ['device enable-development --enable-rt-core-debugging --device-group Bench', 'device enable-development --enable-rt-core-debugging --device-group Bench'],
  ['device enable-development --enablertcoredebugging -d 192.168.35.2', 'device enable-development --enable-rt-core-debugging --device 192.168.35.2'],
  ['device enable-development -r --resource-group G --catalog C --device emu', 'device enable-development --enable-rt-core-debugging --device emu'],
  ['device enable-cloud-test --device-group Pilot --product P', 'device enable-cloud-test --device-group Pilot'],
  ['device rescan-attached', 'device list-attached'],
  ['device network enable --interface wlan0', 'device network enable --interface wlan0'],
  ['device network proxy apply --address p --port 8 --no-proxy-addresses a b --enable', 'device network proxy apply --address p --port 8 --bypass-addresses a --bypass-addresses b'],
  ['device wifi forget --id 3', 'device wifi forget --id 3'],
  ['get-support-data --destination s.tar.gz', 'device get-support-data --destination s.tar.gz'],
  ['show-version', 'show-version'],
  ['show-sdk-version -o json', 'show-version --output json'],
  ['hardware-definition generate-header --hardware-definition-file hw/a.json', 'hwdef generate-header hw/a.json'],
  ['hardware-definition test-header --hardware-definition-file hw/a.json', 'hwdef test-header hw/a.json'],
];
for (const [az, native] of cases) map(az, () => assert.is(mapAzsphereArgs(az.split(' ')).join(' '), native));
map('cloud-only commands are refused with a usage error; --query is passed on to sphere\'s own', () => {
  assert.throws(() => mapAzsphereArgs(['tenant', 'list']), /needs the Azure Sphere Security Service/);
  assert.throws(() => mapAzsphereArgs(['device', 'claim']), /Security Service/);
  assert.equal(mapAzsphereArgs(['device', 'show-attached', '--query', 'deviceId', '-o', 'tsv']), ['device', 'show-attached', '--query', 'deviceId', '--output', 'tsv']);
  assert.equal(mapAzsphereArgs(['device', 'image', 'list-installed', '--query=[0].componentId']), ['device', 'image', 'list-installed', '--query', '[0].componentId']);
});
map.run();

let l: Lab;
let az = '';
const CID = '5a7f3c2e-9b1d-4e6a-8c0f-2d4b6e8a1c3f';
const EPOCH = { SOURCE_DATE_EPOCH: '1735689600' };

function viaAz(args: string[]) {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...l.env };
  const r = spawnSync(az, args, { cwd: l.dir, env, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const okJson = (r: { code: number; stdout: string; stderr: string }) => { assert.is(r.code, 0, r.stderr); return JSON.parse(r.stdout); };

const e2e = suite('azsphere invocations against the emulator');
e2e.before(() => {
  l = lab();
  az = join(l.dir, 'azsphere');
  symlinkSync(BIN, az);
  l.start('az');
});
e2e.after(() => l.done());

e2e('pack-application gives the same bytes as sphere image pack', () => {
  const app = resolve('samples/hello/approot');
  const a = l.run(['image', 'pack', app, '--destination', 'native.imagepackage', '--target-api-set', '16'], { env: EPOCH });
  assert.is(a.code, 0, a.stderr);
  const b = spawnSync(az, ['image-package', 'pack-application', '--package-directory', app, '--destination', 'az.imagepackage', '--target-api-set', '16'], { cwd: l.dir, env: { PATH: process.env['PATH'] ?? '', ...l.env, ...EPOCH }, encoding: 'utf8' });
  assert.is(b.status, 0, b.stderr);
  assert.ok(readFileSync(join(l.dir, 'az.imagepackage')).equals(readFileSync(join(l.dir, 'native.imagepackage'))));
});
e2e('sideload deploy --image-package installs and starts the app like the native command', async () => {
  const r = okJson(viaAz(['device', 'sideload', 'deploy', '--image-package', 'az.imagepackage', '--output', 'json']));
  assert.is(r.action, 'installed');
  assert.equal(await appsOn(l, 'az'), [{ uid: CID, image: r.imageId, staged: false }]);
  assert.is(await appState(l, 'az', CID), 'running');
  assert.equal(okJson(viaAz(['device', 'sideload', 'deploy', '-p', 'az.imagepackage', '-o', 'json'])).action, 'skipped');
});
e2e('app stop/start/show-status with --component-id match the native results', async () => {
  assert.equal(okJson(viaAz(['device', 'app', 'stop', '--component-id', CID, '-o', 'json'])), okJson(l.run(['device', 'app', 'stop', '-i', CID, '-o', 'json'])));
  assert.is(await appState(l, 'az', CID), 'stopped');
  const status = viaAz(['device', 'app', 'show-status', '--component-id', CID]);
  assert.ok(status.stdout.startsWith(`${CID}: App state: stopped\n`), status.stdout);
  assert.is(status.stdout, l.run(['device', 'app', 'show-status', '--component-id', CID]).stdout);
  assert.equal(okJson(viaAz(['device', 'app', 'start', '--component-id', CID, '--output', 'json'])), { componentId: CID, state: 'running' });
  assert.is(await appState(l, 'az', CID), 'running');
  const classic = spawnSync(BIN, ['azsphere', 'device', 'sideload', 'stop', '--componentid', CID], { cwd: l.dir, env: { PATH: process.env['PATH'] ?? '', ...l.env }, encoding: 'utf8' });
  assert.is(classic.status, 0, classic.stderr);
  assert.is(await appState(l, 'az', CID), 'stopped');
  assert.equal(okJson(viaAz(['device', 'app', 'show-status', '-o', 'json'])), okJson(l.run(['device', 'app', 'show-status', '-o', 'json'])));
});
e2e('image list-installed and show-attached print what the native commands print', () => {
  assert.is(viaAz(['device', 'image', 'list-installed']).stdout, l.run(['device', 'image', 'list-installed']).stdout);
  assert.equal(okJson(viaAz(['device', 'image', 'list-installed', '--full', '-o', 'json'])), okJson(l.run(['device', 'image', 'list-installed', '--all', '-o', 'json'])));
  assert.equal(okJson(viaAz(['device', 'show-attached', '-o', 'json'])), okJson(l.run(['device', 'show-attached', '-o', 'json'])));
  const via = spawnSync(BIN, ['azsphere', 'device', 'show-attached', '--output', 'json'], { cwd: l.dir, env: { PATH: process.env['PATH'] ?? '', ...l.env }, encoding: 'utf8' });
  assert.equal(JSON.parse(via.stdout), okJson(l.run(['device', 'show-attached', '-o', 'json'])));
  const q = viaAz(['device', 'show-attached', '--query', 'deviceId', '-o', 'tsv']);
  assert.is(q.code, 0, q.stderr);
  assert.is(q.stdout.trim(), okJson(l.run(['device', 'show-attached', '-o', 'json'])).deviceId, '--query reaches sphere\'s own');
});
e2e('sideload delete --component-id removes it; a cloud command is one clear line, exit 2', async () => {
  assert.equal(okJson(viaAz(['device', 'sideload', 'delete', '--component-id', CID, '-o', 'json'])).deleted.map((d: { componentId: string }) => d.componentId), [CID]);
  assert.equal(await appsOn(l, 'az'), []);
  const t = viaAz(['tenant', 'list']);
  assert.is(t.code, 2);
  assert.match(oneLine(t), /^error: Cannot run "azsphere tenant list": it needs the Azure Sphere Security Service/);
});
e2e.run();
