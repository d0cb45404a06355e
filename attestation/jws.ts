/**
 * JWS compact serialisation (RFC 7515 §3.1, §7.1) for ES256 tokens: strict base64url (RFC 7515
 * §2: no padding, no other characters, canonical trailing bits), encoding a signed token, and
 * splitting one into header, claims, signing input and signature without trusting anything in it.
 */
import { ES256_SIGNATURE_BYTES, JWS_SEGMENTS, MAX_REPORT_BYTES } from './format';


export function b64url(bytes: Uint8Array | string): string {
  return Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).toString('base64url');
}

/** Decodes base64url as RFC 7515 writes it; undefined for anything else (padding, '+', '/', whitespace, stray bits). */
export function b64urlDecode(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? new Uint8Array(bytes) : undefined;
}

export interface DecodedJws {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** ASCII bytes of `header.payload`: what the signature covers. */
  signingInput: Uint8Array;
  signature: Uint8Array;
}

/** Splits and decodes a compact JWS; a string says why it is malformed. */
export function decodeJws(token: string): DecodedJws | string {
  if (token.length > MAX_REPORT_BYTES) return `it is ${token.length} bytes, more than the ${MAX_REPORT_BYTES} a report may have`;
  const parts = token.split('.');
  if (parts.length !== JWS_SEGMENTS) return `it has ${parts.length} dot-separated segments, expected ${JWS_SEGMENTS}`;
  const [h, p, s] = parts as [string, string, string];
  const objects: Record<string, unknown>[] = [];
  for (const [name, seg] of [['header', h], ['payload', p]] as const) {
    const bytes = b64urlDecode(seg);
    if (bytes === undefined || bytes.length === 0) return `its ${name} is not base64url`;
    let value: unknown;
    try { value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)); } catch { return `its ${name} is not UTF-8 JSON`; }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return `its ${name} is not a JSON object`;
    objects.push(value as Record<string, unknown>);
  }
  const signature = b64urlDecode(s);
  if (signature === undefined) return 'its signature is not base64url';
  return { header: objects[0]!, claims: objects[1]!, signingInput: new Uint8Array(Buffer.from(`${h}.${p}`, 'ascii')), signature };
}

/** Encodes and signs a compact JWS; `sign` gets the signing input and returns the 64-byte r‖s. */
export function encodeJws(header: Record<string, unknown>, claims: Record<string, unknown>, sign: (input: Uint8Array) => Uint8Array): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = sign(new Uint8Array(Buffer.from(input, 'ascii')));
  if (sig.length !== ES256_SIGNATURE_BYTES) throw new RangeError(`an ES256 signature is ${ES256_SIGNATURE_BYTES} bytes, got ${sig.length}`);
  return `${input}.${b64url(sig)}`;
}
