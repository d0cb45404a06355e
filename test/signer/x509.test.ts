import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  SignerError,
  certificateThumbprint,
  createSelfSignedCertificate,
  generateKeyPair,
  issueCertificate,
  parseCertificate,
  privateKeyToPem,
} from '../../signer/index';
import { hex, openssl, expectCode, scratch } from './_helpers';

const { dir, path } = scratch('signer-x509-');
const write = (name: string, text: string | Uint8Array): string => {
  writeFileSync(path(name), text);
  return path(name);
};


const caKey = generateKeyPair();
const leafKey = generateKeyPair();
const caOptions = {
  privateKey: caKey.privateKey,
  subject: { commonName: 'Test Root CA', organization: 'Spherekit Tests', country: 'US' },
  notBefore: new Date('2024-03-01T12:00:00Z'),
  notAfter: new Date('2044-03-01T12:00:00Z'),
};
const caPem = createSelfSignedCertificate(caOptions);
const leafOptions = {
  issuer: { certPem: caPem, privateKey: caKey.privateKey },
  publicKey: leafKey.publicKey,
  subject: { commonName: 'emulated device', organization: 'Spherekit Tests' },
  notBefore: new Date('2024-03-01T12:00:00Z'),
  notAfter: new Date('2051-06-30T23:59:59Z'),
  dnsNames: ['*.devices.sphere.azure.local', 'localhost'],
  ipAddresses: ['192.168.35.2', '127.0.0.1', 'fe80::1', '2001:db8:0:0:1:0:0:1', '::ffff:10.0.0.1'],
  extendedKeyUsage: ['serverAuth', 'clientAuth'] as const,
};
const leafPem = issueCertificate(leafOptions);
write('ca.pem', caPem);
write('leaf.pem', leafPem);

test('openssl x509 reads the root: v3, ecdsa-with-SHA256, CA extensions', () => {
  const text = openssl('x509', '-in', path('ca.pem'), '-text', '-noout');
  assert.match(text, 'Version: 3 (0x2)');
  assert.match(text, 'Signature Algorithm: ecdsa-with-SHA256');
  assert.match(text, 'ASN1 OID: prime256v1');
  assert.match(text, /X509v3 Basic Constraints: critical\s+CA:TRUE/);
  assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
  assert.match(text, 'X509v3 Subject Key Identifier');
  assert.match(text, 'X509v3 Authority Key Identifier');
  assert.match(text, 'Issuer: C = US, O = Spherekit Tests, CN = Test Root CA');
  assert.match(text, 'Subject: C = US, O = Spherekit Tests, CN = Test Root CA');
});

test('openssl verify accepts the root against itself and the issued cert against the root (x509_strict)', () => {
  assert.match(openssl('verify', '-x509_strict', '-CAfile', path('ca.pem'), path('ca.pem')), `${path('ca.pem')}: OK`);
  assert.match(openssl('verify', '-x509_strict', '-CAfile', path('ca.pem'), path('leaf.pem')), `${path('leaf.pem')}: OK`);
  assert.match(openssl('verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', path('ca.pem'), path('leaf.pem')), ': OK');
  assert.match(openssl('verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', path('ca.pem'), path('leaf.pem')), ': OK');
  // A different root does not vouch for it.
  const other = createSelfSignedCertificate({ ...caOptions, privateKey: generateKeyPair().privateKey });
  const r = spawnSync('openssl', ['verify', '-CAfile', write('other.pem', other), path('leaf.pem')]);
  assert.is.not(r.status, 0);
});

test('the issued certificate carries SAN DNS (wildcard) and IPv4/IPv6 addresses, EKU, CA:FALSE', () => {
  const text = openssl('x509', '-in', path('leaf.pem'), '-text', '-noout');
  assert.match(text, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
  assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature\n/);
  assert.match(text, 'TLS Web Server Authentication, TLS Web Client Authentication');
  const san = /X509v3 Subject Alternative Name:\s*\n\s*(.*)\n/.exec(text)?.[1];
  assert.is(
    san,
    'DNS:*.devices.sphere.azure.local, DNS:localhost, IP Address:192.168.35.2, IP Address:127.0.0.1, ' +
      'IP Address:FE80:0:0:0:0:0:0:1, IP Address:2001:DB8:0:0:1:0:0:1, IP Address:0:0:0:0:0:FFFF:A00:1',
  );
  assert.match(text, 'Issuer: C = US, O = Spherekit Tests, CN = Test Root CA');
  // The AKI of the leaf is the SKI of the root.
  const ski = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(openssl('x509', '-in', path('ca.pem'), '-text', '-noout'))?.[1];
  const aki = /Authority Key Identifier:\s*\n\s*(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1];
  assert.ok(ski !== undefined && ski === aki);
});

test('extensions are encoded byte for byte as openssl req writes the same extensions', () => {
  /** The whole Extension SEQUENCE (short-form length) holding `oidHex` in a DER hex string. */
  const ext = (derHex: string, oidHex: string): string => {
    const at = derHex.indexOf(`06${(oidHex.length / 2).toString(16).padStart(2, '0')}${oidHex}`);
    assert.ok(at >= 4, oidHex);
    const len = parseInt(derHex.slice(at - 2, at), 16);
    return derHex.slice(at - 4, at + len * 2);
  };
  const req = (name: string, exts: string[]): string => {
    openssl('req', '-x509', '-new', '-key', write(`${name}.key`, privateKeyToPem(caKey.privateKey)), '-subj', '/CN=x', '-days', '1',
      ...exts.flatMap((e) => ['-addext', e]), '-out', path(`${name}.pem`));
    return execFileSync('openssl', ['x509', '-in', path(`${name}.pem`), '-outform', 'DER']).toString('hex');
  };
  const theirsCa = req('oca', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature,keyCertSign,cRLSign']);
  const theirsLeaf = req('oleaf', [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth,clientAuth',
  ]);
  const oursCa = hex(parseCertificate(caPem).der);
  const oursLeaf = hex(parseCertificate(leafPem).der);
  const BC = '551d13';
  const KU = '551d0f';
  const EKU = '551d25';
  assert.is(ext(oursCa, BC), ext(theirsCa, BC));
  assert.is(ext(oursCa, KU), ext(theirsCa, KU));
  assert.is(ext(oursLeaf, BC), ext(theirsLeaf, BC));
  assert.is(ext(oursLeaf, KU), ext(theirsLeaf, KU));
  assert.is(ext(oursLeaf, EKU), ext(theirsLeaf, EKU));
});

test('our DER is canonical: openssl re-encodes it to the same bytes', () => {
  for (const f of ['ca.pem', 'leaf.pem']) {
    const ours = parseCertificate(readFileSync(path(f), 'utf8')).der;
    const theirs = execFileSync('openssl', ['x509', '-in', path(f), '-outform', 'DER']);
    assert.is(hex(ours), theirs.toString('hex'), f);
  }
});

test('thumbprint, serial, dates, names and key agree with openssl', () => {
  for (const [f, key] of [['ca.pem', caKey], ['leaf.pem', leafKey]] as const) {
    const pem = readFileSync(path(f), 'utf8');
    const info = parseCertificate(pem);
    const fp = openssl('x509', '-in', path(f), '-noout', '-fingerprint', '-sha1').trim();
    assert.is(info.thumbprint, fp.replace(/^.*=/, '').replace(/:/g, '').toLowerCase(), f);
    assert.is(certificateThumbprint(pem), info.thumbprint);
    assert.is(certificateThumbprint(info.der), info.thumbprint);
    const serial = openssl('x509', '-in', path(f), '-noout', '-serial').trim().replace(/^serial=/, '');
    assert.is(info.serialNumber, serial.toLowerCase());
    assert.ok(info.serialNumber.length <= 40 && parseInt(info.serialNumber[0]!, 16) < 8, 'positive, at most 20 bytes');
    const start = openssl('x509', '-in', path(f), '-noout', '-startdate').trim().replace(/^notBefore=/, '');
    const end = openssl('x509', '-in', path(f), '-noout', '-enddate').trim().replace(/^notAfter=/, '');
    assert.is(info.notBefore.getTime(), Date.parse(start));
    assert.is(info.notAfter.getTime(), Date.parse(end));
    assert.equal(info.publicKey, key.publicKey);
    const subject = openssl('x509', '-in', path(f), '-noout', '-subject', '-nameopt', 'sep_comma_plus_space').trim();
    assert.is(`subject=${info.subject}`, subject);
  }
  const leaf = parseCertificate(leafPem);
  assert.is(leaf.commonName, 'emulated device');
  assert.is(leaf.isCa, false);
  assert.is(leaf.selfSigned, false);
  assert.equal(leaf.dnsNames, ['*.devices.sphere.azure.local', 'localhost']);
  assert.equal(leaf.ipAddresses, ['192.168.35.2', '127.0.0.1', 'fe80::1', '2001:db8::1:0:0:1', '::ffff:a00:1']);
  const ca = parseCertificate(caPem);
  assert.is(ca.isCa, true);
  assert.is(ca.selfSigned, true);
});

test('validity before 2050 is UTCTime, from 2050 on GeneralizedTime (asn1parse)', () => {
  const out = openssl('asn1parse', '-in', path('leaf.pem'));
  assert.match(out, /UTCTIME\s+:240301120000Z/);
  assert.match(out, /GENERALIZEDTIME\s+:20510630235959Z/);
  const early = issueCertificate({ ...leafOptions, notAfter: new Date('2049-12-31T23:59:59Z') });
  assert.match(openssl('asn1parse', '-in', write('early.pem', early)), /UTCTIME\s+:491231235959Z/);
  const at2050 = issueCertificate({ ...leafOptions, notAfter: new Date('2050-01-01T00:00:00Z') });
  assert.match(openssl('asn1parse', '-in', write('at2050.pem', at2050)), /GENERALIZEDTIME\s+:20500101000000Z/);
  assert.is(parseCertificate(at2050).notAfter.toISOString(), '2050-01-01T00:00:00.000Z');
});

test('certificates are deterministic: same inputs, same bytes; other inputs, other serial', () => {
  assert.is(createSelfSignedCertificate(caOptions), caPem);
  assert.is(issueCertificate(leafOptions), leafPem);
  const other = issueCertificate({ ...leafOptions, subject: { commonName: 'another device' } });
  assert.is.not(parseCertificate(other).serialNumber, parseCertificate(leafPem).serialNumber);
  const fixed = issueCertificate({ ...leafOptions, serial: Uint8Array.of(0x80, 1) });
  assert.is(openssl('x509', '-in', write('fixed.pem', fixed), '-noout', '-serial').trim(), 'serial=8001');
});

test('a self-signed non-CA certificate and a pathLength are written as asked', () => {
  const ss = createSelfSignedCertificate({ ...caOptions, isCa: false, dnsNames: ['localhost'] });
  assert.match(openssl('x509', '-in', write('ss.pem', ss), '-text', '-noout'), /CA:FALSE/);
  const pl = createSelfSignedCertificate({ ...caOptions, pathLength: 0 });
  assert.match(openssl('x509', '-in', write('pl.pem', pl), '-text', '-noout'), /CA:TRUE, pathlen:0/);
});

test('refuses a CA key that is not the CA cert key, a non-CA issuer, bad names and bad dates', () => {
  expectCode(() => issueCertificate({ ...leafOptions, issuer: { certPem: caPem, privateKey: leafKey.privateKey } }), 'KEY_CERT_MISMATCH');
  expectCode(() => issueCertificate({ ...leafOptions, issuer: { certPem: leafPem, privateKey: leafKey.privateKey } }), 'NOT_A_CA');
  for (const bad of ['', 'a..b', '-x.local', 'x_y.local', '*.', '*', 'a.*.b', '*.com.']) {
    expectCode(() => issueCertificate({ ...leafOptions, dnsNames: [bad] }), 'BAD_NAME');
  }
  for (const bad of ['300.1.1.1', '1.2.3', 'fe80::1%eth0', 'host']) {
    expectCode(() => issueCertificate({ ...leafOptions, ipAddresses: [bad] }), 'BAD_NAME');
  }
  expectCode(() => issueCertificate({ ...leafOptions, subject: { commonName: '' } }), 'BAD_NAME');
  expectCode(() => issueCertificate({ ...leafOptions, subject: { commonName: 'x', country: 'USA' } }), 'BAD_NAME');
  expectCode(() => issueCertificate({ ...leafOptions, notAfter: leafOptions.notBefore }), 'BAD_VALIDITY');
  expectCode(() => parseCertificate('no pem here'), 'BAD_CERTIFICATE');
  expectCode(() => parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])), 'BAD_CERTIFICATE');
});

test('IP addresses are written as the octets python ipaddress packs, and read back', () => {
  const ips = ['::1', '::', '1::', 'fe80::1:2', '2001:db8:85a3::8a2e:370:7334', '::ffff:192.0.2.128', '1:2:3:4:5:6:7:8', '64:ff9b::1.2.3.4', '10.1.2.3'];
  const pack = (list: string[]): string[] =>
    execFileSync('python3', ['-c', 'import ipaddress,sys;[print(ipaddress.ip_address(a).packed.hex()) for a in sys.argv[1:]]', ...list], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
  const expected = pack(ips);
  const cert = issueCertificate({ ...leafOptions, dnsNames: [], ipAddresses: ips });
  // OpenSSL prints every IPv6 group in full ("FE80:0:0:0:0:0:1:2"), which python parses too.
  const text = openssl('x509', '-in', write('ips.pem', cert), '-noout', '-ext', 'subjectAltName');
  const shown = [...text.matchAll(/IP Address:([0-9A-Fa-f:.]+)/g)].map((m) => m[1]!);
  assert.equal(pack(shown), expected);
  assert.equal(pack(parseCertificate(cert).ipAddresses), expected);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
