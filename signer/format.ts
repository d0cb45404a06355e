/**
 * Wire-format constants of the signer: signature and thumbprint sizes, the signing type written
 * in the `SG` metadata section (imagepackage spec §2.4, §2.5), the built-in trust entry for the
 * Azure Sphere SDK Test certificate, X.509 object identifiers, and the file and environment
 * names of the development CA and the signing hook. Every value is locked by
 * test/signer/format.test.ts; no other file of signer/ spells these numbers inline.
 */

/** Raw ECDSA P-256 signature: r (32 bytes, big-endian) then s (32 bytes). Spec §2.5. */
export const SIGNATURE_LENGTH = 64;
/** One coordinate or scalar of P-256. */
export const SCALAR_LENGTH = 32;
/** SHA-256 digest, the value actually signed. */
export const DIGEST_LENGTH = 32;
/** SEC1 uncompressed public point 04‖x‖y. */
export const PUBLIC_POINT_LENGTH = 65;
export const PUBLIC_POINT_PREFIX = 0x04;
/** SHA-1 of the signing certificate's DER. Spec §2.4. */
export const THUMBPRINT_LENGTH = 20;

/** `signingType` (u32) of the SG section. Spec §2.4. */
export const SIGNING_TYPE = {
  INVALID: 0,
  ECDSA256: 1,
  ECDSA384: 2,
} as const;

/** The order n of the P-256 group: r and s must lie in [1, n-1]. */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
/** P-256 field prime p = 2^256 − 2^224 + 2^192 + 2^96 − 1 and curve coefficient b (y² = x³ − 3x + b), SEC 2 §2.4.2. */
export const P256_PRIME = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
export const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
/** The P-256 base point G (SEC 2 §2.4.2). */
export const P256_GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
export const P256_GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;

/** Key of the certificate Microsoft's SDK signs every locally packed image with. Spec §2.4. */
export const SDK_TEST_CERT = {
  name: 'Azure Sphere SDK Test',
  thumbprint: 'a8d5cc6958f48710140d7a26160fc1cfc31f5df0',
  publicKey:
    '04edf233c00d31141d8f3f56334340ccd8c169fb67e2ec564bf8a5ef586b1c3f7b' +
    'c188ca208701e6d7c7756a132638fe98c9a02007403de5c422e6a7e826a4bd24',
} as const;

/** Dotted object identifiers used in the certificates we write. */
export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
} as const;

/** keyUsage bit positions (RFC 5280 §4.2.1.3); bit 0 is the most significant bit. */
export const KEY_USAGE_BIT = {
  digitalSignature: 0,
  keyEncipherment: 2,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

/** X.509 version field value for v3 certificates. */
export const X509_VERSION_3 = 2;
/** Years from 2050 on are written as GeneralizedTime, earlier ones as UTCTime (RFC 5280 §4.1.2.5). */
export const UTC_TIME_END_YEAR = 2050;
export const UTC_TIME_START_YEAR = 1950;
/** Length in bytes of the serial numbers we derive (positive, at most 20 allowed). */
export const SERIAL_LENGTH = 16;

/** Development CA on disk. */
export const DEV_CA = {
  keyFile: 'ca.key.pem',
  certFile: 'ca.pem',
  keyMode: 0o600,
  certMode: 0o644,
  dirMode: 0o700,
  validityYears: 20,
  defaultCommonName: 'Sphere Development CA',
  defaultOrganization: 'Spherekit',
  envDir: 'SPHERE_CA_DIR',
  envXdg: 'XDG_CONFIG_HOME',
} as const;

/** Environment handed to a signing hook (`--sign-command`). */
export const SIGN_COMMAND_ENV = {
  digestHex: 'SPHERE_DIGEST_HEX',
  digestFile: 'SPHERE_DIGEST_FILE',
} as const;
/** Default time a signing hook may take before it is killed. */
export const SIGN_COMMAND_TIMEOUT_MS = 120_000;

/** Signing through a PKCS#11 token with OpenSC's pkcs11-tool (`--pkcs11 <uri>`). */
export const PKCS11 = {
  /** Where the PIN is read from when the URI has no pin-source. */
  pinEnv: 'SPHERE_PKCS11_PIN',
  /** The variable the PIN reaches pkcs11-tool in (`--pin env:<name>`), never its argv. */
  childPinEnv: 'SPHERE_PKCS11_CHILD_PIN',
  tool: 'pkcs11-tool',
  /** Module used when the URI has no module-path (OpenSC's p11-kit proxy default). */
  defaultModule: '/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so',
  timeoutMs: 60_000,
} as const;

/** The development CA's records of the certificates it issued and revoked. */
export const CA_RECORDS = {
  revokedFile: 'revoked.json',
  keySuffix: '.key.pem',
  certSuffix: '.pem',
} as const;

/** A development CA whose key is in a PKCS#11 token: the file naming the key instead of ca.key.pem. */
export const TOKEN_CA = {
  uriFile: 'ca.pkcs11',
} as const;
