/**
 * A development CA whose own key is in a PKCS#11 token (`sphere ca init --pkcs11 URI`): the CA
 * folder holds `ca.pem` and `ca.pkcs11` (the key's URI, which never holds a PIN) instead of
 * `ca.key.pem`. `loadCaKey` gives either kind of CA as one thing that signs certificates and
 * packages, so issuing and default signing work the same with both.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { SignerError } from './errors';
import { DEV_CA, TOKEN_CA } from './format';
import { parseCertificate, type CertificateInfo } from './certificate';
import { createSelfSignedCertificateWith } from './x509';
import { loadDevCa, writeFileAtomic, type DevCaInfo } from './devca';
import { digestOf, sign, verifyDigest } from './ecdsa';
import { parsePkcs11Uri, type Pkcs11Uri } from './pkcs11-uri';
import { pkcs11PublicKey, pkcs11SignDigest } from './pkcs11';

/** A loaded CA of either kind: its certificate and a way to sign with its key. */
export interface CaKey {
  dir: string;
  certPath: string;
  certPem: string;
  certificate: CertificateInfo;
  /** `file` (ca.key.pem) or `pkcs11` (ca.pkcs11). */
  kind: 'file' | 'pkcs11';
  /** PEM of the key, for a file CA only. */
  keyPem?: string;
  /** The key's 32-byte scalar, for a file CA only (already checked against the certificate). */
  privateKey?: Uint8Array;
  /** URI of the key, for a token CA only. */
  uri?: Pkcs11Uri;
  /** Raw r‖s ECDSA P-256 signature over SHA-256(message) by the CA key. */
  signMessage(message: Uint8Array): Promise<Uint8Array>;
}

const _exists = (p: string): Promise<boolean> => fsp.stat(p).then(() => true, () => false);

export interface InitTokenCaOptions {
  dir: string;
  uri: string;
  env?: Readonly<Record<string, string | undefined>>;
  commonName?: string;
  force?: boolean;
  now?: Date;
}

/** Creates a CA whose key is the token key `uri` names: `ca.pem` self-signed inside the token, and `ca.pkcs11`. */
export async function initTokenCa(o: InitTokenCaOptions): Promise<DevCaInfo> {
  const uri = parsePkcs11Uri(o.uri);
  const certPath = join(o.dir, DEV_CA.certFile);
  const refPath = join(o.dir, TOKEN_CA.uriFile);
  const keyPath = join(o.dir, DEV_CA.keyFile);
  if (o.force !== true) {
    for (const p of [keyPath, refPath, certPath]) {
      if (await _exists(p)) throw new SignerError(`Cannot create development CA in "${o.dir}": "${p}" already exists. Use --force to replace it (images signed by the old CA will no longer verify against the new one).`, { code: 'CA_EXISTS', path: p });
    }
  }
  const p11 = { uri, ...(o.env ? { env: o.env } : {}) };
  const publicKey = await pkcs11PublicKey(p11);
  const now = new Date(Math.floor((o.now ?? new Date()).getTime() / 1000) * 1000);
  const notAfter = new Date(now.getTime());
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + DEV_CA.validityYears);
  const certPem = await createSelfSignedCertificateWith({
    publicKey,
    subject: { commonName: o.commonName ?? DEV_CA.defaultCommonName, organization: DEV_CA.defaultOrganization },
    notBefore: now,
    notAfter,
    isCa: true,
    signMessage: async (m) => {
      const digest = digestOf(m);
      const raw = await pkcs11SignDigest(p11, digest);
      if (!verifyDigest(digest, raw, publicKey)) throw new SignerError(`Cannot create development CA with "${uri.text}": the token's signature does not verify with its own public key. Check that object= and id= name one key pair.`, { code: 'KEY_CERT_MISMATCH' });
      return raw;
    },
  });
  await fsp.mkdir(o.dir, { recursive: true, mode: DEV_CA.dirMode });
  await writeFileAtomic(refPath, uri.text + '\n', DEV_CA.certMode);
  await fsp.rm(keyPath, { force: true }); // --force over a file CA: its key is no longer the CA's
  await writeFileAtomic(certPath, certPem, DEV_CA.certMode);
  return { dir: o.dir, keyPath: refPath, certPath, certificate: parseCertificate(certPem) };
}

/** Loads the CA of `dir`, whichever kind it is; SignerError `CA_NOT_FOUND` (exit 3) when there is none. */
export async function loadCaKey(dir: string, env?: Readonly<Record<string, string | undefined>>): Promise<CaKey> {
  const refPath = join(dir, TOKEN_CA.uriFile);
  if (!(await _exists(join(dir, DEV_CA.keyFile))) && (await _exists(refPath))) {
    const certPath = join(dir, DEV_CA.certFile);
    let certPem: string;
    try {
      certPem = await fsp.readFile(certPath, 'utf8');
    } catch (cause) {
      throw new SignerError(`Cannot load development CA "${dir}": "${certPath}" does not exist. Run "sphere ca init --pkcs11 <uri>" again.`, { code: 'CA_NOT_FOUND', exitCode: 3, path: certPath, cause });
    }
    const uri = parsePkcs11Uri((await fsp.readFile(refPath, 'utf8')).trim());
    const p11 = { uri, ...(env ? { env } : {}) };
    return { dir, certPath, certPem, certificate: parseCertificate(certPem), kind: 'pkcs11', uri, signMessage: (m) => pkcs11SignDigest(p11, digestOf(m)) };
  }
  const ca = await loadDevCa(dir);
  return { dir, certPath: ca.certPath, certPem: ca.certPem, certificate: ca.certificate, kind: 'file', keyPem: ca.keyPem, privateKey: ca.privateKey, signMessage: (m) => Promise.resolve(sign(m, ca.privateKey)) };
}
