/**
 * End-to-end: `dist/sphere device …` against a real emulator started with
 * `sphere emulator start --detach`. Every command runs in its human form and with `-o json`, and
 * the device state is checked afterwards over plain HTTPS (not through the client under test).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { appsOn, appState, lab, type Lab } from '../sideload/e2e-helpers';

const CID = '5a7f3c2e-9b1d-4e6a-8c0f-2d4b6e8a1c3f'; // samples/hello/approot/app_manifest.json
let l: Lab;
let pkg = '';
const json = (args: string[]) => {
  const r = l.run([...args, '-o', 'json']);
  assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const human = (args: string[], pattern: RegExp) => {
  const r = l.run(args);
  assert.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stdout, pattern, `${args.join(' ')}: ${r.stdout}`);
  return r.stdout;
};
const rest = async (path: string) => (await l.rest('e2e', path)).json as any; // eslint-disable-line @typescript-eslint/no-explicit-any

const test = suite('device commands on the emulator');
test.before(() => {
  l = lab();
  pkg = join(l.dir, 'hello.imagepackage');
  const p = l.run(['image', 'pack', resolve('samples/hello/approot'), '--destination', pkg, '--target-api-set', '16']);
  assert.is(p.code, 0, p.stderr);
  l.start('e2e');
});
test.after(() => l.done());

test('list-attached and show-attached find the one emulator', async () => {
  const id = (await rest('/device/security_state')).deviceIdentifier.toUpperCase();
  human(['device', 'list-attached'], new RegExp(`Emulator: e2e\\n  Device ID:  ${id}`));
  const list = json(['device', 'list-attached']);
  assert.equal(list.map((d: { name: string; deviceId: string; answering: boolean }) => [d.name, d.deviceId, d.answering]), [['e2e', id, true]]);
  human(['device', 'show-attached'], new RegExp(`^Device ID: +${id}\\nIP address: +127\\.0\\.0\\.1:\\d+\\n`));
  const s = json(['device', 'show-attached']);
  assert.is(s.deviceId, id);
  assert.is(s.port, l.entry('e2e')!.port);
  assert.is(s.restApiVersion, '4.6.0');
});
test('sideload deploy installs the sample and leaves it running; a second deploy is skipped', async () => {
  human(['device', 'sideload', 'deploy', pkg], new RegExp(`has been deployed to emulator "e2e"\\.\\n${CID}: App state: running`));
  assert.is((await appsOn(l, 'e2e')).length, 1);
  assert.is(await appState(l, 'e2e', CID), 'running');
  const skip = json(['device', 'sideload', 'deploy', pkg]);
  assert.is(skip.action, 'skipped');
  const again = json(['device', 'sideload', 'deploy', pkg, '--force', '--manual-start']);
  assert.is(again.action, 'installed');
  assert.is(again.appState, 'stopped');
  const apps = await appsOn(l, 'e2e');
  assert.equal(apps, [{ uid: CID, image: again.imageId, staged: false }]);
  assert.is(await appState(l, 'e2e', CID), 'stopped');
});
test('app start/stop/show-status/show-quota/show-memory-stats', async () => {
  human(['device', 'app', 'start', '--component-id', CID], new RegExp(`${CID}: App state: running`));
  assert.is(await appState(l, 'e2e', CID), 'running');
  human(['device', 'app', 'stop', '-i', CID], /App state: stopped/);
  assert.is(await appState(l, 'e2e', CID), 'stopped');
  assert.is(json(['device', 'app', 'start', '-i', CID, '--debug-mode']).gdbPort, 2345);
  assert.is(await appState(l, 'e2e', CID), 'debugging');
  assert.is(json(['device', 'app', 'stop', '-i', CID]).state, 'stopped');
  assert.is(json(['device', 'app', 'start', '-i', CID]).state, 'running');
  assert.is(await appState(l, 'e2e', CID), 'running');
  human(['device', 'app', 'show-status'], new RegExp(`^${CID}: App state: running\\n`));
  const st = json(['device', 'app', 'show-status', '-i', CID]);
  assert.equal([st.componentId, st.state, st.executed], [CID, 'running', true], 'samples/hello is WebAssembly: its code runs');
  human(['device', 'app', 'show-status', '-i', CID], /\n {2}Code: runs in the emulator \(WebAssembly\)\n/);
  const q = await rest(`/app/quota/${CID}`);
  human(['device', 'app', 'show-quota', '-i', CID], new RegExp(`^${q.UsageKB} KB used of ${q.LimitKB} KB`));
  assert.equal(json(['device', 'app', 'show-quota', '-i', CID]), { componentId: CID, usageKB: q.UsageKB, limitKB: q.LimitKB });
  human(['device', 'app', 'show-memory-stats'], /^Current memory usage: +\d+ bytes/);
  assert.equal(json(['device', 'app', 'show-memory-stats']).apps.map((a: { componentId: string }) => a.componentId), [CID]);
});
test('image list-installed, capability show-attached, show-os-version, show-deployment-status, show-security-state', async () => {
  const img = (await appsOn(l, 'e2e'))[0]!.image;
  human(['device', 'image', 'list-installed'], new RegExp(`^Installed images:\\n --> HelloSphere\\n   --> Image type:   Application\\n   --> Component ID: ${CID}\\n   --> Image ID:     ${img}\\n   --> Verification: verified\\n$`));
  assert.equal(json(['device', 'image', 'list-installed']).map((i: { componentId: string; imageId: string; verification: string }) => [i.componentId, i.imageId, i.verification]), [[CID, img, 'verified']]);
  const all = (await rest('/images')).components.length;
  assert.is(json(['device', 'image', 'list-installed', '--all']).length, all);
  human(['device', 'capability', 'show-attached'], /^appDevelopment \(11\)\n$/);
  assert.equal(json(['device', 'capability', 'show-attached']), [{ id: 11, name: 'appDevelopment' }]);
  const os = (await rest('/osversion')).osversion;
  human(['device', 'show-os-version'], new RegExp(`^Azure Sphere OS version ${os.replace('.', '\\.')}\\.\\n$`));
  assert.equal(json(['device', 'show-os-version']), { osVersion: os });
  human(['device', 'show-deployment-status'], new RegExp(`running Azure Sphere OS version ${os.replace('.', '\\.')}\\.[\\s\\S]*${CID}  running`));
  assert.equal(json(['device', 'show-deployment-status']).applications.map((a: { state: string }) => a.state), ['running']);
  const sec = await rest('/device/security_state');
  human(['device', 'show-security-state'], new RegExp(`Security state: +${sec.securityState}[\\s\\S]*Capabilities: +appDevelopment \\(11\\)[\\s\\S]*Component ID: ${CID}`));
  const r = json(['device', 'show-security-state']);
  assert.is(r.deviceId, sec.deviceIdentifier.toUpperCase());
  assert.is(r.osVersion, os);
  assert.is(r.manufacturingState, (await rest('/device/manufacturing_state')).manufacturingState);
  assert.ok(r.installedImages.some((i: { componentId: string; imageId: string }) => i.componentId === CID && i.imageId === img));
  assert.equal(r.stagedImages, []);
});
test('certificate add/list/show/show-quota/delete', async () => {
  const dir = l.dir;
  for (const n of ['r1', 'r2']) spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, `${n}.key`), '-out', join(dir, `${n}.pem`), '-subj', `/CN=${n}`, '-days', '3']);
  const before = Number((await rest('/certstore/space')).AvailableSpace);
  human(['device', 'certificate', 'add', '-c', 'root1', '-t', 'rootca', '-p', join(dir, 'r1.pem')], /Added certificate "root1" \(RootCA\)\.\nSubject: +\/CN=r1/);
  assert.is(json(['device', 'certificate', 'add', '--certificate', 'root2', '--cert-type', 'rootca', '--public-key-file', join(dir, 'r2.pem')]).subjectName, '/CN=r2');
  assert.equal((await rest('/certstore/certs')).identifiers.sort(), ['root1', 'root2']);
  human(['device', 'certificate', 'list'], /^root1\nroot2\n$|^root2\nroot1\n$/);
  assert.equal(json(['device', 'certificate', 'list']).sort(), ['root1', 'root2']);
  human(['device', 'certificate', 'show', '-c', 'root1'], /Subject: +\/CN=r1/);
  assert.is(json(['device', 'certificate', 'show', '-c', 'root2']).id, 'root2');
  const space = Number((await rest('/certstore/space')).AvailableSpace);
  assert.ok(space < before);
  human(['device', 'certificate', 'show-quota'], new RegExp(`^Available space: ${space} bytes\\n$`));
  assert.equal(json(['device', 'certificate', 'show-quota']), { availableSpace: space });
  human(['device', 'certificate', 'delete', '-c', 'root1'], /Deleted certificate "root1"/);
  assert.equal(json(['device', 'certificate', 'delete', '-c', 'root2']), { id: 'root2', deleted: true });
  assert.equal((await rest('/certstore/certs')).identifiers, []);
});
test('wifi add/list/show/show-status/disable/enable/scan/reload-config/forget', async () => {
  human(['device', 'wifi', 'add', '--ssid', 'EmuHome', '--psk', 'correct horse'], /Added Wi-Fi network "EmuHome"\.\nID: +0/);
  assert.is(json(['device', 'wifi', 'add', '-s', 'EmuOpen', '--targeted-scan']).securityState, 'open');
  assert.equal((await rest('/wifi/config/networks')).values.map((n: { ssid: string }) => n.ssid), ['EmuHome', 'EmuOpen']);
  human(['device', 'wifi', 'list'], /SSID: +EmuHome[\s\S]*SSID: +EmuOpen/);
  assert.is(json(['device', 'wifi', 'list']).length, 2);
  human(['device', 'wifi', 'show', '--id', '1'], /SSID: +EmuOpen/);
  assert.is(json(['device', 'wifi', 'show', '-i', '0']).ssid, 'EmuHome');
  human(['device', 'wifi', 'disable', '--id', '1'], /Configuration state: disabled/);
  assert.is((await rest('/wifi/config/networks/1')).configState, 'disabled');
  assert.is(json(['device', 'wifi', 'enable', '--id', '1']).configState, 'enabled');
  assert.is((await rest('/wifi/config/networks/1')).configState, 'enabled');
  const mac = (await rest('/wifi/interface')).address;
  human(['device', 'wifi', 'show-status'], new RegExp(`MAC Address: +${mac}`));
  assert.is(json(['device', 'wifi', 'show-status']).address, mac);
  const scan = (await rest('/wifi/scan')).values.map((n: { ssid: string }) => n.ssid);
  human(['device', 'wifi', 'scan'], new RegExp(scan[0]));
  assert.equal(json(['device', 'wifi', 'scan']).map((n: { ssid: string }) => n.ssid), scan);
  human(['device', 'wifi', 'reload-config'], /Reloaded/);
  assert.equal(json(['device', 'wifi', 'reload-config']), { reloaded: true });
  human(['device', 'wifi', 'forget', '--id', '0'], /Forgot Wi-Fi network 0/);
  assert.is(json(['device', 'wifi', 'forget', '--id', '1']).forgotten, true);
  assert.equal((await rest('/wifi/config/networks')).values, []);
});
test('network list-interfaces/show-status/disable/enable/list-firewall-rules/show-diagnostics and proxy', async () => {
  human(['device', 'network', 'list-interfaces'], /^interfaceName +interfaceUp[\s\S]*wlan0/);
  assert.ok(json(['device', 'network', 'list-interfaces']).some((i: { interfaceName: string }) => i.interfaceName === 'wlan0'));
  const st = await rest('/net/status');
  human(['device', 'network', 'show-status'], new RegExp(`Network time sync: +${st.networkTimeSync}`));
  assert.equal(json(['device', 'network', 'show-status']), st);
  human(['device', 'network', 'disable', '--interface', 'wlan0'], /Interface wlan0 is down\./);
  assert.is((await rest('/net/interfaces/wlan0')).interfaceUp, false);
  assert.is(json(['device', 'network', 'enable', '--interface', 'wlan0']).interfaceUp, true);
  assert.is((await rest('/net/interfaces/wlan0')).interfaceUp, true);
  const fw = (await rest('/net/firewall/rulesets')).rulesets;
  human(['device', 'network', 'list-firewall-rules'], new RegExp(`^${fw[0].hook} \\(valid\\)`));
  const hooks = (sets: Array<{ hook: string; rules: unknown[] }>) => sets.map((x) => `${x.hook}:${x.rules.length}`);
  assert.equal(hooks(json(['device', 'network', 'list-firewall-rules'])), hooks(fw));
  human(['device', 'network', 'show-diagnostics'], /^timestamp/);
  assert.equal(json(['device', 'network', 'show-diagnostics']), (await rest('/wifi/diagnostics/networks')).values);
  human(['device', 'network', 'proxy', 'apply', '--address', 'proxy.local', '--port', '3128', '--bypass-addresses', 'a.local,b.local'], /Enabled: +true\nAddress: +proxy\.local\nPort: +3128/);
  assert.equal(await rest('/net/proxy'), { enabled: true, address: 'proxy.local', port: 3128, noProxyAddresses: ['a.local', 'b.local'], authenticationType: 'anonymous' });
  assert.is(json(['device', 'network', 'proxy', 'disable']).enabled, false);
  assert.is((await rest('/net/proxy')).enabled, false);
  human(['device', 'network', 'proxy', 'enable'], /Enabled: +true/);
  assert.is(json(['device', 'network', 'proxy', 'show']).address, 'proxy.local');
  human(['device', 'network', 'proxy', 'show'], /Address: +proxy\.local/);
  assert.equal(json(['device', 'network', 'proxy', 'delete']), { deleted: true });
  assert.equal(await rest('/net/proxy'), {});
  human(['device', 'network', 'proxy', 'show'], /No proxy is configured/);
});
test('restart waits for the new boot; the app, installed with --manual-start, stays stopped', async () => {
  human(['device', 'restart'], /^The device restarted and answers again/);
  assert.ok((await rest('/status')).uptime <= 2);
  assert.is(json(['device', 'restart']).restarted, true);
  assert.is(await appState(l, 'e2e', CID), 'stopped');
});
test('get-support-data writes a tar.gz with the device log and state', () => {
  human(['device', 'get-support-data', '--destination', 'sd.tar.gz'], /^Wrote .*sd\.tar\.gz/);
  const list = spawnSync('tar', ['tzf', join(l.dir, 'sd.tar.gz')], { encoding: 'utf8' });
  assert.match(list.stdout, /support-data\/AzureSphere_DeviceLog\.bin/);
  assert.match(list.stdout, /support-data\/device-state\.json/);
  const r = l.run(['device', 'get-support-data', '--destination', 'sd2.tar.gz', '--output', 'json']);
  const j = JSON.parse(r.stdout);
  assert.ok(existsSync(j.destination) && j.entries.length >= 3);
});
test('manufacturing-state show and update (irreversible, so last but one)', async () => {
  human(['device', 'manufacturing-state', 'show'], /^Manufacturing state: Blank\n$/);
  assert.equal(json(['device', 'manufacturing-state', 'update', '--state', 'Module1Complete']), { manufacturingState: 'Module1Complete' });
  assert.is((await rest('/device/manufacturing_state')).manufacturingState, 'Module1Complete');
  assert.equal(json(['device', 'manufacturing-state', 'show']), { manufacturingState: 'Module1Complete' });
});
test('an SDK-built app and board configuration deploy; the board configuration restarts the device and is waited for', async () => {
  const fx = (f: string) => resolve('test/fixtures/imagepackage', f);
  const app = json(['device', 'sideload', 'deploy', fx('Azure-Sphere-DevX--AzureSphereDevX.Examples--avnet_PHT_HLApp-V1.imagepackage')]);
  assert.equal([app.componentId, app.imageId, app.appState], ['b8f5931e-173a-40f5-a4f8-3d98240f53ec', '851873cf-f7c3-4df0-85a0-fe5a4f0a839e', 'running']);
  const uptime = (await rest('/status')).uptime;
  const board = json(['device', 'sideload', 'deploy', fx('Azure-Sphere-DevX--AzureSphereDevX.Examples--lan-enc28j60-isu0-int5.imagepackage')]);
  assert.is(board.restarted, true);
  assert.ok((await rest('/status')).uptime <= Math.max(1, uptime), 'a new boot');
  assert.ok((await appsOn(l, 'e2e')).some((c) => c.uid === '67b80798-d771-4774-977a-2cd18491865f' && c.image === '39a3a45a-f17f-48ef-babb-5b977f5e75f3'));
  human(['device', 'image', 'list-installed', '--all'], /Component ID: 67b80798-d771-4774-977a-2cd18491865f/);
});
test('sideload delete removes the app; recover wipes apps and keeps the device ID', async () => {
  human(['device', 'sideload', 'delete', '--component-id', CID], new RegExp(`Deleted ${CID} \\(HelloSphere\\)`));
  assert.not.ok((await appsOn(l, 'e2e')).some((c) => c.uid === CID));
  json(['device', 'sideload', 'delete']);
  assert.equal(await appsOn(l, 'e2e'), []);
  assert.is(json(['device', 'sideload', 'deploy', pkg]).action, 'installed');
  assert.equal(json(['device', 'sideload', 'delete']).deleted.map((d: { componentId: string }) => d.componentId), [CID]);
  assert.equal(await appsOn(l, 'e2e'), []);
  const id = (await rest('/device/security_state')).deviceIdentifier;
  assert.is(json(['device', 'sideload', 'deploy', pkg]).action, 'installed');
  writeFileSync(join(l.dir, 'marker'), '');
  human(['device', 'recover'], /Device recovered successfully\./);
  assert.equal(await appsOn(l, 'e2e'), []);
  assert.is((await rest('/device/security_state')).deviceIdentifier, id);
  assert.is(json(['device', 'sideload', 'deploy', pkg]).action, 'installed');
  const r = json(['device', 'recover']);
  assert.is(r.deviceId, id.toUpperCase());
  assert.equal(await appsOn(l, 'e2e'), []);
});
test.run();
