/**
 * Turning CLI flags into a signer and a trust store: the user's development CA by default,
 * `--key/--cert` for another key, `--sign-command` for an HSM or KMS hook, `--trust` for extra
 * certificates. Shared by the image and device commands.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { NotFoundError, UsageError, ValidationError } from '../image-builder/errors';
import type { SignatureCheck, SignatureChecker } from '../image-builder/index';
import type { CommandContext } from './command';
import { optList } from './command';
import { caRecordsSync, commandSigner, defaultCaDir, certificatesFromPem, fileSigner, followChain, issuedBy, keySigner, loadCaKey, loadRevoked, parseCertificate, parsePkcs11Uri, pkcs11Signer, PrefixVerifier, presignedSigner, StreamVerifier, TrustStore, verify, verifyAsync, type CertificateInfo, type Signer } from '../signer/index';
import type { PackageRead } from './files';

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new NotFoundError(`Cannot read ${what} "${path}": the file does not exist or is unreadable. Check the path.`, { code: 'FILE_NOT_FOUND', path });
  }
}

export function caDir(options: Record<string, unknown>, env: NodeJS.ProcessEnv): string {
  const flag = options['caDir'];
  return typeof flag === 'string' && flag ? flag : defaultCaDir(env, homedir());
}

export interface SignerFlags { key?: string; cert?: string; signCommand?: string; signature?: string; pkcs11?: string; caDir?: string }

/** The signer the flags ask for; the dev CA when none is named. Refuses a certificate the CA has revoked. */
export async function signerFromFlags(o: SignerFlags, env: NodeJS.ProcessEnv): Promise<Signer> {
  const signer = await _signerFromFlags(o, env);
  const thumbprint = Buffer.from(signer.thumbprint).toString('hex');
  if ((await loadRevoked(o.caDir ?? defaultCaDir(env, homedir()))).has(thumbprint)) {
    throw new ValidationError(`Cannot sign with certificate "${thumbprint}": the development CA has revoked it, so no verifier would accept the package. Issue a new certificate ("sphere ca issue").`, { code: 'REVOKED' });
  }
  return signer;
}

async function _signerFromFlags(o: SignerFlags, env: NodeJS.ProcessEnv): Promise<Signer> {
  if (o.signature) {
    if (!o.cert) throw new UsageError('Cannot attach --signature without --cert: give the certificate whose key made the signature.', { code: 'NEED_CERT' });
    let sig: Uint8Array;
    try { sig = readFileSync(o.signature); } catch { throw new NotFoundError(`Cannot read signature "${o.signature}": the file does not exist. Check the path.`, { code: 'FILE_NOT_FOUND', path: o.signature }); }
    return presignedSigner({ certPem: readText(o.cert, 'certificate'), signature: sig });
  }
  if (o.pkcs11) {
    if (!o.cert) throw new UsageError('Cannot use --pkcs11 without --cert: the package names its signer by the certificate\'s thumbprint. Pass the certificate issued for the token key ("sphere ca issue <name> --pkcs11 <uri>").', { code: 'NEED_CERT' });
    return pkcs11Signer({ uri: parsePkcs11Uri(o.pkcs11), certPem: readText(o.cert, 'certificate'), env });
  }
  if (o.signCommand) {
    if (!o.cert) throw new UsageError('Cannot use --sign-command without --cert: the package names its signer by the certificate\'s thumbprint. Pass the certificate whose key the command uses.', { code: 'NEED_CERT' });
    return commandSigner({ command: o.signCommand, certPem: readText(o.cert, 'certificate') });
  }
  if (o.key || o.cert) {
    if (!o.key || !o.cert) throw new UsageError(`Cannot sign with ${o.key ? '--key' : '--cert'} alone: give both --key and --cert.`, { code: 'NEED_KEY_AND_CERT' });
    return fileSigner({ keyPem: readText(o.key, 'private key'), certPem: readText(o.cert, 'certificate') });
  }
  const ca = await loadCaKey(o.caDir ?? defaultCaDir(env, homedir()), env);
  if (ca.kind === 'pkcs11') return pkcs11Signer({ uri: ca.uri!, certPem: ca.certPem, env });
  // Loading the CA read both files and checked that the key is the certificate's.
  return keySigner(ca.privateKey!, ca.certificate);
}

/** PEM files a `--trust` names: the file itself (a bundle may hold several), or every .pem/.crt/.cer in a folder. */
function _trustFiles(t: string): string[] {
  let dir = false;
  try { dir = statSync(t).isDirectory(); } catch { /* readText reports it */ }
  if (!dir) return [t];
  return readdirSync(t).filter((f) => /\.(pem|crt|cer)$/i.test(f)).sort().map((f) => join(t, f));
}

export interface TrustSetup {
  /** Trusted certificates by thumbprint (the built-in SDK Test entry, the dev CA, `--trust`). */
  store: TrustStore;
  /** Every certificate known, to follow a signer to a trusted one. */
  certificates: CertificateInfo[];
  revoked: Set<string>;
}

/** Trust: the built-in SDK Test entry, the dev CA and the certificates it issued (when there is one) and `--trust` files or folders. */
export function trustSetupFrom(trust: string[], dir: string): TrustSetup {
  const store = new TrustStore();
  const records = caRecordsSync(dir);
  const certificates = [...records.certificates];
  const caCert = join(dir, 'ca.pem');
  if (existsSync(caCert)) store.addPem(readFileSync(caCert, 'utf8'));
  const given: CertificateInfo[] = [];
  for (const t of trust) {
    const before = given.length;
    for (const f of _trustFiles(t)) {
      const text = readText(f, 'certificate');
      for (const der of certificatesFromPem(text)) given.push(parseCertificate(der));
    }
    if (given.length === before) throw new UsageError(`Cannot trust "${t}": it holds no PEM certificate. Give a PEM file (or a folder of them) with "-----BEGIN CERTIFICATE-----".`, { code: 'NO_CERTIFICATE', path: t });
  }
  certificates.push(...given);
  // A CA or self-signed certificate given is a root of trust; a signing certificate whose issuer
  // is also known must chain to it (so its links are named and checked), else it is trusted itself.
  for (const c of given) {
    const chains = !c.isCa && !c.selfSigned && certificates.some((i) => i.thumbprint !== c.thumbprint && issuedBy(c, i));
    if (!chains) store.addCertificate(c.der);
  }
  return { store, certificates, revoked: records.revoked };
}

/** Trust store: the built-in SDK Test entry, the dev CA (when there is one) and `--trust` files. */
export function trustStoreFrom(trust: string[], dir: string): TrustStore {
  return trustSetupFrom(trust, dir).store;
}

/** `prefix`: hashing the package as it is read; the asynchronous check finishes with it when it can. */
export function checkerFor(setup: TrustSetup | TrustStore, prefix?: PrefixVerifier): SignatureChecker {
  const t: TrustSetup = setup instanceof TrustStore ? { store: setup, certificates: [], revoked: new Set() } : setup;
  const chainOf = (thumbprint: string) => followChain(thumbprint, { anchors: t.store, certificates: t.certificates, revoked: t.revoked });
  const result = (c: ReturnType<typeof chainOf> & { ok: true }, ok: boolean): SignatureCheck =>
    ok ? { ok: true, signer: c.links[0]!.name, chain: c.links } : { ok: false, reason: 'BAD_SIGNATURE', chain: c.links };
  return {
    check(thumbprint, signed, signature) {
      const c = chainOf(thumbprint);
      if (!c.ok) return { ok: false, reason: c.reason, detail: c.detail, chain: c.links };
      return result(c, verify(signed, signature, c.publicKey));
    },
    async checkAsync(thumbprint, signed, signature) {
      const c = chainOf(thumbprint);
      if (!c.ok) return { ok: false, reason: c.reason, detail: c.detail, chain: c.links };
      if (prefix?.covers(signed)) return result(c, prefix.verify(signed, signature, c.publicKey));
      return result(c, await verifyAsync(signed, signature, c.publicKey));
    },
    startStream: () => new StreamVerifier(),
    checkStreamed(thumbprint, stream, signature) {
      const c = chainOf(thumbprint);
      if (!c.ok) return { ok: false, reason: c.reason, detail: c.detail, chain: c.links };
      return result(c, stream.verify(signature, c.publicKey));
    },
  };
}

/** The local verifier a command's `--trust` and `--ca-dir` flags describe (paths relative to its folder). */
export function localChecker(ctx: CommandContext, o: { prefix?: PrefixVerifier } = {}): SignatureChecker {
  return checkerFor(trustSetupFrom(optList(ctx, 'trust').map((t) => resolve(ctx.cwd, t)), caDir(ctx.options, ctx.env)), o.prefix);
}

/** Starts hashing a package's signed bytes as `read` fills them (see `PrefixVerifier`). */
export function hashWhileReading(read: PackageRead): PrefixVerifier {
  const prefix = new PrefixVerifier(read.bytes);
  read.watch((filled) => prefix.advance(filled));
  return prefix;
}
