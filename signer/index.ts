/**
 * signer/ public face: P-256 keys, deterministic ECDSA signing and fast verification of image
 * signatures (imagepackage spec §2.4, §2.5), X.509 certificates and the development CA, the
 * `Signer` the packer calls, and the verifier's trust store (architecture decisions 2–5).
 * Other folders import only from here.
 */
export { SignerError } from './errors';
export {
  DIGEST_LENGTH,
  PUBLIC_POINT_LENGTH,
  SDK_TEST_CERT,
  SIGNATURE_LENGTH,
  SIGNING_TYPE,
  SIGN_COMMAND_ENV,
  THUMBPRINT_LENGTH,
  DEV_CA,
  PKCS11,
  CA_RECORDS,
  TOKEN_CA,
} from './format';
export {
  generateKeyPair,
  isPublicPoint,
  privateKeyFromPem,
  privateKeyToPem,
  publicKeyToPem,
  publicPointFromPem,
  publicPointFromPrivateKey,
  type KeyPair,
} from './keys';
export { derToRaw, digestOf, parseSignature, PrefixVerifier, rawToDer, StreamVerifier, sign, signDigest, verify, verifyAsync, verifyDigest } from './ecdsa';
export { certificateThumbprint, certificatesFromPem, parseCertificate, type CertificateInfo } from './certificate';
export type { DistinguishedName } from './names';
export {
  createSelfSignedCertificate,
  createSelfSignedCertificateWith,
  issueCertificateWith,
  type MessageSigner,
  issueCertificate,
  type CertificateOptions,
  type ExtendedKeyUsage,
  type IssueOptions,
  type SelfSignedOptions,
} from './x509';
export {
  defaultCaDir,
  initDevCa,
  issueSigningCert,
  loadDevCa,
  type DevCa,
  type DevCaInfo,
  type InitDevCaOptions,
  type IssueSigningCertOptions,
} from './devca';
export { commandSigner, fileSigner, keySigner, presignedSigner, type CommandSignerOptions, type Signer } from './signers';
export { TrustStore, sdkTestEntry, verifyImageSignature, verifyImageSignatureAsync, verifyImageSignatureStreamed, type SignatureVerdict, type TrustEntry } from './trust';
export { parsePemBlocks, toPem, type PemBlock } from './pem';
export { parsePkcs11Uri, type Pkcs11Uri } from './pkcs11-uri';
export { pkcs11PublicKey, pkcs11SignDigest, pkcs11Signer, type Pkcs11Options } from './pkcs11';
export { certificateSignedParts, followChain, issuedBy, verifyDerSignature, type ChainLink, type ChainOptions, type ChainVerdict } from './chain';
export { caRecordsSync, issueToCa, listIssued, loadRevoked, revokeInCa, type IssueToCaOptions, type IssuedCertificate } from './ca-records';
export { initTokenCa, loadCaKey, type CaKey, type InitTokenCaOptions } from './token-ca';
