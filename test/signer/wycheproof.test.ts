/**
 * Known answers from Project Wycheproof (../shared/fixtures/wycheproof/, see ORIGIN.md there):
 * every ECDSA P-256 SHA-256 vector goes through the project's own verify paths — the package
 * signature check `image verify` runs (raw r‖s set), the attached external signature check of
 * `image sign --signature` (DER set) and the certificate-chain signature check (DER set). Every
 * valid vector must be accepted and every invalid one refused.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { TrustStore, generateKeyPair, createSelfSignedCertificate, issueCertificate, parseSignature, presignedSigner, verifyDerSignature, verifyDigest, verifyImageSignature, digestOf } from '../../signer/index';
import { checkerFor } from '../../cli/signing';

const DIR = resolve('../shared/fixtures/wycheproof');

interface Vector { tcId: number; comment: string; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }
interface Group { publicKey: { uncompressed: string }; tests: Vector[] }

function load(file: string): Array<{ key: Uint8Array; t: Vector }> {
  const j = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { testGroups: Group[] };
  return j.testGroups.flatMap((g) => g.tests.map((t) => ({ key: new Uint8Array(Buffer.from(g.publicKey.uncompressed, 'hex')), t })));
}

const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const thumbOf = (key: Uint8Array) => createHash('sha1').update(key).digest('hex');

/** Runs `accepts` on every vector; returns the vectors whose verdict is wrong. */
function wrong(vectors: Array<{ key: Uint8Array; t: Vector }>, accepts: (key: Uint8Array, msg: Uint8Array, sig: Uint8Array) => boolean): string[] {
  const out: string[] = [];
  for (const { key, t } of vectors) {
    if (t.result === 'acceptable') continue;
    let ok: boolean;
    try {
      ok = accepts(key, bytes(t.msg), bytes(t.sig));
    } catch {
      ok = false; // refused by a parser or a size check
    }
    if (ok !== (t.result === 'valid')) out.push(`tcId ${t.tcId} (${t.result}, ${t.comment}): ${ok ? 'accepted' : 'refused'}`);
  }
  return out;
}

const test = suite('Wycheproof ECDSA P-256 SHA-256 through the verify paths');

if (!existsSync(DIR)) {
  console.log('skip Wycheproof tests: ../shared/fixtures/wycheproof is absent in this clone');
} else {
  const raw = load('ecdsa_secp256r1_sha256_p1363_test.json');
  const der = load('ecdsa_secp256r1_sha256_test.json');

  test('the vector files hold what ORIGIN.md says', () => {
    assert.is(raw.length, 262);
    assert.is(der.length, 484);
    assert.ok(raw.some((v) => v.t.result === 'invalid') && raw.some((v) => v.t.result === 'valid'));
  });

  test('package signature (raw r‖s): image verify\'s checker accepts every valid vector and refuses every invalid one', () => {
    const bad = wrong(raw, (key, msg, sig) => {
      const store = new TrustStore({ includeBuiltin: false });
      const thumbprint = thumbOf(key);
      store.add({ thumbprint, publicKey: key, name: 'wycheproof', builtin: false });
      const viaChecker = checkerFor(store).check(thumbprint, msg, sig).ok;
      const viaStore = verifyImageSignature(store, thumbprint, msg, sig).ok;
      assert.is(viaChecker, viaStore, 'both entry points agree');
      return viaChecker;
    });
    assert.equal(bad, []);
  });

  test('package signature off the caller\'s thread agrees (checkAsync)', async () => {
    const bad: string[] = [];
    for (const { key, t } of raw) {
      const store = new TrustStore({ includeBuiltin: false });
      const thumbprint = thumbOf(key);
      store.add({ thumbprint, publicKey: key, name: 'wycheproof', builtin: false });
      let ok: boolean;
      try {
        ok = (await checkerFor(store).checkAsync!(thumbprint, bytes(t.msg), bytes(t.sig))).ok;
      } catch {
        ok = false;
      }
      if (ok !== (t.result === 'valid')) bad.push(`tcId ${t.tcId}`);
    }
    assert.equal(bad, []);
  });

  test('attached external signature (DER): image sign --signature\'s check accepts every valid vector and refuses every invalid one', async () => {
    const ca = generateKeyPair();
    const caPem = createSelfSignedCertificate({ privateKey: ca.privateKey, subject: { commonName: 'Wycheproof CA' }, notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2044-01-01T00:00:00Z') });
    const certs = new Map<string, string>();
    const bad: string[] = [];
    for (const { key, t } of der) {
      const k = Buffer.from(key).toString('hex');
      if (!certs.has(k)) certs.set(k, issueCertificate({ issuer: { certPem: caPem, privateKey: ca.privateKey }, publicKey: key, subject: { commonName: 'vector key' }, notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2030-01-01T00:00:00Z') }));
      let ok: boolean;
      try {
        // presignedSigner is the pack --signature path; image sign uses parseSignature + verifyDigest.
        await presignedSigner({ certPem: certs.get(k)!, signature: bytes(t.sig) }).sign(bytes(t.msg));
        ok = verifyDigest(digestOf(bytes(t.msg)), parseSignature(bytes(t.sig)), key);
      } catch {
        ok = false;
      }
      if (ok !== (t.result === 'valid')) bad.push(`tcId ${t.tcId} (${t.result}, ${t.comment}): ${ok ? 'accepted' : 'refused'}`);
    }
    assert.equal(bad, []);
  });

  test('certificate chain signature (DER): the check a chain link gets accepts every valid vector and refuses every invalid one', () => {
    assert.equal(wrong(der, (key, msg, sig) => verifyDerSignature(msg, sig, key)), []);
  });
}

test.run();
