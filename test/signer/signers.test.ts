import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SignerError,
  commandSigner,
  createSelfSignedCertificate,
  digestOf,
  fileSigner,
  presignedSigner,
  privateKeyFromPem,
  rawToDer,
  sign,
  verify,
} from '../../signer/index';
import { openssl, rejects, scratch } from './_helpers';

const { dir, path } = scratch('signer-signers-');
const hookTmp = mkdtempSync(join(tmpdir(), 'signer-hooktmp-'));

// The signing key is made by openssl; the certificate for it by us.
openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path('key.pem'));
openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path('wrong.pem'));
const keyPem = readFileSync(path('key.pem'), 'utf8');
const privateKey = privateKeyFromPem(keyPem);
const certPem = createSelfSignedCertificate({
  privateKey,
  subject: { commonName: 'Image signing', organization: 'Spherekit Tests' },
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2035-01-01T00:00:00Z'),
});
writeFileSync(path('cert.pem'), certPem);
const opensslThumb = openssl('x509', '-in', path('cert.pem'), '-noout', '-fingerprint', '-sha1').trim().replace(/^.*=/, '').replace(/:/g, '').toLowerCase();
const message = new Uint8Array(100_000).map((_, i) => (i * 7 + 3) & 0xff);
writeFileSync(path('message.bin'), message);


const hook = (command: string, extra: Partial<Parameters<typeof commandSigner>[0]> = {}) =>
  commandSigner({ command, certPem, cwd: dir, tmpDir: hookTmp, ...extra });

test('fileSigner: thumbprint is openssl\'s SHA-1 fingerprint, signing type 1, deterministic', async () => {
  const s = fileSigner({ keyPem, certPem });
  assert.is(Buffer.from(s.thumbprint).toString('hex'), opensslThumb);
  assert.is(s.thumbprint.length, 20);
  assert.is(s.signingType, 1);
  const pubText = /pub:\s*\n((?:\s+[0-9a-f:]+\n)+)/.exec(openssl('pkey', '-in', path('key.pem'), '-text', '-noout'))?.[1] ?? '';
  assert.is(Buffer.from(s.publicKey).toString('hex'), pubText.replace(/[\s:]/g, ''));
  const a = await s.sign(message);
  assert.equal(a, await s.sign(message));
  assert.equal(a, sign(message, privateKey));
  writeFileSync(path('file.sig'), rawToDer(a));
  openssl('pkey', '-in', path('key.pem'), '-pubout', '-out', path('pub.pem'));
  assert.match(openssl('dgst', '-sha256', '-verify', path('pub.pem'), '-signature', path('file.sig'), path('message.bin')), 'Verified OK');
});

test('fileSigner refuses a key that is not the certificate\'s', () => {
  try {
    fileSigner({ keyPem: readFileSync(path('wrong.pem'), 'utf8'), certPem });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, SignerError);
    assert.is((e as SignerError).code, 'KEY_CERT_MISMATCH');
  }
});

test('commandSigner with `openssl pkeyutl -sign` on $SPHERE_DIGEST_FILE (DER output)', async () => {
  const s = hook(`openssl pkeyutl -sign -inkey key.pem -in "$SPHERE_DIGEST_FILE"`);
  assert.is(Buffer.from(s.thumbprint).toString('hex'), opensslThumb);
  const sig = await s.sign(message);
  assert.is(sig.length, 64);
  assert.ok(verify(message, sig, s.publicKey));
  writeFileSync(path('hook.sig'), rawToDer(sig));
  assert.match(openssl('dgst', '-sha256', '-verify', path('pub.pem'), '-signature', path('hook.sig'), path('message.bin')), 'Verified OK');
  assert.equal(readdirSync(hookTmp), [], 'digest file removed');
});

test('commandSigner passes the digest as hex env, file and stdin; accepts hex and base64 output', async () => {
  const expected = openssl('dgst', '-sha256', '-r', path('message.bin')).split(' ')[0]!;
  await hook(
    `printf %s "$SPHERE_DIGEST_HEX" > env.txt; cp "$SPHERE_DIGEST_FILE" file.bin; cat > stdin.bin; openssl pkeyutl -sign -inkey key.pem -in file.bin`,
  ).sign(message);
  assert.is(readFileSync(path('env.txt'), 'utf8'), expected);
  assert.is(readFileSync(path('file.bin')).toString('hex'), expected);
  assert.is(readFileSync(path('stdin.bin')).toString('hex'), expected);
  for (const cmd of [
    'openssl pkeyutl -sign -inkey key.pem | xxd -p', // hex of DER, from stdin
    'openssl pkeyutl -sign -inkey key.pem | base64', // base64 of DER
    'openssl pkeyutl -sign -inkey key.pem -in "$SPHERE_DIGEST_FILE" | openssl asn1parse -inform DER | grep -o "INTEGER *:[0-9A-F]*" | cut -d: -f2 | while read x; do printf "%064s" "$x" | tr " " 0; done', // hex of raw r‖s
  ]) {
    assert.ok(verify(message, await hook(cmd).sign(message), fileSigner({ keyPem, certPem }).publicKey), cmd);
  }
});

test('a hook that signs with the wrong key is refused, saying so', async () => {
  const e = await rejects(hook(`openssl pkeyutl -sign -inkey wrong.pem -in "$SPHERE_DIGEST_FILE"`).sign(message));
  assert.is(e.code, 'SIGN_COMMAND_WRONG_KEY');
  assert.match(e.message, 'does not verify with the public key of certificate');
  assert.match(e.message, opensslThumb);
});

test('a failing hook gives its exit code and the first line of its stderr', async () => {
  const e = await rejects(hook(`echo; echo "hsm: token not present" >&2; echo "second line" >&2; exit 7`).sign(message));
  assert.is(e.code, 'SIGN_COMMAND_FAILED');
  assert.match(e.message, 'exited with code 7: hsm: token not present.');
  assert.not.match(e.message.slice(e.message.indexOf('exited with')), 'second line');
  const missing = await rejects(hook('no-such-signing-tool-xyz').sign(message));
  assert.match(missing.message, 'code 127');
  assert.equal(readdirSync(hookTmp), []);
});

test('a hook that prints no signature, or hangs past the timeout, is refused', async () => {
  assert.is((await rejects(hook('echo hello').sign(message))).code, 'SIGN_COMMAND_BAD_OUTPUT');
  assert.is((await rejects(hook('true').sign(message))).code, 'SIGN_COMMAND_BAD_OUTPUT');
  const t0 = Date.now();
  const e = await rejects(hook('sleep 30; echo late', { timeoutMs: 300 }).sign(message));
  assert.is(e.code, 'SIGN_COMMAND_TIMEOUT');
  assert.ok(Date.now() - t0 < 5000, 'the whole process group was killed');
});

test('commandSigner uses only the env it is given (plus the digest variables)', async () => {
  const s = hook(`[ -z "$HOME_MARKER" ] && [ "$ONLY" = yes ] || exit 3; /usr/bin/openssl pkeyutl -sign -inkey key.pem -in "$SPHERE_DIGEST_FILE"`, {
    env: { ONLY: 'yes' },
  });
  process.env['HOME_MARKER'] = 'set';
  try {
    assert.is((await s.sign(message)).length, 64);
  } finally {
    delete process.env['HOME_MARKER'];
  }
});

test('presignedSigner: a signature made from the digest by openssl attaches; another message is refused', async () => {
  writeFileSync(path('digest.bin'), digestOf(message));
  openssl('pkeyutl', '-sign', '-inkey', path('key.pem'), '-in', path('digest.bin'), '-out', path('two-step.sig'));
  const s = presignedSigner({ certPem, signature: new Uint8Array(readFileSync(path('two-step.sig'))) });
  assert.is(Buffer.from(s.thumbprint).toString('hex'), opensslThumb);
  assert.ok(verify(message, await s.sign(message), s.publicKey));
  const e = await rejects(s.sign(message.subarray(1)));
  assert.is(e.code, 'SIGNATURE_MISMATCH');
  assert.match(e.message, Buffer.from(digestOf(message.subarray(1))).toString('hex'));
});

test.after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(hookTmp, { recursive: true, force: true });
});
test.run();
