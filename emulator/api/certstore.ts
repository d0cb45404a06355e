/**
 * The device certificate store (spec/device-rest-api.md §4.4): client certificates with their
 * private keys and root CAs, used by EAP-TLS Wi-Fi networks. Adding under an identifier in use replaces that certificate. Identifiers are 1–16 characters of
 * `[A-Za-z0-9._-]`; PEM fields at most 8192 characters, passwords 256; a root CA carries neither
 * key nor password; a client certificate's key must match it; the store holds CERT_STORE_BYTES.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { certIdentifierProblem, FIELD_LIMIT, type AddCertRequest, type CertInfo } from '../../sideload/protocol/index';
import type { Device } from '../device';
import { fault } from '../fault';
import { CERT_STORE_BYTES } from '../limits';
import type { CertRecord, DeviceState } from '../state';

export function checkCertIdentifier(id: string): void {
  const p = certIdentifierProblem(id);
  if (p) fault(p);
}

function usedBytes(s: DeviceState): number {
  return Object.values(s.certs).reduce((n, c) => n + c.publicCert.length + (c.privateKey?.length ?? 0), 0);
}

/** What the store keeps for itself: an empty board store reports 24514 of its 24 KiB free (GET /certstore/space). */
export const CERT_STORE_RESERVED_BYTES = 62;

export function availableSpace(d: Device): number {
  return Math.max(0, CERT_STORE_BYTES - CERT_STORE_RESERVED_BYTES - usedBytes(d.state));
}

/** "/CN=x/O=y", the form the device reports names in. */
function slashName(rfc2253Lines: string): string {
  return rfc2253Lines.split('\n').filter(Boolean).map((l) => '/' + l).join('');
}

function isoNoZone(text: string): string {
  return new Date(text).toISOString().slice(0, 19);
}

function parsePublic(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    return fault('INVALID_ARGUMENT', 'publicCert is not a PEM certificate');
  }
}

/** Validates and stores a certificate; the body was already checked to be a JSON object. */
export function addCertificate(d: Device, id: string, body: Record<string, unknown>): void {
  checkCertIdentifier(id);
  const type = typeof body['certType'] === 'string' ? body['certType'].toLowerCase() : undefined;
  if (type !== 'client' && type !== 'rootca') fault('INVALID_ARGUMENT', 'certType must be "Client" or "RootCA"');
  const req = body as Partial<Record<keyof AddCertRequest, unknown>>;
  if (typeof req.publicCert !== 'string' || req.publicCert.length === 0) fault('INVALID_ARGUMENT', 'publicCert is required');
  for (const [k, max] of [['publicCert', FIELD_LIMIT.certPemMax], ['privateKey', FIELD_LIMIT.certPemMax], ['password', FIELD_LIMIT.certPasswordMax]] as const) {
    const v = req[k];
    if (v !== undefined && typeof v !== 'string') fault('INVALID_ARGUMENT', `${k} must be a string`);
    if (typeof v === 'string' && v.length > max) fault('INVALID_ARGUMENT', `${k} is longer than ${max} characters`);
  }
  const cert = parsePublic(req.publicCert);
  const privateKey = req.privateKey as string | undefined;
  const password = req.password as string | undefined;
  if (type === 'rootca') {
    if (privateKey) fault('CERT_ROOT_WITH_KEY');
    if (password) fault('CERT_ROOT_WITH_PASSWORD');
  } else {
    if (!privateKey) fault('INVALID_ARGUMENT', 'a client certificate needs privateKey');
    let key: KeyObject;
    try {
      key = createPrivateKey(password ? { key: privateKey, passphrase: password } : { key: privateKey });
    } catch {
      return fault('INVALID_ARGUMENT', 'privateKey cannot be read (wrong password or not a PEM key)');
    }
    if (!cert.checkPrivateKey(key)) fault('CERT_KEY_MISMATCH');
  }
  const rec: CertRecord = { certType: type === 'rootca' ? 'RootCA' : 'Client', publicCert: req.publicCert, at: d.now(), ...(privateKey ? { privateKey } : {}) };
  // An identifier in use is overwritten, as on a board (certificate IDs are device-wide; a new one replaces the old).
  const old = d.state.certs[id];
  const freed = old ? old.publicCert.length + (old.privateKey?.length ?? 0) : 0;
  const size = rec.publicCert.length + (rec.privateKey?.length ?? 0);
  if (size > availableSpace(d) + freed) fault('CERT_STORE_FULL');
  d.mutate((s) => { s.certs[id] = rec; });
}

export function certInfo(d: Device, id: string): CertInfo {
  checkCertIdentifier(id);
  const rec = d.state.certs[id];
  if (!rec) fault('CERT_NOT_FOUND');
  const c = new X509Certificate(rec.publicCert);
  return { id, notBefore: isoNoZone(c.validFrom), notAfter: isoNoZone(c.validTo), subjectName: slashName(c.subject), issuerName: slashName(c.issuer) };
}

export function removeCertificate(d: Device, id: string): void {
  checkCertIdentifier(id);
  if (!d.state.certs[id]) fault('CERT_NOT_FOUND');
  d.mutate((s) => { delete s.certs[id]; });
}
