/**
 * azsphere habits on the binary run through an `azsphere` symlink: help laid out as azsphere
 * lays it out, hardware-definition headers, hints that name azsphere commands, app commands
 * without --component-id when one app is installed, get-support-data writing a zip that
 * `unzip -t` (or Python's zipfile) accepts, show-version naming the API sets, and `--debug`
 * showing the HTTP exchanges with their timings.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, FIXTURES, tempDir } from '../helpers';
import { lab, type Lab } from '../sideload/e2e-helpers';

const HW = join(FIXTURES, 'hardware-definitions');

function azIn(dir: string) {
  const az = join(dir, 'azsphere');
  if (!existsSync(az)) symlinkSync(BIN, az);
  return (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(az, args, { cwd: dir, env: { PATH: process.env['PATH'] ?? '', HOME: dir, NO_COLOR: '1', ...env }, encoding: 'utf8' });
    return { code: r.status ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
}

const offline = suite('azsphere without a device');
offline('azsphere --help and image-package --help: Group, Subgroups and Commands as "name : description" rows', () => {
  const t = tempDir();
  try {
    const az = azIn(t.dir);
    const top = az(['--help']);
    assert.is(top.code, 0, top.stderr);
    assert.match(top.stdout, /^\nGroup\n    azsphere : /);
    const sub = top.stdout.slice(top.stdout.indexOf('Subgroups:\n'), top.stdout.indexOf('\n\nCommands:'));
    for (const g of ['device', 'hardware-definition', 'image-package']) assert.match(sub, new RegExp(`^    ${g} +: \\S`, 'm'));
    assert.match(top.stdout, /\nCommands:\n(    .+ : .+\n)*    get-support-data +: .+\n(    .+ : .+\n)*    show-version +: /);
    const ip = az(['image-package', '--help']);
    assert.is(ip.code, 0, ip.stderr);
    assert.match(ip.stdout, /^\nGroup\n    azsphere image-package : .+\.\n\nCommands:\n/);
    assert.match(ip.stdout, /^    pack-application +: Pack an application folder/m);
    assert.match(ip.stdout, /^    show +: /m);
    assert.not.match(ip.stdout, /Subgroups/);
    assert.is(az(['-h']).stdout, top.stdout);
    // A full command's help is the command's own, with its options.
    assert.match(az(['image-package', 'pack-application', '--help']).stdout, /--destination/);
  } finally { t.done(); }
});
offline('hardware-definition generate-header / test-header --hardware-definition-file', () => {
  const t = tempDir();
  try {
    const az = azIn(t.dir);
    const dir = join(t.dir, 'hw');
    mkdirSync(dir);
    for (const f of ['sample_appliance.json']) copyFileSync(join(HW, 'mt3620_rdb', f), join(dir, f));
    for (const f of ['mt3620_rdb.json', 'mt3620.json']) copyFileSync(join(HW, 'sdk-20.x', f), join(dir, f));
    const def = join(dir, 'sample_appliance.json');
    assert.is(az(['hardware-definition', 'test-header', '--hardware-definition-file', def]).code, 1, 'no header yet');
    const g = az(['hardware-definition', 'generate-header', '--hardware-definition-file', def]);
    assert.is(g.code, 0, g.stderr);
    const header = readFileSync(join(dir, 'inc', 'hw', 'sample_appliance.h'), 'utf8');
    assert.match(header, /#define SAMPLE_LED /);
    const ok = az(['hardware-definition', 'test-header', '--hardware-definition-file', def]);
    assert.is(ok.code, 0, ok.stderr);
  } finally { t.done(); }
});
offline('show-version and show-sdk-version name the API sets; hints name azsphere commands', () => {
  const t = tempDir();
  try {
    const az = azIn(t.dir);
    const env = { SPHERE_SDK_HOME: join(t.dir, 'sdk'), SPHERE_EMULATOR_HOME: join(t.dir, 'emu'), SPHERE_DEVICE_ADDRESSES: '' };
    const v = az(['show-version', '-o', 'json'], env);
    assert.is(v.code, 0, v.stderr);
    const data = JSON.parse(v.stdout);
    assert.ok(data['Azure Sphere SDK'] && data.apiSets.length > 0, v.stdout);
    assert.equal(JSON.parse(az(['show-sdk-version', '-o', 'json'], env).stdout), data);
    // No device: the hint to list devices is azsphere's own command.
    const none = az(['device', 'app', 'show-status'], env);
    assert.is(none.code, 3, none.stderr);
    assert.match(none.stderr, /"azsphere device list-attached" shows what sphere finds/);
    // The emulator has no azsphere command: its hint stays the sphere command to run.
    assert.match(none.stderr, /"sphere emulator start --detach"/);
    assert.not.match(none.stderr, /"sphere device /);
  } finally { t.done(); }
});
offline.run();

let l: Lab;
let az: ReturnType<typeof azIn>;
const online = suite('azsphere against the emulator');
online.before(() => { l = lab('sphere-azh-'); az = azIn(l.dir); l.start('azh'); });
online.after(() => l.done());
const env = () => l.env;

online('device app start|stop|show-quota without --component-id act on the only installed app', () => {
  const none = az(['device', 'app', 'stop'], env());
  assert.is(none.code, 2);
  assert.match(none.stderr, /no application is installed\. Deploy one with "azsphere device sideload deploy --image-package <file>"/);
  assert.is(l.run(['image', 'pack', resolve('samples/hello/approot'), '--destination', 'hello.imagepackage', '--target-api-set', '16']).code, 0);
  const cid = JSON.parse(readFileSync(resolve('samples/hello/approot/app_manifest.json'), 'utf8')).ComponentId as string;
  const dep = az(['device', 'sideload', 'deploy', '--image-package', 'hello.imagepackage'], env());
  assert.is(dep.code, 0, dep.stderr);
  const stop = az(['device', 'app', 'stop', '-o', 'json'], env());
  assert.is(stop.code, 0, stop.stderr);
  assert.equal([JSON.parse(stop.stdout).componentId, JSON.parse(stop.stdout).state], [cid, 'stopped']);
  const quota = az(['device', 'app', 'show-quota', '-o', 'json'], env());
  assert.is(quota.code, 0, quota.stderr);
  assert.is(JSON.parse(quota.stdout).componentId, cid);
  const start = az(['device', 'app', 'start'], env());
  assert.is(start.code, 0, start.stderr);
  assert.match(start.stdout, new RegExp(`${cid}: App state: running`));
});
online('get-support-data --destination x.zip writes a zip that unzip -t (or zipfile) accepts', () => {
  const r = az(['get-support-data', '--destination', 'support.zip'], env());
  assert.is(r.code, 0, r.stderr);
  const file = join(l.dir, 'support.zip');
  const unzip = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
  if (!unzip.error) {
    assert.is(unzip.status, 0, unzip.stdout + unzip.stderr);
    assert.match(unzip.stdout, /No errors detected/);
  }
  const py = spawnSync('python3', ['-c', 'import sys, zipfile, json; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps({n: len(z.read(n)) for n in z.namelist()}))', file], { encoding: 'utf8' });
  assert.is(py.status, 0, py.stderr);
  const sizes = JSON.parse(py.stdout) as Record<string, number>;
  assert.ok(sizes['support-data/device-state.json']! > 2, py.stdout);
  assert.ok('support-data/AzureSphere_DeviceLog.bin' in sizes, py.stdout);
  const state = spawnSync('python3', ['-c', 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("support-data/device-state.json").decode())', file], { encoding: 'utf8' });
  assert.ok(JSON.parse(state.stdout).status, 'device-state.json is the device state');
  const bad = az(['get-support-data', '--destination', 'support.rar'], env());
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /Name it \*\.zip or \*\.tar\.gz/);
});
online('--debug shows each HTTP exchange with its status and time on stderr; stdout is the same', () => {
  const plain = l.run(['device', 'show-attached', '-o', 'json']);
  const d = l.run(['device', 'show-attached', '-o', 'json', '--debug']);
  assert.is(d.code, 0, d.stderr);
  assert.is(d.stdout, plain.stdout);
  assert.match(d.stderr, /^debug: Request: GET https:\/\/[\d.]+:\d+\/\S+$/m);
  assert.match(d.stderr, /^debug: Response: 200 from GET https:\/\/[\d.]+:\d+\/\S+ in \d+\.\d ms$/m);
  assert.match(d.stderr, /^  Body: \{/m);
  assert.not.match(plain.stderr, /Request:/);
  const v = az(['device', 'show-attached', '--verbose'], env());
  assert.is(v.code, 0, v.stderr);
  assert.match(v.stderr, /^info: using emulator azh at [\d.]+:\d+$/m);
  assert.is(v.stdout, az(['device', 'show-attached'], env()).stdout, 'stdout unchanged by --verbose');
});
online.run();
