/**
 * Device authentication through the emulator's Security Service (emulator/README.md
 * "Attestation"): the device attests to the service (a report on the service's own nonce, verified
 * offline against the manufacturer root, like any verifier would), and on success the service
 * issues an X.509 certificate for the device's identity key — 24 h, CN = the device ID, EKU
 * clientAuth, chained to the service's CA — renewed when less than a quarter of it is left.
 * Files in the state folder:
 *   security-service-ca.key.pem, security-service-ca.pem   the service's device CA
 *   deviceauth/device.cert.pem                             the current device certificate
 *   deviceauth/attestation.json                            the last attestation: time, verdict
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { verifyReport, type Reason } from '../../attestation/index';
import {
  createSelfSignedCertificate, generateKeyPair, issueCertificate, parseCertificate, privateKeyFromPem, privateKeyToPem,
} from '../../signer/index';
import { writeAtomic } from '../flash';

export const DEVICE_AUTH_FILES = {
  caKey: 'security-service-ca.key.pem', ca: 'security-service-ca.pem',
  dir: 'deviceauth', cert: 'device.cert.pem', record: 'attestation.json',
} as const;

export const DEVICE_CERT_HOURS = 24;
/** Renewed once less than this share of its validity is left. */
const RENEW_FRACTION = 0.25;
const HOUR_MS = 3_600_000;

export interface AttestationRecord {
  /** ISO time of the attestation. */
  at: string;
  verdict: 'ok' | Reason;
  message?: string;
}

export interface DeviceCertificate {
  certPem: string;
  caPem: string;
  subject: string;
  notBefore: string;
  notAfter: string;
}

export interface DeviceAuthFacts {
  stateDir: string;
  deviceId: string;
  publicKey: Uint8Array;
  manufacturerRootPem: string;
  now: () => number;
  /** The device's report on a nonce (emulator/attest.ts). */
  report: (nonce: Uint8Array) => string;
}

function _loadOrCreateCa(stateDir: string, deviceId: string, now: number): { pem: string; key: Uint8Array } {
  const keyPath = join(stateDir, DEVICE_AUTH_FILES.caKey), caPath = join(stateDir, DEVICE_AUTH_FILES.ca);
  let key: Uint8Array;
  if (existsSync(keyPath)) key = privateKeyFromPem(readFileSync(keyPath, 'utf8'));
  else { key = generateKeyPair().privateKey; writeAtomic(keyPath, privateKeyToPem(key), 0o600); }
  if (existsSync(caPath)) return { pem: readFileSync(caPath, 'utf8'), key };
  const pem = createSelfSignedCertificate({
    privateKey: key, subject: { commonName: `Sphere Emulator Security Service CA ${deviceId.slice(0, 16)}`, organization: 'Spherekit' },
    notBefore: new Date(now - 24 * HOUR_MS), notAfter: new Date(now + 30 * 365 * 24 * HOUR_MS), isCa: true, pathLength: 0,
  });
  writeAtomic(caPath, pem);
  return { pem, key };
}

function _view(certPem: string, caPem: string): DeviceCertificate {
  const c = parseCertificate(certPem);
  return { certPem, caPem, subject: c.subject, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString() };
}

export function deviceCertPath(stateDir: string): string {
  return join(stateDir, DEVICE_AUTH_FILES.dir, DEVICE_AUTH_FILES.cert);
}

export function readAttestationRecord(stateDir: string): AttestationRecord | undefined {
  try { return JSON.parse(readFileSync(join(stateDir, DEVICE_AUTH_FILES.dir, DEVICE_AUTH_FILES.record), 'utf8')) as AttestationRecord; } catch { return undefined; }
}

/** The current device certificate, if one is held and valid now (read only: makes nothing). */
export function currentDeviceCertificate(f: Pick<DeviceAuthFacts, 'stateDir' | 'now'>): DeviceCertificate | undefined {
  const p = deviceCertPath(f.stateDir), ca = join(f.stateDir, DEVICE_AUTH_FILES.ca);
  if (!existsSync(p) || !existsSync(ca)) return undefined;
  const view = _view(readFileSync(p, 'utf8'), readFileSync(ca, 'utf8'));
  const now = f.now();
  return Date.parse(view.notBefore) <= now && Date.parse(view.notAfter) > now ? view : undefined;
}

/** Whether the held certificate (if any) has more than a quarter of its validity left. */
export function deviceCertificateFresh(f: Pick<DeviceAuthFacts, 'stateDir' | 'now'>): boolean {
  const held = currentDeviceCertificate(f);
  return held !== undefined && Date.parse(held.notAfter) - f.now() > RENEW_FRACTION * DEVICE_CERT_HOURS * HOUR_MS;
}

/**
 * Attests to the Security Service and gets a device certificate, unless the one held has more
 * than a quarter of its validity left. Returns the certificate, or undefined when attestation failed.
 */
export function ensureDeviceCertificate(f: DeviceAuthFacts, o: { force?: boolean } = {}): DeviceCertificate | undefined {
  const now = f.now();
  const held = currentDeviceCertificate(f);
  if (held && !o.force && deviceCertificateFresh(f)) return held;
  mkdirSync(join(f.stateDir, DEVICE_AUTH_FILES.dir), { recursive: true });
  const nonce = new Uint8Array(randomBytes(32));
  const verdict = verifyReport(f.report(nonce), { nonce, trust: [f.manufacturerRootPem], now });
  const record: AttestationRecord = verdict.ok ? { at: new Date(now).toISOString(), verdict: 'ok' } : { at: new Date(now).toISOString(), verdict: verdict.reason, message: verdict.message };
  writeAtomic(join(f.stateDir, DEVICE_AUTH_FILES.dir, DEVICE_AUTH_FILES.record), JSON.stringify(record, null, 2) + '\n');
  if (!verdict.ok) return held;
  const ca = _loadOrCreateCa(f.stateDir, f.deviceId, now);
  const certPem = issueCertificate({
    issuer: { certPem: ca.pem, privateKey: ca.key }, publicKey: f.publicKey,
    subject: { commonName: f.deviceId, organization: 'Spherekit', organizationalUnit: 'Emulated device authentication' },
    notBefore: new Date(now), notAfter: new Date(now + DEVICE_CERT_HOURS * HOUR_MS), extendedKeyUsage: ['clientAuth'],
  });
  writeAtomic(deviceCertPath(f.stateDir), certPem);
  return _view(certPem, ca.pem);
}
