import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import {
  TrustStore,
  createSelfSignedCertificate,
  followChain,
  generateKeyPair,
  issueCertificate,
  issuedBy,
  parseCertificate,
  type CertificateInfo,
} from '../../signer/index';
import { openssl, scratch } from './_helpers';

const test = suite('followChain');
const when = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') };

function ca(cn: string) {
  const k = generateKeyPair();
  const pem = createSelfSignedCertificate({ privateKey: k.privateKey, subject: { commonName: cn, organization: 'Spherekit' }, ...when });
  return { key: k.privateKey, pem, info: parseCertificate(pem) };
}

function issue(issuer: { key: Uint8Array; pem: string }, cn: string, isCa = false) {
  const k = generateKeyPair();
  const pem = issueCertificate({ issuer: { certPem: issuer.pem, privateKey: issuer.key }, publicKey: k.publicKey, subject: { commonName: cn }, isCa, ...when });
  return { key: k.privateKey, pem, info: parseCertificate(pem) };
}

function anchors(...certs: CertificateInfo[]): TrustStore {
  const s = new TrustStore({ includeBuiltin: false });
  for (const c of certs) s.addCertificate(c.pem);
  return s;
}

const root = ca('Root');
const inter = issue(root, 'Intermediate', true);
const leaf = issue(inter, 'Leaf');
const all = [root.info, inter.info, leaf.info];

test('follows a leaf through an intermediate to the trusted root and names each link', () => {
  const v = followChain(leaf.info.thumbprint, { anchors: anchors(root.info), certificates: all, revoked: new Set() });
  assert.ok(v.ok);
  if (!v.ok) return;
  assert.equal(v.links.map((l) => [l.name, l.trusted]), [['Leaf', false], ['Intermediate', false], ['Root', true]]);
  assert.equal([...v.publicKey], [...leaf.info.publicKey]);
  // OpenSSL agrees that this chain holds.
  const s = scratch('chain-');
  writeFileSync(s.path('root.pem'), root.pem);
  writeFileSync(s.path('inter.pem'), inter.pem);
  writeFileSync(s.path('leaf.pem'), leaf.pem);
  assert.match(openssl('verify', '-CAfile', s.path('root.pem'), '-untrusted', s.path('inter.pem'), s.path('leaf.pem')), /OK/);
});

test('a revoked link anywhere on the way stops the chain with REVOKED naming it', () => {
  const v = followChain(leaf.info.thumbprint, { anchors: anchors(root.info), certificates: all, revoked: new Set([inter.info.thumbprint]) });
  assert.is(v.ok, false);
  if (v.ok) return;
  assert.is(v.reason, 'REVOKED');
  assert.is(v.thumbprint, inter.info.thumbprint);
  assert.match(v.detail, /"Intermediate"/);
});

test('a certificate whose issuer name matches but whose signature is by another key is BAD_CHAIN (OpenSSL refuses it too)', () => {
  const impostor = ca('Root'); // same subject, other key
  const forged = issue(impostor, 'Forged');
  assert.is(forged.info.issuer, root.info.subject);
  assert.not.ok(issuedBy(forged.info, root.info));
  const v = followChain(forged.info.thumbprint, { anchors: anchors(root.info), certificates: [root.info, forged.info], revoked: new Set() });
  assert.is(v.ok, false);
  if (!v.ok) assert.is(v.reason, 'BAD_CHAIN');
  const s = scratch('chain-');
  writeFileSync(s.path('root.pem'), root.pem);
  writeFileSync(s.path('forged.pem'), forged.pem);
  assert.throws(() => openssl('verify', '-CAfile', s.path('root.pem'), s.path('forged.pem')));
});

test('an unknown thumbprint is UNKNOWN_SIGNER; a known certificate with an unknown issuer is BAD_CHAIN', () => {
  const none = followChain('00'.repeat(20), { anchors: anchors(root.info), certificates: all, revoked: new Set() });
  assert.is(none.ok ? 'ok' : none.reason, 'UNKNOWN_SIGNER');
  const orphan = followChain(leaf.info.thumbprint, { anchors: anchors(root.info), certificates: [leaf.info], revoked: new Set() });
  assert.is(orphan.ok ? 'ok' : orphan.reason, 'BAD_CHAIN');
});

test('a non-CA certificate cannot issue: a chain through it is refused', () => {
  const notCa = issue(root, 'Not a CA');
  // Sign a certificate with the non-CA key by presenting it as a CA certificate to the writer.
  const fakeIssuerPem = createSelfSignedCertificate({ privateKey: notCa.key, subject: { commonName: 'Not a CA' }, ...when });
  const child = issue({ key: notCa.key, pem: fakeIssuerPem }, 'Child');
  const v = followChain(child.info.thumbprint, { anchors: anchors(root.info), certificates: [root.info, notCa.info, child.info], revoked: new Set() });
  assert.is(v.ok, false);
});

test.run();
