/**
 * What the development CA keeps beside its own key and certificate: the signing certificates it
 * issued (`<name>.pem`, with `<name>.key.pem`, mode 0600, when the CA made the key) and the
 * revocation list (`revoked.json`) that `image verify` honours. Writes are atomic.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { SignerError } from './errors';
import { CA_RECORDS, DEV_CA, THUMBPRINT_LENGTH } from './format';
import { generateKeyPair, privateKeyToPem, publicPointFromPrivateKey } from './keys';
import { parseCertificate, type CertificateInfo } from './certificate';
import { writeFileAtomic } from './devca';
import { issueCertificateWith } from './x509';
import { digestOf, verifyDigest } from './ecdsa';
import { loadCaKey } from './token-ca';
import { normalizeThumbprint } from './pem';

export interface IssueToCaOptions {
  dir: string;
  /** Environment a token CA's PIN and module configuration are read from. */
  env?: Readonly<Record<string, string | undefined>>;
  /** File-safe name of the certificate: letters, digits, `.`, `_`, `-`. */
  name: string;
  /** The key's public point (a token or air-gapped key); default a new key kept beside the CA. */
  publicKey?: Uint8Array;
  days?: number;
  now?: Date;
}

export interface IssuedCertificate {
  name: string;
  certPath: string;
  keyPath: string | undefined;
  certificate: CertificateInfo;
  revoked: boolean;
}

const _NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

async function _exists(p: string): Promise<boolean> {
  return fsp.stat(p).then(() => true, () => false);
}

/** Issues a code-signing certificate from the CA of `dir` and records it there. */
export async function issueToCa(o: IssueToCaOptions): Promise<IssuedCertificate & { certPem: string }> {
  if (!_NAME.test(o.name) || o.name === 'ca' || o.name.endsWith('.key') || o.name === CA_RECORDS.revokedFile.replace(/\.json$/, '')) {
    throw new SignerError(`Cannot issue certificate "${o.name}": the name must be 1-64 letters, digits, ".", "_" or "-" (not "ca"). Choose another name.`, { code: 'BAD_NAME', exitCode: 2 });
  }
  if (o.days !== undefined && (!Number.isInteger(o.days) || o.days < 1)) {
    throw new SignerError(`Cannot issue certificate "${o.name}": --days "${o.days}" is not a whole number of days. Give e.g. --days 365.`, { code: 'BAD_DAYS', exitCode: 2 });
  }
  const ca = await loadCaKey(o.dir, o.env);
  const certPath = join(o.dir, o.name + CA_RECORDS.certSuffix);
  const keyPath = join(o.dir, o.name + CA_RECORDS.keySuffix);
  if (await _exists(certPath)) throw new SignerError(`Cannot issue certificate "${o.name}": "${certPath}" already exists. Choose another name, or revoke and remove the old one.`, { code: 'CERT_EXISTS', path: certPath });
  const key = o.publicKey === undefined ? generateKeyPair().privateKey : undefined;
  const publicKey = o.publicKey ?? publicPointFromPrivateKey(key!);
  const notBefore = new Date(Math.floor((o.now ?? new Date()).getTime() / 1000) * 1000);
  const caEnd = ca.certificate.notAfter.getTime();
  const notAfter = new Date(o.days === undefined ? caEnd : Math.min(caEnd, notBefore.getTime() + o.days * 86_400_000));
  const certPem = await issueCertificateWith({
    publicKey, issuerCertPem: ca.certPem, notBefore, notAfter,
    subject: { commonName: o.name, organization: DEV_CA.defaultOrganization },
    extendedKeyUsage: ['codeSigning'],
    signMessage: async (m) => {
      const raw = await ca.signMessage(m);
      if (!verifyDigest(digestOf(m), raw, ca.certificate.publicKey)) throw new SignerError(`Cannot issue certificate "${o.name}": the CA key's signature does not verify with "${ca.certPath}". Restore the CA's key or run "sphere ca init --force".`, { code: 'KEY_CERT_MISMATCH' });
      return raw;
    },
  });
  if (key) await writeFileAtomic(keyPath, privateKeyToPem(key), DEV_CA.keyMode);
  await writeFileAtomic(certPath, certPem, DEV_CA.certMode);
  return { name: o.name, certPath, keyPath: key ? keyPath : undefined, certificate: parseCertificate(certPem), revoked: false, certPem };
}

interface _RevokedFile { revoked: Array<{ thumbprint: string; subject: string; revokedAt: string }> }

async function _readRevoked(dir: string): Promise<_RevokedFile> {
  const p = join(dir, CA_RECORDS.revokedFile);
  let text: string;
  try {
    text = await fsp.readFile(p, 'utf8');
  } catch {
    return { revoked: [] };
  }
  try {
    const j = JSON.parse(text) as _RevokedFile;
    if (!Array.isArray(j.revoked)) throw new Error('no "revoked" list');
    return j;
  } catch (cause) {
    throw new SignerError(`Cannot read revocation list "${p}": it is not valid JSON with a "revoked" list. Restore it from a backup.`, { code: 'BAD_REVOCATION_LIST', path: p, cause });
  }
}

/** Thumbprints the CA of `dir` has revoked (empty without a list). */
export async function loadRevoked(dir: string): Promise<Set<string>> {
  return new Set((await _readRevoked(dir)).revoked.map((r) => r.thumbprint));
}

/** The certificates the CA of `dir` issued, by name, with their revocation state. */
export async function listIssued(dir: string): Promise<IssuedCertificate[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const revoked = await loadRevoked(dir);
  const out: IssuedCertificate[] = [];
  for (const f of names.sort()) {
    if (!f.endsWith(CA_RECORDS.certSuffix) || f.endsWith(CA_RECORDS.keySuffix) || f === DEV_CA.certFile || f === DEV_CA.keyFile) continue;
    const name = f.slice(0, -CA_RECORDS.certSuffix.length);
    const certificate = parseCertificate(await fsp.readFile(join(dir, f), 'utf8'));
    const keyPath = join(dir, name + CA_RECORDS.keySuffix);
    out.push({ name, certPath: join(dir, f), keyPath: (await _exists(keyPath)) ? keyPath : undefined, certificate, revoked: revoked.has(certificate.thumbprint) });
  }
  return out;
}

/** Adds a certificate the CA issued to its revocation list; returns what was revoked. */
export async function revokeInCa(dir: string, thumbprint: string): Promise<IssuedCertificate> {
  let t: string;
  try {
    t = normalizeThumbprint(thumbprint, THUMBPRINT_LENGTH);
  } catch {
    throw new SignerError(`Cannot revoke certificate "${thumbprint}": a thumbprint is 40 hex digits (see "sphere ca list"). Give the thumbprint of an issued certificate.`, { code: 'BAD_THUMBPRINT', exitCode: 2 });
  }
  await loadCaKey(dir);
  const cert = (await listIssued(dir)).find((c) => c.certificate.thumbprint === t);
  if (!cert) throw new SignerError(`Cannot revoke certificate "${t}": the CA in "${dir}" issued no certificate with that thumbprint. See "sphere ca list".`, { code: 'CERT_NOT_FOUND', exitCode: 3 });
  const list = await _readRevoked(dir);
  if (!list.revoked.some((r) => r.thumbprint === t)) list.revoked.push({ thumbprint: t, subject: cert.certificate.subject, revokedAt: new Date().toISOString() });
  await writeFileAtomic(join(dir, CA_RECORDS.revokedFile), JSON.stringify(list, null, 2) + '\n', DEV_CA.certMode);
  return { ...cert, revoked: true };
}

/**
 * The same records read synchronously, for verifiers that run before any await: the CA's own
 * certificate and every certificate it issued (unreadable ones skipped), and the revoked thumbprints.
 */
export function caRecordsSync(dir: string): { certificates: CertificateInfo[]; revoked: Set<string> } {
  const { readFileSync, readdirSync } = process.getBuiltinModule('node:fs');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return { certificates: [], revoked: new Set() };
  }
  const certificates: CertificateInfo[] = [];
  for (const f of names.sort()) {
    if (!f.endsWith(CA_RECORDS.certSuffix) || f.endsWith(CA_RECORDS.keySuffix)) continue;
    try {
      certificates.push(parseCertificate(readFileSync(join(dir, f), 'utf8')));
    } catch {
      /* not a certificate of ours */
    }
  }
  let revoked = new Set<string>();
  const p = join(dir, CA_RECORDS.revokedFile);
  let text: string | undefined;
  try { text = readFileSync(p, 'utf8'); } catch { /* no list: nothing revoked */ }
  if (text !== undefined) {
    try {
      revoked = new Set((JSON.parse(text) as _RevokedFile).revoked.map((r) => r.thumbprint));
    } catch (cause) {
      throw new SignerError(`Cannot read revocation list "${p}": it is not valid JSON with a "revoked" list. Restore it from a backup.`, { code: 'BAD_REVOCATION_LIST', path: p, cause });
    }
  }
  return { certificates, revoked };
}
