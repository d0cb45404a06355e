/**
 * PKCS#11 URIs (RFC 7512): `pkcs11:token=rel;object=signkey;id=%01?module-path=/usr/lib/x.so&pin-source=file:/run/pin`.
 * Path attributes are separated by `;`, query attributes by `&`; values are percent-decoded. The
 * PIN is never taken from the URI itself (`pin-value` would put it on a command line): it comes
 * from `pin-source=file:<path>`, from `pin-source=env:<NAME>`, or, with no pin-source, from
 * `$SPHERE_PKCS11_PIN`.
 */
import { SignerError } from './errors';
import { PKCS11 } from './format';

export interface Pkcs11Uri {
  /** The URI as given (it never holds a PIN). */
  text: string;
  token?: string;
  object?: string;
  /** CKA_ID bytes. */
  id?: Uint8Array;
  serial?: string;
  modulePath?: string;
  /** Where the PIN comes from; default `{ env: $SPHERE_PKCS11_PIN }`. */
  pinSource: { file: string } | { env: string };
}

const _PATH_ATTRS = new Set(['token', 'object', 'id', 'serial', 'type', 'manufacturer', 'model', 'library-manufacturer', 'library-description', 'library-version', 'slot-description', 'slot-manufacturer', 'slot-id']);
const _QUERY_ATTRS = new Set(['module-path', 'module-name', 'pin-source', 'pin-value']);

function _bad(uri: string, why: string): SignerError {
  const shown = uri.replace(/(pin-value=)[^&]*/gi, '$1…');
  return new SignerError(`Cannot use PKCS#11 URI "${shown}": ${why}. Write it as pkcs11:token=<label>;object=<label>?module-path=<library.so>&pin-source=file:<path> (RFC 7512).`, { code: 'BAD_PKCS11_URI', exitCode: 2 });
}

function _decode(uri: string, v: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '%') {
      const h = v.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw _bad(uri, `"%${h}" is not a percent-encoded byte`);
      out.push(parseInt(h, 16));
      i += 2;
    } else {
      out.push(...Buffer.from(c, 'utf8'));
    }
  }
  return new Uint8Array(out);
}

const _text = (uri: string, v: string): string => Buffer.from(_decode(uri, v)).toString('utf8');

function _pairs(uri: string, part: string, sep: string, known: Set<string>): Map<string, string> {
  const m = new Map<string, string>();
  if (part === '') return m;
  for (const item of part.split(sep)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw _bad(uri, `"${item}" is not an attribute=value pair`);
    const k = item.slice(0, eq).toLowerCase();
    if (!known.has(k) && !k.startsWith('x-')) throw _bad(uri, `"${k}" is not an RFC 7512 attribute`);
    if (m.has(k)) throw _bad(uri, `"${k}" is given twice`);
    m.set(k, item.slice(eq + 1));
  }
  return m;
}

/** Parses a PKCS#11 URI; SignerError `BAD_PKCS11_URI` (exit 2) for anything malformed. */
export function parsePkcs11Uri(text: string): Pkcs11Uri {
  if (!/^pkcs11:/i.test(text)) throw _bad(text, 'it does not start with "pkcs11:"');
  const body = text.slice('pkcs11:'.length);
  const q = body.indexOf('?');
  const path = _pairs(text, q < 0 ? body : body.slice(0, q), ';', _PATH_ATTRS);
  const query = _pairs(text, q < 0 ? '' : body.slice(q + 1), '&', _QUERY_ATTRS);
  if (query.has('pin-value')) throw _bad(text, 'pin-value would put the PIN where other users can read it');
  const out: Pkcs11Uri = { text, pinSource: { env: PKCS11.pinEnv } };
  const token = path.get('token'); if (token !== undefined) out.token = _text(text, token);
  const object = path.get('object'); if (object !== undefined) out.object = _text(text, object);
  const id = path.get('id'); if (id !== undefined) out.id = _decode(text, id);
  const serial = path.get('serial'); if (serial !== undefined) out.serial = _text(text, serial);
  const type = path.get('type'); if (type !== undefined && !['private', 'public', 'cert'].includes(_text(text, type))) throw _bad(text, `type "${type}" is not a key or certificate`);
  const mp = query.get('module-path'); if (mp !== undefined) out.modulePath = _text(text, mp);
  if (out.object === undefined && out.id === undefined) throw _bad(text, 'it names no key (give object=<label> or id=<%xx bytes>)');
  const ps = query.get('pin-source');
  if (ps !== undefined) {
    const src = _text(text, ps);
    if (src.startsWith('file:')) out.pinSource = { file: src.slice('file:'.length).replace(/^\/\/(?=\/)/, '') };
    else if (src.startsWith('env:') && /^[A-Za-z_][A-Za-z0-9_]*$/.test(src.slice(4))) out.pinSource = { env: src.slice(4) };
    else if (src.startsWith('/')) out.pinSource = { file: src };
    else throw _bad(text, `pin-source "${src}" is neither file:<path> nor env:<NAME>`);
  }
  return out;
}
