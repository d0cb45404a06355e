/**
 * The device's side of attestation (emulator/README.md "Attestation"): its report on a verifier's
 * nonce (attestation/report.ts claims from the device state: measured boot, capabilities, security
 * versions), its device certificate from the Security Service (service/device-auth.ts), and the
 * whole security state that `sphere device show-security-state` prints.
 */
import { createReport } from '../attestation/index';
import { certificatesFromPem, parseCertificate, privateKeyToPem } from '../signer/index';
import type { DeviceState } from './state';
import type { Identity } from './service/index';
import { OS_VERSION } from './limits';
import { existsSync } from 'node:fs';
import { currentDeviceCertificate, deviceCertPath, deviceCertificateFresh, ensureDeviceCertificate, readAttestationRecord, type DeviceAuthFacts, type DeviceCertificate } from './service/device-auth';

export const SECURITY_STATE = 'SECURE';

/** What attestation reads of the device (device.ts's Device provides it). */
export interface AttestingDevice {
  readonly stateDir: string;
  readonly deviceId: string;
  readonly identity: Identity;
  readonly identityCertPem: string;
  readonly manufacturerRootPem: string;
  readonly now: () => number;
  readonly state: DeviceState;
  readonly bootFailures: ReadonlyMap<string, string>;
}

/** A signed report of what the device runs, bound to `nonce`. */
export function deviceReport(d: AttestingDevice, nonce: Uint8Array): string {
  const m = d.state.measuredBoot ?? { log: [], digest: '00'.repeat(32) };
  const [leaf] = certificatesFromPem(d.identityCertPem);
  const [root] = certificatesFromPem(d.manufacturerRootPem);
  return createReport({
    nonce, deviceId: d.deviceId, identityPublicKey: d.identity.key.publicKey, identityPrivateKey: d.identity.key.privateKey,
    chain: [leaf!, root!], issuedAt: Math.floor(d.now() / 1000), securityState: SECURITY_STATE, osVersion: OS_VERSION,
    capabilities: d.state.capabilities, measurements: m.log, bootDigest: m.digest, securityVersions: d.state.securityVersions,
  });
}

export function deviceAuthFacts(d: AttestingDevice): DeviceAuthFacts {
  return {
    stateDir: d.stateDir, deviceId: d.deviceId, publicKey: d.identity.key.publicKey, manufacturerRootPem: d.manufacturerRootPem,
    now: d.now, report: (nonce) => deviceReport(d, nonce),
  };
}

/** The device certificate, attesting to the Security Service first when none is held or it is due for renewal. */
export function deviceCertificate(d: AttestingDevice): DeviceCertificate | undefined {
  return ensureDeviceCertificate(deviceAuthFacts(d));
}

/**
 * What an app's mutual TLS presents (DeviceAuth_CurlSslFunc): the device certificate and the
 * identity key it certifies, for the host's handshake only (never handed to an app).
 */
export function deviceTlsCredentials(d: AttestingDevice): { cert: string; key: string } | undefined {
  const cert = deviceCertificate(d);
  return cert ? { cert: cert.certPem, key: privateKeyToPem(d.identity.key.privateKey) } : undefined;
}

/** Whether apps may use the device certificate now (Application_IsDeviceAuthReady). */
export function deviceAuthReady(d: AttestingDevice): boolean {
  return currentDeviceCertificate({ stateDir: d.stateDir, now: d.now }) !== undefined;
}

/** Whether a certificate was ever issued to this device (even an expired one). */
export function deviceCertificateHeld(d: AttestingDevice): boolean {
  return existsSync(deviceCertPath(d.stateDir));
}

/** Whether the device should attest to the Security Service now (no certificate, or one due for renewal). */
export function deviceCertificateDue(d: AttestingDevice): boolean {
  return !deviceCertificateFresh({ stateDir: d.stateDir, now: d.now });
}

/** Everything `sphere device show-security-state` reports. */
export function securityStateView(d: AttestingDevice): Record<string, unknown> {
  const cert = deviceCertificate(d);
  const m = d.state.measuredBoot;
  const installed = Object.values(d.state.images).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  const staged = Object.values(d.state.staged);
  const identity = parseCertificate(d.identityCertPem);
  return {
    securityState: SECURITY_STATE,
    deviceId: d.deviceId,
    capabilities: [...d.state.capabilities],
    osVersion: OS_VERSION,
    identityCertificate: { subject: identity.subject, issuer: identity.issuer, notAfter: identity.notAfter.toISOString() },
    measuredBootDigest: m?.digest ?? null,
    lastAttestation: readAttestationRecord(d.stateDir) ?? null,
    deviceCertificate: cert ? { subject: cert.subject, notBefore: cert.notBefore, notAfter: cert.notAfter } : null,
    images: installed.map((r) => ({
      componentId: r.componentId, imageId: r.imageId, imageType: r.imageType, name: r.name,
      trust: d.bootFailures.has(r.componentId) ? `failed: ${d.bootFailures.get(r.componentId)}` : `verified (signed by ${r.thumbprint})`,
      securityVersion: r.securityVersion ?? null,
      highestSecurityVersion: d.state.securityVersions[r.componentId] ?? null,
      measurement: m?.log.find((x) => x.componentId === r.componentId)?.sha256 ?? null,
    })),
    securityVersions: { ...d.state.securityVersions },
    update: {
      staged: staged.map((r) => ({ componentId: r.componentId, imageId: r.imageId, name: r.name, securityVersion: r.securityVersion ?? null })),
      restartRequired: d.state.restartRequired,
    },
  };
}
