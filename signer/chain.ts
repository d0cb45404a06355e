/**
 * Following a package's signer to a trusted root: the SG thumbprint names the signing
 * certificate; each certificate's ecdsa-with-SHA256 signature is checked with its issuer's key
 * (our own verifier, the same one image signatures use) until a trusted certificate is reached.
 * A revoked certificate anywhere on the way stops the chain. Returns a verdict; only misuse throws.
 */
import { verify, derToRaw } from './ecdsa';
import { OID, THUMBPRINT_LENGTH } from './format';
import { TAG, decodeOid, readChildren, readOnly } from './der';
import { parseCertificate, type CertificateInfo } from './certificate';
import { normalizeThumbprint } from './pem';
import type { TrustStore } from './trust';

/** Longest chain followed (leaf, intermediates, root). */
const MAX_DEPTH = 8;

export interface ChainLink {
  thumbprint: string;
  name: string;
  /** True for the link the trust store holds. */
  trusted: boolean;
}

export type ChainVerdict =
  | { ok: true; links: ChainLink[]; publicKey: Uint8Array }
  | { ok: false; reason: 'UNKNOWN_SIGNER' | 'REVOKED' | 'BAD_CHAIN'; thumbprint: string; links: ChainLink[]; detail: string };

/**
 * Checks an ECDSA P-256 SHA-256 signature given in DER over `data` with a 65-byte public point;
 * false for any signature that is not strict DER or does not verify.
 */
export function verifyDerSignature(data: Uint8Array, signatureDer: Uint8Array, publicKey: Uint8Array): boolean {
  let raw: Uint8Array;
  try {
    raw = derToRaw(signatureDer);
  } catch {
    return false;
  }
  return verify(data, raw, publicKey);
}

/** The to-be-signed bytes and the DER signature of a certificate, or undefined if it is not ecdsa-with-SHA256. */
export function certificateSignedParts(der: Uint8Array): { tbs: Uint8Array; signature: Uint8Array } | undefined {
  const parts = readChildren(readOnly(der, TAG.SEQUENCE).content);
  if (parts.length !== 3) return undefined;
  const alg = readChildren(parts[1]!.content);
  if (decodeOid(alg[0]!.content) !== OID.ecdsaWithSHA256) return undefined;
  const bits = parts[2]!.content;
  if (bits[0] !== 0) return undefined; // unused-bits octet of the BIT STRING
  return { tbs: parts[0]!.raw, signature: bits.subarray(1) };
}

/** True when `issuer`'s key signed `cert`. */
export function issuedBy(cert: CertificateInfo, issuer: CertificateInfo): boolean {
  if (cert.issuer !== issuer.subject || !issuer.isCa) return false;
  const p = certificateSignedParts(cert.der);
  return p !== undefined && verifyDerSignature(p.tbs, p.signature, issuer.publicKey);
}

export interface ChainOptions {
  /** Trusted certificates (and the built-in entries) by thumbprint. */
  anchors: TrustStore;
  /** Every certificate known: issued signing certificates, intermediates, and the anchors' own. */
  certificates: readonly CertificateInfo[];
  /** Thumbprints of revoked certificates. */
  revoked: ReadonlySet<string>;
}

/** Follows `thumbprint` up to a trusted certificate. */
export function followChain(thumbprint: string | Uint8Array, o: ChainOptions): ChainVerdict {
  let t = normalizeThumbprint(thumbprint, THUMBPRINT_LENGTH);
  const byThumb = new Map(o.certificates.map((c) => [c.thumbprint, c]));
  const links: ChainLink[] = [];
  let leafKey: Uint8Array | undefined;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const cert = byThumb.get(t);
    const anchor = o.anchors.get(t);
    const name = cert?.commonName ?? cert?.subject ?? anchor?.name ?? t;
    if (o.revoked.has(t)) {
      links.push({ thumbprint: t, name, trusted: anchor !== undefined });
      return { ok: false, reason: 'REVOKED', thumbprint: t, links, detail: `certificate "${name}" (${t}) is revoked` };
    }
    leafKey ??= cert?.publicKey ?? anchor?.publicKey;
    if (anchor) {
      links.push({ thumbprint: t, name, trusted: true });
      return { ok: true, links, publicKey: leafKey! };
    }
    if (!cert) {
      return depth === 0
        ? { ok: false, reason: 'UNKNOWN_SIGNER', thumbprint: t, links, detail: `no trusted certificate has thumbprint ${t}` }
        : { ok: false, reason: 'BAD_CHAIN', thumbprint: t, links, detail: `the issuer of "${links[links.length - 1]!.name}" is not known` };
    }
    links.push({ thumbprint: t, name, trusted: false });
    const issuer = o.certificates.find((c) => c.thumbprint !== cert.thumbprint && issuedBy(cert, c));
    if (!issuer) {
      const why = cert.selfSigned ? 'is self-signed and not trusted' : `is not signed by any known CA (issuer "${cert.issuer}")`;
      return { ok: false, reason: depth === 0 && cert.selfSigned ? 'UNKNOWN_SIGNER' : 'BAD_CHAIN', thumbprint: t, links, detail: `certificate "${name}" (${t}) ${why}` };
    }
    t = issuer.thumbprint;
  }
  return { ok: false, reason: 'BAD_CHAIN', thumbprint: t, links, detail: `the chain is longer than ${MAX_DEPTH} certificates` };
}

/** Parses every certificate of a PEM text, skipping none (a bad one throws SignerError). */
export function certificatesOf(pems: readonly string[]): CertificateInfo[] {
  return pems.map((p) => parseCertificate(p));
}
