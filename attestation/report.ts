/**
 * Making an attestation report (emulator/README.md "Attestation"): the claims a device states
 * about itself, bound to a verifier's nonce, signed ES256 by its identity key, with the identity
 * certificate and the manufacturer root in `x5c` (RFC 7515 §4.1.6: standard base64 DER).
 */
import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { privateKeyToPem } from '../signer/index';
import { b64url, encodeJws } from './jws';
import { CLAIM, DBGSTAT, DEBUG_CAPABILITIES, EAT_PROFILE, JWS_ALG, JWT_TYP, NONCE_MAX_BYTES, NONCE_MIN_BYTES, UEID_TYPE_RAND } from './format';

export interface ReportMeasurement {
  componentId: string;
  imageId: string;
  imageType: number;
  sha256: string;
  securityVersion?: number;
}

export interface ReportInput {
  nonce: Uint8Array;
  deviceId: string;
  /** 65-byte uncompressed identity public point. */
  identityPublicKey: Uint8Array;
  identityPrivateKey: Uint8Array;
  /** DER of the identity certificate and of the manufacturer root. */
  chain: [Uint8Array, Uint8Array];
  /** Unix seconds. */
  issuedAt: number;
  securityState: string;
  osVersion: string;
  capabilities: readonly number[];
  measurements: readonly ReportMeasurement[];
  bootDigest: string;
  securityVersions: Readonly<Record<string, number>>;
}

/** RFC 9711 UEID of a device: type RAND, then SHA-256 of its public key x‖y. */
export function ueidOf(publicKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(33);
  out[0] = UEID_TYPE_RAND;
  out.set(createHash('sha256').update(publicKey.subarray(1)).digest(), 1);
  return out;
}

export function checkNonce(nonce: Uint8Array): void {
  if (nonce.length < NONCE_MIN_BYTES || nonce.length > NONCE_MAX_BYTES) throw new RangeError(`a nonce is ${NONCE_MIN_BYTES} to ${NONCE_MAX_BYTES} bytes, got ${nonce.length}`);
}

/** The claims of a report, in the order they are written. */
export function reportClaims(r: ReportInput): Record<string, unknown> {
  checkNonce(r.nonce);
  const debug = r.capabilities.some((c) => (DEBUG_CAPABILITIES as readonly number[]).includes(c));
  return {
    [CLAIM.profile]: EAT_PROFILE,
    [CLAIM.nonce]: b64url(r.nonce),
    [CLAIM.ueid]: b64url(ueidOf(r.identityPublicKey)),
    [CLAIM.issuedAt]: r.issuedAt,
    [CLAIM.debugStatus]: debug ? DBGSTAT.enabled : DBGSTAT.disabled,
    [CLAIM.deviceId]: r.deviceId,
    [CLAIM.securityState]: r.securityState,
    [CLAIM.osVersion]: r.osVersion,
    [CLAIM.capabilities]: [...r.capabilities],
    [CLAIM.measurements]: r.measurements.map((m) => ({ ...m })),
    [CLAIM.bootDigest]: r.bootDigest,
    [CLAIM.securityVersions]: { ...r.securityVersions },
  };
}

/** Signs a report: a compact JWS whose header carries the chain. */
export function createReport(r: ReportInput): string {
  const header = { alg: JWS_ALG, typ: JWT_TYP, x5c: r.chain.map((der) => Buffer.from(der).toString('base64')) };
  // node:crypto's ECDSA (random k) rather than the deterministic signer: a report is never meant to be reproducible, and this is 10-100x faster.
  const key = createPrivateKey(privateKeyToPem(r.identityPrivateKey));
  return encodeJws(header, reportClaims(r), (input) => new Uint8Array(nodeSign('sha256', input, { key, dsaEncoding: 'ieee-p1363' })));
}
