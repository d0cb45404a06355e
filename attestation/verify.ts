/**
 * Offline verification of an attestation report (emulator/README.md "Attestation"): pure, from the
 * report text, the verifier's nonce, the trusted roots and a clock. Checks, in order: the JWS
 * structure, the algorithm (ES256 only), the x5c chain to a trusted root, the signature by the
 * leaf's key, the claims' shapes, the nonce, freshness, the running digest recomputed from the
 * log, then the caller's expectations. Returns a verdict; only misuse throws.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { verify as ecdsaVerify } from '../signer/index';
import { b64url, decodeJws } from './jws';
import { ueidOf } from './report';
import {
  CLAIM, DEFAULT_MAX_AGE_SECONDS, ES256_SIGNATURE_BYTES, JWS_ALG, MAX_CLOCK_SKEW_SECONDS, NONCE_MAX_BYTES, NONCE_MIN_BYTES, X5C_LENGTH, type Reason,
} from './format';

export interface Measurement { componentId: string; imageId: string; imageType: number; sha256: string; securityVersion?: number }

export interface ExpectedImage {
  /** A component ID or image ID the log must name. */
  id: string;
  /** Lower-case hex SHA-256 its package must have. */
  sha256?: string;
}

export interface VerifyOptions {
  nonce: Uint8Array;
  /** PEM or DER of the roots to trust (the manufacturer root). */
  trust: ReadonlyArray<string | Uint8Array>;
  /** Unix ms; default Date.now(). */
  now?: number;
  maxAgeSeconds?: number;
  expectDigest?: string;
  expectImages?: readonly ExpectedImage[];
  minSecurityVersion?: number;
}

export interface ReportFacts {
  deviceId: string;
  issuedAt: number;
  ageSeconds: number;
  bootDigest: string;
  measurements: Measurement[];
  claims: Record<string, unknown>;
}

export type AttestationVerdict =
  | ({ ok: true } & ReportFacts)
  | { ok: false; reason: Reason; message: string; facts?: ReportFacts };

const HEX64 = /^[0-9a-f]{64}$/;
const APP_OR_BOARD = new Set([10, 21]);

function no(reason: Reason, message: string, facts?: ReportFacts): AttestationVerdict {
  return facts ? { ok: false, reason, message, facts } : { ok: false, reason, message };
}

function _der(x: string | Uint8Array): X509Certificate { return new X509Certificate(typeof x === 'string' ? x : Buffer.from(x)); }

/** The chain's verdict: undefined when the leaf chains to a trusted root and both are valid at `now`. */
function _chain(x5c: unknown, trust: readonly X509Certificate[], now: number): { leaf: X509Certificate } | { reason: Reason; message: string } {
  if (!Array.isArray(x5c) || x5c.length !== X5C_LENGTH || !x5c.every((c) => typeof c === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(c))) {
    return { reason: 'MALFORMED', message: `its x5c header is not ${X5C_LENGTH} base64 certificates (identity, then root)` };
  }
  let leaf: X509Certificate, root: X509Certificate;
  try { [leaf, root] = (x5c as string[]).map((c) => _der(Buffer.from(c, 'base64'))) as [X509Certificate, X509Certificate]; } catch {
    return { reason: 'MALFORMED', message: 'its x5c header holds something that is not a DER certificate' };
  }
  if (!trust.some((t) => t.fingerprint256 === root.fingerprint256)) return { reason: 'UNTRUSTED_CHAIN', message: `its root "${root.subject.replace(/\n/g, ', ')}" is not one of the trusted roots` };
  if (!root.ca || !root.verify(root.publicKey)) return { reason: 'UNTRUSTED_CHAIN', message: 'its root is not a self-signed CA certificate' };
  if (leaf.ca || !leaf.checkIssued(root) || !leaf.verify(root.publicKey)) return { reason: 'UNTRUSTED_CHAIN', message: 'its identity certificate is not issued by its root' };
  for (const [what, c] of [['identity certificate', leaf], ['root', root]] as const) {
    if (now < Date.parse(c.validFrom) || now > Date.parse(c.validTo)) return { reason: 'UNTRUSTED_CHAIN', message: `its ${what} is not valid now (${c.validFrom} to ${c.validTo})` };
  }
  if (leaf.publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return { reason: 'UNTRUSTED_CHAIN', message: 'its identity key is not P-256' };
  return { leaf };
}

function _point(cert: X509Certificate): Uint8Array {
  const jwk = cert.publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  return new Uint8Array(Buffer.concat([Buffer.of(4), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]));
}

function _measurements(v: unknown): Measurement[] | undefined {
  if (!Array.isArray(v) || v.length > 4096) return undefined;
  const out: Measurement[] = [];
  for (const m of v as Array<Record<string, unknown>>) {
    if (m === null || typeof m !== 'object') return undefined;
    const { componentId, imageId, imageType, sha256, securityVersion } = m;
    if (typeof componentId !== 'string' || typeof imageId !== 'string' || !Number.isInteger(imageType) || typeof sha256 !== 'string' || !HEX64.test(sha256)) return undefined;
    if (securityVersion !== undefined && !(Number.isInteger(securityVersion) && (securityVersion as number) >= 0)) return undefined;
    out.push({ componentId, imageId, imageType: imageType as number, sha256, ...(securityVersion === undefined ? {} : { securityVersion: securityVersion as number }) });
  }
  return out;
}

/** SHA-256(digest ‖ sha256) over the log, from 32 zero bytes. */
export function recomputeDigest(log: readonly Pick<Measurement, 'sha256'>[]): string {
  let d = Buffer.alloc(32);
  for (const m of log) d = createHash('sha256').update(d).update(Buffer.from(m.sha256, 'hex')).digest();
  return d.toString('hex');
}

export function verifyReport(report: string, o: VerifyOptions): AttestationVerdict {
  if (o.nonce.length < NONCE_MIN_BYTES || o.nonce.length > NONCE_MAX_BYTES) throw new RangeError(`a nonce is ${NONCE_MIN_BYTES} to ${NONCE_MAX_BYTES} bytes`);
  if (o.trust.length === 0) throw new TypeError('verifyReport needs at least one trusted root');
  const trust = o.trust.map(_der);
  const now = o.now ?? Date.now();
  const jws = decodeJws(report.trim());
  if (typeof jws === 'string') return no('MALFORMED', jws);
  const { header, claims } = jws;
  if (header['alg'] !== JWS_ALG) return no('UNSUPPORTED_ALGORITHM', `its alg is ${JSON.stringify(header['alg'] ?? null).slice(0, 40)}, and only ${JWS_ALG} is accepted`);
  if (jws.signature.length !== ES256_SIGNATURE_BYTES) return no('MALFORMED', `its signature is ${jws.signature.length} bytes, expected ${ES256_SIGNATURE_BYTES} (ES256 r‖s)`);
  if (header['crit'] !== undefined) return no('UNSUPPORTED_ALGORITHM', 'it names critical header parameters ("crit"), which this verifier does not implement');
  const chain = _chain(header['x5c'], trust, now);
  if ('reason' in chain) return no(chain.reason, chain.message);
  const point = _point(chain.leaf);
  if (!ecdsaVerify(jws.signingInput, jws.signature, point)) return no('BAD_SIGNATURE', 'its signature does not verify with the identity certificate\'s key');

  const deviceId = claims[CLAIM.deviceId], iat = claims[CLAIM.issuedAt], nonce = claims[CLAIM.nonce], digest = claims[CLAIM.bootDigest];
  const log = _measurements(claims[CLAIM.measurements]);
  if (typeof deviceId !== 'string' || !Number.isInteger(iat) || typeof nonce !== 'string' || typeof digest !== 'string' || !HEX64.test(digest) || log === undefined) {
    return no('MALFORMED', `its claims lack or misshape ${CLAIM.deviceId}, ${CLAIM.issuedAt}, ${CLAIM.nonce}, ${CLAIM.bootDigest} or ${CLAIM.measurements}`);
  }
  const ownId = Buffer.from(point.subarray(1)).toString('hex').toUpperCase();
  if (deviceId !== ownId || claims[CLAIM.ueid] !== b64url(ueidOf(point))) return no('UNTRUSTED_CHAIN', 'its device ID or ueid is not the one of the identity certificate\'s key');
  const facts: ReportFacts = { deviceId, issuedAt: iat as number, ageSeconds: Math.floor(now / 1000) - (iat as number), bootDigest: digest, measurements: log, claims };
  if (nonce !== b64url(o.nonce)) return no('NONCE_MISMATCH', 'it answers another nonce than the one given', facts);
  const maxAge = o.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (facts.ageSeconds > maxAge) return no('STALE', `it was issued ${facts.ageSeconds} s ago, more than --max-age ${maxAge} s`, facts);
  if (facts.ageSeconds < -MAX_CLOCK_SKEW_SECONDS) return no('STALE', `it is dated ${-facts.ageSeconds} s in the future`, facts);
  const recomputed = recomputeDigest(log);
  if (recomputed !== digest) return no('DIGEST_MISMATCH', `its ${CLAIM.bootDigest} ${digest} is not the ${recomputed} its measurement log gives`, facts);
  if (o.expectDigest !== undefined && o.expectDigest.toLowerCase() !== digest) return no('DIGEST_MISMATCH', `its boot digest is ${digest}, expected ${o.expectDigest.toLowerCase()}`, facts);
  const matched: Measurement[] = [];
  for (const e of o.expectImages ?? []) {
    const id = e.id.toLowerCase();
    const m = log.find((x) => x.componentId === id || x.imageId === id);
    if (!m) return no('UNEXPECTED_IMAGE', `its measurement log names no component or image "${id}"`, facts);
    if (e.sha256 !== undefined && e.sha256.toLowerCase() !== m.sha256) return no('UNEXPECTED_IMAGE', `image "${id}" was measured as ${m.sha256}, expected ${e.sha256.toLowerCase()}`, facts);
    matched.push(m);
  }
  if (o.minSecurityVersion !== undefined) {
    const checked = o.expectImages?.length ? matched : log.filter((m) => APP_OR_BOARD.has(m.imageType));
    const low = checked.find((m) => (m.securityVersion ?? 0) < o.minSecurityVersion!);
    if (low) return no('ROLLBACK', `component ${low.componentId} runs security version ${low.securityVersion ?? 0}, below the minimum ${o.minSecurityVersion}`, facts);
  }
  return { ok: true, ...facts };
}
