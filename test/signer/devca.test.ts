import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SignerError,
  defaultCaDir,
  fileSigner,
  generateKeyPair,
  initDevCa,
  issueSigningCert,
  loadDevCa,
  parseCertificate,
  privateKeyToPem,
  verify,
} from '../../signer/index';
import { openssl, rejects } from './_helpers';

const root = mkdtempSync(join(tmpdir(), 'signer-devca-'));
let n = 0;
const fresh = (): string => join(root, `ca${n++}`, 'nested');


test('defaultCaDir: SPHERE_CA_DIR, then XDG_CONFIG_HOME/sphere/ca, then ~/.config/sphere/ca', () => {
  assert.is(defaultCaDir({ SPHERE_CA_DIR: '/x/ca', XDG_CONFIG_HOME: '/cfg' }, '/home/u'), '/x/ca');
  assert.is(defaultCaDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/u'), '/cfg/sphere/ca');
  assert.is(defaultCaDir({}, '/home/u'), '/home/u/.config/sphere/ca');
  assert.is(defaultCaDir({ SPHERE_CA_DIR: '', XDG_CONFIG_HOME: '' }, '/home/u'), '/home/u/.config/sphere/ca');
  assert.is(defaultCaDir({ XDG_CONFIG_HOME: 'relative/cfg' }, '/home/u'), '/home/u/.config/sphere/ca');
});

test('initDevCa writes a 0600 PKCS#8 key and a 20-year self-signed root that openssl accepts', async () => {
  const dir = fresh();
  const now = new Date('2025-02-03T04:05:06.789Z');
  const info = await initDevCa({ dir, commonName: 'My Dev CA', now });
  assert.is(info.keyPath, join(dir, 'ca.key.pem'));
  assert.is(info.certPath, join(dir, 'ca.pem'));
  assert.is(statSync(info.keyPath).mode & 0o777, 0o600);
  assert.is(statSync(dir).mode & 0o777, 0o700);
  assert.equal(readdirSync(dir).sort(), ['ca.key.pem', 'ca.pem'], 'no temp files left');
  assert.match(readFileSync(info.keyPath, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
  assert.match(openssl('pkey', '-in', info.keyPath, '-text', '-noout'), 'NIST CURVE: P-256');
  assert.match(openssl('verify', '-x509_strict', '-CAfile', info.certPath, info.certPath), ': OK');
  assert.match(openssl('x509', '-in', info.certPath, '-noout', '-subject'), 'CN = My Dev CA');
  assert.is(openssl('x509', '-in', info.certPath, '-noout', '-startdate').trim(), 'notBefore=Feb  3 04:05:06 2025 GMT');
  assert.is(openssl('x509', '-in', info.certPath, '-noout', '-enddate').trim(), 'notAfter=Feb  3 04:05:06 2045 GMT');
  assert.is(info.certificate.commonName, 'My Dev CA');
  assert.is(info.certificate.isCa, true);
  assert.not.ok('privateKey' in info, 'the init report carries no key');
});

test('initDevCa refuses to replace an existing CA without force, naming the path and --force', async () => {
  const dir = fresh();
  const first = await initDevCa({ dir });
  const e = await rejects(initDevCa({ dir }));
  assert.is(e.code, 'CA_EXISTS');
  assert.is(e.path, first.keyPath);
  assert.match(e.message, first.keyPath);
  assert.match(e.message, '--force');
  assert.is(readFileSync(first.certPath, 'utf8'), first.certificate.pem, 'untouched');
  const second = await initDevCa({ dir, force: true });
  assert.is.not(second.certificate.thumbprint, first.certificate.thumbprint);
  assert.is(statSync(second.keyPath).mode & 0o777, 0o600);
});

test('initDevCa with a given key is reproducible', async () => {
  const kp = generateKeyPair();
  const now = new Date('2025-01-01T00:00:00Z');
  const a = await initDevCa({ dir: fresh(), privateKey: kp.privateKey, now });
  const b = await initDevCa({ dir: fresh(), privateKey: kp.privateKey, now });
  assert.is(readFileSync(a.certPath, 'utf8'), readFileSync(b.certPath, 'utf8'));
  assert.is(readFileSync(a.keyPath, 'utf8'), readFileSync(b.keyPath, 'utf8'));
});

test('loadDevCa returns key and cert; a missing CA is CA_NOT_FOUND with exit code 3', async () => {
  const dir = fresh();
  const info = await initDevCa({ dir });
  const ca = await loadDevCa(dir);
  assert.is(ca.certificate.thumbprint, info.certificate.thumbprint);
  assert.is(ca.privateKey.length, 32);
  assert.is(ca.keyPem, readFileSync(info.keyPath, 'utf8'));
  const missing = await rejects(loadDevCa(join(root, 'nope')));
  assert.is(missing.code, 'CA_NOT_FOUND');
  assert.is(missing.exitCode, 3);
  assert.match(missing.message, 'sphere ca init');
  rmSync(info.certPath);
  const half = await rejects(loadDevCa(dir));
  assert.is(half.code, 'CA_NOT_FOUND');
  assert.is(half.path, info.certPath);
});

test('loadDevCa refuses a key that is not the certificate key, and an unreadable key file', async () => {
  const dir = fresh();
  const info = await initDevCa({ dir });
  writeFileSync(info.keyPath, privateKeyToPem(generateKeyPair().privateKey));
  assert.is((await rejects(loadDevCa(dir))).code, 'KEY_CERT_MISMATCH');
  writeFileSync(info.keyPath, 'garbage');
  const bad = await rejects(loadDevCa(dir));
  assert.is(bad.code, 'BAD_KEY');
  assert.match(bad.message, info.keyPath);
  if (process.getuid?.() !== 0) {
    chmodSync(info.keyPath, 0);
    assert.is((await rejects(loadDevCa(dir))).code, 'CA_READ_FAILED');
  }
});

test('issueSigningCert: a code-signing cert that chains to the CA and signs verifiable images', async () => {
  const dir = fresh();
  const info = await initDevCa({ dir, now: new Date('2025-01-01T00:00:00Z') });
  const ca = await loadDevCa(dir);
  const key = generateKeyPair();
  const pem = issueSigningCert({ ca, publicKey: key.publicKey, commonName: 'Release signing', now: new Date('2025-06-01T00:00:00Z'), validityDays: 365 });
  const certFile = join(dir, 'signing.pem');
  writeFileSync(certFile, pem);
  assert.match(openssl('verify', '-x509_strict', '-purpose', 'any', '-attime', String(Date.parse('2025-07-01T00:00:00Z') / 1000), '-CAfile', info.certPath, certFile), ': OK');
  const text = openssl('x509', '-in', certFile, '-text', '-noout');
  assert.match(text, 'Code Signing');
  assert.match(text, /CA:FALSE/);
  assert.is(openssl('x509', '-in', certFile, '-noout', '-enddate').trim(), 'notAfter=Jun  1 00:00:00 2026 GMT');
  // Without validityDays it ends with the CA.
  const long = parseCertificate(issueSigningCert({ ca, publicKey: key.publicKey, commonName: 'x', now: new Date('2025-06-01T00:00:00Z') }));
  assert.is(long.notAfter.getTime(), info.certificate.notAfter.getTime());
  const signer = fileSigner({ keyPem: privateKeyToPem(key.privateKey), certPem: pem });
  const msg = new TextEncoder().encode('payload');
  assert.ok(verify(msg, await signer.sign(msg), key.publicKey));
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
