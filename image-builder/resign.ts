/**
 * Signing a package that already exists (spec/imagepackage.md §2.4, §2.5): the signing request
 * a key holder reviews (digest of exactly the signed bytes, identity, capabilities, manifest
 * hash), attaching a signature made elsewhere, and re-signing with another signer. Only the SG
 * section's thumbprint and the trailing signature change; payload and every other section stay
 * byte for byte.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from './errors';
import { IMAGE_TYPE, SECTION, SECTION_HEADER_SIZE, THUMBPRINT_SIZE } from './format';
import { putU32 } from './bytes';
import { readPackage, manifestText, type PackageView } from './package';
import type { PackageSigner } from './pack';

/** The algorithm a signing request names: ECDSA P-256 over the SHA-256 digest given. */
export const SIGNING_ALGORITHM = 'ecdsa-p256-sha256';

/** Per capability, the values it grants as strings (a GPIO number, a host, a port, `true`). */
export function capabilitySummary(view: PackageView): Record<string, string[]> {
  const text = manifestText(view);
  if (text === undefined) return {};
  let caps: unknown;
  try {
    caps = (JSON.parse(text) as { Capabilities?: unknown }).Capabilities;
  } catch {
    return {};
  }
  const out: Record<string, string[]> = {};
  if (caps === null || typeof caps !== 'object') return out;
  for (const [k, v] of Object.entries(caps as Record<string, unknown>)) {
    const items = Array.isArray(v) ? v : [v];
    out[k] = items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i)));
  }
  return out;
}

export interface SigningRequest {
  digest: string;
  algorithm: typeof SIGNING_ALGORITHM;
  thumbprint: string;
  componentId: string;
  imageId: string;
  imageType: number;
  imageTypeName: string;
  name: string | undefined;
  securityVersion: number;
  capabilities: Record<string, string[]>;
  manifestSha256: string | null;
  /** False when the signature trailer holds only zeros (written by `pack --unsigned`). */
  signed: boolean;
}

function _viewOf(bytes: Uint8Array, file: string): PackageView {
  const view = readPackage(bytes);
  if (!view.metadata.identity || !view.metadata.signature) {
    throw new ValidationError(`Cannot sign package "${file}": it lacks its ${view.metadata.identity ? 'Signature' : 'Identity'} section. Pack it again with sphere image pack.`, { code: 'BAD_METADATA', path: file });
  }
  return view;
}

/** What a key holder reviews before signing: the digest and what the package is. */
export function signingRequest(bytes: Uint8Array, file: string): SigningRequest {
  const view = _viewOf(bytes, file);
  const id = view.metadata.identity!;
  const manifest = manifestText(view);
  return {
    digest: createHash('sha256').update(view.split.signed).digest('hex'),
    algorithm: SIGNING_ALGORITHM,
    thumbprint: view.metadata.signature!.thumbprint,
    componentId: id.componentId,
    imageId: id.imageId,
    imageType: id.imageType,
    imageTypeName: IMAGE_TYPE[id.imageType] ?? 'Unknown',
    name: view.metadata.debug?.name,
    securityVersion: view.metadata.revocation?.securityVersion ?? 0,
    capabilities: capabilitySummary(view),
    manifestSha256: manifest === undefined ? null : createHash('sha256').update(manifest, 'utf8').digest('hex'),
    signed: view.split.signature.some((b) => b !== 0),
  };
}

/** A signer that writes the thumbprint and an all-zero signature: the package up to its signature. */
export function placeholderSigner(thumbprint: Uint8Array, signingType: number): PackageSigner {
  return { thumbprint, signingType, sign: () => Promise.resolve(new Uint8Array(64)) };
}

/**
 * The package re-signed by `signer`: the SG section gets the new thumbprint and signing type,
 * then the bytes before the trailer are signed again. Nothing else changes.
 */
export async function resignPackage(bytes: Uint8Array, file: string, signer: PackageSigner): Promise<Uint8Array> {
  const view = _viewOf(bytes, file);
  if (view.split.signature.length !== 64) throw new ValidationError(`Cannot re-sign package "${file}": its ${view.split.signature.length}-byte signature is not ECDSA P-256. Only P-256 packages can be re-signed.`, { code: 'UNSUPPORTED_SIGNING_TYPE', path: file });
  const sg = view.split.sections.find((s) => s.id === SECTION.Signature)!;
  const out = new Uint8Array(bytes);
  const at = sg.offset + SECTION_HEADER_SIZE;
  out.set(signer.thumbprint.subarray(0, THUMBPRINT_SIZE), at);
  putU32(out, at + THUMBPRINT_SIZE, signer.signingType);
  const sig = await signer.sign(out.subarray(0, view.split.signatureOffset));
  if (sig.length !== 64) throw new ValidationError(`Cannot re-sign package "${file}": the signer returned ${sig.length} bytes, expected a 64-byte r‖s signature.`, { code: 'BAD_SIGNER_OUTPUT' });
  out.set(sig, view.split.signatureOffset);
  return out;
}

/** The package with `signature` (raw r‖s, already checked by the caller) in its trailer. */
export function withSignature(bytes: Uint8Array, file: string, signature: Uint8Array): Uint8Array {
  const view = _viewOf(bytes, file);
  if (signature.length !== view.split.signature.length) throw new ValidationError(`Cannot attach a ${signature.length}-byte signature to package "${file}": its trailer holds ${view.split.signature.length} bytes. Give an ECDSA P-256 signature.`, { code: 'BAD_SIGNATURE_LENGTH', path: file });
  const out = new Uint8Array(bytes);
  out.set(signature, view.split.signatureOffset);
  return out;
}
