/**
 * The verifier's trust store (architecture decision 3): certificates known by the SHA-1
 * thumbprint an image names in its SG section (imagepackage spec §2.4), with the built-in entry
 * for the Azure Sphere SDK Test certificate so packages made by Microsoft's SDK verify. Image
 * verification (spec §2.5) returns a verdict; only misuse throws.
 */
import { SDK_TEST_CERT, SIGNATURE_LENGTH, THUMBPRINT_LENGTH } from './format';
import { verify, verifyAsync, type PrefixVerifier, type StreamVerifier } from './ecdsa';
import { assertPublicPoint } from './keys';
import { certificateKey, certificatesFromPem, parseCertificate } from './certificate';
import { fromHex, normalizeThumbprint } from './pem';

export interface TrustEntry {
  /** SHA-1 of the certificate DER, lower-case hex. */
  thumbprint: string;
  /** 65-byte uncompressed P-256 public point. */
  publicKey: Uint8Array;
  name: string;
  builtin: boolean;
}

export type SignatureVerdict =
  | { ok: true; signer: TrustEntry; thumbprint: string }
  | { ok: false; reason: 'UNKNOWN_SIGNER' | 'BAD_SIGNATURE'; thumbprint: string };

/** The built-in Azure Sphere SDK Test certificate entry (its public key only; the key is Microsoft's). */
export function sdkTestEntry(): TrustEntry {
  return { thumbprint: SDK_TEST_CERT.thumbprint, publicKey: fromHex(SDK_TEST_CERT.publicKey), name: SDK_TEST_CERT.name, builtin: true };
}

export class TrustStore {
  readonly #entries = new Map<string, TrustEntry>();

  /** `includeBuiltin: false` leaves out the SDK Test entry (a device without appDevelopment). */
  constructor(options: { includeBuiltin?: boolean } = {}) {
    if (options.includeBuiltin !== false) this.add(sdkTestEntry());
  }

  /** Every entry, in insertion order. */
  get entries(): TrustEntry[] {
    return [...this.#entries.values()];
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Add (or replace) an entry. */
  add(entry: TrustEntry): TrustEntry {
    assertPublicPoint(entry.publicKey);
    const e = { ...entry, thumbprint: normalizeThumbprint(entry.thumbprint, THUMBPRINT_LENGTH), publicKey: entry.publicKey.slice() };
    this.#entries.set(e.thumbprint, e);
    return e;
  }

  /** Add one certificate (PEM or DER); its name is the subject CN unless given. */
  addCertificate(cert: string | Uint8Array, name?: string): TrustEntry {
    const info = typeof cert === 'string' ? parseCertificate(cert) : undefined;
    const key = info ? { thumbprint: info.thumbprint, publicKey: info.publicKey, name: info.commonName ?? info.subject } : certificateKey(cert as Uint8Array);
    return this.add({ thumbprint: key.thumbprint, publicKey: key.publicKey, name: name ?? key.name, builtin: false });
  }

  /** Add every certificate of a PEM text (a file may hold several); returns the entries added. */
  addPem(pemText: string): TrustEntry[] {
    return certificatesFromPem(pemText).map((der) => this.addCertificate(der));
  }

  get(thumbprint: string | Uint8Array): TrustEntry | undefined {
    return this.#entries.get(normalizeThumbprint(thumbprint, THUMBPRINT_LENGTH));
  }

  has(thumbprint: string | Uint8Array): boolean {
    return this.get(thumbprint) !== undefined;
  }

  delete(thumbprint: string | Uint8Array): boolean {
    return this.#entries.delete(normalizeThumbprint(thumbprint, THUMBPRINT_LENGTH));
  }
}

/** The signer a thumbprint names, or the UNKNOWN_SIGNER verdict; a signature of the wrong size is misuse. */
function _signerFor(store: TrustStore, thumbprint: string | Uint8Array, signature: Uint8Array): { hex: string; signer?: TrustEntry } {
  const hex = normalizeThumbprint(thumbprint, THUMBPRINT_LENGTH);
  if (signature.length !== SIGNATURE_LENGTH) throw new RangeError(`An image signature is ${SIGNATURE_LENGTH} bytes, got ${signature.length}`);
  const signer = store.get(hex);
  return signer === undefined ? { hex } : { hex, signer };
}

function _verdict(hex: string, signer: TrustEntry | undefined, ok: boolean): SignatureVerdict {
  if (signer === undefined) return { ok: false, reason: 'UNKNOWN_SIGNER', thumbprint: hex };
  return ok ? { ok: true, signer, thumbprint: hex } : { ok: false, reason: 'BAD_SIGNATURE', thumbprint: hex };
}

/**
 * Check an image signature: `signedBytes` is every byte of the package before the trailing
 * 64-byte raw r‖s `signature`; `thumbprint` is the SG section's signingCertThumbprint.
 */
export function verifyImageSignature(
  store: TrustStore,
  thumbprint: string | Uint8Array,
  signedBytes: Uint8Array,
  signature: Uint8Array,
): SignatureVerdict {
  const { hex, signer } = _signerFor(store, thumbprint, signature);
  return _verdict(hex, signer, signer !== undefined && verify(signedBytes, signature, signer.publicKey));
}

/** `verifyImageSignature` for signed bytes already fed, in order, to `stream`. */
export function verifyImageSignatureStreamed(store: TrustStore, thumbprint: string | Uint8Array, stream: Pick<StreamVerifier, 'verify'>, signature: Uint8Array): SignatureVerdict {
  const { hex, signer } = _signerFor(store, thumbprint, signature);
  return _verdict(hex, signer, signer !== undefined && stream.verify(signature, signer.publicKey));
}

/**
 * `verifyImageSignature` with the hashing and the ECDSA check on the thread pool — or, when
 * `prefix` has been hashing these very bytes as they were read, finished by it.
 */
export async function verifyImageSignatureAsync(
  store: TrustStore,
  thumbprint: string | Uint8Array,
  signedBytes: Uint8Array,
  signature: Uint8Array,
  prefix?: PrefixVerifier,
): Promise<SignatureVerdict> {
  const { hex, signer } = _signerFor(store, thumbprint, signature);
  if (signer === undefined) return _verdict(hex, signer, false);
  if (prefix?.covers(signedBytes)) return _verdict(hex, signer, prefix.verify(signedBytes, signature, signer.publicKey));
  return _verdict(hex, signer, await verifyAsync(signedBytes, signature, signer.publicKey));
}
