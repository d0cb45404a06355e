/**
 * The az habits on the built binary: global options before or after the command in every
 * spelling, full JMESPath, az's table and tsv layouts, YAML a YAML 1.1 parser reads back, the
 * verbosity switches, `--destination` with the old `-o` still working, multi-value flags, shell
 * completion run through bash's own completion machinery, and the config file with its
 * precedence (flag > environment > file).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IMAGEPACKAGES, SDK_FIXTURES, sphere, tempDir, withCa } from '../helpers';
import { lab } from '../sideload/e2e-helpers';

const FILE = join(IMAGEPACKAGES, SDK_FIXTURES[1]!);
const SAMPLE = resolve('samples/hello/approot');
const HW = resolve('test/fixtures/hardware-definitions');
/** Files of that fixture, as the existing image tests establish them. */
const FILES = ['/app_manifest.json', '/bin/app'];


/** withCa with its own config folder, so the user's sphere settings stay out of the tests. */
const withCaConfig = <T>(fn: (dir: string, env: Record<string, string>) => T): T => withCa(fn, (dir) => ({ XDG_CONFIG_HOME: join(dir, 'config') }));

const globals = suite('global options');
globals('-o json, -ojson, --output=json and --output json, before or after the command, print the same JSON', () => {
  const ref = sphere(['image', 'show', FILE, '-o', 'json']);
  assert.is(ref.code, 0, ref.stderr);
  const data = JSON.parse(ref.stdout);
  for (const argv of [['image', 'show', FILE, '-ojson'], ['-o', 'json', 'image', 'show', FILE], ['-ojson', 'image', 'show', FILE],
    ['--output=json', 'image', 'show', FILE], ['image', 'show', '--output', 'json', FILE], ['image', 'show', '--output=jsonc', FILE]]) {
    const r = sphere(argv);
    assert.is(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
    assert.equal(JSON.parse(r.stdout), data, argv.join(' '));
    assert.is(r.stderr, '', argv.join(' '));
  }
  const q = sphere(['--query', 'summary.componentId', '-o', 'tsv', 'image', 'show', FILE]);
  assert.is(q.stdout, 'b8f5931e-173a-40f5-a4f8-3d98240f53ec\n');
});
globals('an unknown format is one usage line (exit 2), also from the environment', () => {
  const r = sphere(['image', 'show', FILE, '-o', 'xml']);
  assert.is(r.code, 2);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /Cannot use output format "xml": expected one of .*json/);
  const e = sphere(['image', 'show', FILE], { env: { SPHERE_OUTPUT: 'xml' } });
  assert.is(e.code, 2);
  assert.match(e.stderr, /"xml" \(from SPHERE_OUTPUT\)/);
});
globals('--query is full JMESPath: functions with expression references', () => {
  const sorted = sphere(['image', 'show', FILE, '--query', "sort_by(files[?type=='file'], &path)[].path", '-o', 'json']);
  assert.is(sorted.code, 0, sorted.stderr);
  assert.equal(JSON.parse(sorted.stdout), FILES);
  const rev = sphere(['image', 'show', FILE, '--query', "reverse(sort_by(files[?type=='file'], &path)[].path)", '-o', 'json']);
  assert.equal(JSON.parse(rev.stdout), [...FILES].reverse());
  const count = sphere(['image', 'show', FILE, '--query', "length(files[?type=='file'])", '-o', 'tsv']);
  assert.is(count.stdout, '2\n');
  const bad = sphere(['image', 'show', FILE, '--query', 'nosuchfunction(files)']);
  assert.is(bad.code, 2);
  assert.is(bad.stdout, '');
  assert.match(bad.stderr, /Cannot use query "nosuchfunction\(files\)"/);
});
globals('-o table: az layout, a header, dashes as wide as each column, columns two spaces apart', () => {
  const r = sphere(['image', 'show', FILE, '--query', "files[?type=='file'].{path: path, type: type}", '-o', 'table']);
  assert.is(r.code, 0, r.stderr);
  // `type` is one of the keys az leaves out of automatic tables.
  assert.is(r.stdout, 'Path\n------------------\n/app_manifest.json\n/bin/app\n');
  const two = sphere(['image', 'show', FILE, '--query', "files[?type=='file'].{path: path, kind: type}", '-o', 'table']);
  const lines = two.stdout.trimEnd().split('\n');
  assert.is(lines[0], 'Path                Kind');
  assert.is(lines[1], '------------------  ----');
  assert.is(lines[2], '/app_manifest.json  file');
});
globals('-o tsv: one line per item, values tab-separated, no header', () => {
  const r = sphere(['image', 'show', FILE, '--query', "files[?type=='file'].{p: path, t: type}", '-o', 'tsv']);
  assert.is(r.stdout, '/app_manifest.json\tfile\n/bin/app\tfile\n');
});
globals('-o yaml reads back (YAML 1.1, as PyYAML reads it) as the JSON data', () => {
  const probe = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
  if (probe.status !== 0) { console.log('  (PyYAML not installed: skipped)'); return; }
  const y = sphere(['image', 'show', FILE, '-o', 'yaml']);
  const back = spawnSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'], { input: y.stdout, encoding: 'utf8' });
  assert.is(back.status, 0, back.stderr);
  assert.equal(JSON.parse(back.stdout), JSON.parse(sphere(['image', 'show', FILE, '-o', 'json']).stdout));
});
globals('--verbose shows steps and --debug internals on stderr; stdout is unchanged', () => {
  const plain = sphere(['image', 'show', FILE, '-o', 'json']);
  const v = sphere(['--verbose', 'image', 'show', FILE, '-o', 'json']);
  assert.is(v.stdout, plain.stdout);
  assert.match(v.stderr, /^info: command ran in \d+ ms$/m);
  assert.not.match(v.stderr, /debug:/);
  const d = sphere(['image', 'show', FILE, '-o', 'json', '--debug']);
  assert.is(d.stdout, plain.stdout);
  assert.match(d.stderr, /^debug: command: sphere image show /m);
});
globals.run();

const dest = suite('--destination and the old -o');
dest('--destination writes the file quietly; the old -o <file> still works with one deprecation line; --only-show-errors hides it', () => withCaConfig((dir, env) => {
  const a = sphere(['image', 'pack', SAMPLE, '--destination', join(dir, 'a.imagepackage'), '--target-api-set', '16'], { env });
  assert.is(a.code, 0, a.stderr);
  assert.is(a.stderr, '');
  const b = sphere(['image', 'pack', SAMPLE, '-o', join(dir, 'b.imagepackage'), '--target-api-set', '16'], { env });
  assert.is(b.code, 0, b.stderr);
  assert.ok(existsSync(join(dir, 'b.imagepackage')));
  assert.is(b.stderr.trim().split('\n').length, 1, b.stderr);
  assert.match(b.stderr, /^warning: "-o .*b\.imagepackage" for destination is deprecated: write "--destination .*"/);
  const c = sphere(['image', 'pack', SAMPLE, '-o', join(dir, 'c.imagepackage'), '--target-api-set', '16', '--only-show-errors'], { env });
  assert.is(c.code, 0);
  assert.is(c.stderr, '');
  // -o with a format name is the format, even on a command that writes a file.
  const d = sphere(['image', 'pack', SAMPLE, '-o', 'json', '--destination', join(dir, 'd.imagepackage'), '--target-api-set', '16'], { env });
  assert.is(d.code, 0, d.stderr);
  assert.is(JSON.parse(d.stdout).destination, join(dir, 'd.imagepackage'));
  const x = sphere(['image', 'extract', join(dir, 'a.imagepackage'), '-o', join(dir, 'out')], { env });
  assert.is(x.code, 0, x.stderr);
  assert.ok(existsSync(join(dir, 'out', 'app_manifest.json')));
  assert.match(x.stderr, /deprecated: write "--destination/);
}));
dest('multi-value flags take space-separated values, repeated flags, and give back the positional they swallowed', () => withCaConfig((dir, env) => {
  const approot = join(dir, 'app');
  cpSync(SAMPLE, approot, { recursive: true });
  const manifestPath = join(approot, 'app_manifest.json');
  const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
  m.Capabilities.Gpio = ['$SAMPLE_LED', '$SAMPLE_BUTTON_1'];
  writeFileSync(manifestPath, JSON.stringify(m, null, 2));
  const hw = [join(HW, 'mt3620_rdb'), join(HW, 'sdk-20.x')];
  const forms = [
    ['image', 'pack', approot, '--hardware-definitions', ...hw, '--target-definition', 'sample_appliance.json'],
    ['image', 'pack', approot, '--hardware-definitions', hw[0]!, '--hardware-definitions', hw[1]!, '--target-definition', 'sample_appliance.json'],
    ['image', 'pack', '--target-definition', 'sample_appliance.json', '--hardware-definitions', ...hw, approot],
  ];
  forms.forEach((argv, i) => {
    const out = join(dir, `hw${i}.imagepackage`);
    const r = sphere([...argv, '--destination', out], { env });
    assert.is(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
    // Known answer: the RDB's sample_appliance.json maps SAMPLE_LED and SAMPLE_BUTTON_1 to GPIO 8 and 12.
    assert.equal(JSON.parse(sphere(['image', 'show', out, '-o', 'json'], { env }).stdout).manifest.Capabilities.Gpio, [8, 12], argv.join(' '));
  });
}));
dest.run();

const completion = suite('sphere completion');
/** Runs bash's completion function as bash would for a partly typed line; resolves to its candidates. */
function complete(script: string, line: string, cwd?: string): string[] {
  const r = spawnSync('bash', ['-c', `source "$1"; read -ra COMP_WORDS <<< "$2"; [[ "$2" == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _sphere; printf '%s\\n' "\${COMPREPLY[@]}"`, 'x', script, line], { encoding: 'utf8', cwd });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}
completion('bash: groups, commands, options, formats after -o and files after a value option', () => {
  const t = tempDir();
  try {
    const script = join(t.dir, 'sphere.bash');
    const r = sphere(['completion', 'bash']);
    assert.is(r.code, 0, r.stderr);
    writeFileSync(script, r.stdout);
    const top = complete(script, 'sphere ');
    for (const w of ['image', 'device', 'emulator', 'config', 'completion']) assert.ok(top.includes(w), `top: ${top.join(' ')}`);
    assert.equal(complete(script, 'sphere dev'), ['device']);
    assert.equal(complete(script, 'sphere device app st').sort(), ['start', 'stop']);
    assert.equal(complete(script, 'sphere image pack --hardware-'), ['--hardware-definitions']);
    assert.ok(complete(script, 'sphere image pack approot --').includes('--destination'));
    assert.ok(complete(script, 'sphere image pack approot --').includes('--only-show-errors'));
    assert.equal(complete(script, 'sphere image show -o y'), ['yaml', 'yamlc']);
    assert.equal(complete(script, 'sphere completion ').sort(), ['bash', 'fish', 'zsh']);
    mkdirSync(join(t.dir, 'pkgs'));
    writeFileSync(join(t.dir, 'pkgs', 'hello.imagepackage'), '');
    assert.equal(complete(script, 'sphere image pack app --destination pkgs/he', t.dir), ['pkgs/hello.imagepackage']);
  } finally { t.done(); }
});
completion('zsh and fish scripts parse in their shells (when installed); an unknown shell is a usage error', () => {
  for (const [shell, args] of [['zsh', ['-n']], ['fish', ['--no-execute']]] as const) {
    const probe = spawnSync(shell, ['-c', 'true']);
    if (probe.error) { console.log(`  (${shell} not installed: its syntax check skipped)`); continue; }
    const t = tempDir();
    try {
      const file = join(t.dir, `sphere.${shell}`);
      writeFileSync(file, sphere(['completion', shell]).stdout);
      const check = spawnSync(shell, [...args, file], { encoding: 'utf8' });
      assert.is(check.status, 0, `${shell}: ${check.stderr}`);
    } finally { t.done(); }
  }
  const probe = spawnSync('fish', ['-c', 'true']);
  if (!probe.error) {
    // fish's own completer, asked as it asks when Tab is pressed.
    const t = tempDir();
    try {
      writeFileSync(join(t.dir, 'sphere.fish'), sphere(['completion', 'fish']).stdout);
      const r = spawnSync('fish', ['-c', `source ${join(t.dir, 'sphere.fish')}; complete -C 'sphere device app st'; echo ---; complete -C 'sphere image pack x --hardw'`], { encoding: 'utf8' });
      assert.is(r.status, 0, r.stderr);
      const [apps, flags] = r.stdout.split('---\n');
      assert.equal(apps!.trim().split('\n').map((l) => l.split('\t')[0]).sort(), ['start', 'stop']);
      assert.is(flags!.trim(), '--hardware-definitions');
    } finally { t.done(); }
  }
  const bad = sphere(['completion', 'tcsh']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /Cannot write completion for shell "tcsh"/);
});
completion.run();

const config = suite('sphere config');
config('set/get/list with the file under XDG_CONFIG_HOME; flag > env > file', () => {
  const t = tempDir();
  try {
    const env = { XDG_CONFIG_HOME: join(t.dir, 'xdg') };
    const set = sphere(['config', 'set', 'output', 'json'], { env });
    assert.is(set.code, 0, set.stderr);
    const file = join(t.dir, 'xdg', 'sphere', 'config.json');
    assert.equal(JSON.parse(readFileSync(file, 'utf8')), { output: 'json' });
    assert.equal(readdirSync(join(t.dir, 'xdg', 'sphere')), ['config.json']);
    // The file's format applies with no -o ...
    const fromFile = sphere(['image', 'show', FILE, '--query', 'summary.componentId'], { env });
    assert.is(fromFile.stdout, '"b8f5931e-173a-40f5-a4f8-3d98240f53ec"\n');
    // ... the environment beats the file ...
    const fromEnv = sphere(['image', 'show', FILE, '--query', 'summary.componentId'], { env: { ...env, SPHERE_OUTPUT: 'tsv' } });
    assert.is(fromEnv.stdout, 'b8f5931e-173a-40f5-a4f8-3d98240f53ec\n');
    // ... and the flag beats both.
    const fromFlag = sphere(['image', 'show', FILE, '--query', 'summary.componentId', '-o', 'yaml'], { env: { ...env, SPHERE_OUTPUT: 'tsv' } });
    assert.is(fromFlag.stdout, 'b8f5931e-173a-40f5-a4f8-3d98240f53ec\n');
    const got = JSON.parse(sphere(['config', 'get', 'output'], { env }).stdout);
    assert.equal([got.value, got.source], ['json', 'file']);
    assert.is(sphere(['config', 'get', 'output', '-o', 'none'], { env }).stdout, '');
    assert.is(sphere(['config', 'get', 'output', '-o', 'tsv'], { env: { ...env, SPHERE_OUTPUT: 'table' } }).stdout.split('\t')[2], 'env');
    const listed = JSON.parse(sphere(['config', 'list'], { env: { ...env, SPHERE_DEVICE: 'emu9' } }).stdout);
    assert.is(listed.file, file);
    assert.equal(listed.settings.map((s: { name: string; value: string | null; source: string }) => [s.name, s.value, s.source]), [['device', 'emu9', 'env'], ['output', 'json', 'file'], ['ca-dir', null, 'unset']]);
    assert.is(sphere(['config', 'get', 'device'], { env }).code, 3);
  } finally { t.done(); }
});
config('ca-dir from the file is the CA folder commands use; the flag still wins', () => {
  const t = tempDir();
  try {
    const env = { XDG_CONFIG_HOME: join(t.dir, 'xdg') };
    assert.is(sphere(['config', 'set', 'ca-dir', join(t.dir, 'myca')], { env }).code, 0);
    const init = sphere(['ca', 'init'], { env });
    assert.is(init.code, 0, init.stderr);
    assert.ok(readdirSync(join(t.dir, 'myca')).length > 0, 'CA written to the configured folder');
    const other = sphere(['ca', 'init', '--dir', join(t.dir, 'flagca')], { env });
    assert.is(other.code, 0, other.stderr);
    assert.ok(existsSync(join(t.dir, 'flagca')));
  } finally { t.done(); }
});
config('bad input: an unknown setting, a bad format, a broken file — one line each, nothing lost', () => {
  const t = tempDir();
  try {
    const env = { XDG_CONFIG_HOME: join(t.dir, 'xdg') };
    const unknown = sphere(['config', 'set', 'colour', 'red'], { env });
    assert.is(unknown.code, 2);
    assert.match(unknown.stderr, /^error: Cannot use setting "colour": there is no such setting\. Use one of device, output, ca-dir\.\n$/);
    const fmt = sphere(['config', 'set', 'output', 'xml'], { env });
    assert.is(fmt.code, 2);
    assert.ok(!existsSync(join(t.dir, 'xdg', 'sphere', 'config.json')), 'nothing written');
    mkdirSync(join(t.dir, 'xdg', 'sphere'), { recursive: true });
    writeFileSync(join(t.dir, 'xdg', 'sphere', 'config.json'), '{"output": ');
    const broken = sphere(['image', 'show', FILE], { env });
    assert.is(broken.code, 2);
    assert.is(broken.stdout, '');
    assert.is(broken.stderr.trim().split('\n').length, 1);
    assert.match(broken.stderr, /Cannot read config file ".*config\.json": it is not JSON/);
    assert.is(readFileSync(join(t.dir, 'xdg', 'sphere', 'config.json'), 'utf8'), '{"output": ');
    const help = sphere(['image', 'show', '--help'], { env });
    assert.is(help.code, 0, 'help still shows with a broken config file');
    assert.match(help.stdout, /--query <jmespath>/);
  } finally { t.done(); }
});
config.run();

const version = suite('sphere show-version');
version('names the API sets the SDK serves: the sysroots "sdk path" writes', () => {
  const t = tempDir();
  try {
    const env = { SPHERE_SDK_HOME: join(t.dir, 'sdk'), XDG_DATA_HOME: join(t.dir, 'data') };
    const v = sphere(['show-version', '-o', 'json'], { env });
    assert.is(v.code, 0, v.stderr);
    const data = JSON.parse(v.stdout);
    const path = sphere(['sdk', 'path'], { env }).stdout.trim();
    assert.equal([...data.apiSets].sort(), readdirSync(join(path, 'Sysroots')).sort());
    assert.is(data.sphere, sphere(['--version']).stdout.trim());
    assert.match(sphere(['show-version'], { env }).stdout, /API sets .*\d/);
  } finally { t.done(); }
});
version.run();


const device = suite('config device: flag > env > file');
device('the file names the default device; SPHERE_DEVICE beats it; --device beats both', () => {
  const l = lab('sphere-config-dev-');
  try {
    l.start('cfg1');
    const env = { XDG_CONFIG_HOME: join(l.dir, 'xdg') };
    assert.is(l.run(['config', 'set', 'device', 'nosuch'], { env }).code, 0);
    const file = l.run(['device', 'show-attached', '-o', 'json'], { env });
    assert.is(file.code, 3);
    assert.match(file.stderr, /Cannot find device "nosuch"/);
    const fromEnv = l.run(['device', 'show-attached', '-o', 'json'], { env: { ...env, SPHERE_DEVICE: 'cfg1' } });
    assert.is(fromEnv.code, 0, fromEnv.stderr);
    const flag = l.run(['device', 'show-attached', '-o', 'json', '--device', 'cfg1'], { env: { ...env, SPHERE_DEVICE: 'other' } });
    assert.is(flag.code, 0, flag.stderr);
    assert.is(JSON.parse(flag.stdout).deviceId, JSON.parse(fromEnv.stdout).deviceId);
  } finally { l.done(); }
});
device.run();
