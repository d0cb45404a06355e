import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SignerError,
  TrustStore,
  createSelfSignedCertificate,
  fileSigner,
  generateKeyPair,
  privateKeyToPem,
  verifyImageSignature,
  parseCertificate,
  certificatesFromPem,
} from '../../signer/index';
import { certificateKey } from '../../signer/certificate';

// Built by Microsoft's SDK and signed with the Azure Sphere SDK Test certificate (see ORIGIN.md).
const fixture = new Uint8Array(readFileSync(join('test', 'fixtures', 'imagepackage', 'anvilsecure--azure-sphere-re--test_app.imagepackage')));
const signed = fixture.subarray(0, fixture.length - 64);
const signature = fixture.subarray(fixture.length - 64);
const SDK_THUMB = 'a8d5cc6958f48710140d7a26160fc1cfc31f5df0';
const dir = mkdtempSync(join(tmpdir(), 'signer-trust-'));

function makeCert(name: string) {
  const kp = generateKeyPair();
  const certPem = createSelfSignedCertificate({
    privateKey: kp.privateKey,
    subject: { commonName: name, organization: 'Spherekit Tests' },
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-01T00:00:00Z'),
  });
  return { kp, certPem };
}

test('the fixture names the SDK Test certificate in its SG section', () => {
  // "SG", u16 size 24, then the 20-byte thumbprint and signingType 1 (spec §2.4).
  const at = Buffer.from(fixture).indexOf(Buffer.from('SG\x18\x00', 'latin1'));
  assert.ok(at > 0);
  assert.is(Buffer.from(fixture.subarray(at + 4, at + 24)).toString('hex'), SDK_THUMB);
  assert.is(Buffer.from(fixture.subarray(at + 24, at + 28)).readUInt32LE(0), 1);
});

test('the SDK-built fixture verifies against the built-in entry', () => {
  const store = new TrustStore();
  const v = verifyImageSignature(store, SDK_THUMB, signed, signature);
  assert.is(v.ok, true);
  assert.ok(v.ok && v.signer.name === 'Azure Sphere SDK Test' && v.signer.builtin);
  assert.is(v.thumbprint, SDK_THUMB);
  // Thumbprints as bytes, upper case or with colons mean the same.
  assert.ok(verifyImageSignature(store, Buffer.from(SDK_THUMB, 'hex'), signed, signature).ok);
  assert.ok(verifyImageSignature(store, SDK_THUMB.toUpperCase().match(/../g)!.join(':'), signed, signature).ok);
});

test('a flipped byte anywhere gives BAD_SIGNATURE', () => {
  const store = new TrustStore();
  for (const at of [0, 1000, signed.length - 1]) {
    const copy = signed.slice();
    copy[at]! ^= 0x01;
    assert.equal(verifyImageSignature(store, SDK_THUMB, copy, signature), { ok: false, reason: 'BAD_SIGNATURE', thumbprint: SDK_THUMB });
  }
  const sig = signature.slice();
  sig[63]! ^= 0x80;
  assert.equal(verifyImageSignature(store, SDK_THUMB, signed, sig), { ok: false, reason: 'BAD_SIGNATURE', thumbprint: SDK_THUMB });
});

test('an unknown thumbprint, or the SDK one without the built-in, gives UNKNOWN_SIGNER', () => {
  const unknown = '00'.repeat(20);
  assert.equal(verifyImageSignature(new TrustStore(), unknown, signed, signature), { ok: false, reason: 'UNKNOWN_SIGNER', thumbprint: unknown });
  const bare = new TrustStore({ includeBuiltin: false });
  assert.is(bare.size, 0);
  assert.equal(verifyImageSignature(bare, SDK_THUMB, signed, signature), { ok: false, reason: 'UNKNOWN_SIGNER', thumbprint: SDK_THUMB });
});

test('the built-in entry holds the published thumbprint and public key', () => {
  const [entry, ...rest] = new TrustStore().entries;
  assert.is(rest.length, 0);
  assert.equal(
    { ...entry, publicKey: Buffer.from(entry!.publicKey).toString('hex') },
    {
      thumbprint: SDK_THUMB,
      publicKey:
        '04edf233c00d31141d8f3f56334340ccd8c169fb67e2ec564bf8a5ef586b1c3f7bc188ca208701e6d7c7756a132638fe98c9a02007403de5c422e6a7e826a4bd24',
      name: 'Azure Sphere SDK Test',
      builtin: true,
    },
  );
});

test('addPem adds every certificate of a bundle under openssl\'s thumbprint and CN', async () => {
  const a = makeCert('Release A');
  const b = makeCert('Release B');
  const bundle = `comment line\n${a.certPem}\n${b.certPem}`;
  writeFileSync(join(dir, 'bundle.pem'), bundle);
  writeFileSync(join(dir, 'b.pem'), b.certPem);
  const thumb = (f: string): string =>
    execFileSync('openssl', ['x509', '-in', join(dir, f), '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' })
      .trim()
      .replace(/^.*=/, '')
      .replace(/:/g, '')
      .toLowerCase();
  const store = new TrustStore();
  const added = store.addPem(bundle);
  assert.equal(
    added.map((e) => [e.thumbprint, e.name, e.builtin]),
    [
      [thumb('bundle.pem'), 'Release A', false],
      [thumb('b.pem'), 'Release B', false],
    ],
  );
  assert.is(store.size, 3);
  assert.equal(store.addPem('no certificates here'), []);
  // A package signed by B verifies; one signed by A but naming B does not.
  const msg = new TextEncoder().encode('package bytes');
  const signerB = fileSigner({ keyPem: privateKeyToPem(b.kp.privateKey), certPem: b.certPem });
  const sigB = await signerB.sign(msg);
  const v = verifyImageSignature(store, signerB.thumbprint, msg, sigB);
  assert.ok(v.ok && v.signer.name === 'Release B');
  const sigA = await fileSigner({ keyPem: privateKeyToPem(a.kp.privateKey), certPem: a.certPem }).sign(msg);
  assert.is(verifyImageSignature(store, signerB.thumbprint, msg, sigA).ok, false);
  assert.ok(store.delete(signerB.thumbprint));
  assert.equal(verifyImageSignature(store, signerB.thumbprint, msg, sigB), { ok: false, reason: 'UNKNOWN_SIGNER', thumbprint: thumb('b.pem') });
});

test('only misuse throws: bad thumbprint or signature length, a non-P-256 certificate', () => {
  const store = new TrustStore();
  assert.throws(() => verifyImageSignature(store, 'abc', signed, signature), TypeError);
  assert.throws(() => verifyImageSignature(store, new Uint8Array(19), signed, signature), TypeError);
  assert.throws(() => verifyImageSignature(store, SDK_THUMB, signed, signature.subarray(1)), RangeError);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', join(dir, 'k'), '-subj', '/CN=p384', '-days', '1', '-out', join(dir, 'p384.pem')], { stdio: 'ignore' });
  try {
    store.addPem(readFileSync(join(dir, 'p384.pem'), 'utf8'));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, SignerError);
    assert.is((e as SignerError).code, 'UNSUPPORTED_KEY');
  }
});

test('a certificate added as DER (the light reading) gives the entry its full reading gives, for ours and OpenSSL\'s', () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'o.key'), '-subj', '/O=Other/CN=ossl signer', '-days', '2', '-out', join(dir, 'o.pem')], { stdio: 'ignore' });
  for (const pem of [makeCert('ours').certPem, readFileSync(join(dir, 'o.pem'), 'utf8')]) {
    const full = parseCertificate(pem);
    const light = certificateKey(certificatesFromPem(pem)[0]!);
    assert.equal(light, { thumbprint: full.thumbprint, publicKey: full.publicKey, name: full.commonName ?? full.subject });
    const a = new TrustStore({ includeBuiltin: false }).addPem(pem)[0]!;
    const b = new TrustStore({ includeBuiltin: false }).addCertificate(pem);
    assert.equal(a, b);
  }
  assert.throws(() => certificateKey(new Uint8Array([0x30, 0x03, 1, 2, 3])), (e: unknown) => e instanceof SignerError && e.code === 'BAD_CERTIFICATE');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
