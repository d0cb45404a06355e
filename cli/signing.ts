/**
 * Turning CLI flags into a signer and a trust store: the user's development CA by default,
 * `--key/--cert` for another key, `--sign-command` for an HSM or KMS hook, `--trust` for extra
 * certificates. Shared by the image and device commands.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { NotFoundError, UsageError } from '../image-builder/errors';
import type { SignatureCheck, SignatureChecker } from '../image-builder/index';
import type { CommandContext } from './command';
import { optList } from './command';
import { commandSigner, defaultCaDir, fileSigner, loadDevCa, PrefixVerifier, presignedSigner, StreamVerifier, TrustStore, verifyImageSignature, verifyImageSignatureAsync, verifyImageSignatureStreamed, type SignatureVerdict, type Signer } from '../signer/index';
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

export interface SignerFlags { key?: string; cert?: string; signCommand?: string; signature?: string; caDir?: string }

/** The signer the flags ask for; the dev CA when none is named. */
export async function signerFromFlags(o: SignerFlags, env: NodeJS.ProcessEnv): Promise<Signer> {
  if (o.signature) {
    if (!o.cert) throw new UsageError('Cannot attach --signature without --cert: give the certificate whose key made the signature.', { code: 'NEED_CERT' });
    let sig: Uint8Array;
    try { sig = readFileSync(o.signature); } catch { throw new NotFoundError(`Cannot read signature "${o.signature}": the file does not exist. Check the path.`, { code: 'FILE_NOT_FOUND', path: o.signature }); }
    return presignedSigner({ certPem: readText(o.cert, 'certificate'), signature: sig });
  }
  if (o.signCommand) {
    if (!o.cert) throw new UsageError('Cannot use --sign-command without --cert: the package names its signer by the certificate\'s thumbprint. Pass the certificate whose key the command uses.', { code: 'NEED_CERT' });
    return commandSigner({ command: o.signCommand, certPem: readText(o.cert, 'certificate') });
  }
  if (o.key || o.cert) {
    if (!o.key || !o.cert) throw new UsageError(`Cannot sign with ${o.key ? '--key' : '--cert'} alone: give both --key and --cert.`, { code: 'NEED_KEY_AND_CERT' });
    return fileSigner({ keyPem: readText(o.key, 'private key'), certPem: readText(o.cert, 'certificate') });
  }
  const ca = await loadDevCa(o.caDir ?? defaultCaDir(env, homedir()));
  return fileSigner({ keyPem: ca.keyPem, certPem: ca.certPem });
}

/** Trust store: the built-in SDK Test entry, the dev CA (when there is one) and `--trust` files. */
export function trustStoreFrom(trust: string[], dir: string): TrustStore {
  const store = new TrustStore();
  const caCert = join(dir, 'ca.pem');
  if (existsSync(caCert)) store.addPem(readFileSync(caCert, 'utf8'));
  for (const t of trust) {
    const added = store.addPem(readText(t, 'certificate'));
    if (added.length === 0) throw new UsageError(`Cannot trust "${t}": it holds no PEM certificate. Give a PEM file with "-----BEGIN CERTIFICATE-----".`, { code: 'NO_CERTIFICATE', path: t });
  }
  return store;
}

function asCheck(v: SignatureVerdict): SignatureCheck {
  return v.ok ? { ok: true, signer: v.signer.name } : { ok: false, reason: v.reason };
}

/** `prefix`: hashing the package as it is read; the asynchronous check finishes with it when it can. */
export function checkerFor(store: TrustStore, prefix?: PrefixVerifier): SignatureChecker {
  return {
    check: (thumbprint, signed, signature) => asCheck(verifyImageSignature(store, thumbprint, signed, signature)),
    startStream: () => new StreamVerifier(),
    checkStreamed: (thumbprint, stream, signature) => asCheck(verifyImageSignatureStreamed(store, thumbprint, stream, signature)),
    checkAsync: async (thumbprint, signed, signature) => asCheck(await verifyImageSignatureAsync(store, thumbprint, signed, signature, prefix)),
  };
}

/** The local verifier a command's `--trust` and `--ca-dir` flags describe (paths relative to its folder). */
export function localChecker(ctx: CommandContext, o: { prefix?: PrefixVerifier } = {}): SignatureChecker {
  return checkerFor(trustStoreFrom(optList(ctx, 'trust').map((t) => resolve(ctx.cwd, t)), caDir(ctx.options, ctx.env)), o.prefix);
}

/** Starts hashing a package's signed bytes as `read` fills them (see `PrefixVerifier`). */
export function hashWhileReading(read: PackageRead): PrefixVerifier {
  const prefix = new PrefixVerifier(read.bytes);
  read.watch((filled) => prefix.advance(filled));
  return prefix;
}
