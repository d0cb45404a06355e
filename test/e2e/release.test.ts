/**
 * End-to-end release path through the built binary: a SoftHSM token made by the test (key
 * generated inside it), signing certificates from the dev CA, pack and re-sign with --pkcs11,
 * two-step signing with OpenSSL as the key holder, revocation, verify --reproduce and the
 * image diff release gate. OpenSSL checks every signature as the second implementation.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, readFileSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { sphere, tempDir } from '../helpers';
import { makeToken, missing } from './softhsm';

const SAMPLE = resolve('samples/hello');
const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** DER ECDSA-Sig-Value from raw r‖s, written here independently of the project's encoder. */
function rawToDerForOpenssl(raw: Buffer): Buffer {
  const int = (b: Buffer) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v[0]! & 0x80) v = Buffer.concat([Buffer.of(0), v]);
    return Buffer.concat([Buffer.of(0x02, v.length), v]);
  };
  const body = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))]);
  return Buffer.concat([Buffer.of(0x30, body.length), body]);
}

/** OpenSSL's verdict on a package's trailing signature with the certificate's public key. */
function opensslVerifies(dir: string, pkg: string, certPem: string): boolean {
  const b = readFileSync(pkg);
  writeFileSync(join(dir, 'signed.bin'), b.subarray(0, b.length - 64));
  writeFileSync(join(dir, 'sig.der'), rawToDerForOpenssl(b.subarray(b.length - 64)));
  writeFileSync(join(dir, 'pub.pem'), openssl('x509', '-in', certPem, '-pubkey', '-noout'));
  try {
    return /Verified OK/.test(openssl('dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig.der'), join(dir, 'signed.bin')));
  } catch {
    return false;
  }
}

function setup() {
  const t = tempDir('sphere-release-');
  const env: Record<string, string> = { SPHERE_CA_DIR: join(t.dir, 'ca') };
  const run = (args: string[], extra: Record<string, string> = {}) => sphere(args, { cwd: t.dir, env: { ...env, ...extra } });
  const init = run(['ca', 'init']);
  assert.is(init.code, 0, init.stderr);
  const approot = join(t.dir, 'app');
  cpSync(SAMPLE, approot, { recursive: true });
  return { ...t, env, run, approot: join(approot, 'approot'), caDir: env['SPHERE_CA_DIR']! };
}

const json = (s: string): Record<string, any> => JSON.parse(s) as Record<string, any>;

const pkcs11 = suite('release: keys in a PKCS#11 token (SoftHSM)');
const why = missing();
if (why) {
  console.log(`skip PKCS#11 tests: ${why}`);
} else {
  pkcs11('issues a certificate for a token key, packs and re-signs with it, and OpenSSL checks both signatures', () => {
    const s = setup();
    try {
      const tok = makeToken(join(s.dir, 'hsm'));
      const issued = s.run(['ca', 'issue', 'release', '--pkcs11', tok.uri, '--destination', 'release.pem', '-o', 'json'], tok.env);
      assert.is(issued.code, 0, issued.stderr);
      assert.is(json(issued.stdout)['keyPath'], null, 'no key file for a token key');
      // The certificate holds the token's public key, read out by pkcs11-tool itself.
      execFileSync('pkcs11-tool', ['--module', tok.module, '--token-label', tok.label, '--read-object', '--type', 'pubkey', '--id', '01', '-o', join(s.dir, 'tokpub.der')], { env: { ...process.env, ...tok.env }, stdio: 'ignore' });
      const tokenPub = openssl('pkey', '-pubin', '-inform', 'DER', '-in', join(s.dir, 'tokpub.der'));
      assert.is(openssl('x509', '-in', join(s.dir, 'release.pem'), '-pubkey', '-noout'), tokenPub);
      assert.match(openssl('verify', '-CAfile', join(s.caDir, 'ca.pem'), join(s.dir, 'release.pem')), /OK/);

      const packed = s.run(['image', 'pack', s.approot, '--destination', 'rel.imagepackage', '--pkcs11', tok.uri, '--cert', 'release.pem', '--target-api-set', '16'], tok.env);
      assert.is(packed.code, 0, packed.stderr);
      const v = s.run(['image', 'verify', 'rel.imagepackage']);
      assert.is(v.code, 0, v.stdout + v.stderr);
      assert.match(v.stdout, /signer\s+release \([0-9a-f]{40}\)/);
      assert.match(v.stdout, /issuer\s+Sphere Development CA \([0-9a-f]{40}\) trusted/);
      assert.ok(opensslVerifies(s.dir, join(s.dir, 'rel.imagepackage'), join(s.dir, 'release.pem')), 'OpenSSL verifies the token signature');

      // Re-sign a dev-CA package: only the SG thumbprint and the signature change.
      assert.is(s.run(['image', 'pack', s.approot, '--destination', 'dev.imagepackage', '--target-api-set', '16']).code, 0);
      const devThumb = json(s.run(['ca', 'show', '-o', 'json']).stdout)['thumbprint'] as string;
      const re = s.run(['image', 'sign', 'dev.imagepackage', '--cert', 'release.pem', '--pkcs11', tok.uri, '--destination', 'resigned.imagepackage'], tok.env);
      assert.is(re.code, 0, re.stderr);
      const a = readFileSync(join(s.dir, 'dev.imagepackage')), b = readFileSync(join(s.dir, 'resigned.imagepackage'));
      assert.is(a.length, b.length);
      const at = a.indexOf(Buffer.from(devThumb, 'hex'));
      assert.ok(at > 0, 'the dev package names the dev CA');
      const relThumb = json(issued.stdout)['thumbprint'] as string;
      assert.is(b.subarray(at, at + 20).toString('hex'), relThumb);
      assert.ok(a.subarray(0, at).equals(b.subarray(0, at)), 'payload and sections before SG unchanged');
      assert.ok(a.subarray(at + 20, a.length - 64).equals(b.subarray(at + 20, b.length - 64)), 'everything after the thumbprint unchanged');
      assert.is(s.run(['image', 'verify', 'resigned.imagepackage']).code, 0);
      assert.ok(opensslVerifies(s.dir, join(s.dir, 'resigned.imagepackage'), join(s.dir, 'release.pem')));
    } finally {
      s.done();
    }
  });

  pkcs11('a wrong PIN, a missing object and an absent token each give one line and write nothing', () => {
    const s = setup();
    try {
      const tok = makeToken(join(s.dir, 'hsm'));
      assert.is(s.run(['ca', 'issue', 'release', '--pkcs11', tok.uri, '--destination', 'release.pem'], tok.env).code, 0);
      writeFileSync(join(s.dir, 'wrong.txt'), '000000\n');
      const cases: Array<[string, string, RegExp]> = [
        ['wrong PIN', tok.uri.replace(tok.pinFile, join(s.dir, 'wrong.txt')), /refused the PIN/],
        ['missing object', tok.uri.replace('object=signkey', 'object=nokey'), /no private key with label "nokey"/],
        ['absent token', tok.uri.replace(`token=${tok.label}`, 'token=elsewhere'), /no token labelled "elsewhere"/],
        ['PIN in the URI', `${tok.uri}&pin-value=${tok.pin}`, /pin-value/],
      ];
      for (const [label, uri, pattern] of cases) {
        const r = s.run(['image', 'pack', s.approot, '--destination', 'out.imagepackage', '--pkcs11', uri, '--cert', 'release.pem', '--target-api-set', '16'], tok.env);
        assert.is.not(r.code, 0, label);
        assert.is(r.stdout, '', label);
        assert.is(r.stderr.trim().split('\n').length, 1, `${label}: ${r.stderr}`);
        assert.match(r.stderr, pattern, label);
        assert.not.ok(r.stderr.includes(tok.pin), `${label}: the PIN is not shown`);
        assert.not.ok(existsSync(join(s.dir, 'out.imagepackage')), `${label}: no file`);
      }
    } finally {
      s.done();
    }
  });

  pkcs11('a CA whose own key is in the token signs its certificate, issues certificates and signs packages by default', () => {
    const s = setup();
    try {
      const tok = makeToken(join(s.dir, 'hsm'));
      const caDir = join(s.dir, 'token-ca');
      const env = { ...tok.env, SPHERE_CA_DIR: caDir };
      const init = s.run(['ca', 'init', '--pkcs11', tok.uri], env);
      assert.is(init.code, 0, init.stderr);
      assert.not.ok(existsSync(join(caDir, 'ca.key.pem')), 'no CA key on disk');
      assert.not.ok(readFileSync(join(caDir, 'ca.pkcs11'), 'utf8').includes(tok.pin));
      const ca = join(caDir, 'ca.pem');
      assert.match(openssl('verify', '-CAfile', ca, ca), /OK/);
      assert.is(s.run(['ca', 'issue', 'leaf'], env).code, 0);
      assert.match(openssl('verify', '-CAfile', ca, join(caDir, 'leaf.pem')), /OK/);
      const p = s.run(['image', 'pack', s.approot, '--destination', 'byca.imagepackage', '--target-api-set', '16'], env);
      assert.is(p.code, 0, p.stderr);
      assert.is(s.run(['image', 'verify', 'byca.imagepackage'], env).code, 0);
      assert.ok(opensslVerifies(s.dir, join(s.dir, 'byca.imagepackage'), ca), 'OpenSSL verifies the CA token signature');
    } finally {
      s.done();
    }
  });

  pkcs11('the PIN reaches pkcs11-tool in its environment, never in its argv', () => {
    const s = setup();
    try {
      const tok = makeToken(join(s.dir, 'hsm'));
      const bin = join(s.dir, 'bin');
      mkdirSync(bin);
      const real = execFileSync('sh', ['-c', 'command -v pkcs11-tool'], { encoding: 'utf8' }).trim();
      writeFileSync(join(bin, 'pkcs11-tool'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${join(s.dir, 'argv.log')}"\nenv >> "${join(s.dir, 'env.log')}"\nexec "${real}" "$@"\n`);
      chmodSync(join(bin, 'pkcs11-tool'), 0o755);
      const r = s.run(['ca', 'issue', 'release', '--pkcs11', tok.uri], { ...tok.env, PATH: `${bin}:${process.env['PATH']}` });
      assert.is(r.code, 0, r.stderr);
      const argv = readFileSync(join(s.dir, 'argv.log'), 'utf8');
      assert.ok(argv.includes('--login'), 'the wrapper saw the calls');
      assert.not.ok(argv.includes(tok.pin), 'no PIN in argv');
      assert.ok(readFileSync(join(s.dir, 'env.log'), 'utf8').includes(`=${tok.pin}`), 'PIN in the child environment');
    } finally {
      s.done();
    }
  });
}
pkcs11.run();

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
