/**
 * Reading X.509 certificates: the fields the CLI shows and the trust store needs (subject,
 * issuer, validity, serial, SHA-1 thumbprint of the DER as written in the SG section, spec §2.4,
 * and the P-256 public point). Node's X509Certificate validates the structure and renders the
 * names; the raw pieces a certificate writer needs (subject Name DER, key identifier) come from
 * our strict DER reader.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { SignerError } from './errors';
import { OID, THUMBPRINT_LENGTH } from './format';
import { TAG, decodeOid, readChildren, readOnly, readUnsignedInteger, type Tlv } from './der';
import { checkP256, pointOfKeyObject } from './keys';
import { parsePemBlocks, toHex, toPem } from './pem';
import { formatIp } from './names';

export interface CertificateInfo {
  /** "CN=…, O=…" in the order the certificate lists them. */
  subject: string;
  issuer: string;
  /** The subject's CN, if any. */
  commonName: string | undefined;
  /** Serial number as lower-case hex of its unsigned magnitude. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-1 of the DER, lower-case hex (the SG section's signingCertThumbprint). */
  thumbprint: string;
  /** 65-byte uncompressed P-256 public point. */
  publicKey: Uint8Array;
  isCa: boolean;
  selfSigned: boolean;
  dnsNames: string[];
  ipAddresses: string[];
  subjectKeyIdentifier: Uint8Array | undefined;
  /** The certificate's DER and PEM. */
  der: Uint8Array;
  pem: string;
  /** The subject Name exactly as encoded (an issued certificate's issuer must match it byte for byte). */
  subjectName: Uint8Array;
}

export function thumbprintBytes(der: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(der).digest());
}

/** SHA-1 thumbprint, lower-case hex, of a certificate given as PEM text or DER bytes. */
export function certificateThumbprint(cert: string | Uint8Array): string {
  return toHex(thumbprintBytes(typeof cert === 'string' ? _firstCertDer(cert) : cert));
}

function _firstCertDer(pem: string): Uint8Array {
  const block = parsePemBlocks(pem).find((b) => b.label === 'CERTIFICATE');
  if (block === undefined) {
    throw new SignerError('Cannot read certificate: no "CERTIFICATE" PEM block found. Give a PEM certificate file.', {
      code: 'BAD_CERTIFICATE',
    });
  }
  return block.der;
}

/** All certificates of a PEM text (a bundle may hold several), as DER. */
export function certificatesFromPem(pem: string): Uint8Array[] {
  return parsePemBlocks(pem)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => b.der);
}

function _time(t: Tlv): Date {
  const s = Buffer.from(t.content).toString('latin1');
  const m =
    t.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : t.tag === TAG.GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
        : null;
  if (m === null) throw new Error(`bad time "${s}"`);
  const n = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const year = t.tag === TAG.UTC_TIME ? (n[0] < 50 ? 2000 + n[0] : 1900 + n[0]) : n[0];
  return new Date(Date.UTC(year, n[1] - 1, n[2], n[3], n[4], n[5]));
}

function _names(x509: X509Certificate, which: 'subject' | 'issuer'): string {
  return x509[which].split('\n').filter(Boolean).join(', ');
}

interface _Extensions {
  ski: Uint8Array | undefined;
  dns: string[];
  ips: string[];
}

function _extensions(tbsChildren: Tlv[]): _Extensions {
  const out: _Extensions = { ski: undefined, dns: [], ips: [] };
  const ext = tbsChildren.find((c) => c.tag === 0xa3);
  if (ext === undefined) return out;
  for (const e of readChildren(readOnly(ext.content, TAG.SEQUENCE).content)) {
    const parts = readChildren(e.content);
    const id = decodeOid(parts[0]!.content);
    const value = parts[parts.length - 1]!.content;
    if (id === OID.subjectKeyIdentifier) out.ski = readOnly(value, TAG.OCTET_STRING).content.slice();
    if (id === OID.subjectAltName) {
      for (const g of readChildren(readOnly(value, TAG.SEQUENCE).content)) {
        if (g.tag === 0x82) out.dns.push(Buffer.from(g.content).toString('latin1'));
        if (g.tag === 0x87) out.ips.push(formatIp(g.content));
      }
    }
  }
  return out;
}

/** Parse one certificate (PEM text, first CERTIFICATE block, or DER bytes). */
/**
 * What a trust store keeps of a certificate — its thumbprint, P-256 public point and name —
 * without the full reading `parseCertificate` does (validity, extensions, self-signature).
 */
export function certificateKey(der: Uint8Array): { thumbprint: string; publicKey: Uint8Array; name: string } {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(Buffer.from(der.buffer, der.byteOffset, der.byteLength));
  } catch (cause) {
    throw new SignerError('Cannot read certificate: it is not a valid X.509 certificate. Check the file.', { code: 'BAD_CERTIFICATE', cause });
  }
  const key = x509.publicKey;
  const subject = _names(x509, 'subject');
  checkP256(key, `certificate "${subject}"`);
  return { thumbprint: toHex(thumbprintBytes(der)), publicKey: pointOfKeyObject(key), name: /^CN=(.*)$/m.exec(x509.subject)?.[1] ?? subject };
}

/**
 * Certificates already read in this process, by their DER (a command meets the CA's certificate
 * several times: loading the CA, its records, the trust store). Each caller gets its own copy.
 */
const _parsed = new Map<string, CertificateInfo>();

export function parseCertificate(cert: string | Uint8Array): CertificateInfo {
  const der = typeof cert === 'string' ? _firstCertDer(cert) : cert;
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let info = _parsed.get(key);
  if (info === undefined) {
    info = _parseCertificate(der);
    _parsed.set(key, info);
  }
  return {
    ...info, notBefore: new Date(info.notBefore), notAfter: new Date(info.notAfter), publicKey: info.publicKey.slice(), der: info.der.slice(),
    subjectName: info.subjectName.slice(), subjectKeyIdentifier: info.subjectKeyIdentifier?.slice(), dnsNames: [...info.dnsNames], ipAddresses: [...info.ipAddresses],
  };
}

function _parseCertificate(der: Uint8Array): CertificateInfo {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(Buffer.from(der));
  } catch (cause) {
    throw new SignerError('Cannot read certificate: it is not a valid X.509 certificate. Check the file.', {
      code: 'BAD_CERTIFICATE',
      cause,
    });
  }
  checkP256(x509.publicKey, `certificate "${_names(x509, 'subject')}"`);
  try {
    const tbs = readChildren(readOnly(der, TAG.SEQUENCE).content)[0]!;
    const f = readChildren(tbs.content);
    const base = f[0]?.tag === 0xa0 ? 1 : 0;
    const serial = readUnsignedInteger(f[base]!);
    const validity = readChildren(f[base + 3]!.content);
    const subjectName = f[base + 4]!.raw.slice();
    const ext = _extensions(f);
    const subject = _names(x509, 'subject');
    const issuer = _names(x509, 'issuer');
    const cn = /^CN=(.*)$/m.exec(x509.subject)?.[1];
    const thumb = thumbprintBytes(der);
    if (thumb.length !== THUMBPRINT_LENGTH) throw new Error('unexpected thumbprint length');
    return {
      subject,
      issuer,
      commonName: cn,
      serialNumber: toHex(serial),
      notBefore: _time(validity[0]!),
      notAfter: _time(validity[1]!),
      thumbprint: toHex(thumb),
      publicKey: pointOfKeyObject(x509.publicKey),
      isCa: x509.ca,
      selfSigned: subject === issuer && x509.verify(x509.publicKey),
      dnsNames: ext.dns,
      ipAddresses: ext.ips,
      subjectKeyIdentifier: ext.ski,
      der: der.slice(),
      pem: toPem('CERTIFICATE', der),
      subjectName,
    };
  } catch (cause) {
    if (cause instanceof SignerError) throw cause;
    throw new SignerError(`Cannot read certificate: ${(cause as Error).message}. Check the file.`, { code: 'BAD_CERTIFICATE', cause });
  }
}
