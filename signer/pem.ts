/**
 * PEM armour (RFC 7468) and the byte/hex helpers the signer shares. A PEM text may hold several
 * blocks (a trust file with many certificates); each block keeps its label so callers can tell a
 * certificate from a key.
 */
import { SignerError } from './errors';

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Every PEM block of `text`, in order. Text between blocks (comments, `openssl` headers) is ignored. */
export function parsePemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const label = m[1]!;
    const body = m[2]!;
    if (/^Proc-Type:/m.test(body)) {
      throw new SignerError(
        `Cannot read PEM block "${label}": it is encrypted. Decrypt it first, e.g. with "openssl pkey -in key.pem -out plain.pem".`,
        { code: 'PEM_ENCRYPTED' },
      );
    }
    const b64 = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      throw new SignerError(`Cannot read PEM block "${label}": its body is not base64. Check the file is not damaged.`, {
        code: 'BAD_PEM',
      });
    }
    out.push({ label, der: new Uint8Array(Buffer.from(b64, 'base64')) });
  }
  return out;
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Hex to bytes; throws TypeError on odd length or non-hex characters (misuse, not user input). */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError(`Not a hex string: "${hex}"`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Normalise a thumbprint given as hex (any case, optional ':' separators) or bytes to lower hex. */
export function normalizeThumbprint(thumbprint: string | Uint8Array, length: number): string {
  const hex = typeof thumbprint === 'string' ? thumbprint.replace(/:/g, '').toLowerCase() : toHex(thumbprint);
  if (hex.length !== length * 2 || !/^[0-9a-f]*$/.test(hex)) {
    throw new TypeError(`A thumbprint is ${length} bytes (${length * 2} hex digits), got "${String(hex)}"`);
  }
  return hex;
}
