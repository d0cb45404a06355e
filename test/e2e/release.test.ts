/**
 * End-to-end release path through the built binary: two-step signing with OpenSSL as the key
 * holder, trust folders and bundles, revocation, verify --reproduce and the image diff release
 * gate, and one-line refusals. OpenSSL checks the signatures as the second implementation.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { json, openssl, opensslVerifies, setup } from './release-helpers';

const release = suite('release: two-step signing, revocation, reproduce, diff');

release('two-step: OpenSSL signs the request digest, image sign attaches it; another digest is refused and nothing written', () => {
  const s = setup();
  try {
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(s.dir, 'ag.key'));
    writeFileSync(join(s.dir, 'ag.pub'), openssl('pkey', '-in', join(s.dir, 'ag.key'), '-pubout'));
    assert.is(s.run(['ca', 'issue', 'airgap', '--public-key', 'ag.pub', '--destination', 'ag.pem']).code, 0);
    assert.not.ok(existsSync(join(s.caDir, 'airgap.key.pem')), 'no key kept for an external key');
    const u = s.run(['image', 'pack', s.approot, '--unsigned', '--cert', 'ag.pem', '--destination', 'app.unsigned.imagepackage', '--target-api-set', '16', '--security-version', '4']);
    assert.is(u.code, 0, u.stderr);
    const d = s.run(['image', 'digest', 'app.unsigned.imagepackage', '--destination', 'req.json']);
    assert.is(d.code, 0, d.stderr);
    const req = json(readFileSync(join(s.dir, 'req.json'), 'utf8'));
    const unsigned = readFileSync(join(s.dir, 'app.unsigned.imagepackage'));
    writeFileSync(join(s.dir, 'signed-part.bin'), unsigned.subarray(0, unsigned.length - 64));
    assert.is(req['digest'], /([0-9a-f]{64})/.exec(openssl('dgst', '-sha256', join(s.dir, 'signed-part.bin')))![1]);
    assert.is(req['algorithm'], 'ecdsa-p256-sha256');
    assert.is(req['componentId'], '5a7f3c2e-9b1d-4e6a-8c0f-2d4b6e8a1c3f');
    assert.is(req['imageTypeName'], 'Applications');
    assert.is(req['securityVersion'], 4);
    assert.equal(req['capabilities']['Gpio'], ['8', '12']);
    assert.is(req['signed'], false);
    // The manifest as packed, read back by extract, hashed by OpenSSL.
    assert.is(s.run(['image', 'extract', 'app.unsigned.imagepackage', '-o', 'x']).code, 0);
    assert.is(req['manifestSha256'], /([0-9a-f]{64})/.exec(openssl('dgst', '-sha256', join(s.dir, 'x', 'app_manifest.json')))![1]);

    writeFileSync(join(s.dir, 'digest.bin'), Buffer.from(req['digest'] as string, 'hex'));
    openssl('pkeyutl', '-sign', '-inkey', join(s.dir, 'ag.key'), '-in', join(s.dir, 'digest.bin'), '-out', join(s.dir, 'sig.der'));
    const att = s.run(['image', 'sign', 'app.unsigned.imagepackage', '--signature', 'sig.der', '--destination', 'app.imagepackage']);
    assert.is(att.code, 0, att.stderr);
    const v = s.run(['image', 'verify', 'app.imagepackage']);
    assert.is(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /signed by "airgap"/);
    assert.ok(opensslVerifies(s.dir, join(s.dir, 'app.imagepackage'), join(s.dir, 'ag.pem')));

    // The same signature as raw r‖s (decoded here from OpenSSL's DER) is detected and attached too.
    const derSig = readFileSync(join(s.dir, 'sig.der'));
    const ints: Buffer[] = [];
    for (let p = 2; p < derSig.length; ) { const n = derSig[p + 1]!; ints.push(derSig.subarray(p + 2, p + 2 + n)); p += 2 + n; }
    writeFileSync(join(s.dir, 'sig.raw'), Buffer.concat(ints.map((i) => Buffer.concat([Buffer.alloc(32), i]).subarray(-32))));
    const rawAtt = s.run(['image', 'sign', 'app.unsigned.imagepackage', '--signature', 'sig.raw', '--destination', 'app-raw.imagepackage']);
    assert.is(rawAtt.code, 0, rawAtt.stderr);
    assert.ok(readFileSync(join(s.dir, 'app-raw.imagepackage')).equals(readFileSync(join(s.dir, 'app.imagepackage'))));

    writeFileSync(join(s.dir, 'other.bin'), createHash('sha256').update('another package').digest());
    openssl('pkeyutl', '-sign', '-inkey', join(s.dir, 'ag.key'), '-in', join(s.dir, 'other.bin'), '-out', join(s.dir, 'other.der'));
    const bad = s.run(['image', 'sign', 'app.unsigned.imagepackage', '--signature', 'other.der', '--destination', 'bad.imagepackage']);
    assert.is(bad.code, 1);
    assert.is(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /not a signature of digest/);
    assert.not.ok(existsSync(join(s.dir, 'bad.imagepackage')));
  } finally {
    s.done();
  }
});

release('a revoked signing certificate makes verify fail with REVOKED naming it', () => {
  const s = setup();
  try {
    const i = s.run(['ca', 'issue', 'ci-key', '-o', 'json']);
    assert.is(i.code, 0, i.stderr);
    const { thumbprint, certPath, keyPath } = json(i.stdout) as { thumbprint: string; certPath: string; keyPath: string };
    assert.is(execFileSync('stat', ['-c', '%a', keyPath], { encoding: 'utf8' }).trim(), '600');
    assert.is(s.run(['image', 'pack', s.approot, '--destination', 'a.imagepackage', '--key', keyPath, '--cert', certPath, '--target-api-set', '16']).code, 0);
    assert.is(s.run(['image', 'verify', 'a.imagepackage']).code, 0);
    const r = s.run(['ca', 'revoke', thumbprint]);
    assert.is(r.code, 0, r.stderr);
    const list = json(s.run(['ca', 'list', '-o', 'json']).stdout) as unknown as Array<{ name: string; revoked: boolean }>;
    assert.equal(list.map((c) => [c.name, c.revoked]), [['ci-key', true]]);
    const v = s.run(['image', 'verify', 'a.imagepackage']);
    assert.is(v.code, 1);
    assert.match(v.stdout, new RegExp(`REVOKED: certificate "ci-key" \\(${thumbprint}\\) is revoked`));
    // Nothing new is signed with it either.
    const again = s.run(['image', 'sign', 'a.imagepackage', '--key', keyPath, '--cert', certPath, '--destination', 'b.imagepackage']);
    assert.is(again.code, 1);
    assert.match(again.stderr, /has revoked it/);
    assert.not.ok(existsSync(join(s.dir, 'b.imagepackage')));
  } finally {
    s.done();
  }
});

release('--trust takes a folder or a bundle holding the chain; without it the signer is unknown', () => {
  const s = setup();
  try {
    const i = json(s.run(['ca', 'issue', 'k', '-o', 'json']).stdout) as { certPath: string; keyPath: string };
    assert.is(s.run(['image', 'pack', s.approot, '--destination', 'a.imagepackage', '--key', i.keyPath, '--cert', i.certPath, '--target-api-set', '16']).code, 0);
    const elsewhere = { SPHERE_CA_DIR: join(s.dir, 'no-ca') };
    mkdirSync(join(s.dir, 'trust'));
    cpSync(join(s.caDir, 'ca.pem'), join(s.dir, 'trust', 'root.pem'));
    cpSync(i.certPath, join(s.dir, 'trust', 'k.crt'));
    const folder = s.run(['image', 'verify', 'a.imagepackage', '--trust', 'trust'], elsewhere);
    assert.is(folder.code, 0, folder.stdout + folder.stderr);
    assert.match(folder.stdout, /signer\s+k \(/);
    assert.match(folder.stdout, /issuer\s+Sphere Development CA \([0-9a-f]{40}\) trusted/);
    writeFileSync(join(s.dir, 'bundle.pem'), readFileSync(join(s.caDir, 'ca.pem'), 'utf8') + readFileSync(i.certPath, 'utf8'));
    assert.is(s.run(['image', 'verify', 'a.imagepackage', '--trust', 'bundle.pem'], elsewhere).code, 0);
    const none = s.run(['image', 'verify', 'a.imagepackage'], elsewhere);
    assert.is(none.code, 1);
    assert.match(none.stdout, /UNKNOWN_SIGNER/);
  } finally {
    s.done();
  }
});

release('verify --reproduce says identical for a reproducible build and names the file with one changed byte', () => {
  const s = setup();
  try {
    assert.is(s.run(['image', 'pack', s.approot, '--reproducible', '--build-time', '1700000000', '--security-version', '2', '--destination', 'r.imagepackage', '--target-api-set', '16']).code, 0);
    const ok = s.run(['image', 'verify', 'r.imagepackage', '--reproduce', s.approot, '-o', 'json']);
    assert.is(ok.code, 0, ok.stdout + ok.stderr);
    assert.is(json(ok.stdout)['reproduced']['identical'], true);
    const f = join(s.approot, 'readme.txt');
    const b = readFileSync(f);
    b[0] = b[0]! ^ 0x01;
    writeFileSync(f, b);
    const bad = s.run(['image', 'verify', 'r.imagepackage', '--reproduce', s.approot]);
    assert.is(bad.code, 1);
    assert.match(bad.stdout, /NOT_REPRODUCED: "\/readme.txt" differs/);
  } finally {
    s.done();
  }
});

release('image diff reports an added GPIO and a lowered security version; --fail-on exits 1 with one line per reason', () => {
  const s = setup();
  try {
    assert.is(s.run(['image', 'pack', s.approot, '--destination', 'a.imagepackage', '--target-api-set', '16', '--security-version', '3']).code, 0);
    const m = join(s.approot, 'app_manifest.json');
    const manifest = json(readFileSync(m, 'utf8'));
    manifest['Capabilities']['Gpio'].push(9);
    writeFileSync(m, JSON.stringify(manifest, null, 2));
    assert.is(s.run(['image', 'pack', s.approot, '--destination', 'b.imagepackage', '--target-api-set', '16', '--security-version', '2']).code, 0);
    const d = s.run(['image', 'diff', 'a.imagepackage', 'b.imagepackage', '-o', 'json']);
    assert.is(d.code, 0, d.stderr);
    const j = json(d.stdout);
    assert.equal(j['capabilities']['added'], [{ capability: 'Gpio', value: '9' }]);
    assert.equal(j['securityVersion'], { from: 3, to: 2, change: 'lowered' });
    assert.is(j['signer']['same'], true);
    assert.is(j['signer']['sameRoot'], true);
    assert.ok((j['files'] as Array<{ path: string }>).some((f) => f.path === '/app_manifest.json'));
    const gate = s.run(['image', 'diff', 'a.imagepackage', 'b.imagepackage', '--fail-on', 'capability-added,signer-changed,security-version-lowered']);
    assert.is(gate.code, 1);
    assert.equal(gate.stderr.trim().split('\n'), ['error: capability-added: Gpio 9', 'error: security-version-lowered: 3 -> 2']);
    const pass = s.run(['image', 'diff', 'a.imagepackage', 'a.imagepackage', '--fail-on', 'capability-added,security-version-lowered']);
    assert.is(pass.code, 0, pass.stderr);
    const unknown = s.run(['image', 'diff', 'a.imagepackage', 'b.imagepackage', '--fail-on', 'nonsense']);
    assert.is(unknown.code, 2);
  } finally {
    s.done();
  }
});

release('bad input to the release commands gives one line, its exit code, and writes nothing', () => {
  const s = setup();
  try {
    assert.is(s.run(['image', 'pack', s.approot, '--destination', 'a.imagepackage', '--target-api-set', '16']).code, 0);
    writeFileSync(join(s.dir, 'junk.bin'), 'not a package');
    const cases: Array<[string[], number, RegExp]> = [
      [['image', 'sign', 'a.imagepackage', '--key', 'nokey.pem', '--cert', 'nocert.pem'], 2, /no destination/],
      [['image', 'sign', 'a.imagepackage', '--destination', 'out.imagepackage'], 2, /no signer given/],
      [['image', 'sign', 'a.imagepackage', '--signature', 'junk.bin', '--key', 'k.pem', '--destination', 'out.imagepackage'], 2, /Cannot both attach/],
      [['image', 'sign', 'a.imagepackage', '--signature', 'junk.bin', '--destination', 'out.imagepackage'], 1, /Cannot attach signature "junk.bin"/],
      [['image', 'sign', 'missing.imagepackage', '--signature', 'junk.bin', '--destination', 'out.imagepackage'], 3, /missing.imagepackage/],
      [['image', 'digest', 'junk.bin'], 1, /./],
      [['image', 'diff', 'a.imagepackage', 'missing.imagepackage'], 3, /missing.imagepackage/],
      [['ca', 'issue', '../escape'], 2, /the name must be/],
      [['ca', 'issue', 'x', '--days', 'soon'], 2, /--days "soon"/],
      [['ca', 'issue', 'x', '--public-key', 'junk.bin'], 1, /./],
      [['ca', 'revoke', 'abc'], 2, /40 hex digits/],
      [['ca', 'revoke', '0123456789012345678901234567890123456789'], 3, /issued no certificate/],
      [['image', 'pack', s.approot, '--unsigned', '--destination', 'out.imagepackage'], 2, /without --cert/],
    ];
    for (const [args, code, pattern] of cases) {
      const r = s.run(args);
      assert.is(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.is(r.stdout, '', args.join(' '));
      assert.is(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern, args.join(' '));
      assert.not.ok(existsSync(join(s.dir, 'out.imagepackage')), args.join(' '));
    }
    assert.not.ok(existsSync(join(s.caDir, 'x.pem')), 'no certificate recorded for a refused issue');
  } finally {
    s.done();
  }
});

release.run();
