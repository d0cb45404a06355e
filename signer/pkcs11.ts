/**
 * Keys in a hardware token (`--pkcs11 <uri>`): the key never leaves the token. The binary runs
 * without native addons, so the token is reached through OpenSC's `pkcs11-tool`, loading the
 * module the URI's `module-path` names. The PIN reaches the tool in an environment variable of
 * the child (`--pin env:NAME`), never in its argv where `ps` would show it. pkcs11-tool falls back
 * to another key when the one named is absent, so the same run lists the token's private keys and
 * a signature counts only when the named key is among them; every signature is then checked
 * against the certificate.
 */
import { createPublicKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promises as fsp } from 'node:fs';
import { SignerError } from './errors';
import { PKCS11, SIGNING_TYPE } from './format';
import { digestOf, parseSignature, verifyDigest } from './ecdsa';
import { pointOfKeyObject } from './keys';
import { parseCertificate, thumbprintBytes } from './certificate';
import type { Signer } from './signers';
import type { Pkcs11Uri } from './pkcs11-uri';
import { toHex } from './pem';

export interface Pkcs11Options {
  uri: Pkcs11Uri;
  /** Environment the PIN variable is read from and the tool runs in (SOFTHSM2_CONF etc.). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The pkcs11-tool executable; default from PATH. */
  tool?: string;
  timeoutMs?: number;
}

interface _Out { code: number | null; stdout: Buffer; stderr: string; spawnError?: NodeJS.ErrnoException }

function _exec(o: Pkcs11Options, args: string[], pin?: string): Promise<_Out> {
  const { execFile } = process.getBuiltinModule('node:child_process');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.env ?? process.env)) if (v !== undefined && k !== PKCS11.childPinEnv) env[k] = v;
  if (pin !== undefined) env[PKCS11.childPinEnv] = pin;
  return new Promise((resolve) => {
    execFile(o.tool ?? PKCS11.tool, ['--module', o.uri.modulePath ?? PKCS11.defaultModule, ...args], { env, encoding: 'buffer', timeout: o.timeoutMs ?? PKCS11.timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: string | number }) | null;
      if (e && typeof e.code === 'string') resolve({ code: null, stdout: Buffer.alloc(0), stderr: '', spawnError: e });
      else resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr: stderr.toString('utf8') });
    });
  });
}

function _what(uri: Pkcs11Uri): string {
  return `Cannot use PKCS#11 key "${uri.text}"`;
}

/** One clear line for each way the token refuses. */
function _fail(uri: Pkcs11Uri, r: _Out): SignerError {
  const what = _what(uri);
  if (r.spawnError) {
    return r.spawnError.code === 'ENOENT'
      ? new SignerError(`${what}: "${PKCS11.tool}" is not installed. Install OpenSC (Debian package "opensc").`, { code: 'PKCS11_TOOL_MISSING', exitCode: 3 })
      : new SignerError(`${what}: "${PKCS11.tool}" could not run (${r.spawnError.message}). Check the installation.`, { code: 'PKCS11_FAILED' });
  }
  const err = r.stderr;
  if (/Failed to load pkcs11 module|sc_dlopen failed/i.test(err)) return new SignerError(`${what}: the module "${uri.modulePath ?? PKCS11.defaultModule}" cannot be loaded. Give the token's library in module-path=<file.so>.`, { code: 'PKCS11_NO_MODULE', exitCode: 3 });
  if (/No slot with token named|No slot with a token|No slots/i.test(err)) return new SignerError(`${what}: no token${uri.token === undefined ? '' : ` labelled "${uri.token}"`} is present. Insert the token or fix token= in the URI.`, { code: 'PKCS11_NO_TOKEN', exitCode: 3 });
  if (/CKR_PIN_INCORRECT|CKR_PIN_LEN_RANGE|CKR_PIN_INVALID/.test(err)) return new SignerError(`${what}: the token refused the PIN. Check the PIN in the pin-source (repeated wrong PINs may lock the token).`, { code: 'PKCS11_BAD_PIN' });
  if (/CKR_PIN_LOCKED/.test(err)) return new SignerError(`${what}: the token's PIN is locked. Unlock it with the security officer PIN.`, { code: 'PKCS11_PIN_LOCKED' });
  const line = err.split('\n').map((l) => l.trim()).find((l) => /error|fail/i.test(l)) ?? err.split('\n').map((l) => l.trim()).find(Boolean) ?? `exit code ${r.code}`;
  return new SignerError(`${what}: ${PKCS11.tool} failed (${line}). Check the token and the URI.`, { code: 'PKCS11_FAILED' });
}

function _tokenArgs(uri: Pkcs11Uri): string[] {
  return uri.token === undefined ? [] : ['--token-label', uri.token];
}

async function _pin(o: Pkcs11Options): Promise<string> {
  const src = o.uri.pinSource;
  if ('file' in src) {
    try {
      return (await fsp.readFile(src.file, 'utf8')).replace(/\r?\n$/, '');
    } catch {
      throw new SignerError(`${_what(o.uri)}: cannot read the PIN file "${src.file}". Check pin-source=file:<path> and the file's permissions.`, { code: 'PKCS11_NO_PIN', exitCode: 3, path: src.file });
    }
  }
  const v = (o.env ?? process.env)[src.env];
  if (v === undefined || v === '') throw new SignerError(`${_what(o.uri)}: no PIN given ($${src.env} is not set). Set $${src.env}, or add pin-source=file:<path> or pin-source=env:<NAME> to the URI.`, { code: 'PKCS11_NO_PIN', exitCode: 2 });
  return v;
}

interface _KeyObject { label?: string; id?: string }

/** Parses `--list-objects` output: one block per object, `label:` and `ID:` lines. */
export function parseObjectList(text: string): _KeyObject[] {
  const out: _KeyObject[] = [];
  for (const line of text.split('\n')) {
    if (/^\S.*Object;/.test(line)) out.push({});
    const m = /^\s+(label|ID):\s+(.*)$/.exec(line);
    const cur = out[out.length - 1];
    if (m && cur) { if (m[1] === 'label') cur.label = m[2]!.trim(); else cur.id = m[2]!.trim().toLowerCase(); }
  }
  return out;
}

function _selector(uri: Pkcs11Uri, found?: _KeyObject): string[] {
  if (found?.id) return ['--id', found.id];
  if (uri.id) return ['--id', toHex(uri.id)];
  return ['--label', uri.object!];
}

/** Finds the private key the URI names, logged in (so a wrong PIN is reported here). */
async function _findKey(o: Pkcs11Options, pin: string): Promise<_KeyObject> {
  const r = await _exec(o, [..._tokenArgs(o.uri), '--login', '--pin', `env:${PKCS11.childPinEnv}`, '--list-objects', '--type', 'privkey'], pin);
  if (r.code !== 0) throw _fail(o.uri, r);
  const found = parseObjectList(r.stdout.toString('utf8')).find((k) => _matches(o.uri, k));
  if (!found) throw _missing(o.uri);
  return found;
}

/** The 65-byte public point of the token key the URI names (from its public-key object). */
export async function pkcs11PublicKey(o: Pkcs11Options): Promise<Uint8Array> {
  const pin = await _pin(o);
  const key = await _findKey(o, pin);
  const dir = await fsp.mkdtemp(join(tmpdir(), 'sphere-p11-'));
  try {
    const file = join(dir, 'pub.der');
    const r = await _exec(o, [..._tokenArgs(o.uri), '--login', '--pin', `env:${PKCS11.childPinEnv}`, '--read-object', '--type', 'pubkey', ..._selector(o.uri, key), '--output-file', file], pin);
    if (r.code !== 0) {
      if (/object not found/i.test(r.stderr)) throw new SignerError(`${_what(o.uri)}: the token holds the private key but no public-key object for it. Give its public key with --public-key <pub.pem> instead.`, { code: 'PKCS11_NO_PUBLIC_KEY', exitCode: 3 });
      throw _fail(o.uri, r);
    }
    const der = await fsp.readFile(file);
    try {
      return pointOfKeyObject(createPublicKey({ key: der, format: 'der', type: 'spki' }));
    } catch (cause) {
      throw new SignerError(`${_what(o.uri)}: its public key is not a P-256 key. Use a key made with --key-type EC:prime256v1.`, { code: 'PKCS11_NOT_P256', cause });
    }
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

function _missing(uri: Pkcs11Uri): SignerError {
  const want = uri.id === undefined ? undefined : toHex(uri.id);
  return new SignerError(`${_what(uri)}: the token has no private key with ${[uri.object === undefined ? '' : `label "${uri.object}"`, want === undefined ? '' : `ID ${want}`].filter(Boolean).join(' and ')}. List its keys with "pkcs11-tool --list-objects --login" and fix object= or id=.`, { code: 'PKCS11_NO_OBJECT', exitCode: 3 });
}

function _matches(uri: Pkcs11Uri, k: _KeyObject): boolean {
  return (uri.object === undefined || k.label === uri.object) && (uri.id === undefined || k.id === toHex(uri.id));
}

/**
 * Signs a SHA-256 digest inside the token; returns raw r‖s. One pkcs11-tool run lists the
 * token's private keys and signs; a signature is kept only when the key the URI names is listed.
 */
export async function pkcs11SignDigest(o: Pkcs11Options, digest: Uint8Array): Promise<Uint8Array> {
  const pin = await _pin(o);
  const dir = await fsp.mkdtemp(join(tmpdir(), 'sphere-p11-'));
  try {
    const input = join(dir, 'digest.bin');
    const output = join(dir, 'sig.bin');
    await fsp.writeFile(input, digest, { mode: 0o600 });
    const r = await _exec(o, [..._tokenArgs(o.uri), '--login', '--pin', `env:${PKCS11.childPinEnv}`, '--list-objects', '--type', 'privkey', '--sign', '--mechanism', 'ECDSA', ..._selector(o.uri), '--input-file', input, '--output-file', output], pin);
    const listed = parseObjectList(r.stdout.toString('utf8'));
    if (r.code !== 0 && !/CKR_PIN|No slot|module/i.test(r.stderr) && !listed.some((k) => _matches(o.uri, k))) throw _missing(o.uri);
    if (r.code !== 0) throw _fail(o.uri, r);
    if (!listed.some((k) => _matches(o.uri, k))) throw _missing(o.uri);
    try {
      return parseSignature(new Uint8Array(await fsp.readFile(output)));
    } catch (cause) {
      throw new SignerError(`${_what(o.uri)}: the token's output is not a P-256 signature. Use a P-256 key (EC:prime256v1).`, { code: 'PKCS11_BAD_OUTPUT', cause });
    }
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** A `Signer` whose key is in a token; `certPem` is the certificate issued for that key. */
export function pkcs11Signer(o: Pkcs11Options & { certPem: string }): Signer {
  const cert = parseCertificate(o.certPem);
  return {
    thumbprint: thumbprintBytes(cert.der),
    signingType: SIGNING_TYPE.ECDSA256,
    publicKey: cert.publicKey,
    async sign(message) {
      const digest = digestOf(message);
      const raw = await pkcs11SignDigest(o, digest);
      if (!verifyDigest(digest, raw, cert.publicKey)) {
        throw new SignerError(`${_what(o.uri)}: its signature does not verify with certificate "${cert.subject}" (${cert.thumbprint}). Give the certificate issued for this token key (sphere ca issue --pkcs11).`, { code: 'KEY_CERT_MISMATCH' });
      }
      return raw;
    },
  };
}

