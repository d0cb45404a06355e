/**
 * End-to-end release signing with a real PKCS#11 token: a SoftHSM token made by the test with a
 * P-256 key generated inside it; certificates for the token key and a CA whose key is in the
 * token; pack and re-sign with --pkcs11, OpenSSL checking the signatures; the failures a token
 * gives; and the PIN never on a command line.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { makeToken, missing } from './softhsm';
import { json, openssl, opensslVerifies, setup } from './release-helpers';

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

