/**
 * Wire constants of the attestation report (emulator/README.md "Attestation"): a JWT in JWS compact
 * serialisation (RFC 7515 §7.1), alg ES256 (RFC 7518 §3.4: raw r‖s, 64 bytes), an `x5c` chain
 * (identity certificate, then the manufacturer root), and claims following the Entity Attestation
 * Token (RFC 9711) where one fits, plus documented `sphere_*` claims of ours. Every value lives here;
 * test/attestation/format.test.ts locks each one.
 */

export const JWS_ALG = 'ES256';
export const JWT_TYP = 'JWT';
/** The three base64url parts of a compact JWS. */
export const JWS_SEGMENTS = 3;
export const ES256_SIGNATURE_BYTES = 64;

/** Verifier-supplied nonce: 8 to 64 bytes (RFC 9711 §4.1: eat_nonce is 8 to 64 bytes). */
export const NONCE_MIN_BYTES = 8;
export const NONCE_MAX_BYTES = 64;
/** Random nonce length when the user gives none. */
export const NONCE_DEFAULT_BYTES = 32;

/** A report is a few KiB; anything far larger is refused before any parsing. */
export const MAX_REPORT_BYTES = 256 * 1024;
/** The x5c chain is the identity certificate and the root. */
export const X5C_LENGTH = 2;

/** Default freshness window of `attestation verify`, and the clock skew tolerated for a report from the future. */
export const DEFAULT_MAX_AGE_SECONDS = 300;
export const MAX_CLOCK_SKEW_SECONDS = 60;

/** The profile this report follows (RFC 9711 §4.3.2 eat_profile, a URI). */
export const EAT_PROFILE = 'tag:spherekit.dev,2026:attestation/v1';

/** RFC 9711 §4.2.1 UEID type byte: 0x01 = RAND; ours is 0x01 ‖ SHA-256 of the identity public key (x‖y). */
export const UEID_TYPE_RAND = 0x01;

/** RFC 9711 §4.2.9 dbgstat values used: debugging possible (a development or field-servicing device) or not. */
export const DBGSTAT = { enabled: 0, disabled: 1 } as const;

/** Claim names (RFC 9711 names where one fits; `sphere_*` are ours). */
export const CLAIM = {
  nonce: 'eat_nonce',
  ueid: 'ueid',
  issuedAt: 'iat',
  debugStatus: 'dbgstat',
  profile: 'eat_profile',
  deviceId: 'sphere_device_id',
  securityState: 'sphere_security_state',
  osVersion: 'sphere_os_version',
  capabilities: 'sphere_capabilities',
  measurements: 'sphere_measurements',
  bootDigest: 'sphere_boot_digest',
  securityVersions: 'sphere_security_versions',
} as const;

/** Why a report does not hold (`attestation verify` prints one). */
export const REASONS = [
  'MALFORMED', 'UNSUPPORTED_ALGORITHM', 'BAD_SIGNATURE', 'UNTRUSTED_CHAIN', 'NONCE_MISMATCH', 'STALE', 'DIGEST_MISMATCH',
  'UNEXPECTED_IMAGE', 'ROLLBACK',
] as const;
export type Reason = (typeof REASONS)[number];

/** Device capability numbers the debug status comes from (spec/device-rest-api.md: 11 appDevelopment, 13 fieldServicing). */
export const DEBUG_CAPABILITIES = [11, 13] as const;
