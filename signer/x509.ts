/**
 * Writing X.509 v3 certificates (RFC 5280) for P-256 keys, signed ecdsa-with-SHA256: the
 * self-signed development root CA, the image-signing certificates it issues (architecture
 * decision 3) and the emulator's TLS server certificate (decision 5). The output is
 * deterministic: the serial is derived from the content and the signature uses RFC 6979.
 */
import { createHash } from 'node:crypto';
import { SignerError } from './errors';
import { KEY_USAGE_BIT, OID, SERIAL_LENGTH, UTC_TIME_END_YEAR, UTC_TIME_START_YEAR, X509_VERSION_3 } from './format';
import {
  TAG,
  bitString,
  boolean,
  concatBytes,
  explicit,
  implicit,
  namedBits,
  octetString,
  oid,
  sequence,
  smallInteger,
  tlv,
  unsignedInteger,
} from './der';
import { rawToDer, sign } from './ecdsa';
import { assertPublicPoint, publicPointFromPrivateKey } from './keys';
import { parseCertificate } from './certificate';
import { checkDnsName, encodeName, ipBytes, type DistinguishedName } from './names';
import { bytesEqual, toPem } from './pem';

export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth' | 'codeSigning';

export interface CertificateOptions {
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate (basicConstraints cA, keyCertSign); default false for issued, true for self-signed. */
  isCa?: boolean;
  /** basicConstraints pathLenConstraint, CA certificates only. */
  pathLength?: number;
  /** subjectAltName DNS names; `*.example` wildcards allowed. */
  dnsNames?: readonly string[];
  /** subjectAltName IP addresses, IPv4 or IPv6 text. */
  ipAddresses?: readonly string[];
  extendedKeyUsage?: readonly ExtendedKeyUsage[];
  /** Serial magnitude (big-endian, at most 20 bytes, not zero); default derived from the content. */
  serial?: Uint8Array;
}

export interface SelfSignedOptions extends CertificateOptions {
  privateKey: Uint8Array;
}

export interface IssueOptions extends CertificateOptions {
  /** The subject's 65-byte public point. */
  publicKey: Uint8Array;
  /** The issuing CA: its certificate (PEM) and private key scalar. */
  issuer: { certPem: string; privateKey: Uint8Array };
}

function _time(d: Date): Uint8Array {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new TypeError('Certificate validity needs valid Dates');
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = d.getUTCFullYear();
  if (year >= UTC_TIME_START_YEAR && year < UTC_TIME_END_YEAR) {
    return tlv(TAG.UTC_TIME, new TextEncoder().encode(`${digits.slice(2)}Z`));
  }
  if (year < 0 || year > 9999) throw new TypeError(`Year ${year} cannot be written in a certificate`);
  return tlv(TAG.GENERALIZED_TIME, new TextEncoder().encode(`${digits}Z`));
}

function _spki(point: Uint8Array): Uint8Array {
  return sequence(sequence(oid(OID.ecPublicKey), oid(OID.prime256v1)), bitString(point));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(point: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(point).digest());
}

function _extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

function _extensions(o: CertificateOptions, isCa: boolean, ski: Uint8Array, aki: Uint8Array): Uint8Array {
  const exts: Uint8Array[] = [];
  const bc = isCa ? [boolean(true), ...(o.pathLength === undefined ? [] : [smallInteger(o.pathLength)])] : [];
  exts.push(_extension(OID.basicConstraints, true, sequence(...bc)));
  const usage = isCa
    ? [KEY_USAGE_BIT.digitalSignature, KEY_USAGE_BIT.keyCertSign, KEY_USAGE_BIT.cRLSign]
    : [KEY_USAGE_BIT.digitalSignature];
  exts.push(_extension(OID.keyUsage, true, namedBits(usage)));
  exts.push(_extension(OID.subjectKeyIdentifier, false, octetString(ski)));
  exts.push(_extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, aki))));
  const dns = (o.dnsNames ?? []).map((n) => implicit(2, new TextEncoder().encode(checkDnsName(n))));
  const ips = (o.ipAddresses ?? []).map((ip) => implicit(7, ipBytes(ip)));
  if (dns.length + ips.length > 0) exts.push(_extension(OID.subjectAltName, false, sequence(...dns, ...ips)));
  if (o.extendedKeyUsage !== undefined && o.extendedKeyUsage.length > 0) {
    exts.push(_extension(OID.extKeyUsage, false, sequence(...o.extendedKeyUsage.map((u) => oid(OID[u])))));
  }
  return explicit(3, sequence(...exts));
}

function _serial(o: CertificateOptions, content: Uint8Array): Uint8Array {
  if (o.serial !== undefined) {
    if (o.serial.length === 0 || o.serial.length > 20 || o.serial.every((b) => b === 0)) {
      throw new RangeError('A certificate serial is a positive integer of at most 20 bytes');
    }
    return o.serial;
  }
  const s = new Uint8Array(createHash('sha256').update(content).digest().subarray(0, SERIAL_LENGTH));
  s[0] = (s[0]! & 0x7f) | 0x40; // positive, and always SERIAL_LENGTH bytes long
  return s;
}

function _tbs(
  o: CertificateOptions,
  isCa: boolean,
  subjectPoint: Uint8Array,
  issuerName: Uint8Array,
  authorityKeyId: Uint8Array,
): { tbs: Uint8Array; algorithm: Uint8Array } {
  if (o.notAfter.getTime() <= o.notBefore.getTime()) {
    throw new SignerError(
      `Cannot create certificate "${o.subject.commonName}": notAfter (${o.notAfter.toISOString()}) is not after notBefore (${o.notBefore.toISOString()}). Give a later end date.`,
      { code: 'BAD_VALIDITY' },
    );
  }
  if (o.pathLength !== undefined && (!Number.isInteger(o.pathLength) || o.pathLength < 0 || o.pathLength > 127)) {
    throw new RangeError('pathLength is an integer in 0..127');
  }
  const algorithm = sequence(oid(OID.ecdsaWithSHA256));
  const rest = concatBytes(
    algorithm,
    issuerName,
    sequence(_time(o.notBefore), _time(o.notAfter)),
    encodeName(o.subject),
    _spki(subjectPoint),
    _extensions(o, isCa, keyIdentifier(subjectPoint), authorityKeyId),
  );
  return { tbs: sequence(explicit(0, smallInteger(X509_VERSION_3)), unsignedInteger(_serial(o, rest)), rest), algorithm };
}

function _assemble(t: { tbs: Uint8Array; algorithm: Uint8Array }, rawSignature: Uint8Array): string {
  return toPem('CERTIFICATE', sequence(t.tbs, t.algorithm, bitString(rawToDer(rawSignature))));
}

function _build(
  o: CertificateOptions,
  isCa: boolean,
  subjectPoint: Uint8Array,
  issuerName: Uint8Array,
  authorityKeyId: Uint8Array,
  issuerKey: Uint8Array,
): string {
  const t = _tbs(o, isCa, subjectPoint, issuerName, authorityKeyId);
  return _assemble(t, sign(t.tbs, issuerKey));
}

/** Signs SHA-256(message) somewhere else (a token); returns raw r‖s. */
export type MessageSigner = (message: Uint8Array) => Promise<Uint8Array>;

/** A self-signed CA certificate for a key held elsewhere (`signMessage` signs with it). */
export async function createSelfSignedCertificateWith(options: CertificateOptions & { publicKey: Uint8Array; signMessage: MessageSigner }): Promise<string> {
  assertPublicPoint(options.publicKey);
  const t = _tbs(options, options.isCa ?? true, options.publicKey, encodeName(options.subject), keyIdentifier(options.publicKey));
  return _assemble(t, await options.signMessage(t.tbs));
}

/** `issueCertificate` for a CA whose key is held elsewhere (`signMessage` signs with it). */
export async function issueCertificateWith(options: CertificateOptions & { publicKey: Uint8Array; issuerCertPem: string; signMessage: MessageSigner }): Promise<string> {
  assertPublicPoint(options.publicKey);
  const ca = parseCertificate(options.issuerCertPem);
  if (!ca.isCa) throw new SignerError(`Cannot issue a certificate with "${ca.subject}": it is not a CA certificate. Use the CA made by "sphere ca init".`, { code: 'NOT_A_CA' });
  const t = _tbs(options, options.isCa ?? false, options.publicKey, ca.subjectName, ca.subjectKeyIdentifier ?? keyIdentifier(ca.publicKey));
  return _assemble(t, await options.signMessage(t.tbs));
}

/** A self-signed certificate (by default a root CA) for `privateKey`; returns PEM. */
export function createSelfSignedCertificate(options: SelfSignedOptions): string {
  const point = publicPointFromPrivateKey(options.privateKey);
  return _build(options, options.isCa ?? true, point, encodeName(options.subject), keyIdentifier(point), options.privateKey);
}

/** A certificate for `publicKey` signed by the CA in `issuer`; returns PEM. */
export function issueCertificate(options: IssueOptions): string {
  assertPublicPoint(options.publicKey);
  const ca = parseCertificate(options.issuer.certPem);
  if (!ca.isCa) {
    throw new SignerError(`Cannot issue a certificate with "${ca.subject}": it is not a CA certificate. Use the CA made by "sphere ca init".`, {
      code: 'NOT_A_CA',
    });
  }
  if (!bytesEqual(publicPointFromPrivateKey(options.issuer.privateKey), ca.publicKey)) {
    throw new SignerError(`Cannot issue a certificate with "${ca.subject}": the private key does not belong to that certificate. Give the CA's own key.`, {
      code: 'KEY_CERT_MISMATCH',
    });
  }
  const aki = ca.subjectKeyIdentifier ?? keyIdentifier(ca.publicKey);
  return _build(options, options.isCa ?? false, options.publicKey, ca.subjectName, aki, options.issuer.privateKey);
}
