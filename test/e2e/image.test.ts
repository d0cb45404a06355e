/**
 * End-to-end: the built `dist/sphere` binary, run as a user would, against real fixtures.
 * Each case gets a fresh folder and its own CA folder.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { ALL_FIXTURES, IMAGEPACKAGES, PRODUCTION_FIXTURE, SDK_FIXTURES, sphere, subsetMismatches, tempDir, withCa } from '../helpers';

const SAMPLE = resolve('samples/hello/approot');


const cli = suite('cli basics');
cli('prints the version and help', () => {
  const v = sphere(['--version']);
  assert.is(v.code, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
  const h = sphere(['--help']);
  assert.is(h.code, 0);
  assert.match(h.stdout, /image/);
  assert.match(h.stdout, /Exit codes/);
  const g = sphere(['image', '--help']);
  assert.is(g.code, 0);
  for (const c of ['pack', 'show', 'verify', 'extract', 'pack-board-config']) assert.match(g.stdout, new RegExp(`\\b${c}\\b`));
  const c = sphere(['image', 'pack', '--help']);
  assert.is(c.code, 0);
  assert.match(c.stdout, /--target-api-set/);
});
cli('exits 2 with one line on an unknown command or option', () => {
  const r = sphere(['image', 'frobnicate']);
  assert.is(r.code, 2);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trim().split('\n').length, 1);
  const o = sphere(['image', 'show', 'x', '--bogus']);
  assert.is(o.code, 2);
  assert.is(o.stderr.trim().split('\n').length, 1, o.stderr);
  const f = sphere(['image', 'show', join(IMAGEPACKAGES, SDK_FIXTURES[0]!), '-o', 'xml']);
  assert.is(f.code, 2);
});
cli('exits 3 when the package does not exist', () => {
  const r = sphere(['image', 'show', '/nonexistent/x.imagepackage']);
  assert.is(r.code, 3);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /x\.imagepackage/);
});
cli.run();

const show = suite('image show');
for (const name of ALL_FIXTURES) {
  show(`-o json gives every field of the independent parser for ${name.slice(0, 50)}`, () => {
    const r = sphere(['image', 'show', join(IMAGEPACKAGES, name), '-o', 'json']);
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stderr, '');
    const expected = JSON.parse(readFileSync(join(IMAGEPACKAGES, name + '.expected.json'), 'utf8'));
    delete expected.note;
    delete expected.file;
    assert.equal(subsetMismatches(expected, JSON.parse(r.stdout)), []);
  });
}
show('human output names the sections and files', () => {
  const r = sphere(['image', 'show', join(IMAGEPACKAGES, SDK_FIXTURES[1]!)]);
  assert.is(r.code, 0);
  for (const s of ['Section: Identity', 'Applications', 'b8f5931e-173a-40f5-a4f8-3d98240f53ec', 'ApplicationRuntime@12', '/bin/app', 'Built On (UTC):']) assert.ok(r.stdout.includes(s), s);
});
show('yaml and tsv outputs', () => {
  const y = sphere(['image', 'show', join(IMAGEPACKAGES, SDK_FIXTURES[0]!), '-o', 'yaml']);
  assert.is(y.code, 0);
  assert.match(y.stdout, /\nmetadata:\n/);
  const n = sphere(['image', 'show', join(IMAGEPACKAGES, SDK_FIXTURES[0]!), '-o', 'none']);
  assert.is(n.stdout, '');
});
show.run();

const verify = suite('image verify');
for (const name of SDK_FIXTURES) {
  verify(`accepts SDK-built ${name.slice(0, 60)}`, () => {
    const r = sphere(['image', 'verify', join(IMAGEPACKAGES, name)]);
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /valid/);
  });
}
verify('reports the production package as UNKNOWN_SIGNER with its thumbprint', () => {
  const r = sphere(['image', 'verify', join(IMAGEPACKAGES, PRODUCTION_FIXTURE), '-o', 'json']);
  assert.is(r.code, 1);
  const d = JSON.parse(r.stdout);
  assert.is(d.valid, false);
  assert.is(d.reason, 'UNKNOWN_SIGNER');
  assert.is(d.thumbprint, '0808d85a5659654e9e569fe58952bcdab70dc54d');
});
verify.run();

const pack = suite('image pack');
pack('packs, signs, shows and verifies the sample with the dev CA; OpenSSL accepts the signature', () => withCa((dir, env) => {
  const out = join(dir, 'hello.imagepackage');
  const r = sphere(['image', 'pack', SAMPLE, '--destination', out, '--target-api-set', '16'], { env });
  assert.is(r.code, 0, r.stderr);
  const v = sphere(['image', 'verify', out], { env });
  assert.is(v.code, 0, v.stdout + v.stderr);
  // Without the dev CA in the trust store the same package is UNKNOWN_SIGNER.
  const u = sphere(['image', 'verify', out, '-o', 'json'], { env: { SPHERE_CA_DIR: join(dir, 'elsewhere') } });
  assert.is(u.code, 1);
  assert.is(JSON.parse(u.stdout).reason, 'UNKNOWN_SIGNER');
  // OpenSSL as a second implementation: r||s → DER, verify with the CA public key.
  const bytes = readFileSync(out);
  const sig = bytes.subarray(bytes.length - 64);
  const der = (x: Buffer) => { let i = 0; while (i < 31 && x[i] === 0) i++; let v = x.subarray(i); if (v[0]! & 0x80) v = Buffer.concat([Buffer.of(0), v]); return Buffer.concat([Buffer.of(2, v.length), v]); };
  const body = Buffer.concat([der(Buffer.from(sig.subarray(0, 32))), der(Buffer.from(sig.subarray(32)))]);
  writeFileSync(join(dir, 'sig.der'), Buffer.concat([Buffer.of(0x30, body.length), body]));
  writeFileSync(join(dir, 'signed.bin'), bytes.subarray(0, bytes.length - 64));
  execFileSync('openssl', ['x509', '-in', join(env['SPHERE_CA_DIR']!, 'ca.pem'), '-pubkey', '-noout', '-out', join(dir, 'pub.pem')]);
  const o = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig.der'), join(dir, 'signed.bin')], { encoding: 'utf8' });
  assert.is(o.status, 0, o.stderr);
  assert.match(o.stdout, /Verified OK/);
  // Show reads back the manifest with the runtime version appended.
  const s = JSON.parse(sphere(['image', 'show', out, '-o', 'json'], { env }).stdout);
  assert.is(s.manifest.TargetApplicationRuntimeVersion, 16);
  assert.is(s.summary.componentId, '5a7f3c2e-9b1d-4e6a-8c0f-2d4b6e8a1c3f');
  assert.equal(s.files.map((f: { path: string; mode: string }) => `${f.mode} ${f.path}`), ['040755 /', '0101644 /app_manifest.json', '040755 /bin', '0101755 /bin/app', '0101644 /readme.txt']);
}));
pack('is byte-identical across runs with SOURCE_DATE_EPOCH, and with --build-time plus --image-id', () => withCa((dir, env) => {
  const run = (name: string, args: string[], extra: Record<string, string> = {}) => {
    const r = sphere(['image', 'pack', SAMPLE, '--destination', join(dir, name), '--target-api-set', '16', ...args], { env: { ...env, ...extra } });
    assert.is(r.code, 0, r.stderr);
    return readFileSync(join(dir, name));
  };
  const a = run('a', [], { SOURCE_DATE_EPOCH: '1700000000' });
  const b = run('b', [], { SOURCE_DATE_EPOCH: '1700000000' });
  assert.ok(a.equals(b), 'SOURCE_DATE_EPOCH packs differ');
  const c = run('c', ['--build-time', '2024-01-31T12:00:00Z', '--image-id', '11111111-2222-3333-4444-555555555555']);
  const d = run('d', ['--build-time', '1706702400', '--image-id', '11111111-2222-3333-4444-555555555555']);
  assert.ok(c.equals(d), '--build-time/--image-id packs differ');
  const e = run('e', []);
  const f = run('f', []);
  assert.not.ok(e.equals(f), 'plain packs should get fresh image IDs');
}));
pack('fails with the reason and leaves no output for bad folders', () => withCa((dir, env) => {
  const out = join(dir, 'bad.imagepackage');
  const attempt = (approot: string, code: number, pattern: RegExp, extra: string[] = []) => {
    const r = sphere(['image', 'pack', approot, '--destination', out, '--target-api-set', '16', ...extra], { env });
    assert.is(r.code, code, `${approot}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.is(r.stdout, '');
    assert.not.ok(existsSync(out), 'no output file');
    assert.equal(readdirSync(dir).filter((n) => n.includes('.tmp')), []);
  };
  const make = (name: string) => { const p = join(dir, name); cpSync(SAMPLE, p, { recursive: true }); return p; };
  attempt(join(dir, 'missing'), 3, /does not exist/);
  const noManifest = make('no-manifest');
  execFileSync('rm', [join(noManifest, 'app_manifest.json')]);
  attempt(noManifest, 3, /app_manifest\.json/);
  const badJson = make('bad-json');
  writeFileSync(join(badJson, 'app_manifest.json'), '{ "Name": "x", ');
  attempt(badJson, 1, /manifest/i);
  const big = make('big');
  writeFileSync(join(big, 'huge.bin'), Buffer.alloc(16 * 1024 * 1024));
  attempt(big, 1, /16 MiB/);
  const longName = make('long-name');
  mkdirSync(join(longName, 'a'.repeat(200)));
  writeFileSync(join(longName, 'a'.repeat(200), 'b'.repeat(253)), 'x');
  attempt(longName, 1, /252-byte/);
  const link = make('link');
  symlinkSync('/etc/passwd', join(link, 'passwd'));
  attempt(link, 1, /outside the folder/);
  const fifo = make('fifo');
  execFileSync('mkfifo', [join(fifo, 'pipe')]);
  attempt(fifo, 1, /FIFO/);
  const noEntry = make('no-entry');
  execFileSync('rm', [join(noEntry, 'bin', 'app')]);
  attempt(noEntry, 1, /the manifest's EntryPoint "\/bin\/app" is not a file in the approot\. Build the app into/);
}));
pack('pack-board-config writes a type-21 package that verifies', () => withCa((dir, env) => {
  const out = join(dir, 'board.imagepackage');
  const r = sphere(['image', 'pack-board-config', '--preset', 'lan-enc28j60-isu0-int5', '--destination', out], { env });
  assert.is(r.code, 0, r.stderr);
  const s = JSON.parse(sphere(['image', 'show', out, '-o', 'json'], { env }).stdout);
  assert.is(s.summary.imageType, 21);
  assert.equal(s.metadata.sections.map((x: { tag: string }) => x.tag), ['ID', 'SG', 'DB', 'TP']);
  assert.equal(s.payload.azconfig, { version: 1, preset: 'lan-enc28j60-isu0-int5', desc: 'Ethernet controller using SPI on ISU0 and interrupt on GPIO5' });
  const fixture = readFileSync(join(IMAGEPACKAGES, 'Azure-Sphere-DevX--AzureSphereDevX.Examples--lan-enc28j60-isu0-int5.imagepackage'));
  assert.ok(readFileSync(out).subarray(0, 240).equals(fixture.subarray(0, 240)), 'FDT payload equals the SDK one');
  assert.is(sphere(['image', 'verify', out], { env }).code, 0);
}));
pack('signs in two steps (--digest-out, then --signature) and through --sign-command, checked by verify', () => withCa((dir, env) => {
  const rel = join(dir, 'release');
  assert.is(sphere(['ca', 'init', '--dir', rel], { env }).code, 0);
  const key = join(rel, 'ca.key.pem'), cert = join(rel, 'ca.pem');
  const e = { ...env, SOURCE_DATE_EPOCH: '1710000000' };
  const base = ['image', 'pack', SAMPLE, '--target-api-set', '16', '--cert', cert];
  const d = sphere([...base, '--digest-out', join(dir, 'digest.bin'), '--destination', join(dir, 'unused')], { env: e });
  assert.is(d.code, 0, d.stderr);
  assert.is(readFileSync(join(dir, 'digest.bin')).length, 32);
  assert.not.ok(existsSync(join(dir, 'unused')));
  execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', key, '-in', join(dir, 'digest.bin'), '-out', join(dir, 'sig.der')]);
  const two = sphere([...base, '--signature', join(dir, 'sig.der'), '--destination', join(dir, 'two.imagepackage')], { env: e });
  assert.is(two.code, 0, two.stderr);
  const hook = sphere([...base, '--sign-command', `openssl pkeyutl -sign -inkey '${key}' -in "$SPHERE_DIGEST_FILE"`, '--destination', join(dir, 'hook.imagepackage')], { env: e });
  assert.is(hook.code, 0, hook.stderr);
  for (const f of ['two.imagepackage', 'hook.imagepackage']) {
    assert.is(sphere(['image', 'verify', join(dir, f)], { env }).code, 1, `${f} must not verify without trusting the release cert`);
    const v = sphere(['image', 'verify', join(dir, f), '--trust', cert], { env });
    assert.is(v.code, 0, v.stdout + v.stderr);
  }
  // Payload and metadata are the same whichever way it was signed.
  const a = readFileSync(join(dir, 'two.imagepackage')), b = readFileSync(join(dir, 'hook.imagepackage'));
  assert.ok(a.subarray(0, a.length - 64).equals(b.subarray(0, b.length - 64)));
  // A signature of other bytes is refused and nothing is written.
  writeFileSync(join(dir, 'other.bin'), Buffer.alloc(32, 7));
  execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', key, '-in', join(dir, 'other.bin'), '-out', join(dir, 'bad.der')]);
  const bad = sphere([...base, '--signature', join(dir, 'bad.der'), '--destination', join(dir, 'bad.imagepackage')], { env: e });
  assert.is(bad.code, 1, bad.stderr);
  assert.not.ok(existsSync(join(dir, 'bad.imagepackage')));
}));
pack('refuses a manifest with errors with the same diagnostic as manifest check, and packs one with warnings', () => withCa((dir, env) => {
  const approot = join(dir, 'app');
  cpSync(SAMPLE, approot, { recursive: true });
  const manifestPath = join(approot, 'app_manifest.json');
  const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
  m.Capabilities.Gpio = [8, 999];
  writeFileSync(manifestPath, JSON.stringify(m, null, 2));
  const out = join(dir, 'x.imagepackage');
  const r = sphere(['image', 'pack', approot, '--destination', out], { env });
  assert.is(r.code, 1, r.stderr);
  assert.not.ok(existsSync(out));
  const check = sphere(['manifest', 'check', manifestPath, '-o', 'json'], { env });
  assert.is(check.code, 1);
  const diag = (JSON.parse(check.stdout).diagnostics as Array<{ code: string; pointer: string; severity: string }>).filter((d) => d.severity === 'error');
  assert.is(diag.length, 1);
  assert.ok(r.stderr.includes(diag[0]!.code) && r.stderr.includes(diag[0]!.pointer), `${r.stderr} vs ${JSON.stringify(diag)}`);
  // Only a warning (an unknown key is kept): packed, the warning on stderr, stdout clean JSON.
  m.Capabilities.Gpio = [8];
  m.SomethingNew = true;
  writeFileSync(manifestPath, JSON.stringify(m, null, 2));
  const w = sphere(['image', 'pack', approot, '--destination', out, '--output', 'json'], { env });
  assert.is(w.code, 0, w.stderr);
  assert.match(w.stderr, /warning/);
  assert.is(JSON.parse(w.stdout).destination, out);
  const shown = JSON.parse(sphere(['image', 'show', out, '-o', 'json'], { env }).stdout);
  assert.is(shown.manifest.SomethingNew, true);
}));
pack('resolves $NAME peripherals through --hardware-definitions and --target-definition', () => withCa((dir, env) => {
  const approot = join(dir, 'app');
  cpSync(SAMPLE, approot, { recursive: true });
  const manifestPath = join(approot, 'app_manifest.json');
  const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
  m.Capabilities.Gpio = ['$SAMPLE_LED', '$SAMPLE_BUTTON_1'];
  writeFileSync(manifestPath, JSON.stringify(m, null, 2));
  const out = join(dir, 'hw.imagepackage');
  const hw = resolve('test/fixtures/hardware-definitions');
  const r = sphere(['image', 'pack', approot, '--destination', out, '--hardware-definitions', join(hw, 'mt3620_rdb'), '--hardware-definitions', join(hw, 'sdk-20.x'), '--target-definition', 'sample_appliance.json'], { env });
  assert.is(r.code, 0, r.stderr);
  const shown = JSON.parse(sphere(['image', 'show', out, '-o', 'json'], { env }).stdout);
  assert.equal(shown.manifest.Capabilities.Gpio, [8, 12]);
  // The source manifest is never modified.
  assert.equal(JSON.parse(readFileSync(manifestPath, 'utf8')).Capabilities.Gpio, ['$SAMPLE_LED', '$SAMPLE_BUTTON_1']);
  const unresolved = sphere(['image', 'pack', approot, '--destination', out + '2'], { env });
  assert.is(unresolved.code, 1);
  assert.match(unresolved.stderr, /SAMPLE_LED/);
}));
pack.run();

const extract = suite('image extract');
extract('writes the files of a real package to a folder and a tar', () => {
  const t = tempDir();
  try {
    const pkg = join(IMAGEPACKAGES, 'AzureSphereCloudEnabledAltair8800--AltairOnAzureSphere--emulator_avnet_r1_sd_retro.imagepackage');
    const r = sphere(['image', 'extract', pkg, '--destination', join(t.dir, 'out')]);
    assert.is(r.code, 0, r.stderr);
    assert.ok(statSync(join(t.dir, 'out/Disks/88dskrom.bin')).isFile());
    assert.is(statSync(join(t.dir, 'out/bin/app')).mode & 0o777, 0o755);
    const tar = sphere(['image', 'extract', pkg, '--tar', join(t.dir, 'out.tar')]);
    assert.is(tar.code, 0, tar.stderr);
    const list = execFileSync('tar', ['-tvf', join(t.dir, 'out.tar')], { encoding: 'utf8' });
    assert.match(list, /Disks\/altair_basic\.bin/);
    // A non-empty folder is refused.
    const again = sphere(['image', 'extract', pkg, '--destination', join(t.dir, 'out')]);
    assert.is(again.code, 2);
    chmodSync(t.dir, 0o755);
  } finally {
    t.done();
  }
});
extract.run();
